import { api } from '../../api/client.ts';
import type { Gateway, Hall } from '../../api/types.ts';
import { ErrorBox, Loading, Page } from '../../components/common.tsx';
import { ago } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';

interface Fleet {
  gateways: Gateway[];
  halls: Hall[];
  published: Record<string, number>;
}

const load = async (): Promise<Fleet> => {
  const [gateways, halls, published] = await Promise.all([
    api.get<Gateway[]>('/gateways'),
    api.get<Hall[]>('/halls'),
    api.get<Record<string, number>>('/config/versions'),
  ]);
  return { gateways, halls, published };
};

function show(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${k}: ${show(x)}`)
    .join(', ');
}

const SHOWN = new Set([
  'version',
  'outboxDepth',
  'oldestUnsyncedAgeSec',
  'clockSkewMs',
  'clockSkewSec',
  'readers',
  'camera',
  'configVersions',
]);

/** The clock skew a gateway reports, under whichever name its version uses. */
function skew(h: Record<string, unknown>): string {
  if (h.clockSkewMs != null) return `${show(h.clockSkewMs)} ms`;
  if (h.clockSkewSec != null) return `${show(h.clockSkewSec)} s`;
  return '—';
}

/** The fleet: online/offline (offline stands out), heartbeat, outbox, clock, devices, config versions. */
export function FleetPage() {
  const { data, error, reload } = useApi(load, 'fleet');
  return (
    <Page
      title="Halls and gateways"
      actions={
        <button type="button" class="secondary" onClick={reload}>
          Refresh
        </button>
      }
    >
      <ErrorBox error={error} />
      {!data && !error && <Loading what="the fleet" />}
      {data && (
        <>
          <GatewayTable gateways={data.gateways} />
          <p class="muted">
            Published configuration versions:{' '}
            {Object.entries(data.published)
              .map(([k, v]) => `${k} v${v}`)
              .join(', ') || 'none yet'}
          </p>
          <h2>Halls</h2>
          <ul>
            {data.halls.map((h) => (
              <li key={h.hallId}>
                {h.hallId}
                {h.name ? ` — ${h.name}` : ''} · gateways:{' '}
                {data.gateways
                  .filter((g) => g.hallIds.includes(h.hallId))
                  .map((g) => g.gatewayId)
                  .join(', ') || 'none'}
              </li>
            ))}
          </ul>
        </>
      )}
    </Page>
  );
}

function GatewayTable(props: { gateways: Gateway[] }) {
  if (props.gateways.length === 0) return <p>No gateway has reported yet.</p>;
  return (
    <div class="scroll">
      <table class="fleet">
        <thead>
          <tr>
            <th scope="col">Gateway</th>
            <th scope="col">State</th>
            <th scope="col">Last heartbeat</th>
            <th scope="col">Outbox</th>
            <th scope="col">Oldest unsynced</th>
            <th scope="col">Clock skew</th>
            <th scope="col">Readers</th>
            <th scope="col">Camera</th>
            <th scope="col">Applied config</th>
            <th scope="col">Version</th>
            <th scope="col">Other health</th>
          </tr>
        </thead>
        <tbody>
          {props.gateways.map((g) => {
            const h = g.health ?? {};
            const off = g.state !== 'online';
            return (
              <tr
                key={`${g.site}/${g.gatewayId}`}
                class={off ? 'offline' : undefined}
                data-gateway={g.gatewayId}
              >
                <th scope="row">
                  {g.site}/{g.gatewayId}
                  <div class="muted">{g.hallIds.join(', ')}</div>
                </th>
                <td>
                  <span class={`badge ${off ? 'st-absent' : 'st-present'}`}>{g.state ?? 'unknown'}</span>
                </td>
                <td>{ago(g.lastSeen)}</td>
                <td>{show(h.outboxDepth)}</td>
                <td>{h.oldestUnsyncedAgeSec == null ? '—' : `${show(h.oldestUnsyncedAgeSec)} s`}</td>
                <td>{skew(h)}</td>
                <td>{show(h.readers)}</td>
                <td>{show(h.camera)}</td>
                <td>{show(h.configVersions)}</td>
                <td>{g.version ?? '—'}</td>
                <td class="muted">
                  {show(Object.fromEntries(Object.entries(h).filter(([k]) => !SHOWN.has(k)))) || '—'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
