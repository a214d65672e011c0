import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Logger } from 'pino';
import { exitWithin } from '../workerExit.ts';
import type { Thresholds } from '../../rules/types.ts';
import type { BackgroundCheckpointer } from '../store/backgroundCheckpointer.ts';
import type { CheckpointReport, CheckpointRoundsOptions } from '../store/checkpointRounds.ts';
import type { StoreSynchronous } from '../store/localStore.ts';
import type { DayDecision } from './decideStudentDay.ts';

/** A student's day to decide as of `now` (when it was last touched: the decision it would have had in the ingest transaction). */
export type DayKey = [studentId: string, day: string, now: number];

/** Students' days to decide, from a snapshot taken when the worker starts the job. */
export interface ClassifyJob {
  id: number;
  thresholds: Thresholds;
  faceFusion: boolean;
  /** The main connection's cache epoch: the worker drops its cached timetable when it changed. */
  epoch: number;
  keys: DayKey[];
}
export type ClassifyReply = { id: number; decisions: DayDecision[] } | { id: number; error: string };

export interface ClassifierWorkerData {
  main: string;
  path: string;
  cacheMb: number;
  port: MessagePort;
  /** Int32 count of replies posted (the main thread waits on it when too many jobs are in flight). */
  done: SharedArrayBuffer;
  /** WAL checkpoint rounds to run between jobs (one background thread instead of two). */
  checkpoints?: CheckpointRoundsOptions;
  /** PRAGMA synchronous of the thread's connection (it checkpoints: the same durability as the writer's). */
  synchronous: StoreSynchronous;
}

/**
 * The main thread's side of the classifier thread: posts jobs, and hands back
 * replies in order, either as they arrive (the event loop calls `onReply`) or
 * synchronously (`take`, `waitForReply`), so a caller that never yields, or
 * that must finish before closing, still gets them. Given a checkpointer, the
 * thread also runs its WAL checkpoint rounds.
 */
export class ClassifierThread {
  private worker: Worker | undefined;
  private port: MessagePort | undefined;
  private readonly done = new Int32Array(new SharedArrayBuffer(4));
  private alive = false;

  constructor(
    private readonly path: string,
    private readonly cacheMb: number,
    private readonly log: Logger,
    private readonly checkpointer?: BackgroundCheckpointer,
    private readonly synchronous: StoreSynchronous = 'full',
  ) {}

  /** Starts the worker; `onReply` receives every reply not taken synchronously, in order. */
  start(onReply: (r: ClassifyReply) => void): void {
    const { port1, port2 } = new MessageChannel();
    const data: ClassifierWorkerData = {
      main: 'pipeline/classifierWorkerMain',
      path: this.path,
      cacheMb: this.cacheMb,
      port: port2,
      done: this.done.buffer,
      synchronous: this.synchronous,
    };
    if (this.checkpointer) data.checkpoints = this.checkpointer.rounds();
    const worker = new Worker(new URL('../workerEntry.mjs', import.meta.url), {
      workerData: data,
      transferList: [port2],
    });
    worker.unref();
    worker.on('message', (r: CheckpointReport) => this.checkpointer?.report(r));
    worker.on('error', (err) => {
      this.alive = false;
      this.log.error({ err }, 'classifier thread died; classifying on the main thread');
      // Its checkpoint rounds move to a thread of their own.
      this.checkpointer?.start();
    });
    worker.on('exit', () => {
      this.alive = false;
    });
    port1.on('message', onReply);
    port1.unref();
    this.worker = worker;
    this.port = port1;
    this.alive = true;
  }

  /**
   * True while a checkpoint round waits for its tail to be copied: new jobs
   * should wait for those in flight, since the WAL can only start over at a
   * moment when the thread holds no snapshot.
   */
  get holding(): boolean {
    return this.checkpointer?.tailPending() ?? false;
  }

  /** False once the worker died (or before start): callers classify on their own thread. */
  get running(): boolean {
    return this.alive;
  }

  /** Replies the thread has posted since it started, taken or not. */
  posted(): number {
    return Atomics.load(this.done, 0);
  }

  submit(job: ClassifyJob): void {
    this.port!.postMessage(job);
  }

  /** The next reply if one has arrived, without waiting for the event loop. */
  take(): ClassifyReply | undefined {
    if (!this.port) return undefined;
    const m = receiveMessageOnPort(this.port);
    return m?.message as ClassifyReply | undefined;
  }

  /** Blocks (at most `timeoutMs`) until a reply is available; returns it, or undefined on timeout. */
  waitForReply(timeoutMs: number): ClassifyReply | undefined {
    const until = performance.now() + timeoutMs;
    for (;;) {
      const seen = Atomics.load(this.done, 0);
      const r = this.take();
      if (r || !this.alive) return r;
      const left = Math.ceil(until - performance.now());
      if (left <= 0) return undefined;
      Atomics.wait(this.done, 0, seen, left);
    }
  }

  async stop(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.worker = undefined;
    this.alive = false;
    this.port?.postMessage('stop');
    await exitWithin(w, 2000);
    this.port?.close();
  }
}
