import type { Logger } from 'pino';
import type {
  AttendanceRecord,
  Direction,
  IdentityEvent,
  InvalidAttempt,
  Thresholds,
} from '../../rules/types.ts';
import type { Clock } from '../../kernel/clock.ts';
import { SafeEmitter } from '../../kernel/safeEmitter.ts';
import { recordOfDecision, type LocalStore, type SaveOutcome } from '../store/localStore.ts';
import type { RosterBloom } from '../validation/rosterBloom.ts';
import type { UniqueCounter } from '../validation/uniqueCounter.ts';
import type { ClassifierThread, ClassifyReply, DayKey } from './classifierThread.ts';
import {
  badgersNearFace,
  decideStudentDay,
  type DayDecision,
  type DecideContext,
} from './decideStudentDay.ts';
import { cardTag, swipeEventId } from './eventId.ts';
import { lectureOf } from './lectureOf.ts';
import type { Spool } from './spool.ts';
import { StoreRefusal } from './storeRefusal.ts';

/** Where a reader or camera stands. */
export interface GateInfo {
  gateId: string;
  hallId: string;
  direction: Direction;
}

/** A badge read, as the serial reader reports it. */
export interface SwipeInput {
  kind: 'swipe';
  uid: string;
  ts: number;
  gate: GateInfo;
}
/** A face recognition (studentId null: unknown face). */
export interface FaceInput {
  kind: 'face';
  event: IdentityEvent;
}
export type IngestInput = SwipeInput | FaceInput;

export interface ChangedRecord {
  record: AttendanceRecord;
  outcome: SaveOutcome;
}
export type IngestResult =
  | { kind: 'accepted'; event: IdentityEvent }
  | { kind: 'duplicate'; event: IdentityEvent }
  | { kind: 'invalid'; event: IdentityEvent; attempt: InvalidAttempt; bloomFalsePositive: boolean }
  /** The store refused the write (e.g. disk full): the input was spooled and will be replayed. */
  | { kind: 'deferred'; input: IngestInput; error: string };

export interface PipelineEvents extends Record<string, unknown> {
  accepted: { event: IdentityEvent };
  invalid: { event: IdentityEvent; attempt: InvalidAttempt };
  /** A student's day was decided again (its transaction committed); `changed`: the records that changed, maybe none. */
  classified: { studentId: string; day: string; changed: ChangedRecord[] };
  /** Records changed by a session-end sweep. */
  finalised: { sessionId: string; changed: ChangedRecord[] };
}

export interface PipelineCounters {
  accepted: number;
  duplicates: number;
  invalid: number;
  bloomRejected: number;
  bloomFalsePositives: number;
  recordsChanged: number;
  storeErrors: number;
  spooled: number;
  replayed: number;
  /** Inputs lost because neither the store, the spool file nor the bounded memory could hold them. */
  spoolDropped: number;
  /** Students' days decided on the classifier thread. */
  decidedOnThread: number;
  /** Thread decisions the store had moved past when they arrived (decided again on the main thread). */
  decisionsRedone: number;
  /** Classifier-thread jobs that failed or went unanswered (decided on the main thread instead). */
  classifierFailures: number;
}

export interface PipelineDeps {
  store: LocalStore;
  bloom: RosterBloom;
  counter: UniqueCounter;
  thresholds: Thresholds;
  clock: Clock;
  log: Logger;
  /** Log card UIDs in clear (operator's choice); otherwise a hash tag. */
  logCardIds?: boolean;
  /** Look for card/face mismatches (only useful with a camera). */
  faceFusion?: boolean;
  /** Where inputs wait when the store refuses writes. */
  spool?: Spool<IngestInput>;
  /** Decides students' days on another thread; without it (or once it fails) they are decided in the ingest transaction. */
  classifier?: ClassifierThread;
}

/** A student's day decided, with the decisions written. */
interface Decided {
  studentId: string;
  day: string;
  applied: DayDecision['records'];
}
interface Job {
  keys: DayKey[];
  /** Every event up to this sequence number is covered once this job's decisions are applied (0: not known to be). */
  seq: number;
  /** The gateway's time when it was posted (the time its decisions are written at). */
  now: number;
  /** When it was posted (monotonic ms). */
  sentAt: number;
}

