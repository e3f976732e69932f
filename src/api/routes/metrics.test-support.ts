import { createRequire } from "node:module";

/** One metric family as parse-prometheus-text-format (a port of Prometheus's own parser) returns it. */
export interface MetricFamily {
  name: string;
  help: string;
  type: "COUNTER" | "GAUGE" | "HISTOGRAM" | "SUMMARY" | "UNTYPED";
  metrics: Array<{ labels?: Record<string, string>; value?: string; count?: string; sum?: string }>;
}

// The package ships CommonJS without types; this is its one function, typed as documented.
const parse = createRequire(import.meta.url)("parse-prometheus-text-format") as (
  text: string,
) => MetricFamily[];

/** Parses a /metrics body; throws on text Prometheus would not accept. */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  return new Map(parse(text).map((family) => [family.name, family]));
}

/** The value of the sample of `name` whose labels include `labels`, as a number (undefined: no such sample). */
export function sample(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const found = families
    .get(name)
    ?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  if (!found) return undefined;
  return Number(found.value ?? found.count);
}
