import { api } from '../../api/client.ts';
import type { Course } from '../../api/types.ts';
import { ErrorBox, Loading, Page } from '../../components/common.tsx';
import { pct } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';

export function CoursesPage() {
  const { data, error } = useApi(() => api.get<Course[]>('/courses'), 'courses');
  return (
    <Page title="Courses">
      <ErrorBox error={error} />
      {!data && !error && <Loading what="courses" />}
      {data && (
        <table>
          <thead>
            <tr>
              <th scope="col">Course</th>
              <th scope="col">Name</th>
              <th scope="col">Threshold overrides</th>
              <th scope="col">At-risk policy</th>
            </tr>
          </thead>
          <tbody>
            {data.map((c) => (
              <tr key={c.courseId}>
                <td>
                  <a href={`/courses/${encodeURIComponent(c.courseId)}`}>{c.courseId}</a>
                </td>
                <td>{c.name}</td>
                <td>{Object.keys(c.thresholds).length ? JSON.stringify(c.thresholds) : 'site defaults'}</td>
                <td>
                  {c.atRisk
                    ? `below ${pct(c.atRisk.threshold)} over ${c.atRisk.sessions} sessions`
                    : 'site default'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
