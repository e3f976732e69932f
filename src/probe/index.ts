import type { Observation } from "../domain/check-result.ts";
import type { CheckSpec } from "../domain/monitor.ts";
import { probeDns } from "./dns.ts";
import { probeHttp } from "./http.ts";
import { toCheckError } from "./probe-error.ts";
import { probeTcp } from "./tcp.ts";
import { probeTls } from "./tls.ts";
import type { Probe, ProbeOptions } from "./types.ts";

export { isAddressAllowed, resolveSafe } from "./target-safety.ts";
export type { Probe, ProbeOptions } from "./types.ts";

/** Runs one check of any type. Never throws: even a bug becomes an `internal` error observation. */
export const runProbe: Probe = async (spec, options) => {
  try {
    return await dispatchProbe(spec, options);
  } catch (err) {
    return { timings: { total: 0 }, error: toCheckError(err, false) };
  }
};

function dispatchProbe(spec: CheckSpec, options: ProbeOptions): Promise<Observation> {
  switch (spec.type) {
    case "http":
    case "keyword":
    case "json":
      return probeHttp(spec, options);
    case "tcp":
      return probeTcp(spec, options);
    case "tls":
      return probeTls(spec, options);
    case "dns":
      return probeDns(spec, options);
  }
  // Unreachable for well-typed specs; a job payload from an older or newer version may not be.
  const type: unknown = (spec as { type: unknown }).type;
  return Promise.resolve({
    timings: { total: 0 },
    error: { kind: "internal", message: `unsupported monitor type ${JSON.stringify(type)}` },
  });
}
