import { useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import type { ReportTable } from '../../api/types.ts';
import { Downloads, ErrorBox, Loading, Page } from '../../components/common.tsx';
import { addDays, siteDay } from '../../components/format.ts';
import { ReportTableView } from '../../components/ReportTableView.tsx';
import { useApi } from '../../components/useApi.ts';
import { ReportCharts } from './reportCharts.tsx';

const ANALYTICS = ['latecomers', 'weekdays', 'rankings', 'consistency', 'invalid'] as const;
const TITLES: Record<(typeof ANALYTICS)[number], string> = {
  latecomers: 'Latecomers',
  weekdays: 'Weekday patterns',
  rankings: 'Lecture rankings',
  consistency: 'Consistency',
  invalid: 'Invalid attempts',
};

/** The five analytics over a range, with charts and CSV/Excel/PDF downloads. */
export function ReportsPage() {
  const today = siteDay(Date.now());
  const [name, setName] = useState<(typeof ANALYTICS)[number]>('weekdays');
  const [from, setFrom] = useState(addDays(today, -27));
  const [to, setTo] = useState(today);
  const path = `/reports/${name}?from=${from}&to=${to}`;
  const { data, error } = useApi(() => api.get<{ tables: ReportTable[] }>(path), path);
  return (
    <Page title="Reports" actions={<Downloads path={path} name={`${name}_${from}_${to}`} />}>
      <div class="filters">
        <div role="tablist" aria-label="Report">
          {ANALYTICS.map((n) => (
            <button
              key={n}
              type="button"
              role="tab"
              aria-selected={n === name}
              class={n === name ? '' : 'secondary'}
              onClick={() => setName(n)}
            >
              {TITLES[n]}
            </button>
          ))}
        </div>
        <label>
          From{' '}
          <input type="date" value={from} onChange={(e) => setFrom((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          To <input type="date" value={to} onChange={(e) => setTo((e.target as HTMLInputElement).value)} />
        </label>
      </div>
      <ErrorBox error={error} />
      {!data && !error && <Loading what="the report" />}
      {data && (
        <>
          <ReportCharts name={name} tables={data.tables} />
          {data.tables.map((t) => (
            <ReportTableView key={t.id} table={t} limit={200} />
          ))}
        </>
      )}
    </Page>
  );
}
