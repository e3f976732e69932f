import type { MonitorSettings } from "../../domain/monitor.ts";
import { type MonitorTypeSecrets, REDACTED, type SecretTransform } from "../define.ts";
import type { HttpSettings } from "./settings.ts";

/** Header names that usually carry credentials; their values are write-only. */
export const SECRET_HEADER = /auth|cookie|token|secret|key|passw|credential|session|signature/i;

/**
 * The `http` block's secrets: `auth` (only its type and a basic username are shown) and the
 * values of headers whose names look like credentials (shown as "[redacted]").
 */
export const httpSecrets: MonitorTypeSecrets = {
  present(settings: MonitorSettings): MonitorSettings {
    const http = settings.http as HttpSettings | undefined;
    if (!http) return settings;
    const { auth, headers, ...rest } = http;
    return {
      ...settings,
      http: {
        ...rest,
        headers: Object.fromEntries(
          Object.entries(headers).map(([k, v]) => [k, SECRET_HEADER.test(k) ? REDACTED : v]),
        ),
        auth: auth
          ? auth.type === "basic"
            ? { type: "basic", username: auth.username }
            : { type: "bearer" }
          : undefined,
      },
    };
  },

  /**
   * A client that sends back the headers GET showed it would store "[redacted]" over the real
   * secret; a header whose value is exactly that placeholder keeps its stored value instead.
   */
  keep(current: Record<string, unknown>, merged: Record<string, unknown>): void {
    const before = (current.http as { headers?: Record<string, string> } | undefined)?.headers ?? {};
    const after = (merged.http as { headers?: Record<string, string> } | undefined)?.headers;
    if (!after) return;
    const headers = Object.fromEntries(
      Object.entries(after).map(([name, value]) => [
        name,
        value === REDACTED ? (before[name] ?? value) : value,
      ]),
    );
    merged.http = { ...(merged.http as object), headers };
  },

  /** The credentials of `auth` and the values of credential-like headers. */
  map(settings: Record<string, unknown>, f: SecretTransform): Record<string, unknown> {
    const http = settings.http as Record<string, unknown> | undefined;
    if (!http) return settings;
    const out: Record<string, unknown> = { ...http };
    const headers = http.headers as Record<string, unknown> | undefined;
    if (headers) {
      out.headers = Object.fromEntries(
        Object.entries(headers).map(([k, v]) => [k, SECRET_HEADER.test(k) ? f(v) : v]),
      );
    }
    const auth = http.auth as Record<string, unknown> | undefined;
    if (auth) {
      out.auth = {
        ...auth,
        ...(auth.password === undefined ? {} : { password: f(auth.password) }),
        ...(auth.token === undefined ? {} : { token: f(auth.token) }),
      };
    }
    return { ...settings, http: out };
  },
};
