import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../gateway/config/loadConfig.ts';
import type { MqttConfig } from '../../gateway/config/schema.ts';
import { GatewayCore } from '../../gateway/gatewayCore.ts';
import { simulatedHealth } from '../../gateway/simulate/simulatedHealth.ts';
import { generateCampus, seedStore, type Campus } from '../../gateway/simulate/campus.ts';
import { SimulatedHall } from '../../gateway/simulate/simulatedHall.ts';
import { planSwipes } from '../../gateway/simulate/swipePlan.ts';
import { syncServices } from '../../gateway/syncServices.ts';
import { ManualClock, type Clock } from '../../kernel/clock.ts';
import type { Logger } from '../../kernel/log.ts';
import type { SiteTime } from '../../kernel/siteTime.ts';
import type { CampusStore } from '../campus/campusStore.ts';
import { seedCampusStore } from '../campus/campusFromSimulation.ts';

/** What an admin asks for: a simulated hall day, fed at `rate` swipes a second. */
export interface SimulationParams {
  population: number;
  /** Swipes per second of wall time (the day is squeezed to fit). */
  rate: number;
  latePct: number;
  invalidPct: number;
  earlyExitPct: number;
  seed: number;
}

export interface SimulationState {
  id: string;
  params: SimulationParams;
  state: 'starting' | 'running' | 'done' | 'stopped' | 'failed';
  startedAt: number;
  /** Swipes fed so far and planned in all. */
  fed: number;
  planned: number;
  progress: number;
  gatewayId: string;
  hallId: string;
  day: string;
  error: string | null;
}

export const SIMULATION_LIMITS = { maxRunning: 2, maxPopulation: 2000, maxKept: 20 };

interface Run {
  info: SimulationState;
  stop: () => void;
  finished: Promise<void>;
}

