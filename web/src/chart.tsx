import type { JSX } from "preact";
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
  format: (v: number | null) => string;
}

/** A time series chart: x in epoch seconds. The figure carries a text summary for screen readers. */
export function TimeChart(props: { title: string; x: number[]; series: Series[]; summary: string }): JSX.Element {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = el.current;
    if (!host) return;
    const width = Math.max(280, host.clientWidth || 480);
    const plot = new uPlot({
      width,
      height: 180,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [{ stroke: "#445" }, { stroke: "#445", values: (_u, ticks) => ticks.map((t) => props.series[0].format(t)), size: 70 }],
            // Points as well as lines: an interval between two empty ones is a point, not an invisible line.
      series: [{}, ...props.series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: true, size: 5, fill: s.color }, value: (_u: uPlot, v: number | null) => s.format(v) }))],
    }, [props.x, ...props.series.map((s) => s.values)] as uPlot.AlignedData, host);
    return () => plot.destroy();
  }, [props.x, props.series]);
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <div ref={el} aria-hidden="true" />
      <p class="sr-only">{props.summary}</p>
    </figure>
  );
}

const HOUR_S = 3600;

/**
 * Hourly rows on a dense axis: every hour from the first row (or `span` hours back, whichever is
 * earlier) to the current hour, so one hour of data is a point in a day's frame rather than a
 * lone point on an axis uPlot stretches over years. `rows[i]` is null for an hour with no row.
 */
export function hourAxis<T extends { start: string }>(rows: readonly T[], span = 12, nowMs = Date.now()): { x: number[]; rows: (T | null)[] } {
  const end = Math.floor(nowMs / 1000 / HOUR_S) * HOUR_S;
  const byStart = new Map(rows.map((r) => [Math.floor(Date.parse(r.start) / 1000), r]));
  const first = Math.min(end - (span - 1) * HOUR_S, ...byStart.keys());
  const x: number[] = [];
  const out: (T | null)[] = [];
  for (let t = first; t <= end; t += HOUR_S) {
    x.push(t);
    out.push(byStart.get(t) ?? null);
  }
  return { x, rows: out };
}
