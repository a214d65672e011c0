import { useState } from 'preact/hooks';
import type { SessionRegister } from '../../api/types.ts';
import { ErrorBox, Loading, Page } from '../../components/common.tsx';
import { hhmm, hhmmss, siteDay, siteZone } from '../../components/format.ts';
import { countsOf, entriesOf, totals, type Entry } from './liveCounts.ts';
import { useLiveDay, type Swipe } from './useLiveDay.ts';

/** Today's sessions with counts rising live, and the latest swipes, from the event stream. */
export function LivePage() {
  const [day, setDay] = useState(siteDay(Date.now()));
  const { regs, error, swipes, connected, entries } = useLiveDay(day);
  const t = regs ? totals(regs, entries) : null;
  return (
    <Page
      title="Live"
      actions={
        <label>
          Day <input type="date" value={day} onChange={(e) => setDay((e.target as HTMLInputElement).value)} />
        </label>
      }
    >
      <ErrorBox error={error} />
      {!regs && !error && <Loading what="today's sessions" />}
      {t && (
        <div class="tiles" aria-live="polite">
          <Tile name="Expected" value={t.expected} id="expected" />
          <Tile name="Arrived" value={t.arrived} id="arrived" />
          <Tile name="Late" value={t.late} id="late" />
          <Tile name="Absent" value={t.absent} id="absent" />
        </div>
      )}
      {regs && <SessionsTable regs={regs} entries={entries} />}
      <h2>
        Latest swipes <span class="muted">{connected ? '(live)' : '(waiting for the stream)'}</span>
      </h2>
      <SwipesTable swipes={swipes} />
    </Page>
  );
}

function Tile(props: { name: string; value: number; id: string }) {
  return (
    <div class="tile">
      <span class="tile-name" id={`tile-${props.id}`}>
        {props.name}
      </span>
      <span class="tile-value" aria-labelledby={`tile-${props.id}`} data-count={props.id}>
        {props.value}
      </span>
    </div>
  );
}

function SessionsTable(props: { regs: SessionRegister[]; entries: Entry[] }) {
  if (props.regs.length === 0) return <p class="muted">No sessions on this day.</p>;
  return (
    <table>
      <caption>Sessions</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Session</th>
          <th scope="col">Course</th>
          <th scope="col">Hall</th>
          <th scope="col">Expected</th>
          <th scope="col">Arrived</th>
          <th scope="col">Late</th>
          <th scope="col">Absent</th>
        </tr>
      </thead>
      <tbody>
        {props.regs.map(({ session: s, course, rows }) => {
          const c = countsOf(rows, entriesOf(s, props.entries));
          return (
            <tr key={s.sessionId}>
              <td>
                {hhmm(s.start)}–{hhmm(s.end)}
              </td>
              <td>
                <a href={`/sessions/${encodeURIComponent(s.sessionId)}`}>{s.sessionId}</a>
              </td>
              <td>{course?.name || s.courseId}</td>
              <td>{s.hallId}</td>
              <td>{c.expected}</td>
              <td>{c.arrived}</td>
              <td>{c.late}</td>
              <td>{c.absent}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function SwipesTable(props: { swipes: Swipe[] }) {
  if (props.swipes.length === 0) return <p class="muted">No swipes since this page opened.</p>;
  return (
    <table class="swipes">
      <thead>
        <tr>
          <th scope="col">Time ({siteZone()})</th>
          <th scope="col">Student</th>
          <th scope="col">Gate</th>
          <th scope="col">Outcome</th>
        </tr>
      </thead>
      <tbody>
        {props.swipes.map((s) => (
          <tr key={s.key} class={s.outcome.startsWith('invalid') ? 'bad' : undefined}>
            <td>{hhmmss(s.ts)}</td>
            <td>{s.who}</td>
            <td>{s.gate}</td>
            <td>{s.outcome}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
