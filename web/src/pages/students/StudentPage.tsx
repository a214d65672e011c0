import { useRoute } from 'preact-iso';
import { api } from '../../api/client.ts';
import type { StudentView } from '../../api/types.ts';
import { ErrorBox, Loading, Page, StatusBadge } from '../../components/common.tsx';
import { pct } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';

/** One student's per-course rates and history. */
export function StudentPage() {
  const id = useRoute().params.id ?? '';
  const { data, error } = useApi(() => api.get<StudentView>(`/students/${encodeURIComponent(id)}`), id);
  return (
    <Page title={data ? `${data.student.name} (${id})` : `Student ${id}`}>
      <ErrorBox error={error} />
      {!data && !error && <Loading what="the student" />}
      {data && (
        <>
          <table class="rates">
            <caption>Per-course rates: (present + late) / (sessions − excused)</caption>
            <thead>
              <tr>
                <th scope="col">Course</th>
                <th scope="col">Sessions</th>
                <th scope="col">Present</th>
                <th scope="col">Late</th>
                <th scope="col">Excused</th>
                <th scope="col">Absent</th>
                <th scope="col">Rate</th>
              </tr>
            </thead>
            <tbody>
              {data.courses.map((c) => (
                <tr key={c.courseId} data-course={c.courseId}>
                  <th scope="row">
                    <a href={`/courses/${encodeURIComponent(c.courseId)}`}>{c.name || c.courseId}</a>
                  </th>
                  <td>{c.sessions}</td>
                  <td>{c.present}</td>
                  <td>{c.late}</td>
                  <td>{c.excused}</td>
                  <td>{c.absent}</td>
                  <td data-rate>{pct(c.rate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>History</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Session</th>
                <th scope="col">Status</th>
                <th scope="col">Minutes</th>
                <th scope="col">Flags</th>
              </tr>
            </thead>
            <tbody>
              {data.records.map((r) => (
                <tr key={r.sessionId}>
                  <td>{r.day}</td>
                  <td>
                    <a href={`/sessions/${encodeURIComponent(r.sessionId)}`}>{r.sessionId}</a>
                  </td>
                  <td>
                    <StatusBadge status={r.status} manual={r.manual} />
                  </td>
                  <td>{r.minutesPresent}</td>
                  <td>{r.flags.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Page>
  );
}
