import { useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { t } from "../../i18n/index.ts";
import type { Series } from "./latency-series.ts";

const HEIGHT = 240;

/**
 * A theme colour as the canvas needs it: the variables hold light-dark() pairs, which only a
 * property like `color` resolves (to rgb, for the current colour scheme).
 */
function cssVar(name: string, within: HTMLElement): string {
  const probe = document.createElement("span");
  probe.style.color = `var(${name})`;
  within.appendChild(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color || "#888";
}

/**
 * The response-time chart (and a heartbeat's run durations: the same drawing) (uPlot, in its own chunk: the page loads this module only when it
 * draws). It follows the container's width and redraws in the theme's colours.
 */
export default function LatencyChart({ series, label }: { series: Series; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const theme = useThemeVersion();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the colours come from CSS variables, which change with the theme
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axis = {
      stroke: cssVar("--muted", el),
      grid: { stroke: cssVar("--border", el), width: 1 },
      ticks: { show: false },
    };
    const plot = new uPlot(
      {
        width: Math.max(el.clientWidth, 200),
        height: HEIGHT,
        // The range asked for, not the data's own span: one point alone would get an axis of years.
        scales: { x: { time: true, range: () => series.range } },
        axes: [axis, { ...axis, label: t("detail.chart.ms"), size: 56 }],
        legend: { show: true },
        series: [
          {},
          ...series.lines.map((l) => ({
            label: t(l.label),
            stroke: cssVar(l.color, el),
            width: l.color === "--phase-total" ? 2 : 1.5,
            spanGaps: false,
            value: (_u: uPlot, v: number | null) => (v === null ? "–" : `${Math.round(v)} ms`),
          })),
        ],
      },
      [series.x, ...series.lines.map((l) => l.values)] as uPlot.AlignedData,
      el,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(el.clientWidth, 200), height: HEIGHT }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [series, theme]);
  return <div ref={box} className="latency-chart" role="img" aria-label={label} />;
}

/** Changes whenever the theme does (the person's choice or the system's), so the chart redraws. */
function useThemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    const media = window.matchMedia("(prefers-color-scheme: dark)");
    media.addEventListener("change", bump);
    const observer = new MutationObserver(bump);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    return () => {
      media.removeEventListener("change", bump);
      observer.disconnect();
    };
  }, []);
  return version;
}
