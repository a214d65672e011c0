import type { Health } from '../health.ts';

/** Whether the gateway can do its job now, and if not, why (one reason per problem). */
export interface Readiness {
  ready: boolean;
  reasons: string[];
}

/**
 * Ready: the store is open, every reader has started and is open, nothing waits
 * in the spool (the store refused writes), there is disk to spare, and the
 * clock is not suspect. Anything else is degraded.
 */
export function readiness(h: Health, opts: { storeOpen: boolean; minDiskFreeMb: number }): Readiness {
  const reasons: string[] = [];
  if (!opts.storeOpen) reasons.push('store closed');
  for (const [id, state] of Object.entries(h.readers)) {
    if (state !== 'open') reasons.push(`reader ${id} ${state}`);
  }
  if (h.spooled > 0) reasons.push(`${h.spooled} input(s) spooled: the store refuses writes`);
  if (h.diskFreeMb !== null && h.diskFreeMb < opts.minDiskFreeMb) {
    reasons.push(`disk free ${h.diskFreeMb} MB < ${opts.minDiskFreeMb} MB`);
  }
  if (h.clock.suspect) reasons.push(`clock suspect: ${h.clock.reason ?? 'unconfirmed'}`);
  if (h.storeRecovered)
    reasons.push(`store recovered from damage (old store at ${h.storeRecovered.movedTo})`);
  if (h.lastSweepAt === null) reasons.push('not started');
  return { ready: reasons.length === 0, reasons };
}
