import type { MonitorSettings } from "../../domain/monitor.ts";
import { type MonitorTypeSecrets, REDACTED, type SecretTransform } from "../define.ts";
import { SECRET_HEADER } from "../http/secrets.ts";

type Step = Record<string, unknown> & { headers?: Record<string, unknown>; body?: unknown };

/** Field names in a step body that usually carry credentials (password, token, apiKey, client_secret…). */
export const SECRET_FIELD =
  /passw|passphrase|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|credential|auth|signature|session/i;
/** A value that is only `{{name}}` placeholders is an extracted value, not a stored secret. */
const ONLY_PLACEHOLDERS = /^(?:\s*\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}\s*)+$/;

const secretValue = (v: unknown) => typeof v === "string" && v !== "" && !ONLY_PLACEHOLDERS.test(v);

function jsonHasSecret(value: unknown, depth = 0): boolean {
  if (depth > 20 || typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return value.some((v) => jsonHasSecret(v, depth + 1));
  return Object.entries(value).some(
    ([k, v]) =>
      (SECRET_FIELD.test(k) && (secretValue(v) || typeof v === "number")) || jsonHasSecret(v, depth + 1),
  );
}

/**
 * Whether a step body holds a credential-like field: a JSON body with a key such as `password`,
 * `token`, `client_secret` or `apiKey` (at any depth) holding a value, or a form body
 * (`a=b&password=c`) with such a field. Values that are only `{{name}}` placeholders do not count.
 */
export function bodyHasSecret(body: string): boolean {
  const text = body.trim();
  if (text.startsWith("{") || text.startsWith("[")) {
    try {
      return jsonHasSecret(JSON.parse(text));
    } catch {
      // not JSON: read it as a form below
    }
  }
  if (!text.includes("=")) return false;
  for (const [k, v] of new URLSearchParams(text)) if (SECRET_FIELD.test(k) && secretValue(v)) return true;
  return false;
}

/** A body to treat as a secret: one stored sealed (not a string), or one with a credential-like field. */
const secretBody = (body: unknown) => body !== undefined && (typeof body !== "string" || bodyHasSecret(body));

/**
 * Each step with `f` applied to the values of credential-like headers (as http's) and to a body
 * that holds a credential-like field (as a whole).
 */
function mapSteps(settings: Record<string, unknown>, f: SecretTransform): Record<string, unknown> {
  const block = settings.multistep as { steps?: Step[] } | undefined;
  if (!block?.steps) return settings;
  const steps = block.steps.map((step) => {
    const out: Step = {
      ...step,
      headers: Object.fromEntries(
        Object.entries(step.headers ?? {}).map(([k, v]) => [k, SECRET_HEADER.test(k) ? f(v) : v]),
      ),
    };
    if (secretBody(step.body)) out.body = f(step.body);
    return out;
  });
  return { ...settings, multistep: { ...block, steps } };
}

/**
 * Step headers whose names look like credentials (`authorization`, `x-api-key`…) are write-only
 * and stored encrypted, like http's; so is a step body holding a credential-like field (a JSON
 * `password`, `token`, `apiKey`… or such a form field), as a whole. Sending "[redacted]" back
 * keeps the stored value of the same header, or the body, of the same step.
 */
export const multistepSecrets: MonitorTypeSecrets = {
  present: (settings: MonitorSettings) => mapSteps(settings, () => REDACTED) as MonitorSettings,
  keep(current, merged) {
    const before = (current.multistep as { steps?: Step[] } | undefined)?.steps ?? [];
    const block = merged.multistep as { steps?: Step[] } | undefined;
    if (!block?.steps) return;
    const steps = block.steps.map((step, i) => {
      const out: Step = {
        ...step,
        headers: Object.fromEntries(
          Object.entries(step.headers ?? {}).map(([k, v]) => [
            k,
            v === REDACTED ? (before[i]?.headers?.[k] ?? v) : v,
          ]),
        ),
      };
      if (step.body === REDACTED && before[i]?.body !== undefined) out.body = before[i]?.body;
      return out;
    });
    merged.multistep = { ...block, steps };
  },
  map: mapSteps,
};