/** The fields of `o` that are set (the config schema takes no explicit undefined). */
function definedOf<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Renames a generated campus so a simulation never overwrites real (or another run's) ids. */
function prefixed(c: Campus, p: string): Campus {
  const hall = (h: string) => `${p}-${h}`;
  const course = (id: string) => `${p}-${id}`;
  const student = (id: string) => `${p}-${id}`;
  return {
    halls: c.halls.map(hall),
    students: c.students.map((s) => ({ ...s, studentId: student(s.studentId), name: `${s.name} (${p})` })),
    courses: c.courses.map((x) => ({ ...x, courseId: course(x.courseId) })),
    enrolments: c.enrolments.map((e) => ({ studentId: student(e.studentId), courseId: course(e.courseId) })),
    sessions: c.sessions.map((s) => ({
      ...s,
      sessionId: `${p}-${s.sessionId}`,
      courseId: course(s.courseId),
      hallId: hall(s.hallId),
    })),
  };
}

/**
 * Simulated hall days inside the aggregator process: each run is a real
 * gateway (its own SQLite store in a temp dir, pipeline and rule engine) fed
 * by a generated campus, syncing over MQTT to this site's broker, so its
 * batches reach the aggregator and the Live page like any gateway's.
 * Bounded: at most `maxRunning` at once, `maxPopulation` students each.
 */
export class SimulationService {
  private readonly runs = new Map<string, Run>();
  private next = 1;

  constructor(
    private readonly o: {
      /** The site's broker, as a gateway's mqtt settings (url, credentials, TLS files). */
      mqtt: Pick<MqttConfig, 'url' | 'username' | 'password' | 'caFile' | 'certFile' | 'keyFile'>;
      gatewaySite: string;
      site: SiteTime;
      campus: CampusStore;
      clock: Clock;
      log: Logger;
    },
  ) {}

  list(): SimulationState[] {
    return [...this.runs.values()].map((r) => ({ ...r.info }));
  }

  get(id: string): SimulationState | null {
    const r = this.runs.get(id);
    return r ? { ...r.info } : null;
  }

  running(): number {
    return [...this.runs.values()].filter((r) => r.info.state === 'starting' || r.info.state === 'running')
      .length;
  }

  /** Starts a run; null when `maxRunning` are already running. */
  start(params: SimulationParams): SimulationState | null {
    if (this.running() >= SIMULATION_LIMITS.maxRunning) return null;
    this.forgetOld();
    const id = `sim${this.next++}`;
    const info: SimulationState = {
      id,
      params,
      state: 'starting',
      startedAt: this.o.clock.now(),
      fed: 0,
      planned: 0,
      progress: 0,
      gatewayId: `${id}-gw`,
      hallId: `${id.toUpperCase()}-HALL-A`,
      day: this.o.site.dayOf(this.o.clock.now()),
      error: null,
    };
    let stopped = false;
    const finished = this.run(info, () => stopped).catch((err: Error) => {
      info.state = 'failed';
      info.error = err.message;
      this.o.log.error({ simulation: id, err }, 'simulation failed');
    });
    this.runs.set(id, { info, stop: () => (stopped = true), finished });
    return { ...info };
  }

  /** Stops a run (false: no such run). */
  async stop(id: string): Promise<boolean> {
    const r = this.runs.get(id);
    if (!r) return false;
    r.stop();
    await r.finished;
    return true;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.runs.keys()].map((id) => this.stop(id)));
  }

  private forgetOld(): void {
    // The oldest finished runs go first (a Map keeps insertion order).
    for (const [id, r] of this.runs)
      if (
        this.runs.size >= SIMULATION_LIMITS.maxKept &&
        r.info.state !== 'running' &&
        r.info.state !== 'starting'
      )
        this.runs.delete(id);
  }

  private async run(info: SimulationState, stopped: () => boolean): Promise<void> {
    const p = info.params;
    const dir = mkdtempSync(join(tmpdir(), `hallgate-${info.id}-`));
    const cfg = validateConfig(
      {
        gateway: { id: info.gatewayId, site: this.o.gatewaySite, hallId: info.hallId },
        site: { timeZone: this.o.site.zone },
        store: { path: join(dir, 'hallgate.db') },
        log: { level: 'warn' },
        mqtt: { ...definedOf(this.o.mqtt), enabled: true, lingerMs: 100, heartbeatSec: 5 },
      },
      `simulation ${info.id}`,
    );
    const campus = prefixed(
      generateCampus({
        students: p.population,
        halls: 1,
        courses: 4,
        coursesPerStudent: 2,
        day: info.day,
        timeZone: this.o.site.zone,
        seed: p.seed,
      }),
      info.id.toUpperCase(),
    );
    const plan = planSwipes(campus, {
      seed: p.seed,
      latePct: p.latePct / 100,
      invalidPct: p.invalidPct / 100,
      earlyExitPct: p.earlyExitPct / 100,
      graceSec: cfg.thresholds.graceSec,
      absentAfterSec: cfg.thresholds.absentAfterSec,
      earlyExitSec: cfg.thresholds.earlyExitSec,
    });
    info.planned = plan.length;
    const first = Math.min(plan[0]?.ts ?? 0, ...campus.sessions.map((s) => s.start)) - 5 * 60_000;
    const last = Math.max(...campus.sessions.map((s) => s.end)) + 10 * 60_000;
    const clock = new ManualClock(first);
    const core = new GatewayCore(cfg, clock, this.o.log);
    const services: { stop(): Promise<void> }[] = [];
    try {
      seedStore(core.store, campus, clock.now());
      core.rebuildBloom();
      await seedCampusStore(this.o.campus, campus, { site: this.o.gatewaySite, gatewayId: info.gatewayId });
      for (const s of syncServices(cfg, core, () => simulatedHealth(clock.now()), this.o.log, this.o.clock)) {
        await s.start();
        services.push(s);
      }
      info.state = 'running';
      const hall = new SimulatedHall({ pipeline: core.pipeline, clock, plan, until: last });
      const wallMs = Math.max(1000, (plan.length / p.rate) * 1000);
      const began = performance.now();
      while (!stopped() && !hall.done) {
        await new Promise((r) => setTimeout(r, 100));
        const frac = Math.min(1, (performance.now() - began) / wallMs);
        info.fed += hall.step(first + frac * (last - first));
        info.progress = Math.round(frac * 1000) / 1000;
      }
      core.pipeline.settle();
      const drainUntil = performance.now() + 15_000;
      while (core.store.counts().outbox > 0 && performance.now() < drainUntil && !stopped())
        await new Promise((r) => setTimeout(r, 100));
      info.state = stopped() ? 'stopped' : 'done';
    } finally {
      for (const s of services.reverse()) await s.stop();
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
