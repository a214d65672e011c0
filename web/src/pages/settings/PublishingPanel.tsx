import { api } from '../../api/client.ts';
import type { Gateway } from '../../api/types.ts';
import { ErrorBox } from '../../components/common.tsx';
import { useApi } from '../../components/useApi.ts';

const load = () =>
  Promise.all([api.get<Record<string, number>>('/config/versions'), api.get<Gateway[]>('/gateways')]);

/** The latest published version of each configuration kind beside what each gateway reports it applied. */
export function PublishingPanel() {
  const { data, error } = useApi(load, 'publishing');
  const kinds = data ? Object.keys(data[0]).sort() : [];
  return (
    <section aria-labelledby="pub-title">
      <h2 id="pub-title">Publishing</h2>
      <ErrorBox error={error} />
      {data && kinds.length === 0 && <p class="muted">Nothing published to the gateways yet.</p>}
      {data && kinds.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Gateway</th>
              {kinds.map((k) => (
                <th scope="col" key={k}>
                  {k} (published v{data[0][k]})
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data[1].map((g) => {
              const applied = (g.health?.configVersions ?? {}) as Record<string, unknown>;
              return (
                <tr key={`${g.site}/${g.gatewayId}`}>
                  <th scope="row">{g.gatewayId}</th>
                  {kinds.map((k) => (
                    <td key={k} class={applied[k] === data[0][k] ? undefined : 'bad'}>
                      {applied[k] === undefined ? 'not reported' : `v${JSON.stringify(applied[k])}`}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
