import { useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { api } from '../../api/client.ts';
import type { CourseRegister, RegisterRow, SessionRegister } from '../../api/types.ts';
import { Downloads, ErrorBox, Loading, Page, StatusBadge } from '../../components/common.tsx';
import { addDays, hhmm, pct, siteZone, weekday } from '../../components/format.ts';
import { ReasonForm } from '../../components/ReasonForm.tsx';
import { useCanWrite } from '../../components/role.ts';
import { useApi } from '../../components/useApi.ts';

interface Loaded {
  reg: SessionRegister;
  rates: Map<string, number | null>;
}

/** The register and each student's course rate over the 120 days either side of the session. */
async function load(id: string): Promise<Loaded> {
  const reg = await api.get<SessionRegister>(`/sessions/${encodeURIComponent(id)}/register`);
  const day = reg.session.day;
  const course = await api.get<CourseRegister>(
    `/courses/${encodeURIComponent(reg.session.courseId)}/register?from=${addDays(day, -120)}&to=${addDays(day, 120)}`,
  );
  return { reg, rates: new Map(course.rows.map((r) => [r.studentId, r.rate])) };
}

export function SessionRegisterPage() {
  const { params } = useRoute();
  const id = params.id ?? '';
  const { data, error, reload } = useApi(() => load(id), id);
  const s = data?.reg.session;
  return (
    <Page
      title={`Register ${id}`}
      actions={
        s && (
          <>
            <button type="button" class="secondary" onClick={() => window.print()}>
              Print
            </button>
            <Downloads
              path={`/reports/session-register?session=${encodeURIComponent(id)}`}
              name={`register-${id}`}
            />
          </>
        )
      }
    >
      <ErrorBox error={error} />
      {!data && !error && <Loading what="the register" />}
      {data && s && (
        <>
          <p>
            {data.reg.course?.name || s.courseId} · hall {s.hallId} ·{' '}
            <span data-when>
              {weekday(s.day)} {s.day} {hhmm(s.start)}–{hhmm(s.end)} ({siteZone()})
            </span>{' '}
            · {data.reg.rows.length} enrolled
          </p>
          <RegisterTable rows={data.reg.rows} rates={data.rates} sessionId={id} onChange={reload} />
        </>
      )}
    </Page>
  );
}

function RegisterTable(props: {
  rows: RegisterRow[];
  rates: Map<string, number | null>;
  sessionId: string;
  onChange: () => void;
}) {
  return (
    <div class="scroll">
      <table class="register">
        <thead>
          <tr>
            <th scope="col">Student</th>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Arrival</th>
            <th scope="col">Minutes</th>
            <th scope="col">Flags</th>
            <th scope="col" title="(present + late) / (sessions − excused), 120 days either side">
              Course rate
            </th>
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <Row key={r.studentId} row={r} rate={props.rates.get(r.studentId) ?? null} {...props} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Row(props: { row: RegisterRow; rate: number | null; sessionId: string; onChange: () => void }) {
  const r = props.row;
  const canWrite = useCanWrite();
  const [open, setOpen] = useState<'why' | 'excuse' | 'resolve' | null>(null);
  const toggle = (what: 'why' | 'excuse' | 'resolve') => setOpen(open === what ? null : what);
  const done = () => {
    setOpen(null);
    props.onChange();
  };
  return (
    <>
      <tr data-student={r.studentId}>
        <td>
          <a href={`/students/${encodeURIComponent(r.studentId)}`}>{r.studentId}</a>
        </td>
        <td>{r.name}</td>
        <td>
          <StatusBadge status={r.status} manual={r.manual} />
        </td>
        <td>{hhmm(r.arrival)}</td>
        <td>{r.minutesPresent}</td>
        <td>{r.flags.join(', ')}</td>
        <td data-rate>{pct(props.rate)}</td>
        <td class="row-actions">
          <button type="button" class="link" aria-expanded={open === 'why'} onClick={() => toggle('why')}>
            Why?
          </button>
          {canWrite && r.status !== 'excused' && (
            <button
              type="button"
              class="link"
              aria-expanded={open === 'excuse'}
              onClick={() => toggle('excuse')}
            >
              Excuse
            </button>
          )}
          {canWrite && r.status === 'review' && (
            <button
              type="button"
              class="link"
              aria-expanded={open === 'resolve'}
              onClick={() => toggle('resolve')}
            >
              Resolve
            </button>
          )}
        </td>
      </tr>
      {open && (
        <tr class="detail">
          <td colSpan={8}>
            <RowDetail
              what={open}
              row={r}
              sessionId={props.sessionId}
              onCancel={() => setOpen(null)}
              onDone={done}
            />
          </td>
        </tr>
      )}
    </>
  );
}

function RowDetail(props: {
  what: 'why' | 'excuse' | 'resolve';
  row: RegisterRow;
  sessionId: string;
  onCancel: () => void;
  onDone: () => void;
}) {
  return (
    <>
      {props.what === 'why' && (
        <ul class="why">
          {props.row.explanations.length ? (
            props.row.explanations.map((x, i) => <li key={i}>{x}</li>)
          ) : (
            <li>No explanation recorded.</li>
          )}
        </ul>
      )}
      {props.what === 'excuse' && (
        <ReasonForm
          idPrefix={`excuse-${props.row.studentId}`}
          submitLabel="Excuse absence"
          onCancel={props.onCancel}
          onSubmit={async (reason) => {
            await api.post('/excuses', {
              studentId: props.row.studentId,
              sessionId: props.sessionId,
              reason,
            });
            props.onDone();
          }}
        />
      )}
      {props.what === 'resolve' && (
        <ReasonForm
          idPrefix={`resolve-${props.row.studentId}`}
          submitLabel="Resolve"
          statuses
          onCancel={props.onCancel}
          onSubmit={async (reason, status) => {
            await api.post(
              `/review/${encodeURIComponent(props.row.studentId)}/${encodeURIComponent(props.sessionId)}`,
              {
                status,
                reason,
              },
            );
            props.onDone();
          }}
        />
      )}
    </>
  );
}