/**
 * Jobs on the classifier thread at most. Students' days touched meanwhile wait
 * (each once, however often touched) and go out with the next jobs, so a busy
 * thread (a checkpoint round, say) delays classification, not ingestion.
 */
const MAX_JOBS_IN_FLIGHT = 8;
/**
 * Students' days in one job at most. Small jobs keep each reply's writes
 * short (about 15 µs a day): the transaction that writes one delays the swipes
 * it carries by that much.
 */
const MAX_JOB_DAYS = 25;
/**
 * Replies written by one ingest transaction: while they hold fewer than this
 * many days, or fewer than twice the transaction's inputs (so decisions are
 * written faster than swipes touch days). The rest wait for the next transaction.
 */
const MIN_REPLY_DAYS = MAX_JOB_DAYS;
/** Students' days waiting at most: beyond this the ingest path waits for the thread. */
const MAX_WAITING_DAYS = 10_000;
/** How long to wait for the classifier thread before deciding its jobs on the main thread. */
const THREAD_TIMEOUT_MS = 10_000;
/** How often the classified-through mark is saved: after a crash, at most this much is decided again. */
const WATERMARK_EVERY_MS = 1000;
const WATERMARK_KEY = 'classified_seq';

const keyOf = (studentId: string, day: string): string => `${studentId}\u0000${day}`;

/** Written decisions as the records they describe (built only for listeners). */
const changedRecords = (applied: DayDecision['records']): ChangedRecord[] =>
  applied.map((r) => ({ record: recordOfDecision(r), outcome: r.outcome }));

/**
 * parse -> validate -> persist -> classify. Every accepted event is stored
 * with its outbox row and the HLL sketches updated in one transaction; the
 * student's day is then decided by the pure rule engine: in that same
 * transaction, or, with a classifier thread, on the thread from a snapshot
 * that includes the event, and written by the next transaction here (only if
 * the stored record is still the one decided against). A mark of the last
 * event classified is kept in the store, so a restart decides again whatever
 * a crash left undecided.
 */
export class IngestPipeline {
  readonly events: SafeEmitter<PipelineEvents>;
  private readonly counters: Omit<PipelineCounters, 'spoolDropped'> = {
    accepted: 0,
    duplicates: 0,
    invalid: 0,
    bloomRejected: 0,
    bloomFalsePositives: 0,
    recordsChanged: 0,
    storeErrors: 0,
    spooled: 0,
    replayed: 0,
    decidedOnThread: 0,
    decisionsRedone: 0,
    classifierFailures: 0,
  };
  /** Students' days the transaction in progress touched, for the classifier thread. */
  private readonly touched = new Map<string, DayKey>();
  /**
   * Students' days waiting for the next job: touched by committed transactions
   * while the thread was busy, or sent again (their decisions were lost with a failed transaction).
   */
  private readonly waiting = new Map<string, DayKey>();
  /** Days decided in the transaction in progress, announced once it commits. */
  private decided: Decided[] = [];
  /** Jobs on the classifier thread, by id. */
  private readonly jobs = new Map<number, Job>();
  /** The newest job holding each student's day: an older job's decision for it is superseded. */
  private readonly newestJob = new Map<string, number>();
  private nextJobId = 1;
  /** recoverUnclassified() has not completed yet (the store refused its write). */
  private recoveryPending = false;
  private classifiedSeq = 0;
  private savedSeq = 0;
  private savedAt = -Infinity;

  private clockSuspect: () => boolean = () => false;
  /** Logs the store refusing writes once per change, not per swipe. */
  private readonly refusal: StoreRefusal;

  constructor(private readonly deps: PipelineDeps) {
    this.events = new SafeEmitter(deps.log);
    this.refusal = new StoreRefusal(deps.log);
  }

  /** The thresholds in force. */
  thresholds(): Thresholds {
    return this.deps.thresholds;
  }

  /** New thresholds (a configuration version from the site); the next classification uses them. */
  setThresholds(t: Thresholds): void {
    this.deps.thresholds = t;
  }

  /** Asked for every stored event: is the wall clock suspect? (Its events are then flagged clock_suspect.) */
  setClockSuspect(suspect: () => boolean): void {
    this.clockSuspect = suspect;
  }

