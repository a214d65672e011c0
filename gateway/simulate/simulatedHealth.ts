import type { Health } from '../health.ts';
import { VERSION } from '../../kernel/version.ts';

/** The heartbeat's health of a simulated hall (no reader device, no camera, no disk check), at `now`. */
export function simulatedHealth(now: number): Health {
  return {
    version: VERSION,
    uptimeSec: 0,
    readers: { simulated: 'open' },
    camera: null,
    outboxDepth: 0,
    oldestUnsyncedAgeSec: null,
    diskFreeMb: null,
    spooled: 0,
    lastSweepAt: now,
    clock: { suspect: false, skewMs: null, reason: null },
    degraded: false,
  };
}
