// Writes a generated campus into a store (run as a separate process by the
// benchmarks, so the measured process holds only what a daemon holds).
//   node --import tsx bench/seedCampus.ts DB STUDENTS DAY SEED
import { ManualClock } from '../kernel/clock.ts';
import { configSchema } from '../gateway/config/schema.ts';
import { GatewayCore } from '../gateway/gatewayCore.ts';
import { silentLogger } from '../kernel/log.ts';
import { generateCampus, seedStore } from '../gateway/simulate/campus.ts';

const [db, students, day, seed] = process.argv.slice(2);
const n = Number(students);
const halls = Math.max(1, Math.round(n / 2000));
const campus = generateCampus({
  students: n,
  halls,
  courses: halls * 4,
  coursesPerStudent: 2,
  day: day!,
  seed: Number(seed),
});
const clock = new ManualClock(Date.parse(`${day!}T06:00:00Z`));
const core = new GatewayCore(configSchema.parse({ store: { path: db } }), clock, silentLogger());
seedStore(core.store, campus, clock.now());
await core.close();
console.log(
  JSON.stringify({
    students: campus.students.length,
    enrolments: campus.enrolments.length,
    sessions: campus.sessions.length,
    halls,
  }),
);
