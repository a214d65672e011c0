import { EventEmitter } from 'node:events';
import type {
  CentralBatch,
  CentralStore,
  DeadLetterInput,
  GatewayStatusInput,
  ItemConflict,
  WriteOutcome,
} from '../aggregator/centralStore.ts';

/** What the live stream pushes; never an embedding, an image or a raw card UID. */
export type ApiEvent =
  | {
      type: 'swipe';
      data: {
        eventId: string;
        site: string;
        gatewayId: string;
        source: 'rfid' | 'face';
        studentId: string | null;
        gateId: string;
        hallId: string;
        direction: string;
        ts: number;
        lectureId: string | null;
      };
    }
  | {
      type: 'record';
      data: {
        studentId: string;
        sessionId: string;
        courseId: string;
        status: string;
        version: number;
        manual: boolean;
      };
    }
  | { type: 'review'; data: { studentId: string; sessionId: string; courseId: string; flags: string[] } }
  | { type: 'gateway'; data: { site: string; gatewayId: string; state: 'online' | 'offline'; at: number } }
  | { type: 'invalid'; data: { site: string; gatewayId: string; gateId: string; reason: string; ts: number } }
  | { type: 'campus'; data: { change: string } };

/** The central event bus the SSE route listens to; emitting never throws into the writer. */
export class ApiBus extends EventEmitter<{ event: [ApiEvent] }> {
  constructor() {
    super();
    this.setMaxListeners(0);
  }

  publish(e: ApiEvent): void {
    try {
      this.emit('event', e);
    } catch {
      // A listener's failure is its own (the SSE route catches its writes).
    }
  }
}

export interface StoreObserver {
  /** A batch became durable after `ms` milliseconds; `outcome` names the items the store refused. */
  batch?(b: CentralBatch, ms: number, outcome: WriteOutcome): void;
  deadLetter?(dl: DeadLetterInput): void;
  status?(s: GatewayStatusInput): void;
}

/**
 * Wraps the write methods of a central store (on the instance) so every
 * durable batch, dead letter and gateway status is also reported to `obs`
 * after it was written. The store's behaviour is unchanged: a failed write
 * still rejects and is not reported.
 */
export function observeCentralStore(store: CentralStore, obs: StoreObserver): CentralStore {
  const writeBatch = store.writeBatch.bind(store);
  const writeDeadLetter = store.writeDeadLetter.bind(store);
  const writeGatewayStatus = store.writeGatewayStatus.bind(store);
  store.writeBatch = async (b) => {
    const t0 = performance.now();
    const outcome = await writeBatch(b);
    obs.batch?.(b, performance.now() - t0, outcome);
    return outcome;
  };
  store.writeDeadLetter = async (dl) => {
    await writeDeadLetter(dl);
    obs.deadLetter?.(dl);
  };
  store.writeGatewayStatus = async (s) => {
    await writeGatewayStatus(s);
    obs.status?.(s);
  };
  return store;
}

/**
 * The bus events of one durable batch, without the records the store refused
 * (`conflicts`: another gateway owns their session; they were not written,
 * they are dead-lettered and the sender quarantines them).
 */
export function eventsOfBatch(b: CentralBatch, conflicts: readonly ItemConflict[] = []): ApiEvent[] {
  const refused = new Set(conflicts.filter((c) => c.kind === 'record').map((c) => c.index));
  const out: ApiEvent[] = [];
  for (const e of b.events)
    out.push({
      type: 'swipe',
      data: {
        eventId: e.eventId,
        site: b.site,
        gatewayId: b.gatewayId,
        source: e.source,
        studentId: e.studentId,
        gateId: e.gateId,
        hallId: e.hallId,
        direction: e.direction,
        ts: e.ts,
        lectureId: e.lectureId ?? null,
      },
    });
  for (const [index, r] of b.records.entries()) {
    if (refused.has(index)) continue;
    const { studentId, sessionId, courseId, status, version, manual } = r;
    out.push({ type: 'record', data: { studentId, sessionId, courseId, status, version, manual } });
    if (status === 'review')
      out.push({ type: 'review', data: { studentId, sessionId, courseId, flags: r.flags } });
  }
  for (const i of b.invalid)
    out.push({
      type: 'invalid',
      data: { site: b.site, gatewayId: b.gatewayId, gateId: i.gateId, reason: i.reason, ts: i.ts },
    });
  return out;
}
