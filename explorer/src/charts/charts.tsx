/**
 * Charts shared by the era page, the cluster page and the era widget: recharts inside a figure
 * whose caption says what the chart shows in words, with the same numbers as a table underneath
 * (so neither colour nor the picture is the only way to read them). Values are tokens (numbers);
 * tables show the exact planck amounts with `amount()`.
 * @module
 */
import type { ReactNode } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { SYMBOL, short } from '../format.ts';
import { encodeAddress } from '../ss58.ts';

export const COLORS = {
  charged: '#2456c9',
  recomputed: '#9db4e8',
  rewarded: '#1b7a3d',
  fee: '#7a5a00',
  rate: '#b3261e',
};

/** A token number for axes and tooltips: `0.0512 CERE`, `1,234.5 CERE`. */
export function tokenText(n: number, digits = 6): string {
  return `${n.toLocaleString('en-US', { maximumSignificantDigits: digits })} ${SYMBOL}`;
}

function tick(n: number): string {
  return n.toLocaleString('en-US', { maximumSignificantDigits: 3, notation: 'compact' });
}

/** Legend entries in text colour (the swatch carries the series colour). */
const legendText = (name: string) => <span style={{ color: '#1c2430' }}>{name}</span>;

/** A short SS58 label for an account on a chart axis. */
export function accountLabel(hex: string): string {
  return short(encodeAddress(hex) ?? hex, 4);
}

/** A chart with its caption and, folded, the numbers as a table. */
export function ChartFigure(props: {
  title: string;
  summary: ReactNode;
  height?: number;
  children: ReactNode;
  table?: ReactNode;
}) {
  return (
    <figure className="chart-figure" style={{ margin: '0 0 1rem', minWidth: 0 }}>
      <figcaption style={{ fontSize: '0.88rem' }}>
        <strong>{props.title}.</strong> <span className="muted">{props.summary}</span>
      </figcaption>
      <div className="chart" style={props.height ? { height: props.height } : undefined}>
        {props.children}
      </div>
      {props.table && (
        <details>
          <summary className="muted">The numbers of this chart as a table</summary>
          {props.table}
        </details>
      )}
    </figure>
  );
}

export interface BarSeries {
  key: string;
  name: string;
  color: string;
}

/**
 * Horizontal bars, one row per category (accounts, fee kinds): readable on phones, where long
 * labels do not fit under vertical bars. Height grows with the rows.
 */
export function HorizontalBars(props: {
  data: ReadonlyArray<Record<string, string | number>>;
  category: string;
  series: readonly BarSeries[];
  title: string;
  labelWidth?: number;
}) {
  const legend = props.series.length > 1;
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart
        data={props.data as Array<Record<string, string | number>>}
        layout="vertical"
        margin={{ top: 4, right: 16, bottom: 4, left: 4 }}
        title={props.title}
      >
        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
        <XAxis type="number" tickFormatter={tick} fontSize={12} />
        <YAxis
          type="category"
          dataKey={props.category}
          width={props.labelWidth ?? 96}
          fontSize={12}
          interval={0}
        />
        <Tooltip formatter={(v) => tokenText(Number(v), 10)} />
        {legend && <Legend wrapperStyle={{ fontSize: 12 }} formatter={legendText} />}
        {props.series.map((s) => (
          <Bar key={s.key} dataKey={s.key} name={s.name} fill={s.color} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

/** The height a horizontal bar chart needs for `rows` categories of `bars` bars each. */
export function barsHeight(rows: number, bars = 1): number {
  return Math.max(140, 56 + rows * (14 + 12 * bars));
}

export interface EraPoint {
  era: number;
  charged: number;
  rewarded: number;
  /** Verified records as a percentage (0–100), null when the era has no records. */
  rate: number | null;
}

/** Per era: charged and rewarded as bars (tokens), the verification rate as a line (%). */
export function EraHistoryChart(props: { data: readonly EraPoint[]; title: string }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ComposedChart
        data={props.data as EraPoint[]}
        margin={{ top: 8, right: 4, bottom: 4, left: 4 }}
        title={props.title}
      >
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="era" fontSize={12} tickFormatter={(e: number) => `era ${e}`} />
        <YAxis yAxisId="t" tickFormatter={tick} fontSize={12} width={48} />
        <YAxis
          yAxisId="r"
          orientation="right"
          domain={[0, 100]}
          tickFormatter={(n: number) => `${n}%`}
          fontSize={12}
          width={44}
        />
        <Tooltip
          labelFormatter={(e) => `Era ${String(e)}`}
          formatter={(v, name) =>
            name === 'Verified records' ? `${Number(v).toFixed(1)}%` : tokenText(Number(v), 10)
          }
        />
        <Legend wrapperStyle={{ fontSize: 12 }} formatter={legendText} />
        <Bar
          yAxisId="t"
          dataKey="charged"
          name={`Charged (${SYMBOL})`}
          fill={COLORS.charged}
          maxBarSize={40}
          isAnimationActive={false}
        />
        <Bar
          yAxisId="t"
          dataKey="rewarded"
          name={`Rewarded (${SYMBOL})`}
          fill={COLORS.rewarded}
          maxBarSize={40}
          isAnimationActive={false}
        />
        <Line
          yAxisId="r"
          dataKey="rate"
          name="Verified records"
          stroke={COLORS.rate}
          strokeWidth={2}
          strokeDasharray="5 3"
          dot={{ r: 3 }}
          connectNulls
          isAnimationActive={false}
        />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
