import { useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { api } from '../../api/client.ts';
import type { CourseRegister } from '../../api/types.ts';
import { LineChart } from '../../components/charts.tsx';
import { Downloads, ErrorBox, Loading, Page } from '../../components/common.tsx';
import { addDays, pct, siteDay } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';

/** Share of students present or late in each session (excused left out). */
function perSession(reg: CourseRegister): { label: string; value: number | null }[] {
  return reg.sessions.map((s, i) => {
    let ok = 0;
    let n = 0;
    for (const r of reg.rows) {
      const st = r.statuses[i];
      if (!st || st === 'excused') continue;
      n++;
      if (st === 'present' || st === 'late') ok++;
    }
    return { label: `${s.day} ${s.sessionId}`, value: n ? ok / n : null };
  });
}

/** The term register (sessions × students), attendance over the term, the course's thresholds. */
export function CoursePage() {
  const id = useRoute().params.id ?? '';
  const today = siteDay(Date.now());
  const [from, setFrom] = useState(addDays(today, -90));
  const [to, setTo] = useState(today);
  const path = `/courses/${encodeURIComponent(id)}/register?from=${from}&to=${to}`;
  const { data, error } = useApi(() => api.get<CourseRegister>(path), path);
  return (
    <Page
      title={data ? `${data.course.name || id} (${id})` : `Course ${id}`}
      actions={
        <Downloads
          path={`/reports/course-register?course=${encodeURIComponent(id)}&from=${from}&to=${to}`}
          name={`course-${id}`}
        />
      }
    >
      <div class="filters">
        <label>
          From{' '}
          <input type="date" value={from} onChange={(e) => setFrom((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          To <input type="date" value={to} onChange={(e) => setTo((e.target as HTMLInputElement).value)} />
        </label>
      </div>
      <ErrorBox error={error} />
      {!data && !error && <Loading what="the register" />}
      {data && (
        <>
          <p>
            Thresholds:{' '}
            {Object.keys(data.course.thresholds).length
              ? JSON.stringify(data.course.thresholds)
              : 'site defaults'}{' '}
            · at risk:{' '}
            {data.course.atRisk
              ? `below ${pct(data.course.atRisk.threshold)} over ${data.course.atRisk.sessions} sessions`
              : 'site default'}
          </p>
          <LineChart title="Attendance per session (present + late)" points={perSession(data)} />
          <TermTable reg={data} />
        </>
      )}
    </Page>
  );
}

function TermTable(props: { reg: CourseRegister }) {
  const { reg } = props;
  return (
    <div class="scroll">
      <table class="term">
        <caption>
          {reg.rows.length} students × {reg.sessions.length} sessions ({reg.from} to {reg.to})
        </caption>
        <thead>
          <tr>
            <th scope="col">Student</th>
            {reg.sessions.map((s) => (
              <th scope="col" key={s.sessionId} title={s.sessionId}>
                {s.day.slice(5)}
              </th>
            ))}
            <th scope="col">Rate</th>
          </tr>
        </thead>
        <tbody>
          {reg.rows.map((r) => (
            <tr key={r.studentId}>
              <th scope="row">
                <a href={`/students/${encodeURIComponent(r.studentId)}`}>{r.name || r.studentId}</a>
              </th>
              {r.statuses.map((st, i) => (
                <td key={i} class={`sym st-${st}`} title={st}>
                  {r.symbols[i] ?? ''}
                </td>
              ))}
              <td>{pct(r.rate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
