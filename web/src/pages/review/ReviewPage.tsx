import { useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import type { ReviewItem } from '../../api/types.ts';
import { ErrorBox, Loading, Page } from '../../components/common.tsx';
import { ReasonForm } from '../../components/ReasonForm.tsx';
import { useCanWrite } from '../../components/role.ts';
import { useApi } from '../../components/useApi.ts';

/** Card/face mismatches and ambiguous records the gateways flagged, resolved with a reason. */
export function ReviewPage() {
  const { data, error, reload } = useApi(() => api.get<ReviewItem[]>('/review'), 'review');
  return (
    <Page title="Review queue">
      <ErrorBox error={error} />
      {!data && !error && <Loading what="the review queue" />}
      {data && data.length === 0 && <p>Nothing to review.</p>}
      {data && data.length > 0 && (
        <ul class="cards" aria-label="Items to review">
          {data.map((item) => (
            <ReviewCard key={`${item.studentId}/${item.sessionId}`} item={item} onDone={reload} />
          ))}
        </ul>
      )}
    </Page>
  );
}

function ReviewCard(props: { item: ReviewItem; onDone: () => void }) {
  const i = props.item;
  const canWrite = useCanWrite();
  const [open, setOpen] = useState(false);
  return (
    <li class="card" data-review={`${i.studentId}/${i.sessionId}`}>
      <h2>
        {i.name || i.studentId} <span class="muted">({i.studentId})</span>
      </h2>
      <p>
        <a href={`/sessions/${encodeURIComponent(i.sessionId)}`}>{i.sessionId}</a> · {i.courseId} · {i.day}
      </p>
      <p>Flags: {i.flags.join(', ') || 'none'}</p>
      <ul class="why">
        {i.explanations.map((x, k) => (
          <li key={k}>{x}</li>
        ))}
      </ul>
      {canWrite && !open && (
        <button type="button" onClick={() => setOpen(true)}>
          Resolve…
        </button>
      )}
      {canWrite && open && (
        <ReasonForm
          idPrefix={`review-${i.studentId}-${i.sessionId}`}
          submitLabel="Resolve"
          statuses
          onCancel={() => setOpen(false)}
          onSubmit={async (reason, status) => {
            await api.post(`/review/${encodeURIComponent(i.studentId)}/${encodeURIComponent(i.sessionId)}`, {
              status,
              reason,
            });
            props.onDone();
          }}
        />
      )}
    </li>
  );
}
