// Worker thread: checkpoints the store's WAL on its own connection, so the
// fsyncs of a checkpoint never stall the event loop that ingests swipes.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { path, everyMs } = workerData;
const db = new Database(path);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
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
