// Worker thread: checkpoints the store's WAL on its own connection, so the
// copying and fsyncs of a checkpoint stay off the event loop that ingests swipes.
//
// A PASSIVE checkpoint never blocks the writer, but under a steady stream of
// swipes the writer appends while it runs, so the WAL is never wholly copied
// when the writer starts its next transaction and never starts over from its
// head: it would grow without bound. So each round repeats PASSIVE passes
// while they still find much to copy (each pass is shorter than the one
// before), then raises a flag in shared memory. The main connection, between
// two transactions, sees the flag and checkpoints the short tail itself (see
// BackgroundCheckpointer.finishRound); the next write then starts the WAL over.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { path, everyMs, signal, tailFrames } = workerData;
const tailReady = new Int32Array(signal);
const db = new Database(path);
db.pragma('busy_timeout = 1000');
const passive = () => db.pragma('wal_checkpoint(PASSIVE)')[0];

const timer = setInterval(() => {
  try {
    let r = passive();
    for (let pass = 1; pass < 5 && r.busy === 0; pass++) {
      const next = passive();
      // Frames this pass copied; a WAL that started over meanwhile counts from zero.
      const copied =
        next.checkpointed >= r.checkpointed ? next.checkpointed - r.checkpointed : next.checkpointed;
      r = next;
      if (copied <= tailFrames) break;
    }
    if (r.busy === 0 && r.log > 0) Atomics.store(tailReady, 0, 1);
    parentPort?.postMessage({ ok: true, ...r });
  } catch (err) {
    parentPort?.postMessage({ ok: false, error: String(err) });
  }
}, everyMs);
parentPort?.on('message', (m) => {
  if (m === 'stop') {
    clearInterval(timer);
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } finally {
      db.close();
      parentPort?.close();
    }
  }
});
