import { statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ClockHealth } from './clockSanity.ts';
import type { ReaderState } from './serial/badgeReader.ts';
import type { LocalStore } from './store/localStore.ts';

export interface Health {
  version: string;
  uptimeSec: number;
  readers: Record<string, ReaderState>;
  camera: { state: string; fps: number } | null;
  outboxDepth: number;
  oldestUnsyncedAgeSec: number | null;
  diskFreeMb: number | null;
  spooled: number;
  lastSweepAt: number | null;
  /** Clock sanity (issue 12 §10). */
  clock: ClockHealth;
  /** True when something needs attention (today: a suspect clock). */
  degraded: boolean;
  /** Set when the store was found damaged at start and the daemon runs on a fresh one (see recoverStore.ts). */
  storeRecovered?: { at: number; movedTo: string } | null;
}

export function diskFreeMb(path: string): number | null {
  try {
    const s = statfsSync(dirname(resolve(path)));
    return Math.floor((s.bavail * s.bsize) / (1024 * 1024));
  } catch {
    return null;
  }
}

export function outboxHealth(store: LocalStore, now: number): { depth: number; oldestAgeSec: number | null } {
  const row = store.outboxQueue.summary();
  return {
    depth: row.depth,
    oldestAgeSec: row.oldest === null ? null : Math.max(0, Math.round((now - row.oldest) / 1000)),
  };
}
