import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../kernel/clock.ts';
import { GatewayCore } from '../gatewayCore.ts';
import { SiteTime } from '../../kernel/siteTime.ts';
import { createLogger } from '../../kernel/log.ts';
import { campusCsv, generateCampus, seedStore, type CampusOptions } from '../simulate/campus.ts';
import { protocolNames } from '../serial/readerProtocols.ts';
import { feedSerial } from '../simulate/serialFeeder.ts';
import { SimulatedHall } from '../simulate/simulatedHall.ts';
import { planSwipes, type BehaviourOptions } from '../simulate/swipePlan.ts';
import type { Command } from './command.ts';
import { choiceOption, dayOption, numberOption, percentOption } from './optionChecks.ts';
import { configFrom, parse, table } from './options.ts';

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'generate a campus and a day of swipes: into a serial device, into a store, or as CSV files',
  usage: `hallgate simulate [campus and behaviour options] [output]
campus:    --students N (200) --halls H (1) --courses C (4) --courses-per-student K (2) --day YYYY-MM-DD (today)
           (days and lecture times, from 09:00, are local to site.timeZone)
           --live: first lecture starts now (implied by --device), so a running daemon sees swipes in it
behaviour: --late-pct P (15) --absent-pct P (5) --early-exit-pct P (5) --break-pct P (5)
           --invalid-pct P (2) --unauthorized-pct P (1) --seed S (1)
output (one of):
  --device PATH [--protocol ${protocolNames.join('|')}] [--baud 9600] [--rate EVENTS_PER_S (20)]
        write real reader frames to a serial device (e.g. a socat pty the daemon reads);
        with --db PATH also seed that store with the campus so the daemon knows the cards
  --seed-store     only write the campus (roster, enrolments, timetable) into the store and exit
  --export DIR     write roster.csv, enrolments.csv, timetable.csv for 'hallgate import'
  (default)        run the day in process through the pipeline into --db/--config's store,
                   at --rate events/s (0 = as fast as possible), and print a summary`,
  async run(argv) {
    const { values } = parse(argv, {
      config: { type: 'string', short: 'c' },
      db: { type: 'string' },
      students: { type: 'string', default: '200' },
      halls: { type: 'string', default: '1' },
      courses: { type: 'string', default: '4' },
      'courses-per-student': { type: 'string', default: '2' },
      day: { type: 'string' },
      'late-pct': { type: 'string', default: '15' },
      'absent-pct': { type: 'string', default: '5' },
      'early-exit-pct': { type: 'string', default: '5' },
      'break-pct': { type: 'string', default: '5' },
      'invalid-pct': { type: 'string', default: '2' },
      'unauthorized-pct': { type: 'string', default: '1' },
      seed: { type: 'string', default: '1' },
      device: { type: 'string' },
      protocol: { type: 'string', default: protocolNames[0] },
      baud: { type: 'string', default: '9600' },
      rate: { type: 'string' },
      export: { type: 'string' },
      live: { type: 'boolean' },
      'seed-store': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    const num = (k: keyof typeof values, max = 1e9, min = 0): number =>
      numberOption(`--${k}`, String(values[k]), { min, max, integer: k !== 'rate' });
    const pct = (k: keyof typeof values): number => percentOption(`--${k}`, String(values[k]));
    const seed = num('seed', Number.MAX_SAFE_INTEGER);
    const protocol = choiceOption('--protocol', values.protocol, protocolNames)!;
    const behaviourPct = {
      latePct: pct('late-pct'),
      absentPct: pct('absent-pct'),
      earlyExitPct: pct('early-exit-pct'),
      breakPct: pct('break-pct'),
      invalidPct: pct('invalid-pct'),
      unauthorizedPct: pct('unauthorized-pct'),
    };
    const cfg = configFrom(values);
    const site = new SiteTime(cfg.site.timeZone);
    const day = dayOption('--day', values.day) ?? site.dayOf(Date.now());
    const campusOpts: Partial<CampusOptions> = {
      students: num('students', 1e6, 1),
      halls: num('halls', 1000, 1),
      courses: num('courses', 1000, 1),
      coursesPerStudent: num('courses-per-student', 1000, 1),
      day,
      timeZone: site.zone,
      seed,
    };
    if ((values.device || values.live) && !values.day) {
      // Live feeding: put the first lecture at the current time so swipes land in it.
      campusOpts.firstLectureMin = site.minutesOf(Date.now()) - 2;
    }
    const campus = generateCampus(campusOpts);
    const behaviour: Partial<BehaviourOptions> = {
      ...behaviourPct,
      graceSec: cfg.thresholds.graceSec,
      absentAfterSec: cfg.thresholds.absentAfterSec,
      earlyExitSec: cfg.thresholds.earlyExitSec,
      seed,
    };
    const plan = planSwipes(campus, behaviour);

    if (values['seed-store']) {
      const core = new GatewayCore(cfg, new ManualClock(Date.now()), createLogger({ level: 'warn' }));
      seedStore(core.store, campus, Date.now());
      await core.close();
      console.log(
        `seeded ${cfg.store.path} with ${campus.students.length} students, ${campus.enrolments.length} enrolments and ${campus.sessions.length} lectures`,
      );
      return 0;
    }

    if (values.export) {
      mkdirSync(values.export, { recursive: true });
      const csv = campusCsv(campus);
      for (const [name, text] of Object.entries(csv)) writeFileSync(join(values.export, `${name}.csv`), text);
      writeFileSync(
        join(values.export, 'swipes.csv'),
        [
          'ts,uid,gate_id,direction',
          ...plan.map((s) => `${new Date(s.ts).toISOString()},${s.uid},${s.gateId},${s.direction}`),
        ].join('\n') + '\n',
      );
      console.log(
        `wrote roster.csv, enrolments.csv, timetable.csv, swipes.csv (${plan.length} swipes) to ${values.export}`,
      );
      return 0;
    }

    if (values.device) {
      if (values.db) {
        const log = createLogger({ level: 'warn' });
        const core = new GatewayCore(cfg, new ManualClock(Date.now()), log);
        seedStore(core.store, campus, Date.now());
        await core.close();
        console.log(
          `seeded ${cfg.store.path} with ${campus.students.length} students and ${campus.sessions.length} lectures`,
        );
      }
      let stop = false;
      process.once('SIGINT', () => (stop = true));
      const rate = values.rate === undefined ? 20 : num('rate');
      const n = await feedSerial(plan, {
        path: values.device,
        baudRate: num('baud', 4_000_000, 1),
        protocol,
        rate,
        shouldStop: () => stop,
      });
      console.log(`wrote ${n} ${protocol} frame(s) to ${values.device}`);
      return 0;
    }

    // In process: the whole day through the real pipeline, in simulated time.
    const log = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
    const start = Math.min(...campus.sessions.map((s) => s.start)) - 30 * 60_000;
    const end = Math.max(...campus.sessions.map((s) => s.end)) + 30 * 60_000;
    const clock = new ManualClock(start);
    const core = new GatewayCore(cfg, clock, log);
    seedStore(core.store, campus, start);
    core.rebuildBloom();
    const hall = new SimulatedHall({ pipeline: core.pipeline, clock, plan, until: end });
    const rate = values.rate === undefined ? 0 : num('rate');
    const t0 = performance.now();
    if (rate === 0) hall.step(end);
    else {
      for (let i = 0; i < plan.length; i++) {
        const wait = t0 + (i * 1000) / rate - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        hall.step(plan[i]!.ts);
      }
      hall.step(end);
    }
    core.pipeline.settle(); // every swipe classified and written before the figures
    const secs = (performance.now() - t0) / 1000;
    const st = core.pipeline.stats();
    const by = new Map<string, number>();
    for (const r of core.store.listRecords({ day })) by.set(r.status, (by.get(r.status) ?? 0) + 1);
    console.log(
      `simulated ${plan.length} swipes for ${campus.students.length} students in ${secs.toFixed(2)}s (${Math.round(plan.length / Math.max(secs, 1e-3))} events/s) into ${cfg.store.path}`,
    );
    console.log(table(['status', 'records'], [...by.entries()].sort()));
    console.log(`accepted ${st.accepted}, invalid ${st.invalid}, duplicates ${st.duplicates}`);
    await core.close();
    return 0;
  },
};