  /** Sets where inputs wait when the store refuses writes. */
  attachSpool(spool: Spool<IngestInput>): void {
    this.deps.spool = spool;
  }

  /** Starts deciding on the classifier thread (replies arriving while idle are written as they come). */
  attachClassifier(classifier: ClassifierThread): void {
    this.deps.classifier = classifier;
    classifier.start((reply) => this.writeReplies([reply]));
  }

  /** Jobs posted to the classifier thread and not yet written back. */
  jobsOnThread(): number {
    return this.jobs.size;
  }

  stats(): PipelineCounters {
    return { ...this.counters, spoolDropped: this.deps.spool?.droppedCount() ?? 0 };
  }

  ingest(input: IngestInput): IngestResult {
    return this.ingestMany([input])[0]!;
  }

  /**
   * Ingests several inputs in one transaction (a burst from a reader). If the
   * store refuses the write (disk full, I/O error) nothing of the batch is
   * committed: the inputs are spooled, counted and logged, and replayed later
   * by replaySpool(); the daemon keeps running.
   */
  ingestMany(inputs: IngestInput[], before?: () => void): IngestResult[] {
    const { spool, counter } = this.deps;
    this.keepUp();
    // Decisions already back from the thread are written by the same transaction as the new inputs
    // (a bounded share of them, so a burst of replies does not hold up these inputs).
    const replies = this.takeReplies(Math.max(MIN_REPLY_DAYS, 2 * inputs.length));
    let results: IngestResult[];
    try {
      results = this.inTx(replies, () => {
        before?.(); // in the same transaction (live reload removes the rows these inputs replace)
        return inputs.map((i) => this.ingestOne(i));
      });
    } catch (err) {
      if (!spool) throw err;
      this.counters.storeErrors++;
      this.counters.spooled += inputs.length;
      counter.discardUnsaved();
      spool.put(inputs);
      this.refusal.refused(err, inputs.length);
      return inputs.map((input) => ({ kind: 'deferred' as const, input, error: (err as Error).message }));
    }
    if (this.refusal.isRefusing()) this.refusal.accepted(0);
    for (const r of results) this.announce(r);
    return results;
  }

  /** Replays spooled inputs; returns how many were replayed (0 if the store still refuses). */
  replaySpool(): number {
    const { spool, counter } = this.deps;
    if (!spool) return 0;
    try {
      if (this.recoveryPending) this.recoverUnclassified();
      const n = spool.drain((items) => {
        const results = this.inTx([], () => items.map((i) => this.ingestOne(i)));
        for (const r of results) this.announce(r);
      });
      this.counters.replayed += n;
      if (n > 0) this.refusal.accepted(n);
      return n;
    } catch (err) {
      counter.discardUnsaved();
      this.refusal.refused(err, 0);
      return 0;
    }
  }

  /**
   * Writes every decision still on the classifier thread (waiting for it, at
   * most a few seconds, then deciding here what it did not answer). Afterwards
   * every stored event is classified. Call before reading records that must
   * include the latest events, and before closing.
   */
  settle(): void {
    // Bounded: a store that keeps refusing writes leaves the rest to the restart's recovery.
    for (let resent = 0; resent < 3 && (this.jobs.size > 0 || this.waiting.size > 0);) {
      if (this.jobs.size === 0) {
        resent++;
        this.writeReplies([]);
        continue;
      }
      const reply = this.deps.classifier?.running
        ? this.deps.classifier.waitForReply(THREAD_TIMEOUT_MS)
        : undefined;
      if (reply) this.writeReplies([reply, ...this.takeReplies()]);
      else this.abandonJobs();
    }
    try {
      this.deps.store.tx(() => this.saveWatermark(true));
    } catch (err) {
      this.deps.log.warn(
        { err },
        'saving the classified mark failed; a restart decides again from the last one',
      );
    }
  }

  /**
   * Decides again every student's day with events stored after the last
   * classified mark (a crash between storing events and writing their
   * decisions). Returns the number of days decided. If the store refuses the
   * write (disk full at start), the marks stay where they were and
   * replaySpool() tries again.
   */
  recoverUnclassified(): number {
    this.recoveryPending = true;
    const before = [this.classifiedSeq, this.savedSeq] as const;
    try {
      const n = this.decideUnclassified();
      this.recoveryPending = false;
      return n;
    } catch (err) {
      [this.classifiedSeq, this.savedSeq] = before;
      throw err;
    }
  }

