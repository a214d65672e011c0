import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../api/client.ts';
import { ErrorBox, Loading, Page } from '../../components/common.tsx';
import { hhmmss } from '../../components/format.ts';
import { useCanWrite } from '../../components/role.ts';
import { useApi } from '../../components/useApi.ts';

interface Params {
  population: number;
  rate: number;
  latePct: number;
  invalidPct: number;
  earlyExitPct: number;
  seed: number;
}

interface Simulation {
  id: string;
  params: Params;
  state: 'starting' | 'running' | 'done' | 'stopped' | 'failed';
  startedAt: number;
  fed: number;
  planned: number;
  progress: number;
  hallId: string;
  day: string;
  error: string | null;
}

const FIELDS: [keyof Params, string][] = [
  ['population', 'Population (students)'],
  ['rate', 'Rate (swipes per second)'],
  ['latePct', 'Late %'],
  ['invalidPct', 'Invalid cards %'],
  ['earlyExitPct', 'Early exit %'],
  ['seed', 'Seed'],
];

const DEFAULTS: Params = { population: 100, rate: 20, latePct: 15, invalidPct: 2, earlyExitPct: 5, seed: 1 };

/** Start a simulated hall day against the running system and follow it (it arrives on the Live page). */
export function SimulationPage() {
  const canWrite = useCanWrite();
  const [tick, setTick] = useState(0);
  const { data, error } = useApi(() => api.get<Simulation[]>('/simulations'), String(tick));
  const active = (data ?? []).some((s) => s.state === 'starting' || s.state === 'running');
  useEffect(() => {
    if (!active) return;
    const t = setTimeout(() => setTick((n) => n + 1), 1000);
    return () => clearTimeout(t);
  }, [active, data]);
  return (
    <Page title="Simulation">
      <p>
        A simulated hall day runs through a real gateway inside the aggregator and reaches it over the broker,
        like any gateway: watch it arrive on the <a href="/">Live page</a>.
      </p>
      {canWrite && <StartForm onStarted={() => setTick((n) => n + 1)} />}
      <ErrorBox error={error} />
      {!data && !error && <Loading what="the simulations" />}
      {data && <SimulationsTable sims={data} canWrite={canWrite} onChange={() => setTick((n) => n + 1)} />}
    </Page>
  );
}

function StartForm(props: { onStarted: () => void }) {
  const [p, setP] = useState<Params>(DEFAULTS);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await api.post('/simulations', p);
      props.onStarted();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <form class="sim-form" aria-label="Start a simulation" onSubmit={(e) => void submit(e)}>
      {FIELDS.map(([key, name]) => (
        <label key={key}>
          {name}{' '}
          <input
            type="number"
            step="any"
            required
            value={p[key]}
            onInput={(e) => setP({ ...p, [key]: Number((e.target as HTMLInputElement).value) })}
          />
        </label>
      ))}
      <button type="submit">Start simulation</button>
      <ErrorBox error={error} />
    </form>
  );
}

function SimulationsTable(props: { sims: Simulation[]; canWrite: boolean; onChange: () => void }) {
  if (props.sims.length === 0) return <p class="muted">No simulation has run yet.</p>;
  return (
    <table>
      <caption>Simulations</caption>
      <thead>
        <tr>
          <th scope="col">Id</th>
          <th scope="col">Started</th>
          <th scope="col">Hall</th>
          <th scope="col">Students</th>
          <th scope="col">State</th>
          <th scope="col">Swipes fed</th>
          <th scope="col">Progress</th>
          {props.canWrite && <th scope="col">Stop</th>}
        </tr>
      </thead>
      <tbody>
        {props.sims.map((s) => (
          <tr key={s.id} data-sim={s.id}>
            <td>{s.id}</td>
            <td>{hhmmss(s.startedAt)}</td>
            <td>{s.hallId}</td>
            <td>{s.params.population}</td>
            <td data-state={s.state}>
              {s.state}
              {s.error ? `: ${s.error}` : ''}
            </td>
            <td>
              {s.fed} / {s.planned}
            </td>
            <td>
              <progress max={1} value={s.progress} aria-label={`${s.id} progress`} />
            </td>
            {props.canWrite && (
              <td>
                {(s.state === 'running' || s.state === 'starting') && (
                  <button
                    type="button"
                    class="secondary"
                    onClick={() => void api.del(`/simulations/${s.id}`).then(props.onChange)}
                  >
                    Stop {s.id}
                  </button>
                )}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
