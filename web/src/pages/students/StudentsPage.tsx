import { useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import type { Student } from '../../api/types.ts';
import { ErrorBox, Page } from '../../components/common.tsx';
import { useApi } from '../../components/useApi.ts';

/** Search the roster by id or name. */
export function StudentsPage() {
  const [q, setQ] = useState('');
  const { data, error } = useApi(
    () => api.get<Student[]>(`/students?limit=100&q=${encodeURIComponent(q)}`),
    q,
  );
  return (
    <Page title="Students">
      <form role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search by id or name{' '}
          <input type="search" value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
        </label>
      </form>
      <ErrorBox error={error} />
      {data && (
        <table>
          <caption>{data.length === 100 ? 'First 100 matches' : `${data.length} students`}</caption>
          <thead>
            <tr>
              <th scope="col">Student</th>
              <th scope="col">Name</th>
              <th scope="col">Cards</th>
            </tr>
          </thead>
          <tbody>
            {data.map((s) => (
              <tr key={s.studentId}>
                <td>
                  <a href={`/students/${encodeURIComponent(s.studentId)}`}>{s.studentId}</a>
                </td>
                <td>{s.name}</td>
                <td>{s.cardUids.length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
