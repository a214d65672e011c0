import { useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import type { AtRisk, Course, Delivery } from '../../api/types.ts';
import { csvOf, ErrorBox, Page, saveText } from '../../components/common.tsx';
import { ago, pct } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';

/** Students below a course's threshold over its last N sessions, and the webhook's deliveries. */
export function AtRiskPage() {
  const courses = useApi(() => api.get<Course[]>('/courses'), 'courses');
  const [course, setCourse] = useState('');
  const chosen = course || courses.data?.[0]?.courseId || '';
  const risk = useApi(
    () => (chosen ? api.get<AtRisk>(`/at-risk?course=${encodeURIComponent(chosen)}`) : Promise.resolve(null)),
    chosen,
  );
  const deliveries = useApi(() => api.get<Delivery[]>('/webhook/deliveries'), 'deliveries');
  const r = risk.data;
  const exportCsv = () =>
    r &&
    saveText(
      csvOf(
        ['student', 'name', 'rate', 'at_risk'],
        r.students.map((s) => [s.studentId, s.name, s.rate, s.atRisk ? 'yes' : 'no']),
      ),
      `at-risk-${r.courseId}.csv`,
    );
  return (
    <Page
      title="At risk"
      actions={
        <button type="button" class="secondary" disabled={!r} onClick={exportCsv}>
          Export CSV
        </button>
      }
    >
      <label>
        Course{' '}
        <select value={chosen} onChange={(e) => setCourse((e.target as HTMLSelectElement).value)}>
          {(courses.data ?? []).map((c) => (
            <option key={c.courseId} value={c.courseId}>
              {c.courseId} {c.name}
            </option>
          ))}
        </select>
      </label>
      <ErrorBox error={courses.error ?? risk.error} />
      {r && (
        <table>
          <caption>
            Below {pct(r.policy.threshold)} over the last {r.policy.sessions} ended sessions (
            {r.sessionIds.length} so far): {r.students.filter((s) => s.atRisk).length} of {r.students.length}{' '}
            at risk
          </caption>
          <thead>
            <tr>
              <th scope="col">Student</th>
              <th scope="col">Name</th>
              <th scope="col">Rate</th>
              <th scope="col">At risk</th>
            </tr>
          </thead>
          <tbody>
            {[...r.students]
              .sort((a, b) => Number(b.atRisk) - Number(a.atRisk))
              .map((s) => (
                <tr key={s.studentId} class={s.atRisk ? 'bad' : undefined}>
                  <td>
                    <a href={`/students/${encodeURIComponent(s.studentId)}`}>{s.studentId}</a>
                  </td>
                  <td>{s.name}</td>
                  <td>{pct(s.rate)}</td>
                  <td>{s.atRisk ? 'yes' : 'no'}</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
      <Deliveries {...deliveries} />
    </Page>
  );
}

function Deliveries(props: { data: Delivery[] | null; error: string | null }) {
  return (
    <>
      <h2>Webhook deliveries</h2>
      <ErrorBox error={props.error} />
      {props.data && props.data.length === 0 && <p class="muted">No deliveries yet.</p>}
      {props.data && props.data.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">State</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last error</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {props.data.map((d) => (
              <tr key={d.id} class={d.state === 'failed' ? 'bad' : undefined}>
                <td>{d.event}</td>
                <td>{d.state}</td>
                <td>{d.attempts}</td>
                <td>{d.lastError ?? ''}</td>
                <td>{ago(d.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
