import type { Worker } from 'node:worker_threads';

/**
 * Waits (keeping the process alive meanwhile) for a worker asked to stop to
 * exit, and terminates it if it has not within `ms`.
 */
export async function exitWithin(w: Worker, exited: Promise<void>, ms: number): Promise<void> {
  w.ref();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([exited, late]);
  clearTimeout(timer);
  await w.terminate();
}
