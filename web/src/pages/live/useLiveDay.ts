import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import type { InvalidEvent, Session, SessionRegister, SwipeEvent } from '../../api/types.ts';
import type { Entry } from './liveCounts.ts';

export interface Swipe {
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

/**
 * The registers of a day's sessions, refetched (at most once a second) when
 * records arrive on the event stream, the latest swipes, and the accepted
 * entries seen since the page opened.
 */
export function useLiveDay(day: string) {
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

  return { regs, error, swipes, connected, entries };
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
