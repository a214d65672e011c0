import type { CampusStore } from '../campus/campusStore.ts';
import { sessionConflict, type ItemConflict } from './centralStore.ts';

export interface GatewayRef {
  site: string;
  gatewayId: string;
}

/**
 * Who the campus data says owns each of some sessions: the gateways whose halls
 * include the session's hall; null when the campus data does not know the
 * session or no gateway serves its hall (the store then falls back to the
 * first sender).
 */
export type SessionOwnership = (
  sessionIds: readonly string[],
) => Promise<ReadonlyMap<string, readonly GatewayRef[] | null>>;

/** Ownership from the campus store: the sessions' halls against the gateways' halls (read once per call). */
export function campusOwnership(campus: Pick<CampusStore, 'session' | 'gateways'>): SessionOwnership {
  return async (sessionIds) => {
    const gateways = await campus.gateways();
    const out = new Map<string, readonly GatewayRef[] | null>();
    for (const sessionId of sessionIds) {
      const session = await campus.session(sessionId);
      const owners = session
        ? gateways
            .filter((g) => g.hallIds.includes(session.hallId))
            .map((g) => ({ site: g.site, gatewayId: g.gatewayId }))
        : [];
      out.set(sessionId, owners.length > 0 ? owners : null);
    }
    return out;
  };
}

export interface OwnershipVerdict {
  /** Sessions the campus data assigns to the sender (it owns them even if another gateway sent first). */
  owned: string[];
  /** Records (by index) of sessions the campus data assigns to other gateways. */
  refused: ItemConflict[];
}

/** Checks each record's session against the campus data; sessions it does not know are left to the store. */
export async function judgeOwnership(
  sender: GatewayRef,
  records: readonly { sessionId: string }[],
  ownership: SessionOwnership,
): Promise<OwnershipVerdict> {
  const verdict: OwnershipVerdict = { owned: [], refused: [] };
  const known = await ownership([...new Set(records.map((r) => r.sessionId))]);
  for (const [index, r] of records.entries()) {
    const owners = known.get(r.sessionId);
    if (!owners) continue;
    if (owners.some((o) => o.site === sender.site && o.gatewayId === sender.gatewayId)) {
      if (!verdict.owned.includes(r.sessionId)) verdict.owned.push(r.sessionId);
      continue;
    }
    const first = owners[0]!;
    verdict.refused.push({
      kind: 'record',
      index,
      reason: sessionConflict(r.sessionId, first.site, first.gatewayId),
    });
  }
  return verdict;
}
