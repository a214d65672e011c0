import type cassandra from 'cassandra-driver';

type Exec = (q: string, params: unknown[]) => Promise<cassandra.types.ResultSet>;

export interface Owner {
  site: string;
  gatewayId: string;
}

/**
 * Who owns each session: the first gateway that sent a record of it, claimed
 * with a lightweight transaction (INSERT ... IF NOT EXISTS), so two
 * aggregators racing agree, unless the campus data names another owner
 * (`assign`). Owners are cached.
 */
export class CassandraSessionOwners {
  private readonly cache = new Map<string, Owner>();

  constructor(
    private readonly ks: string,
    private readonly exec: Exec,
  ) {}

  /**
   * Makes a gateway the owner the campus data names (overriding the first
   * sender). Not a lightweight transaction: the campus data is the authority,
   * so racing aggregators write the same owner.
   */
  async assign(sessionId: string, site: string, gatewayId: string): Promise<void> {
    const known = this.cache.get(sessionId);
    if (known && known.site === site && known.gatewayId === gatewayId) return;
    await this.exec(`UPDATE ${this.ks}.session_owners SET site = ?, gateway_id = ? WHERE session_id = ?`, [
      site,
      gatewayId,
      sessionId,
    ]);
    this.cache.set(sessionId, { site, gatewayId });
  }

  async claim(sessionId: string, site: string, gatewayId: string): Promise<Owner> {
    const known = this.cache.get(sessionId);
    if (known) return known;
    const r = await this.exec(
      `INSERT INTO ${this.ks}.session_owners (session_id, site, gateway_id) VALUES (?, ?, ?) IF NOT EXISTS`,
      [sessionId, site, gatewayId],
    );
    const row = r.first();
    const owner: Owner =
      row?.['[applied]'] === false
        ? { site: row['site'] as string, gatewayId: row['gateway_id'] as string }
        : { site, gatewayId };
    this.cache.set(sessionId, owner);
    return owner;
  }
}
