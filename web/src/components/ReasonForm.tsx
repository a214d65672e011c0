import { useState } from 'preact/hooks';
import { DECISION_STATUSES } from '../api/types.ts';
import { label } from './format.ts';

/**
 * An inline form for a decision that needs a reason (excuse, review
 * resolution): the reason is required; with `statuses` a status is chosen too.
 */
export function ReasonForm(props: {
  idPrefix: string;
  submitLabel: string;
  statuses?: boolean;
  onSubmit: (reason: string, status: string) => Promise<void>;
  onCancel?: () => void;
}) {
  const [reason, setReason] = useState('');
  const [status, setStatus] = useState<string>('present');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (reason.trim() === '') {
      setError('A reason is required.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit(reason.trim(), status);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  const rid = `${props.idPrefix}-reason`;
  return (
    <form class="reason-form" onSubmit={(e) => void submit(e)}>
      {props.statuses && (
        <label>
          Decision
          <select value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
            {DECISION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {label(s)}
              </option>
            ))}
          </select>
        </label>
      )}
      <label for={rid}>Reason</label>
      <input
        id={rid}
        required
        value={reason}
        onInput={(e) => setReason((e.target as HTMLInputElement).value)}
        aria-invalid={error ? 'true' : undefined}
      />
      <button type="submit" disabled={busy}>
        {props.submitLabel}
      </button>
      {props.onCancel && (
        <button type="button" class="secondary" onClick={props.onCancel}>
          Cancel
        </button>
      )}
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