  private decideUnclassified(): number {
    const { store } = this.deps;
    const mark = store.getMeta(WATERMARK_KEY);
    const max = store.maxEventSeq();
    // A store from before the mark existed classified every event in its own transaction.
    const from = mark === undefined ? max : Number(mark);
    this.classifiedSeq = this.savedSeq = from;
    if (from >= max) {
      if (mark === undefined) store.tx(() => store.setMeta(WATERMARK_KEY, String(max)));
      return 0;
    }
    const now = this.deps.clock.now();
    const days = new Map<string, [string, string]>();
    for (const { studentId, day } of store.studentDaysSince(from))
      days.set(keyOf(studentId, day), [studentId, day]);
    if (this.deps.faceFusion) {
      for (const face of store.faceEventsSince(from)) {
        const day = store.site.dayOf(face.ts);
        for (const other of badgersNearFace(this.context(), face, day))
          days.set(keyOf(other, day), [other, day]);
      }
    }
    store.tx(() => {
      for (const [studentId, day] of days.values()) this.decideHere(studentId, day, now);
      this.classifiedSeq = max;
      this.saveWatermark(true);
    });
    this.announceDecided();
    this.deps.log.info(
      { days: days.size, afterSeq: from, upToSeq: max },
      'unclassified events decided after restart',
    );
    return days.size;
  }

  private context(): DecideContext {
    return {
      store: this.deps.store,
      thresholds: this.deps.thresholds,
      faceFusion: this.deps.faceFusion ?? false,
    };
  }

  private get onThread(): boolean {
    return this.deps.classifier?.running === true;
  }

  /**
   * One transaction: writes thread decisions that arrived, runs `fn`, flushes
   * sketches and the classified mark; then sends the students' days `fn`
   * touched to the thread and announces what was decided.
   */
  private inTx<T>(replies: ClassifyReply[], fn: () => T): T {
    const { store, counter, clock } = this.deps;
    const mark = { classified: this.classifiedSeq, saved: this.savedSeq, at: this.savedAt };
    // The jobs these replies answer (writing a reply forgets its job; a failed transaction needs them back).
    const answered: [number, Job][] = [];
    for (const r of replies) {
      const job = this.jobs.get(r.id);
      if (job) answered.push([r.id, job]);
    }
    let out: T;
    try {
      out = store.tx(() => {
        for (const r of replies) this.writeReply(r);
        const result = fn();
        counter.flushIfDue(clock.now());
        // Without the thread every event is decided in the transaction that stores it.
        if (!this.onThread && this.jobs.size === 0 && this.waiting.size === 0)
          this.classifiedSeq = Math.max(this.classifiedSeq, store.lastEventSeq());
        this.saveWatermark(false);
        return result;
      });
    } catch (err) {
      // Nothing of it was written: the replies' students' days go to the thread again.
      this.touched.clear();
      this.decided = [];
      this.classifiedSeq = mark.classified;
      this.savedSeq = mark.saved;
      this.savedAt = mark.at;
      this.requeue(answered);
      throw err;
    }
    this.submitTouched();
    this.announceDecided();
    return out;
  }

