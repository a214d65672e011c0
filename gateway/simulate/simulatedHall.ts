import type { ManualClock } from '../../kernel/clock.ts';
import type { IngestPipeline, IngestResult } from '../pipeline/ingestPipeline.ts';
import type { PlannedSwipe } from './swipePlan.ts';

export interface SimulatedHallOptions {
  pipeline: IngestPipeline;
  /** The pipeline's clock; the hall moves it along simulated time. */
  clock: ManualClock;
  plan: PlannedSwipe[];
  /** Simulated time at which to stop (e.g. after the last session ends). */
  until: number;
  /** Called with each ingested swipe and its result. */
  onResult?: (swipe: PlannedSwipe, result: IngestResult) => void;
}

/**
 * Feeds a planned day of swipes through the pipeline in simulated time:
 * step(toTime) ingests every swipe due by then (one transaction) and
 * finalises the sessions that ended, as the daemon's sweep would.
 */
export class SimulatedHall {
  private next = 0;
  private swept: number;

  constructor(private readonly o: SimulatedHallOptions) {
    this.swept = o.clock.now();
  }

  get done(): boolean {
    return this.next >= this.o.plan.length && this.o.clock.now() >= this.o.until;
  }

  /** Advances simulated time to `t` (capped at `until`); returns swipes ingested. */
  step(t: number): number {
    const { plan, pipeline, clock } = this.o;
    const target = Math.floor(Math.min(t, this.o.until)); // whole milliseconds, as every stored time
    let n = 0;
    while (this.next < plan.length && plan[this.next]!.ts <= target) {
      const batchEnd = plan[this.next]!.ts;
      const batch: PlannedSwipe[] = [];
      while (this.next < plan.length && plan[this.next]!.ts === batchEnd) batch.push(plan[this.next++]!);
      clock.set(batchEnd);
      const results = pipeline.ingestMany(
        batch.map((s) => ({
          kind: 'swipe' as const,
          uid: s.uid,
          ts: s.ts,
          gate: { gateId: s.gateId, hallId: s.hallId, direction: s.direction },
        })),
      );
      results.forEach((r, i) => this.o.onResult?.(batch[i]!, r));
      n += batch.length;
      this.sweep(batchEnd);
    }
    clock.set(Math.max(clock.now(), target));
    this.sweep(target);
    return n;
  }

  private sweep(t: number): void {
    if (t > this.swept) {
      this.o.pipeline.finaliseEnded(this.swept, t);
      this.swept = t;
    }
  }
}
