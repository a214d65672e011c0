import type cassandra from 'cassandra-driver';

type Exec = (q: string, params: unknown[]) => Promise<cassandra.types.ResultSet>;

export interface Owner {
  site: string;
  gatewayId: string;
}

/**
 * Who owns each session: the first gateway that sent a record of it, claimed
 * with a lightweight transaction (INSERT ... IF NOT EXISTS), so two
 * aggregators racing agree. An owner never changes, so it is cached.
 */
export class CassandraSessionOwners {
  private readonly cache = new Map<string, Owner>();

  constructor(
    private readonly ks: string,
    private readonly exec: Exec,
  ) {}

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
