/**
 * Rule engine benchmark: classifies one simulated day of a 20,000-student campus.
 * Run: node --import tsx bench/rules.ts [students] [halls]
 * Prints figures; never fails on a time.
 */
import { performance } from 'node:perf_hooks';
import { classifyStudentDay, defaultThresholds, invalidAttempts } from '../rules/index.ts';
import { Campus } from '../test/rules/helpers/campusSim.ts';

const students = Number(process.argv[2] ?? 20_000);
const halls = Number(process.argv[3] ?? 120);

const t0 = performance.now();
const campus = new Campus({
  seed: 7,
  students,
  halls,
  coursesPerStudent: 6,
  firstDay: Date.UTC(2026, 2, 2),
  thresholds: defaultThresholds,
});
const day = campus.day(0);
const t1 = performance.now();

const events = day.inputs.reduce((n, i) => n + i.events.length, 0);
let records = 0;
const statuses: Record<string, number> = {};
// One warm-up student so the JIT is not all of the first measurement.
classifyStudentDay(day.inputs[0]!);
const t2 = performance.now();
for (const input of day.inputs) {
  for (const r of classifyStudentDay(input).records) {
    records++;
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  }
}
const invalid = invalidAttempts(day.unknown, defaultThresholds).length;
const t3 = performance.now();

const secs = (t3 - t2) / 1000;
console.log(
  `simulated ${students} students, ${halls} halls, ${day.sessions.length} sessions, ${events} events in ${((t1 - t0) / 1000).toFixed(2)} s`,
);
console.log(`classified ${records} records (+${invalid} invalid attempts) in ${secs.toFixed(3)} s`);
console.log(
  `${Math.round(records / secs)} records/s, ${Math.round(students / secs)} students/s, ${Math.round(events / secs)} events/s`,
);
console.log(`statuses: ${JSON.stringify(statuses)}`);
console.log(`target: full day under 2 s -> ${secs < 2 ? 'met' : 'NOT met'}`);
