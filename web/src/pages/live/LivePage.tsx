import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import type { InvalidEvent, Session, SessionRegister, SwipeEvent } from '../../api/types.ts';
import { ErrorBox, Loading, Page } from '../../components/common.tsx';
import { hhmm, hhmmss, utcDay } from '../../components/format.ts';
import { countsOf, entriesOf, totals, type Entry } from './liveCounts.ts';

interface Swipe {
  key: string;
  ts: number;
  who: string;
  gate: string;
  outcome: string;
}

const MAX_SWIPES = 30;

async function loadDay(day: string): Promise<SessionRegister[]> {
  const sessions = await api.get<Session[]>(`/sessions?date=${day}`);
  return Promise.all(
    sessions.map((s) => api.get<SessionRegister>(`/sessions/${encodeURIComponent(s.sessionId)}/register`)),
  );
}

/** Today's sessions with counts rising live, and the latest swipes, from the event stream. */
export function LivePage() {
  const [day, setDay] = useState(utcDay(Date.now()));
  const [regs, setRegs] = useState<SessionRegister[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [swipes, setSwipes] = useState<Swipe[]>([]);
  const [connected, setConnected] = useState(false);
  // Entries seen live: kept in a ref (appended, not copied); the count re-renders.
  const entryLog = useRef<Entry[]>([]);
  const [, setEntryCount] = useState(0);
  const entries = entryLog.current;
  const names = useRef(new Map<string, string>());
  const dirty = useRef(false);

  useEffect(() => {
    let live = true;
    const refresh = () =>
      loadDay(day).then(
        (r) => {
          if (!live) return;
          for (const reg of r) for (const row of reg.rows) names.current.set(row.studentId, row.name);
          setRegs(r);
          setError(null);
        },
        (e: Error) => live && setError(e.message),
      );
    void refresh();
    // Records arrive in bursts: refetch the day's registers at most once a second.
    const timer = setInterval(() => {
      if (!dirty.current) return;
      dirty.current = false;
      void refresh();
    }, 1000);
    const close = api.stream(['swipe', 'record', 'invalid', 'campus'], (type, data) => {
      setConnected(true);
      if (type === 'record' || type === 'campus') dirty.current = true;
      if (type === 'swipe' || type === 'invalid') {
        const d = data as SwipeEvent & InvalidEvent;
        const s = toSwipe(type, d, names.current);
        setSwipes((prev) => [s, ...prev].slice(0, MAX_SWIPES));
        if (type === 'swipe' && d.studentId && d.direction === 'enter') {
          const e = { studentId: d.studentId, lectureId: d.lectureId, ts: d.ts };
          if (entryLog.current.length >= 100_000) entryLog.current.splice(0, 50_000);
          entryLog.current.push(e);
          setEntryCount(entryLog.current.length);
        }
        dirty.current = true;
      }
    });
    return () => {
      live = false;
      clearInterval(timer);
      close();
    };
  }, [day]);

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

function toSwipe(type: string, d: SwipeEvent & InvalidEvent, names: Map<string, string>): Swipe {
  if (type === 'invalid')
    return {
      key: `i${d.ts}${d.gateId}${Math.random()}`,
      ts: d.ts,
      who: 'unknown card',
      gate: d.gateId,
      outcome: `invalid (${d.reason})`,
    };
  const who = d.studentId ? `${names.get(d.studentId) ?? ''} (${d.studentId})`.trim() : 'unknown';
  return {
    key: d.eventId,
    ts: d.ts,
    who,
    gate: d.gateId,
    outcome: `accepted ${d.direction}${d.source === 'face' ? ' (face)' : ''}${d.lectureId ? ` — ${d.lectureId}` : ''}`,
  };
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
          <th scope="col">Time (UTC)</th>
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
