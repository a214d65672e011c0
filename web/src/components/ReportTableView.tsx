import type { ReportTable } from '../api/types.ts';

export function ReportTableView(props: { table: ReportTable; limit?: number }) {
  const t = props.table;
  const rows = props.limit ? t.rows.slice(0, props.limit) : t.rows;
  return (
    <div class="scroll">
      <table>
        <caption>
          {t.title}
          <div class="muted">{t.description}</div>
        </caption>
        <thead>
          <tr>
            {t.columns.map((c) => (
              <th scope="col" key={c.key}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {t.columns.map((c) => (
                <td key={c.key}>{r[c.key] ?? ''}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length < t.rows.length && (
        <p class="muted">
          First {rows.length} of {t.rows.length} rows; the downloads hold all.
        </p>
      )}
    </div>
  );
}
