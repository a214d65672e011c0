import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import { label } from './format.ts';

export function Page(props: { title: string; actions?: ComponentChildren; children: ComponentChildren }) {
  return (
    <section class="page" aria-labelledby="page-title">
      <header class="page-head">
        <h1 id="page-title">{props.title}</h1>
        {props.actions && <div class="actions">{props.actions}</div>}
      </header>
      {props.children}
    </section>
  );
}

export function Loading(props: { what: string }) {
  return (
    <p class="muted" role="status">
      Loading {props.what}…
    </p>
  );
}

export function ErrorBox(props: { error: string | null }) {
  if (!props.error) return null;
  return (
    <p class="error" role="alert">
      {props.error}
    </p>
  );
}

export function StatusBadge(props: { status: string; manual?: boolean }) {
  return (
    <span class={`badge st-${props.status}`} data-status={props.status}>
      {label(props.status)}
      {props.manual ? ' (manual)' : ''}
    </span>
  );
}

/** A button that downloads an API file with the token (an <a href> could not send it). */
export function DownloadButton(props: { path: string; filename: string; children: ComponentChildren }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const go = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.download(props.path, props.filename);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class="secondary" disabled={busy} onClick={() => void go()}>
        {props.children}
      </button>
      {error && <span class="error">{error}</span>}
    </>
  );
}

/** CSV / Excel / PDF downloads of one report path (`format` appended). */
export function Downloads(props: { path: string; name: string }) {
  const sep = props.path.includes('?') ? '&' : '?';
  return (
    <span class="downloads" role="group" aria-label="Downloads">
      {(['csv', 'xlsx', 'pdf'] as const).map((f) => (
        <DownloadButton key={f} path={`${props.path}${sep}format=${f}`} filename={`${props.name}.${f}`}>
          {f === 'xlsx' ? 'Excel' : f.toUpperCase()}
        </DownloadButton>
      ))}
    </span>
  );
}

/** Client-side CSV of rows already on screen. */
export function csvOf(header: string[], rows: (string | number | null)[][]): string {
  const cell = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n');
}

export function saveText(text: string, filename: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
