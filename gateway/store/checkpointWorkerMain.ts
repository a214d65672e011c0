// The checkpoint thread (when no classifier thread runs them): checkpoint
// rounds on a connection of its own (see checkpointRounds.ts).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { startCheckpointRounds, type CheckpointRoundsOptions } from './checkpointRounds.ts';
import type { StoreSynchronous } from './storeConnection.ts';

const data = workerData as CheckpointRoundsOptions & { path: string; synchronous: StoreSynchronous };
const db = new Database(data.path);
db.pragma('busy_timeout = 1000');
db.pragma(`synchronous = ${data.synchronous}`);
const stop = startCheckpointRounds(db, data, (r) => parentPort?.postMessage(r));
parentPort?.on('message', (m) => {
  if (m === 'stop') {
    stop();
    db.close();
    parentPort?.close();
  }
});
