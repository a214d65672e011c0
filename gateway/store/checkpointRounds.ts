// WAL checkpoints on a connection of a background thread, so the copying and
// fsyncs of a checkpoint stay off the event loop that ingests swipes.
//
// A PASSIVE checkpoint never blocks the writer, but under a steady stream of
// swipes the writer appends while it runs. The WAL starts over from its head
// only when the writer begins a transaction at a moment when every frame has
// been copied; otherwise it grows without bound. So each round repeats PASSIVE
// passes while they still find much to copy (each pass is shorter than the one
// before), then keeps copying the short tail during a bounded wait for a gap
// between two of the writer's transactions: a pass that finds everything copied
// just before the writer's next transaction begins lets that transaction start
// the WAL over. Only if no gap comes and the WAL has grown past a bound does the
// round raise a flag in shared memory, and the main connection checkpoints the
// tail itself between two transactions (see BackgroundCheckpointer.finishRound).
import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';

export interface CheckpointRoundsOptions {
  everyMs: number;
  /**
   * Int32s shared with the main thread (readable without its event loop): [0] the flag a round sets
   * when it asks the main connection to copy the tail, [1] rounds run, [2] rounds after which the WAL
   * started over, [3] rounds that handed the tail over.
   */
  signal: SharedArrayBuffer;
  /** A pass that copied no more than this many frames ends the copying part of a round. */
  tailFrames: number;
  /** How long a round waits for a gap between the writer's transactions, ms. */
  gapWaitMs: number;
  /** A round that found no gap asks the main connection to copy the tail once the WAL holds this many frames. */
  fallbackFrames: number;
}
export type CheckpointReport =
  | {
      ok: true;
      busy: number;
      log: number;
      checkpointed: number;
      /** The WAL started over during the round (or was wholly copied with the writer idle). */
      startedOver: boolean;
      /** The round asked the main connection to copy the tail. */
      handedOver: boolean;
      /** PRAGMA synchronous of the round's connection (0 off, 1 normal, 2 full). */
      synchronous: number;
    }
  | { ok: false; error: string };

type Pass = { busy: number; log: number; checkpointed: number };

/** Runs checkpoint rounds on `db` every `everyMs` until the returned function is called. */
export function startCheckpointRounds(
  db: Database.Database,
  o: CheckpointRoundsOptions,
  report: (r: CheckpointReport) => void,
): () => void {
  const shared = new Int32Array(o.signal);
  const napFlag = new Int32Array(new SharedArrayBuffer(4));
  const nap = (ms: number): void => void Atomics.wait(napFlag, 0, 0, ms);
  const synchronous = db.pragma('synchronous', { simple: true }) as number;
  const passive = (): Pass => (db.pragma('wal_checkpoint(PASSIVE)') as Pass[])[0]!;

  /** Copies while passes still find much to copy. */
  const copy = (): Pass => {
    let r = passive();
    for (let pass = 1; pass < 5 && r.busy === 0; pass++) {
      const next = passive();
      // Frames this pass copied; a WAL that started over meanwhile counts from zero.
      const copied =
        next.checkpointed >= r.checkpointed ? next.checkpointed - r.checkpointed : next.checkpointed;
      r = next;
      if (copied <= o.tailFrames) break;
    }
    return r;
  };

  /** Keeps the tail copied until the writer starts the WAL over, goes idle, or the wait ends. */
  const finish = (first: Pass): { r: Pass; startedOver: boolean } => {
    const until = performance.now() + o.gapWaitMs;
    let r = first;
    for (;;) {
      const whole = r.busy === 0 && r.checkpointed === r.log;
      if (r.log === 0) return { r, startedOver: true };
      nap(whole ? 1 : 0.25);
      const next = passive();
      // Fewer frames than before: the writer began a transaction with everything copied.
      if (next.log < r.log) return { r: next, startedOver: true };
      // Everything copied and nothing written meanwhile: the writer's next transaction starts over.
      if (whole && next.log === r.log && next.checkpointed === next.log)
        return { r: next, startedOver: true };
      r = next;
      if (performance.now() >= until) return { r, startedOver: false };
    }
  };

  const timer = setInterval(() => {
    try {
      const copied = copy();
      const { r, startedOver } = copied.busy === 0 ? finish(copied) : { r: copied, startedOver: false };
      const handedOver = !startedOver && r.busy === 0 && r.log >= o.fallbackFrames;
      if (handedOver) Atomics.store(shared, 0, 1);
      Atomics.add(shared, 1, 1);
      if (startedOver) Atomics.add(shared, 2, 1);
      if (handedOver) Atomics.add(shared, 3, 1);
      report({ ok: true, ...r, startedOver, handedOver, synchronous });
    } catch (err) {
      report({ ok: false, error: String(err) });
    }
  }, o.everyMs);
  return () => {
    clearInterval(timer);
    try {
      passive();
    } catch {
      // closing anyway: the main connection checkpoints on close
    }
  };
}
