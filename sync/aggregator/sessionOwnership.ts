import type { CampusStore } from '../campus/campusStore.ts';
import { sessionConflict, type ItemConflict } from './centralStore.ts';

export interface GatewayRef {
  site: string;
  gatewayId: string;
}

/**
 * Who the campus data says owns a session: the gateways whose halls include
 * the session's hall; null when the campus data does not know the session or
 * no gateway serves its hall (the store then falls back to the first sender).
 */
export type SessionOwnership = (sessionId: string) => Promise<readonly GatewayRef[] | null>;

/** Ownership from the campus store: the session's hall against the gateways' halls. */
export function campusOwnership(campus: Pick<CampusStore, 'session' | 'gateways'>): SessionOwnership {
  return async (sessionId) => {
    const session = await campus.session(sessionId);
    if (!session) return null;
    const owners = (await campus.gateways())
      .filter((g) => g.hallIds.includes(session.hallId))
      .map((g) => ({ site: g.site, gatewayId: g.gatewayId }));
    return owners.length > 0 ? owners : null;
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
  const known = new Map<string, readonly GatewayRef[] | null>();
  for (const [index, r] of records.entries()) {
    if (!known.has(r.sessionId)) known.set(r.sessionId, await ownership(r.sessionId));
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