  private ingestOne(input: IngestInput): IngestResult {
    const { store, bloom, clock } = this.deps;
    const now = clock.now();
    let event: IdentityEvent;
    let bloomFalsePositive = false;
    if (input.kind === 'swipe') {
      const { uid, ts, gate } = input;
      let studentId: string | null = null;
      if (!bloom.mightContain(uid)) {
        this.counters.bloomRejected++;
      } else {
        studentId = store.studentByCard(uid) ?? null;
        if (studentId === null) {
          bloomFalsePositive = true;
          this.counters.bloomFalsePositives++;
        }
      }
      event = {
        eventId: swipeEventId(gate.gateId, uid, ts),
        source: 'rfid',
        studentId,
        rawId: uid,
        gateId: gate.gateId,
        hallId: gate.hallId,
        direction: gate.direction,
        ts,
      };
    } else {
      event = input.event;
      if (event.studentId !== null && !store.studentExists(event.studentId))
        event = { ...event, studentId: null };
    }

    const lectureId = lectureOf(
      store.sessionsOfDay(store.site.dayOf(event.ts)),
      event.hallId,
      event.ts,
      this.deps.thresholds.sessionToleranceSec * 1000,
    );
    if (!store.insertEvent(event, now, lectureId, this.clockSuspect())) {
      this.counters.duplicates++;
      return { kind: 'duplicate', event };
    }
    if (event.studentId === null) {
      const attempt: InvalidAttempt = {
        eventId: event.eventId,
        reason: event.source === 'rfid' ? 'unknown_badge' : 'unknown_face',
        rawId: event.rawId,
        gateId: event.gateId,
        hallId: event.hallId,
        ts: event.ts,
      };
      store.insertInvalid(attempt, now);
      this.counters.invalid++;
      return { kind: 'invalid', event, attempt, bloomFalsePositive };
    }

    const day = store.site.dayOf(event.ts);
    this.classify(event.studentId, day, now);
    // A face can arrive after the badge it contradicts: students who badged at
    // this gate within the pairing window are decided again with it.
    if (event.source === 'face' && this.deps.faceFusion) {
      for (const other of badgersNearFace(this.context(), event, day)) this.classify(other, day, now);
    }
    this.counters.accepted++;
    return { kind: 'accepted', event };
  }

  /** Has a student's day decided: on the thread after this transaction, or here and now. */
  private classify(studentId: string, day: string, now: number): void {
    if (this.onThread) this.touched.set(keyOf(studentId, day), [studentId, day, now]);
    else this.decideHere(studentId, day, now);
  }

  /**
   * Decides one student's day on this thread and writes what changed; any
   * decision for it still on the thread is superseded. Call inside a transaction.
   */
  private decideHere(studentId: string, day: string, now: number): Decided {
    // This decision sees every stored event: one waiting or on the thread (perhaps made for an earlier now) is superseded.
    const key = keyOf(studentId, day);
    this.newestJob.delete(key);
    this.waiting.delete(key);
    this.touched.delete(key);
    const d = decideStudentDay(this.context(), studentId, day, now);
    for (const r of d.records)
      if (!this.deps.store.applyRecord(r, now))
        throw new Error(`record ${studentId}/${r.row[1]} changed while being decided in one transaction`);
    return this.account(d, d.records);
  }

  private account(d: DayDecision, applied: DayDecision['records']): Decided {
    for (const courseId of d.present) this.deps.counter.add(courseId, d.day, d.studentId);
    this.counters.recordsChanged += applied.length;
    const decided = { studentId: d.studentId, day: d.day, applied };
    this.decided.push(decided);
    return decided;
  }

  /** Reclassifies one student's day and saves what changed. Call inside a transaction. */
  private reclassify(studentId: string, day: string, now: number): ChangedRecord[] {
    return changedRecords(this.decideHere(studentId, day, now).applied);
  }

  // ---- the classifier thread -----------------------------------------------------------

  /** Replies that have arrived, in order, until they hold `maxDays` students' days (the rest stay queued). */
  private takeReplies(maxDays = Infinity): ClassifyReply[] {
    const out: ClassifyReply[] = [];
    for (let days = 0; days < maxDays;) {
      const r = this.deps.classifier?.take();
      if (!r) break;
      out.push(r);
      days += 'decisions' in r ? r.decisions.length : MAX_JOB_DAYS;
    }
    return out;
  }

  /**
   * Before a transaction: decides here what a dead or silent thread holds, and
   * waits while too many students' days wait for it (that bounds how far
   * classification may lag behind ingestion).
   */
  private keepUp(): void {
    if (this.jobs.size === 0) return;
    const oldest = this.jobs.values().next().value!;
    if (!this.onThread || performance.now() - oldest.sentAt > THREAD_TIMEOUT_MS) return this.abandonJobs();
    while (this.waiting.size >= MAX_WAITING_DAYS && this.jobs.size > 0) {
      const reply = this.deps.classifier!.waitForReply(THREAD_TIMEOUT_MS);
      if (!reply) return this.abandonJobs();
      this.writeReplies([reply, ...this.takeReplies()]);
    }
  }

