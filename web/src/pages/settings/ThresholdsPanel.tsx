import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api/client.ts';
import type { Course } from '../../api/types.ts';
import { ErrorBox } from '../../components/common.tsx';
import { useCanWrite } from '../../components/role.ts';
import { useApi } from '../../components/useApi.ts';

interface Thresholds {
  site: Record<string, unknown>;
  courses: Record<string, Record<string, unknown>>;
}

/** Parses the JSON an admin typed; a clear message when it is not an object. */
function parseObject(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text || '{}');
  } catch (e) {
    throw new Error(`Not valid JSON: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new Error('Give a JSON object, e.g. {"graceSec": 300}');
  return v as Record<string, unknown>;
}

/** Site-wide and per-course threshold overrides, validated by the API (field and reason shown). */
export function ThresholdsPanel() {
  const canWrite = useCanWrite();
  const th = useApi(() => api.get<Thresholds>('/config/thresholds'), 'thresholds');
  const courses = useApi(() => api.get<Course[]>('/courses'), 'courses');
  return (
    <section aria-labelledby="th-title">
      <h2 id="th-title">Thresholds</h2>
      <ErrorBox error={th.error ?? courses.error} />
      {th.data && (
        <JsonEditor
          id="site-thresholds"
          label="Site-wide overrides (JSON)"
          initial={th.data.site}
          readOnly={!canWrite}
          save={async (v) => {
            await api.put('/config/thresholds', v);
            th.reload();
          }}
        />
      )}
      {courses.data?.map((c) => (
        <JsonEditor
          key={c.courseId}
          id={`course-${c.courseId}`}
          label={`${c.courseId} ${c.name}: overrides (JSON)`}
          initial={c.thresholds}
          readOnly={!canWrite}
          save={async (v) => {
            await api.put(`/courses/${encodeURIComponent(c.courseId)}/settings`, { thresholds: v });
            courses.reload();
          }}
        />
      ))}
    </section>
  );
}

function JsonEditor(props: {
  id: string;
  label: string;
  initial: Record<string, unknown>;
  readOnly: boolean;
  save: (v: Record<string, unknown>) => Promise<void>;
}) {
  const [text, setText] = useState(JSON.stringify(props.initial));
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await props.save(parseObject(text));
      setMsg({ ok: true, text: 'Saved; a new thresholds version is published.' });
    } catch (err) {
      const where = err instanceof ApiError && err.field ? ` (${err.field})` : '';
      setMsg({ ok: false, text: `${(err as Error).message}${where}` });
    }
  };
  return (
    <form class="json-editor" onSubmit={(e) => void submit(e)}>
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        value={text}
        readOnly={props.readOnly}
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
      />
      {!props.readOnly && <button type="submit">Save</button>}
      {msg && (
        <span class={msg.ok ? 'ok' : 'error'} role={msg.ok ? 'status' : 'alert'}>
          {msg.text}
        </span>
      )}
    </form>
  );
}
