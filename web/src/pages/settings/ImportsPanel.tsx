import { useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import type { ImportReport } from '../../api/types.ts';

const KINDS = ['roster', 'enrolments', 'timetable', 'courses'] as const;

/** Imports (CSV) with the row-level errors the API reports: good rows are kept. */
export function ImportsPanel() {
  const [kind, setKind] = useState<(typeof KINDS)[number]>('roster');
  const [text, setText] = useState('');
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const onFile = async (e: Event) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (f) setText(await f.text());
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setReport(null);
    try {
      setReport(await api.post<ImportReport>(`/imports/${kind}`, text, 'text/csv'));
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section aria-labelledby="imp-title">
      <h2 id="imp-title">Imports</h2>
      <form class="import" onSubmit={(e) => void submit(e)}>
        <label>
          Kind{' '}
          <select
            value={kind}
            onChange={(e) => setKind((e.target as HTMLSelectElement).value as (typeof KINDS)[number])}
          >
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          CSV file <input type="file" accept=".csv,text/csv" onChange={(e) => void onFile(e)} />
        </label>
        <label for="import-text">CSV text</label>
        <textarea
          id="import-text"
          rows={6}
          value={text}
          onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
        />
        <button type="submit" disabled={text.trim() === ''}>
          Import
        </button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {report && <ImportReportView report={report} />}
    </section>
  );
}

function ImportReportView({ report }: { report: ImportReport }) {
  return (
    <div role="status">
      <p>
        Imported {report.imported} {report.kind} row(s); {report.errors.length} row(s) refused.
      </p>
      {report.errors.length > 0 && (
        <table class="import-errors">
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {report.errors.map((er) => (
              <tr key={er.line}>
                <td>{er.line}</td>
                <td>{er.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
