import type { Logger } from 'pino';
import { classifyStudentDay, unpairedFaces } from '../../rules/index.ts';
import type {
  AttendanceRecord,
  Direction,
  IdentityEvent,
  InvalidAttempt,
  LectureSession,
  Thresholds,
} from '../../rules/types.ts';
import { utcDay, type Clock } from '../clock.ts';
import { SafeEmitter } from '../safeEmitter.ts';
import type { LocalStore, SaveOutcome } from '../store/localStore.ts';
import type { RosterBloom } from '../validation/rosterBloom.ts';
import type { UniqueCounter } from '../validation/uniqueCounter.ts';
import { cardTag, swipeEventId } from './eventId.ts';
import { lectureOf } from './lectureOf.ts';
import type { Spool } from './spool.ts';

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
  | { kind: 'accepted'; event: IdentityEvent; changed: ChangedRecord[] }
  | { kind: 'duplicate'; event: IdentityEvent }
  | { kind: 'invalid'; event: IdentityEvent; attempt: InvalidAttempt; bloomFalsePositive: boolean }
  /** The store refused the write (e.g. disk full): the input was spooled and will be replayed. */
  | { kind: 'deferred'; input: IngestInput; error: string };

export interface PipelineEvents extends Record<string, unknown> {
  accepted: { event: IdentityEvent; changed: ChangedRecord[] };
  invalid: { event: IdentityEvent; attempt: InvalidAttempt };
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
}

/**
 * parse -> validate -> persist -> classify. Every accepted event is stored
 * with its outbox row, the HLL sketches updated, and the student's day
 * reclassified by the pure rule engine; all of it in one transaction.
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
  };

  constructor(private readonly deps: PipelineDeps) {
    this.events = new SafeEmitter(deps.log);
  }

  /** The thresholds in force. */
  thresholds(): Thresholds {
    return this.deps.thresholds;
  }

  /** New thresholds (a configuration version from the site); the next classification uses them. */
  setThresholds(t: Thresholds): void {
    this.deps.thresholds = t;
  }

  /** Sets where inputs wait when the store refuses writes. */
  attachSpool(spool: Spool<IngestInput>): void {
    this.deps.spool = spool;
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
  ingestMany(inputs: IngestInput[]): IngestResult[] {
    const { store, counter, clock, spool } = this.deps;
    let results: IngestResult[];
    try {
      results = store.tx(() => {
        const out = inputs.map((i) => this.ingestOne(i));
        counter.flushIfDue(clock.now());
        return out;
      });
    } catch (err) {
      if (!spool) throw err;
      this.counters.storeErrors++;
      this.counters.spooled += inputs.length;
      counter.discardUnsaved();
      spool.put(inputs);
      this.deps.log.error(
        { err, inputs: inputs.length },
        'store refused the write; inputs spooled for replay',
      );
      return inputs.map((input) => ({ kind: 'deferred' as const, input, error: (err as Error).message }));
    }
    for (const r of results) this.announce(r);
    return results;
  }

  /** Replays spooled inputs; returns how many were replayed (0 if the store still refuses). */
  replaySpool(): number {
    const { spool, store, counter, clock } = this.deps;
    if (!spool) return 0;
    try {
      const n = spool.drain((items) => {
        const results = store.tx(() => {
          const out = items.map((i) => this.ingestOne(i));
          counter.flushIfDue(clock.now());
          return out;
        });
        for (const r of results) this.announce(r);
      });
      this.counters.replayed += n;
      if (n > 0) this.deps.log.info({ replayed: n }, 'spooled inputs replayed');
      return n;
    } catch (err) {
      counter.discardUnsaved();
      this.deps.log.warn({ err }, 'store still refuses writes; spool kept');
      return 0;
    }
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
      store.sessionsOfDay(utcDay(event.ts)),
      event.hallId,
      event.ts,
      this.deps.thresholds.sessionToleranceSec * 1000,
    );
    if (!store.insertEvent(event, now, lectureId)) {
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

    const day = utcDay(event.ts);
    const changed = this.reclassify(event.studentId, day, now);
    // A face can arrive after the badge it contradicts: students who badged at
    // this gate within the pairing window are decided again with it.
    if (event.source === 'face' && this.deps.faceFusion) {
      const w = this.deps.thresholds.pairingWindowSec * 1000;
      const badgers = new Set<string>();
      for (const e of store.hallEventsBetween(event.hallId, day, event.ts - w, event.ts + w)) {
        if (
          e.source === 'rfid' &&
          e.gateId === event.gateId &&
          e.studentId !== null &&
          e.studentId !== event.studentId
        )
          badgers.add(e.studentId);
      }
      for (const other of badgers) changed.push(...this.reclassify(other, day, now));
    }
    this.counters.accepted++;
    return { kind: 'accepted', event, changed };
  }

  /** Reclassifies one student's day and saves what changed. Call inside a transaction. */
  reclassify(studentId: string, day: string, now: number): ChangedRecord[] {
    const { store, thresholds } = this.deps;
    const events = store.eventsOfStudentDay(studentId, day);
    const sessions: LectureSession[] = store.sessionsOfDay(day);
    const input: Parameters<typeof classifyStudentDay>[0] = {
      studentId,
      sessions,
      enrolledCourseIds: store.enrolledCourseIds(studentId),
      events,
      thresholds,
      courseOverrides: store.courseOverrides(),
      now,
    };
    if (this.deps.faceFusion) input.otherFaceEvents = this.facesNearBadges(studentId, day, events);
    const { records } = classifyStudentDay(input);
    const changed: ChangedRecord[] = [];
    for (const record of records) {
      const outcome = store.saveRecord(record, now);
      if (outcome === 'inserted' || outcome === 'updated') changed.push({ record, outcome });
      // Unique attendees: everyone the engine found present in a lecture for any time.
      if (record.minutesPresent > 0) this.deps.counter.add(record.courseId, day, studentId);
    }
    this.counters.recordsChanged += changed.length;
    return changed;
  }

  /**
   * Faces of other people that no badge of their own explains, seen at the
   * gates where this student badged within the pairing window: the candidates
   * for a card/face mismatch (possible proxy attendance).
   */
  private facesNearBadges(studentId: string, day: string, events: IdentityEvent[]): IdentityEvent[] {
    const w = this.deps.thresholds.pairingWindowSec * 1000;
    const found = new Map<string, IdentityEvent>();
    for (const badge of events) {
      if (badge.source !== 'rfid') continue;
      const around = this.deps.store.hallEventsBetween(badge.hallId, day, badge.ts - 2 * w, badge.ts + 2 * w);
      for (const f of unpairedFaces(around, this.deps.thresholds.pairingWindowSec)) {
        if (f.studentId !== studentId && f.gateId === badge.gateId && Math.abs(f.ts - badge.ts) <= w)
          found.set(f.eventId, f);
      }
    }
    return [...found.values()];
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
          log.debug(
            {
              eventId: r.event.eventId,
              studentId: r.event.studentId,
              records: r.changed.map((c) => `${c.record.sessionId}:${c.record.status}`),
            },
            'event classified',
          );
        }
        this.events.emit('accepted', { event: r.event, changed: r.changed });
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
