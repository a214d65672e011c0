import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AttendanceStatus } from '../../rules/types.ts';
import { EmbeddedBroker } from '../../sync/embeddedBroker.ts';
import { startAggregator } from '../../sync/aggregator/startAggregator.ts';
import { ManualClock, systemClock } from '../../kernel/clock.ts';
import { SiteTime } from '../../kernel/siteTime.ts';
import { newToken } from '../../sync/api/auth.ts';
import { serveCentral, type CentralServices } from '../../sync/api/serveCentral.ts';
import { seedCampusStore } from '../../sync/campus/campusFromSimulation.ts';
import { validateConfig } from '../config/loadConfig.ts';
import type { Config } from '../config/schema.ts';
import { GatewayCore } from '../gatewayCore.ts';
import { simulatedHealth } from '../simulate/simulatedHealth.ts';
import { syncServices } from '../syncServices.ts';
import { createLogger } from '../../kernel/log.ts';
import type { IngestResult } from '../pipeline/ingestPipeline.ts';
import { generateCampus, seedStore } from '../simulate/campus.ts';
import { SimulatedHall } from '../simulate/simulatedHall.ts';
import { planSwipes, type PlannedSwipe } from '../simulate/swipePlan.ts';
import type { Command } from './command.ts';
import { parse, table, untilSignal } from './options.ts';

