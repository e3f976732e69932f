import type { MonitorSettings } from "../../domain/monitor.ts";
import { type MonitorTypeSecrets, REDACTED, type SecretTransform } from "../define.ts";
import { SECRET_HEADER } from "../http/secrets.ts";

type Steps = Array<Record<string, unknown> & { headers?: Record<string, unknown> }>;

/** Each step's headers, with `f` applied to the values of credential-like ones (as http's). */
function mapHeaders(settings: Record<string, unknown>, f: SecretTransform): Record<string, unknown> {
  const block = settings.multistep as { steps?: Steps } | undefined;
  if (!block?.steps) return settings;
  const steps = block.steps.map((step) => ({
    ...step,
    headers: Object.fromEntries(
      Object.entries(step.headers ?? {}).map(([k, v]) => [k, SECRET_HEADER.test(k) ? f(v) : v]),
    ),
  }));
  return { ...settings, multistep: { ...block, steps } };
}

/**
 * Step headers whose names look like credentials (`authorization`, `x-api-key`…) are write-only
 * and stored encrypted, like http's; sending "[redacted]" back keeps the stored value of the
 * same header of the same step.
 */
export const multistepSecrets: MonitorTypeSecrets = {
  present: (settings: MonitorSettings) => mapHeaders(settings, () => REDACTED) as MonitorSettings,
  keep(current, merged) {
    const before = (current.multistep as { steps?: Steps } | undefined)?.steps ?? [];
    const block = merged.multistep as { steps?: Steps } | undefined;
    if (!block?.steps) return;
    const steps = block.steps.map((step, i) => ({
      ...step,
      headers: Object.fromEntries(
        Object.entries(step.headers ?? {}).map(([k, v]) => [
          k,
          v === REDACTED ? (before[i]?.headers?.[k] ?? v) : v,
        ]),
      ),
    }));
    merged.multistep = { ...block, steps };
  },
  map: mapHeaders,
};