  /** Writes replies in a transaction of their own (idle time, settle). */
  private writeReplies(replies: ClassifyReply[]): void {
    try {
      this.inTx(replies, () => undefined);
    } catch (err) {
      this.deps.log.error({ err }, 'writing classifier decisions failed; students sent again');
    }
  }

  /** Writes one reply's decisions that nothing superseded. Call inside a transaction. */
  private writeReply(reply: ClassifyReply): void {
    const job = this.jobs.get(reply.id);
    if (!job) return; // abandoned: decided here already
    this.jobs.delete(reply.id);
    if ('error' in reply) {
      this.counters.classifierFailures++;
      this.deps.log.error(
        { error: reply.error, students: job.keys.length },
        'classifier job failed; deciding here',
      );
      this.decideJobHere(reply.id, job);
    } else {
      for (const d of reply.decisions) {
        const key = keyOf(d.studentId, d.day);
        if (this.newestJob.get(key) !== reply.id) continue; // a newer job or a decision here covers it
        this.newestJob.delete(key);
        this.counters.decidedOnThread++;
        const applied: DayDecision['records'] = [];
        let stale = false;
        for (const r of d.records) {
          if (this.deps.store.applyRecord(r, job.now)) applied.push(r);
          else stale = true;
        }
        if (stale) {
          // The record moved on since the thread's snapshot (a reviewer, another process): decide it again here.
          this.counters.decisionsRedone++;
          this.account({ ...d, present: [] }, applied);
          this.decideHere(d.studentId, d.day, this.deps.clock.now());
        } else this.account(d, applied);
      }
    }
    if (this.jobs.size === 0 || Math.min(...this.jobs.keys()) > reply.id)
      this.classifiedSeq = Math.max(this.classifiedSeq, job.seq);
  }

  /**
   * After a commit: the students' days it touched join those waiting, and,
   * while the thread has room, the waiting ones go out as jobs.
   */
  private submitTouched(): void {
    for (const [k, v] of this.touched) this.waiting.set(k, v);
    this.touched.clear();
    while (this.waiting.size > 0 && this.submitJob());
  }

  /** Sends the next waiting students' days as a job; false when the thread has no room for one (or died). */
  private submitJob(): boolean {
    if (this.onThread) {
      if (this.jobs.size >= MAX_JOBS_IN_FLIGHT) return false;
      // A checkpoint round waits to finish: the thread's snapshots would keep the WAL from starting over.
      if (this.jobs.size > 0 && this.deps.classifier!.holding) return false;
    }
    const id = this.nextJobId++;
    const now = this.deps.clock.now();
    const keys: DayKey[] = [];
    // Without a thread (it died) they are all decided here at once.
    const most = this.onThread ? MAX_JOB_DAYS : Infinity;
    for (const [k, v] of this.waiting) {
      if (keys.length === most) break;
      keys.push(v);
      this.waiting.delete(k);
      this.newestJob.set(k, id);
    }
    // Only a job that empties the waiting set covers every event stored so far.
    const seq = this.waiting.size === 0 ? this.deps.store.lastEventSeq() : 0;
    this.jobs.set(id, { keys, seq, now, sentAt: performance.now() });
    const classifier = this.deps.classifier;
    // The thread died between the transaction and now: the job is decided here.
    if (!classifier?.running) {
      this.abandonJobs();
      return false;
    }
    classifier.submit({
      id,
      thresholds: this.deps.thresholds,
      faceFusion: this.deps.faceFusion ?? false,
      epoch: this.deps.store.cachesEpoch(),
      keys,
    });
    return true;
  }

  /**
   * Replies lost with a failed transaction: their students' days go out again,
   * unless a newer job holds them. (A day no job holds was written by the
   * failed transaction, or decided here, perhaps by it too: sent again either way.)
   */
  private requeue(jobs: [id: number, job: Job][]): void {
    for (const [id, job] of jobs) {
      this.jobs.delete(id);
      for (const k of job.keys) {
        const key = keyOf(k[0], k[1]);
        const holder = this.newestJob.get(key);
        if (holder !== undefined && holder !== id) continue;
        this.newestJob.delete(key);
        if (!this.waiting.has(key)) this.waiting.set(key, k);
      }
    }
  }

