import { useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import type { Session } from '../../api/types.ts';
import { ErrorBox, Loading, Page } from '../../components/common.tsx';
import { addDays, hhmm, siteDay, weekday } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';

/** Monday of the week holding the calendar day `day`. */
function monday(day: string): string {
  const wd = new Date(`${day}T00:00:00Z`).getUTCDay();
  return addDays(day, -((wd + 6) % 7));
}

async function loadWeek(start: string): Promise<Session[][]> {
  return Promise.all(
    Array.from({ length: 7 }, (_, i) => api.get<Session[]>(`/sessions?date=${addDays(start, i)}`)),
  );
}

/** Sessions by day over a week, filtered by hall and course. */
export function TimetablePage() {
  const [start, setStart] = useState(monday(siteDay(Date.now())));
  const [hall, setHall] = useState('');
  const [course, setCourse] = useState('');
  const { data, error } = useApi(() => loadWeek(start), start);
  const all = (data ?? []).flat();
  const halls = [...new Set(all.map((s) => s.hallId))].sort();
  const courses = [...new Set(all.map((s) => s.courseId))].sort();
  const keep = (s: Session) => (!hall || s.hallId === hall) && (!course || s.courseId === course);
  return (
    <Page title="Timetable">
      <div class="filters">
        <button type="button" class="secondary" onClick={() => setStart(addDays(start, -7))}>
          ← Previous week
        </button>
        <label>
          Week of{' '}
          <input
            type="date"
            value={start}
            onChange={(e) => setStart(monday((e.target as HTMLInputElement).value))}
          />
        </label>
        <button type="button" class="secondary" onClick={() => setStart(addDays(start, 7))}>
          Next week →
        </button>
        <Select label="Hall" value={hall} options={halls} onChange={setHall} />
        <Select label="Course" value={course} options={courses} onChange={setCourse} />
      </div>
      <ErrorBox error={error} />
      {!data && !error && <Loading what="the week" />}
      {data && (
        <div class="week">
          {data.map((sessions, i) => {
            const day = addDays(start, i);
            const shown = sessions.filter(keep);
            return (
              <section key={day} class="day" aria-label={day}>
                <h2>
                  {weekday(day)} {day.slice(5)}
                </h2>
                {shown.length === 0 && <p class="muted">—</p>}
                <ul>
                  {shown.map((s) => (
                    <li key={s.sessionId}>
                      <a href={`/sessions/${encodeURIComponent(s.sessionId)}`}>
                        {hhmm(s.start)}–{hhmm(s.end)} {s.courseId}
                      </a>
                      <div class="muted">{s.hallId}</div>
                    </li>
                  ))}
                </ul>
              </section>
            );
          })}
        </div>
      )}
    </Page>
  );
}

function Select(props: { label: string; value: string; options: string[]; onChange: (v: string) => void }) {
  return (
    <label>
      {props.label}{' '}
      <select value={props.value} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
        <option value="">all</option>
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}
