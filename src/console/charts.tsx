// Server-rendered SVG charts for console reports (no script, no CDN): bars, bars with a line, stacked bars.
import type { Child } from 'hono/jsx';

export interface Bar {
  label: string;
  value: number;
  /** CSS class suffix for the bar colour (`bar alt`, `bar danger`...). */
  tone?: string;
}

const W = 560;
const PAD = { top: 16, right: 12, bottom: 28, left: 36 };

/** A round axis maximum (at least 2, so the middle grid line of a count is a whole number). */
function niceMax(v: number): number {
  if (v <= 2) return 2;
  const p = 10 ** Math.floor(Math.log10(v));
  const n = v / p;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * p;
}

function Grid(props: { max: number; h: number; w?: number; format: (n: number) => string }) {
  const width = props.w ?? W;
  const lines = [0, 0.5, 1];
  return (
    <>
      {lines.map((f) => {
        const y = PAD.top + (1 - f) * (props.h - PAD.top - PAD.bottom);
        return (
          <>
            <line class="grid-line" x1={PAD.left} x2={width - PAD.right} y1={y} y2={y} />
            <text x={PAD.left - 6} y={y + 4} text-anchor="end">
              {props.format(props.max * f)}
            </text>
          </>
        );
      })}
    </>
  );
}

/** A vertical bar chart with values on the bars. */
export function BarChart(props: {
  bars: Bar[];
  title: string;
  height?: number;
  width?: number;
  format?: (n: number) => string;
  testid?: string;
}) {
  const h = props.height ?? 200;
  const w = props.width ?? W;
  const format = props.format ?? ((n: number) => String(Math.round(n)));
  const max = niceMax(Math.max(0, ...props.bars.map((b) => b.value)));
  const inner = w - PAD.left - PAD.right;
  const slot = inner / Math.max(1, props.bars.length);
  const bw = Math.min(48, slot * 0.7);
  const plotH = h - PAD.top - PAD.bottom;
  return (
    <svg class="chart" viewBox={`0 0 ${w} ${h}`} role="img" aria-label={props.title} data-testid={props.testid}>
      <title>{props.title}</title>
      <Grid max={max} h={h} w={w} format={format} />
      {props.bars.map((b, i) => {
        const bh = (b.value / max) * plotH;
        const x = PAD.left + i * slot + (slot - bw) / 2;
        const y = PAD.top + plotH - bh;
        return (
          <g>
            <rect class={`bar ${b.tone ?? ''}`} x={x} y={y} width={bw} height={Math.max(0, bh)} rx={3}>
              <title>{`${b.label}: ${format(b.value)}`}</title>
            </rect>
            {b.value > 0 ? (
              <text class="value" x={x + bw / 2} y={y - 4} text-anchor="middle">
                {format(b.value)}
              </text>
            ) : null}
            <text x={x + bw / 2} y={h - 10} text-anchor="middle">
              {b.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** Bars (left axis) with a line over them (right scale, e.g. CSAT 1-5); null line points are gaps. */
export function BarLineChart(props: {
  labels: string[];
  bars: number[];
  line: (number | null)[];
  lineMax: number;
  title: string;
  barLabel: string;
  lineLabel: string;
  height?: number;
}) {
  const h = props.height ?? 220;
  const max = niceMax(Math.max(0, ...props.bars));
  const inner = W - PAD.left - PAD.right - 24;
  const slot = inner / Math.max(1, props.labels.length);
  const bw = Math.min(36, slot * 0.6);
  const plotH = h - PAD.top - PAD.bottom;
  const cx = (i: number) => PAD.left + i * slot + slot / 2;
  const ly = (v: number) => PAD.top + plotH - (v / props.lineMax) * plotH;
  const segments: string[] = [];
  let current = '';
  props.line.forEach((v, i) => {
    if (v === null) {
      if (current) segments.push(current);
      current = '';
      return;
    }
    current += `${current ? 'L' : 'M'}${cx(i).toFixed(1)},${ly(v).toFixed(1)}`;
  });
  if (current) segments.push(current);
  const legend: Child = (
    <div class="legend">
      <span>
        <i />
        {props.barLabel}
      </span>
      <span>
        <i class="alt" />
        {props.lineLabel} (right, 0–{props.lineMax})
      </span>
    </div>
  );
  return (
    <>
      <svg class="chart" viewBox={`0 0 ${W} ${h}`} role="img" aria-label={props.title}>
        <title>{props.title}</title>
        <Grid max={max} h={h} format={(n) => String(Math.round(n))} />
        {props.labels.map((label, i) => {
          const bh = (props.bars[i] / max) * plotH;
          return (
            <g>
              <rect class="bar" x={cx(i) - bw / 2} y={PAD.top + plotH - bh} width={bw} height={Math.max(0, bh)} rx={3}>
                <title>{`${label}: ${props.bars[i]}`}</title>
              </rect>
              <text x={cx(i)} y={h - 10} text-anchor="middle">
                {label}
              </text>
            </g>
          );
        })}
        {segments.map((d) => (
          <path class="line" d={d} />
        ))}
        {props.line.map((v, i) =>
          v === null ? null : (
            <circle class="dot" cx={cx(i)} cy={ly(v)} r={3.5}>
              <title>{`${props.labels[i]}: ${v}`}</title>
            </circle>
          ),
        )}
        <text x={W - 4} y={PAD.top + 4} text-anchor="end">
          {props.lineMax}
        </text>
        <text x={W - 4} y={PAD.top + plotH} text-anchor="end">
          0
        </text>
      </svg>
      {legend}
    </>
  );
}

/** Horizontal stacked bars (negative / neutral / positive per category). */
export function StackedBars(props: {
  rows: { label: string; parts: { value: number; tone: string; name: string }[] }[];
  title: string;
  width?: number;
}) {
  const w = props.width ?? W;
  const rowH = 26;
  const h = props.rows.length * rowH + 8;
  const labelW = 90;
  const total = Math.max(1, ...props.rows.map((r) => r.parts.reduce((s, p) => s + p.value, 0)));
  const scale = (w - labelW - 40) / total;
  return (
    <svg class="chart" viewBox={`0 0 ${w} ${h}`} role="img" aria-label={props.title}>
      <title>{props.title}</title>
      {props.rows.map((r, i) => {
        let x = labelW;
        const y = 4 + i * rowH;
        const sum = r.parts.reduce((s, p) => s + p.value, 0);
        return (
          <g>
            <text x={labelW - 8} y={y + 15} text-anchor="end">
              {r.label}
            </text>
            {r.parts.map((p) => {
              const w = p.value * scale;
              const rect = (
                <rect class={`bar ${p.tone}`} x={x} y={y + 3} width={Math.max(0, w)} height={rowH - 8} rx={2}>
                  <title>{`${r.label} ${p.name}: ${p.value}`}</title>
                </rect>
              );
              x += w;
              return rect;
            })}
            <text class="value" x={x + 6} y={y + 15}>
              {sum}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