  /** The thread failed, died or did not answer in time: decides here what its jobs held. */
  private abandonJobs(): void {
    const jobs = [...this.jobs.entries()];
    this.jobs.clear();
    this.counters.classifierFailures += jobs.length;
    this.deps.log.error(
      { jobs: jobs.length },
      'classifier thread failed or did not answer; deciding its students here',
    );
    try {
      this.deps.store.tx(() => {
        for (const [id, job] of jobs) this.decideJobHere(id, job);
        this.classifiedSeq = Math.max(this.classifiedSeq, ...jobs.map(([, j]) => j.seq));
      });
    } catch (err) {
      this.decided = [];
      this.deps.log.error({ err }, 'deciding abandoned classifier jobs failed; a restart decides them');
    }
    this.announceDecided();
  }

  /** Decides here every day of job `id` that no newer job holds. Call inside a transaction. */
  private decideJobHere(id: number, job: Job): void {
    for (const [studentId, day, now] of job.keys)
      if (this.newestJob.get(keyOf(studentId, day)) === id) this.decideHere(studentId, day, now);
  }

  /** Saves the classified mark if it moved and is due (or `force`). Call inside a transaction. */
  private saveWatermark(force: boolean): void {
    const now = this.deps.clock.now();
    if (this.classifiedSeq === this.savedSeq || (!force && now - this.savedAt < WATERMARK_EVERY_MS)) return;
    this.deps.store.setMeta(WATERMARK_KEY, String(this.classifiedSeq));
    this.savedSeq = this.classifiedSeq;
    this.savedAt = now;
  }

  /** Announces the days decided by the transaction that just committed. */
  private announceDecided(): void {
    const decided = this.decided;
    this.decided = [];
    const log = this.deps.log;
    if (log.isLevelEnabled('debug')) {
      for (const d of decided)
        if (d.applied.length > 0)
          log.debug(
            { studentId: d.studentId, day: d.day, records: d.applied.map((r) => `${r.row[1]}:${r.row[6]}`) },
            'student day classified',
          );
    }
    if (!this.events.has('classified')) return;
    for (const d of decided) {
      this.events.emit('classified', {
        studentId: d.studentId,
        day: d.day,
        changed: changedRecords(d.applied),
      });
    }
  }

  /**
   * Decides one student's day again (a central decision was withdrawn): the
   * engine's records replace what the decision left. Joins the caller's transaction.
   */
  redecide(studentId: string, day: string, now: number): ChangedRecord[] {
    const changed = this.deps.store.tx(() => this.reclassify(studentId, day, now));
    this.announceDecided();
    return changed;
  }

  /**
   * Decides every session that ended in (since, until]: absent and missing-exit
   * can only be decided then. Returns the number of records changed.
   */
  finaliseEnded(since: number, until: number): number {
    const { store } = this.deps;
    let total = 0;
    for (const s of store.sessionsEndedBetween(since, until)) {
      const changed = store.tx(() =>
        store.enrolledStudentIds(s.courseId).flatMap((studentId) => this.reclassify(studentId, s.day, until)),
      );
      this.announceDecided();
      total += changed.length;
      this.events.emit('finalised', { sessionId: s.sessionId, changed });
    }
    return total;
  }

  private announce(r: IngestResult): void {
    const log = this.deps.log;
    switch (r.kind) {
      case 'accepted':
        if (log.isLevelEnabled('debug')) {
          log.debug({ eventId: r.event.eventId, studentId: r.event.studentId }, 'event accepted');
        }
        this.events.emit('accepted', { event: r.event });
        return;
      case 'invalid':
        log.info(
          {
            eventId: r.event.eventId,
            reason: r.attempt.reason,
            gateId: r.event.gateId,
            card: this.deps.logCardIds ? r.event.rawId : cardTag(r.event.rawId),
            bloomFalsePositive: r.bloomFalsePositive,
          },
          'invalid attempt',
        );
        this.events.emit('invalid', { event: r.event, attempt: r.attempt });
        return;
      case 'duplicate':
        log.debug({ eventId: r.event.eventId }, 'duplicate event ignored');
        return;
      case 'deferred':
        return;
    }
  }
}
