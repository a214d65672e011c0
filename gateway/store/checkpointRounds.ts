// WAL checkpoints on a connection of a background thread, so the copying and
// fsyncs of a checkpoint stay off the event loop that ingests swipes.
//
// A PASSIVE checkpoint never blocks the writer, but under a steady stream of
// swipes the writer appends while it runs, so the WAL is never wholly copied
// when the writer starts its next transaction and never starts over from its
// head: it would grow without bound. So each round repeats PASSIVE passes
// while they still find much to copy (each pass is shorter than the one
// before), then raises a flag in shared memory. The main connection, between
// two transactions, sees the flag and checkpoints the short tail itself (see
// BackgroundCheckpointer.finishRound); the next write then starts the WAL over.
import type Database from 'better-sqlite3';

export interface CheckpointRoundsOptions {
  everyMs: number;
  /** Int32 flag set when a round left only a short tail for the main connection. */
  signal: SharedArrayBuffer;
  /** A pass that copied no more than this many frames ends the round. */
  tailFrames: number;
}
export type CheckpointReport =
  { ok: true; busy: number; log: number; checkpointed: number } | { ok: false; error: string };

/** Runs checkpoint rounds on `db` every `everyMs` until the returned function is called. */
export function startCheckpointRounds(
  db: Database.Database,
  o: CheckpointRoundsOptions,
  report: (r: CheckpointReport) => void,
): () => void {
  const tailReady = new Int32Array(o.signal);
  const passive = (): { busy: number; log: number; checkpointed: number } =>
    (db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[])[0]!;
  const timer = setInterval(() => {
    try {
      let r = passive();
      for (let pass = 1; pass < 5 && r.busy === 0; pass++) {
        const next = passive();
        // Frames this pass copied; a WAL that started over meanwhile counts from zero.
        const copied =
          next.checkpointed >= r.checkpointed ? next.checkpointed - r.checkpointed : next.checkpointed;
        r = next;
        if (copied <= o.tailFrames) break;
      }
      if (r.busy === 0 && r.log > 0) Atomics.store(tailReady, 0, 1);
      report({ ok: true, ...r });
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
