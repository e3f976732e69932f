import { hard, judgeAssertions } from "../../domain/assertions.ts";
import type { Observation } from "../../domain/check-result.ts";
import { evaluateJsonPath } from "../../domain/json-path.ts";
import type { CheckSpec } from "../../domain/monitor.ts";
import type { ProbeOptions } from "../../probe/types.ts";
import { type HttpCheckSpec, probeHttp } from "../http/probe.ts";
import type { MultistepSettings, MultistepStep } from "./settings.ts";

export type MultistepSpec = CheckSpec & { multistep: MultistepSettings };

const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Runs the steps in order within the monitor's one timeout; each is a request of the http
 * prober (so each connection passes target safety at connect time, redirects included). A step
 * whose request fails, whose assertion fails or whose value cannot be extracted ends the check:
 * `multistep.failedStep` names it (1-based; 0 when all passed) and the error says why.
 */
export async function probeMultistep(spec: MultistepSpec, options: ProbeOptions): Promise<Observation> {
  const started = Date.now();
  const values = new Map<string, string>();
  let last: Observation = { timings: { total: 0 } };
  const steps = spec.multistep.steps;
  for (const [i, step] of steps.entries()) {
    const fail = (message: string, obs: Observation = last): Observation => ({
      ...obs,
      timings: { ...obs.timings, total: Date.now() - started },
      facts: { ...obs.facts, "multistep.failedStep": i + 1, "multistep.passedSteps": i },
      error: obs.error ?? { kind: "protocol", message: `step ${i + 1} (${step.name}): ${message}` },
    });
    const remaining = spec.timeoutMs - (Date.now() - started);
    if (remaining <= 0)
      return fail("no time left", { ...last, error: { kind: "timeout", message: "timed out" } });
    let url: string;
    try {
      url = new URL(fill(step.url, values, encodeURIComponent), spec.target).toString();
    } catch {
      return fail("the URL is not valid once filled in");
    }
    const stepSpec: HttpCheckSpec = {
      ...spec,
      type: "http",
      target: url,
      timeoutMs: remaining,
      assertions: [{ subject: "body", op: "exists", severity: "hard" }],
      http: {
        method: step.method,
        headers: Object.fromEntries(Object.entries(step.headers).map(([k, v]) => [k, fill(v, values)])),
        ...(step.body === undefined ? {} : { body: fill(step.body, values) }),
        followRedirects: true,
        maxRedirects: 5,
        verifyTls: spec.multistep.verifyTls,
      },
    };
    const obs = await probeHttp(stepSpec, options);
    last = obs;
    if (obs.error)
      return fail(obs.error.message, {
        ...obs,
        error: { ...obs.error, message: `step ${i + 1} (${step.name}): ${obs.error.message}` },
      });
    const judged = judgeAssertions(
      step.assertions.map((a) => hard(a)),
      obs,
    );
    const broken = judged.verdicts.find((v) => !v.ok);
    if (broken) return fail(`${broken.assertion} failed (got ${broken.actual ?? "nothing"})`);
    for (const e of step.extract) {
      const value = extract(obs, e);
      if (value === undefined) return fail(`nothing to extract for ${e.name} at ${e.path}`);
      values.set(e.name, value);
    }
  }
  return {
    ...last,
    timings: { ...last.timings, total: Date.now() - started },
    facts: { ...last.facts, "multistep.failedStep": 0, "multistep.passedSteps": steps.length },
  };
}

function fill(text: string, values: Map<string, string>, encode: (s: string) => string = (s) => s): string {
  return text.replace(VARIABLE, (whole, name: string) => {
    const value = values.get(name);
    return value === undefined ? whole : encode(value);
  });
}

function extract(obs: Observation, e: MultistepStep["extract"][number]): string | undefined {
  if (e.from === "header") return obs.headers?.[e.path.toLowerCase()];
  try {
    const match = evaluateJsonPath(JSON.parse(obs.body ?? ""), e.path);
    if (!match.found || match.value === null || typeof match.value === "object") return undefined;
    return String(match.value);
  } catch {
    return undefined;
  }
}