const STATUS_ORDER: AttendanceStatus[] = [
  'present',
  'late',
  'early_exit',
  'partial',
  'absent',
  'review',
  'unauthorized',
  'pending',
];

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run a complete simulated hall on embedded defaults and print what happens',
  usage: `hallgate demo [--duration SECONDS] [--students N] [--seed S] [--quiet] [--keep DIR]
                    [--http-port P] [--serve]
Simulates one lecture day in one hall (four lectures, back to back) squeezed into
--duration seconds of wall time (default 30): every swipe goes through validation,
the local SQLite store and the rule engine, and is printed with its classification.
The gateway syncs over MQTT through an embedded broker (aedes, loopback) to an
embedded aggregator with a central SQLite store (--no-sync: gateway only).
Stops after --duration or on Ctrl-C, then prints a summary table per lecture.
The central HTTP API is served on 127.0.0.1:--http-port (default 8080) with a
one-time admin token, printed as http://127.0.0.1:P/#token=...; --serve keeps
serving after the simulated day until Ctrl-C.`,
  async run(argv) {
    const { values } = parse(argv, {
      duration: { type: 'string', default: '30' },
      students: { type: 'string', default: '120' },
      seed: { type: 'string', default: '7' },
      quiet: { type: 'boolean' },
      keep: { type: 'string' },
      'no-sync': { type: 'boolean' },
      'http-port': { type: 'string', default: '8080' },
      serve: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    const duration = Number(values.duration);
    const students = Number(values.students);
    const httpPort = Number(values['http-port']);
    if (
      !(duration > 0) ||
      !(students > 0) ||
      !Number.isInteger(httpPort) ||
      httpPort < 0 ||
      httpPort > 65535
    ) {
      console.error(this.usage);
      return 2;
    }
    const dir = values.keep ?? mkdtempSync(join(tmpdir(), 'hallgate-demo-'));
    // Embedded defaults; of the environment only the site's time zone applies (a hall's local day).
    const zone = process.env.HALLGATE_SITE__TIME_ZONE;
    const cfg = validateConfig(
      {
        store: { path: join(dir, 'hallgate.db') },
        log: { level: 'warn' },
        mqtt: { enabled: !values['no-sync'], lingerMs: 100, heartbeatSec: 5 },
        aggregator: { store: 'sqlite', sqlitePath: join(dir, 'central.db') },
        ...(zone !== undefined ? { site: { timeZone: zone } } : {}),
      },
      'demo settings',
    );
    const site = new SiteTime(cfg.site.timeZone);
    const day = site.dayOf(Date.now());
    const campus = generateCampus({
      students,
      halls: 1,
      courses: 4,
      coursesPerStudent: 2,
      day,
      timeZone: site.zone,
      seed: Number(values.seed),
    });
    const plan = planSwipes(campus, {
      seed: Number(values.seed),
      graceSec: cfg.thresholds.graceSec,
      absentAfterSec: cfg.thresholds.absentAfterSec,
      earlyExitSec: cfg.thresholds.earlyExitSec,
    });
    const first = Math.min(plan[0]?.ts ?? 0, ...campus.sessions.map((s) => s.start)) - 5 * 60_000;
    const last = Math.max(...campus.sessions.map((s) => s.end)) + 10 * 60_000;
    const clock = new ManualClock(first);
    const log = createLogger({ level: 'warn' });
    const core = new GatewayCore(cfg, clock, log);
    seedStore(core.store, campus, clock.now());
    core.rebuildBloom();

    // The central side, embedded: broker on a loopback port, aggregator with a SQLite store.
    const broker = cfg.mqtt.enabled ? new EmbeddedBroker({ port: 0 }, log) : null;
    let central: Awaited<ReturnType<typeof startAggregator>> | null = null;
    let served: CentralServices | null = null;
    const sync: { name: string; stop(): Promise<void> }[] = [];
    if (broker) {
      await broker.start();
      cfg.mqtt.url = broker.url;
      central = await startAggregator(cfg, { log, clock: systemClock });
      served = await serveDemoApi(cfg, central, campus, httpPort, log);
      for (const s of syncServices(cfg, core, () => simulatedHealth(clock.now()), log, systemClock)) {
        await s.start();
        sync.push(s);
      }
    }

    console.log(
      `hallgate demo: ${campus.students.length} students, ${campus.sessions.length} lectures in ${campus.halls.join(', ')} on ${day}; store ${cfg.store.path}`,
    );
    console.log(
      `simulated ${site.clockOf(first)}-${site.clockOf(last)} ${site.zone} in ${duration}s of wall time\n`,
    );

    // A swipe is printed with what it changed once its student's day is decided (on the classifier thread).
    const lastSwipe = new Map<string, PlannedSwipe>();
    const print = (s: PlannedSwipe, r: IngestResult): void => {
      if (values.quiet) return;
      if (r.kind === 'invalid')
        console.log(
          `${site.clockOf(s.ts)}  ${'unknown card'.padEnd(12)} ${s.gateId.padEnd(10)} -> invalid attempt (${r.attempt.reason})`,
        );
      else if (r.kind === 'accepted' && r.event.studentId) lastSwipe.set(r.event.studentId, s);
    };
    core.pipeline.events.on('classified', ({ studentId, changed }) => {
      const s = lastSwipe.get(studentId);
      if (values.quiet || !s) return;
      lastSwipe.delete(studentId);
      const what = changed
        .map(
          (c) =>
            `${c.record.courseId} ${c.record.status}${c.record.flags.length ? ` [${c.record.flags.join(',')}]` : ''}`,
        )
        .join('; ');
      console.log(
        `${site.clockOf(s.ts)}  ${studentId.padEnd(12)} ${s.gateId.padEnd(10)} ${s.direction.padEnd(5)} -> ${what || 'no change'}`,
      );
    });
    const hall = new SimulatedHall({ pipeline: core.pipeline, clock, plan, until: last, onResult: print });
    core.pipeline.events.on('finalised', ({ sessionId, changed }) => {
      if (!values.quiet && changed.length)
        console.log(
          `${site.clockOf(clock.now())}  -- ${sessionId} ended: ${changed.length} record(s) finalised`,
        );
    });

    const summaryLine = async (): Promise<string> => {
      const st = core.pipeline.stats();
      const by = new Map<string, number>();
      for (const r of core.store.listRecords({ day })) by.set(r.status, (by.get(r.status) ?? 0) + 1);
      const statuses = STATUS_ORDER.filter((s) => by.get(s)).map((s) => `${s} ${by.get(s)}`);
      const local = `[${site.clockOf(clock.now())}] events ${st.accepted + st.invalid}, invalid ${st.invalid}, records: ${statuses.join(', ')}`;
      if (!central) return local;
      const c = await central.store.counts();
      return `${local} | central: ${c.events} events, ${c.records} records, ${c.invalid} invalid; outbox ${core.store.counts().outbox}`;
    };

    const started = performance.now();
    let stopped = false;
    const onSignal = (): void => {
      stopped = true;
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let lastSummary = started;
    while (!stopped && !hall.done) {
      await new Promise((r) => setTimeout(r, 50));
      const frac = Math.min(1, (performance.now() - started) / (duration * 1000));
      hall.step(first + frac * (last - first));
      if (performance.now() - lastSummary >= 5000) {
        console.log(await summaryLine());
        lastSummary = performance.now();
      }
    }
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    core.pipeline.settle(); // the classifier thread's last decisions written (and queued for sync)
    if (central) {
      // Let the uplink drain what is queued (bounded wait), so the central side shows it all.
      const until = performance.now() + 15_000;
      while (core.store.counts().outbox > 0 && performance.now() < until && !stopped)
        await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`\n${await summaryLine()}\n`);

    const rows = campus.sessions.map((s) => {
      const recs = core.store.listRecords({ lecture: s.sessionId });
      const count = (st: AttendanceStatus): number => recs.filter((r) => r.status === st).length;
      return [
        s.sessionId,
        `${site.clockOf(s.start).slice(0, 5)}-${site.clockOf(s.end).slice(0, 5)}`,
        core.store.enrolledStudentIds(s.courseId).length,
        ...STATUS_ORDER.map(count),
        `${core.counter.estimate(s.courseId, day)}/${core.store.exactUniqueCount(s.courseId, day)}`,
      ];
    });
    console.log(table(['lecture', 'time', 'enrolled', ...STATUS_ORDER, 'unique hll/exact'], rows));
    console.log(`\ninvalid attempts: ${core.store.listInvalid(day).length}`);
    if (central) {
      const c = await central.store.counts();
      const uniq = await Promise.all(
        campus.courses.map(
          async (co) => `${co.courseId} ${(await central.store.uniqueCount(co.courseId, day)) ?? 0}`,
        ),
      );
      console.log(
        `central store: ${c.events} events, ${c.records} records, ${c.invalid} invalid attempts, ${c.deadLetters} dead letters; unique attendees (merged HLL): ${uniq.join(', ')}`,
      );
    }
    if (values.serve && served?.api.url) {
      console.log(`serving the API at ${served.api.url} until Ctrl-C`);
      await untilSignal(log);
    }
    for (const s of sync.reverse()) await s.stop();
    await served?.stop();
    await central?.stop();
    await broker?.stop();
    await core.close();
    if (values.keep) console.log(`store kept in ${dir}: try  hallgate records --db ${cfg.store.path}`);
    else rmSync(dir, { recursive: true, force: true });
    return 0;
  },
};

/** The demo's API: the generated campus in the campus store, a one-time admin token, its console line. */
async function serveDemoApi(
  cfg: Config,
  central: Awaited<ReturnType<typeof startAggregator>>,
  campus: ReturnType<typeof generateCampus>,
  port: number,
  log: ReturnType<typeof createLogger>,
): Promise<CentralServices> {
  const { token, entry } = newToken('demo', 'admin');
  const served = await serveCentral(
    {
      mqtt: cfg.mqtt,
      site: cfg.site,
      aggregator: { ...cfg.aggregator, http: { enabled: true, host: '127.0.0.1', port } },
    },
    central,
    { log, clock: systemClock, extraTokens: [entry] },
  );
  await seedCampusStore(served.campus, campus, { site: cfg.gateway.site, gatewayId: cfg.gateway.id });
  if (served.api.url) console.log(`${served.api.url}/#token=${token}`);
  return served;
}
