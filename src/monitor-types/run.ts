/** Running and judging a check of any type, through the registry. */
import type { Assertion } from "../domain/assertion.ts";
import { type Judgement, judgeAssertions } from "../domain/assertions.ts";
import type { Observation } from "../domain/check-result.ts";
import type { CheckSpec } from "../domain/monitor.ts";
import { toCheckError } from "../probe/probe-error.ts";
import type { Probe } from "../probe/types.ts";
import { monitorType } from "./types.ts";

/** The module a probe thread runs (./thread.ts, or its compiled .js in dist/), for ProbeThreads. */
export const PROBE_THREAD_ENTRY = new URL(
  `./thread.${import.meta.url.endsWith(".ts") ? "ts" : "js"}`,
  import.meta.url,
);

/** Runs one check of any type. Never throws: even a bug becomes an `internal` error observation. */
export const runProbe: Probe = async (spec, options) => {
  try {
    const type = monitorType(spec.type);
    // Unknown only to a job payload from an older or newer version.
    if (!type) return unsupported(spec);
    return await type.probe(spec, options);
  } catch (err) {
    return { timings: { total: 0 }, error: toCheckError(err, false) };
  }
};

function unsupported(spec: CheckSpec): Observation {
  const type: unknown = (spec as { type: unknown }).type;
  return {
    timings: { total: 0 },
    error: { kind: "internal", message: `unsupported monitor type ${JSON.stringify(type)}` },
  };
}

/** The assertions a check is judged by: its type's implied ones first, then the user's own. */
export function effectiveAssertions(spec: CheckSpec): Assertion[] {
  const implied = monitorType(spec.type)?.impliedAssertions(spec) ?? [];
  return [...implied, ...spec.assertions];
}

/** Judges what a check saw: `down` on an exchange error, else by its effective assertions. */
export function judgeObservation(spec: CheckSpec, obs: Observation): Judgement {
  if (obs.error) return { status: "down", verdicts: [] };
  return judgeAssertions(effectiveAssertions(spec), obs);
}
