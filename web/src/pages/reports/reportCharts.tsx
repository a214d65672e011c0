import type { ReportTable } from '../../api/types.ts';
import { BarChart, type Bar } from '../../components/charts.tsx';

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v) || 0);

/** Late-rate distribution: how many students fall in each 10% band. */
function lateBands(t: ReportTable): Bar[] {
  const bands = Array.from({ length: 10 }, (_, i) => ({ label: `${i * 10}–${i * 10 + 10}%`, value: 0 }));
  for (const r of t.rows) bands[Math.min(9, Math.floor(num(r.lateRate) * 10))]!.value++;
  return bands;
}

function countBy(t: ReportTable, key: string): Bar[] {
  const m = new Map<string, number>();
  for (const r of t.rows) m.set(String(r[key]), (m.get(String(r[key])) ?? 0) + 1);
  return [...m.entries()].map(([label, value]) => ({ label, value }));
}

/** The charts people would rather look at than read, for one report's tables. */
export function ReportCharts(props: { name: string; tables: ReportTable[] }) {
  return (
    <>
      {props.tables.map((t) => {
        if (t.rows.length === 0) return null;
        switch (props.name) {
          case 'weekdays':
            return (
              <BarChart
                key={t.id}
                title="Mean attendance rate by weekday"
                unit="%"
                max={100}
                bars={t.rows.map((r) => ({
                  label: String(r.weekday),
                  value: Math.round(num(r.meanRate) * 1000) / 10,
                }))}
              />
            );
          case 'latecomers':
            return <BarChart key={t.id} title="Students by late rate" bars={lateBands(t)} />;
          case 'rankings':
            return (
              <BarChart
                key={t.id}
                title="Unique attendees (merged HyperLogLog) beside attended records (exact)"
                legend={['HyperLogLog estimate', 'exact attended records']}
                bars={t.rows.map((r) => ({
                  label: String(r.courseId),
                  value: num(r.uniqueAttendees),
                  second: num(r.attended),
                }))}
              />
            );
          case 'consistency':
            return <BarChart key={t.id} title="Students by consistency group" bars={countBy(t, 'group')} />;
          case 'invalid': {
            const labelKey = t.columns[0]?.key ?? 'gateId';
            return (
              <BarChart
                key={t.id}
                title={`Invalid attempts by ${t.columns[0]?.header.toLowerCase() ?? 'gate'}`}
                bars={t.rows.map((r) => ({ label: String(r[labelKey]), value: num(r.attempts) }))}
              />
            );
          }
          default:
            return null;
        }
      })}
    </>
  );
}
