// Charts as plain SVG: bars for categories, a line for a series over time.

export interface Bar {
  label: string;
  value: number;
  /** A second value drawn beside the first (e.g. HyperLogLog beside exact). */
  second?: number;
}

export function BarChart(props: {
  title: string;
  bars: Bar[];
  max?: number;
  unit?: string;
  legend?: [string, string];
}) {
  const w = 640;
  const rowH = 22;
  const h = Math.max(1, props.bars.length) * rowH + 10;
  const max = props.max ?? Math.max(1, ...props.bars.flatMap((b) => [b.value, b.second ?? 0]));
  const x0 = 170;
  const scale = (v: number) => ((w - x0 - 60) * v) / max;
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={props.title}>
        {props.bars.map((b, i) => {
          const y = 5 + i * rowH;
          const two = b.second !== undefined;
          const bh = two ? 8 : 16;
          return (
            <g key={b.label}>
              <text x={x0 - 6} y={y + 13} text-anchor="end" class="axis">
                {b.label.length > 24 ? `${b.label.slice(0, 23)}…` : b.label}
              </text>
              <rect x={x0} y={y} width={scale(b.value)} height={bh} class="bar" />
              {two && <rect x={x0} y={y + 9} width={scale(b.second ?? 0)} height={bh} class="bar2" />}
              <text x={x0 + scale(Math.max(b.value, b.second ?? 0)) + 4} y={y + 13} class="axis">
                {two ? `${b.value} / ${b.second}` : `${b.value}${props.unit ?? ''}`}
              </text>
            </g>
          );
        })}
      </svg>
      {props.legend && (
        <p class="legend">
          <span class="swatch bar" /> {props.legend[0]} <span class="swatch bar2" /> {props.legend[1]}
        </p>
      )}
    </figure>
  );
}

/** Values in 0..1 over labelled points (e.g. a course's attendance per session). */
export function LineChart(props: { title: string; points: { label: string; value: number | null }[] }) {
  const w = 640;
  const h = 200;
  const pad = 30;
  const n = props.points.length;
  const x = (i: number) => pad + (n <= 1 ? 0 : ((w - 2 * pad) * i) / (n - 1));
  const y = (v: number) => h - pad - (h - 2 * pad) * v;
  const pts = props.points
    .map((p, i) => (p.value === null ? null : `${x(i)},${y(p.value)}`))
    .filter((p): p is string => p !== null);
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={props.title}>
        {[0, 0.5, 1].map((v) => (
          <g key={v}>
            <line x1={pad} x2={w - pad} y1={y(v)} y2={y(v)} class="grid" />
            <text x={2} y={y(v) + 4} class="axis">
              {v * 100}%
            </text>
          </g>
        ))}
        <polyline points={pts.join(' ')} class="line" fill="none" />
        {props.points.map((p, i) =>
          p.value === null ? null : (
            <circle key={i} cx={x(i)} cy={y(p.value)} r={3} class="dot">
              <title>{`${p.label}: ${Math.round(p.value * 100)}%`}</title>
            </circle>
          ),
        )}
      </svg>
    </figure>
  );
}
