// The classifier thread: decides students' days on its own read connection to
// the store while the main thread goes on ingesting. It never writes; the main
// thread applies what it decided (see ClassifierThread).
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { LocalStore } from '../store/localStore.ts';
import type { ClassifyJob, ClassifyReply, ClassifierWorkerData } from './classifierThread.ts';
import { decideStudentDay } from './decideStudentDay.ts';

const data = workerData as ClassifierWorkerData;
const port: MessagePort = data.port;
const done = new Int32Array(data.done);
const store = LocalStore.open(data.path, Date.now(), { synchronous: data.synchronous });
store.maintenance.setCacheMb(data.cacheMb);
let epoch = -1;
// Checkpoint rounds run on the same connection, between jobs.
const stopCheckpoints = data.checkpoints
  ? store.maintenance.startCheckpointRounds(data.checkpoints, (r) => parentPort?.postMessage(r))
  : undefined;

port.on('message', (job: ClassifyJob | 'stop') => {
  if (job === 'stop') {
    stopCheckpoints?.();
    store.close();
    port.close();
    return;
  }
  let reply: ClassifyReply;
  try {
    if (job.epoch !== epoch) {
      store.clearCaches();
      epoch = job.epoch;
    }
    const ctx = { store, thresholds: job.thresholds, faceFusion: job.faceFusion };
    // One read transaction: every student of the job is decided from the same snapshot.
    const decisions = store.maintenance.readSnapshot(() =>
      job.keys.map(([studentId, day, now]) => decideStudentDay(ctx, studentId, day, now)),
    );
    reply = { id: job.id, decisions };
  } catch (err) {
    reply = { id: job.id, error: String((err as Error).stack ?? err) };
  }
  port.postMessage(reply);
  Atomics.add(done, 0, 1);
  Atomics.notify(done, 0);
});
