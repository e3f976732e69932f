import { z } from "zod";
import type { AssertionVerdict } from "../../domain/assertion.ts";
import { RESULT_STATUSES } from "../../domain/check-result.ts";

/** One check result as the API shows it: the results list, "check now" with `wait`, and test checks. */
export const ResultItem = z
  .object({
    monitorId: z.string(),
    region: z.string(),
    slotAt: z.string(),
    latenessMs: z.number(),
    manual: z.boolean(),
    status: z.enum(RESULT_STATUSES),
    statusCode: z.number().nullable(),
    timings: z
      .object({
        dns: z.number().nullable(),
        connect: z.number().nullable(),
        tls: z.number().nullable(),
        firstByte: z.number().nullable(),
        total: z.number(),
      })
      .meta({
        description:
          "Milliseconds per phase (null when the phase did not happen): `dns`, `connect` and `tls` are durations, `firstByte` and `total` count from the start of the check",
      }),
    error: z.object({ kind: z.string(), message: z.string() }).nullable().meta({
      description: "Why the exchange failed (no connection, timeout, blocked target); null when it completed",
    }),
    verdicts: z
      .array(
        z.object({
          assertion: z.string().meta({ description: "The assertion in words, e.g. `status == 200`" }),
          ok: z.boolean(),
          severity: z.enum(["hard", "soft"]),
          actual: z.union([z.string(), z.number(), z.boolean(), z.null()]),
        }),
      )
      .meta({ description: "Each assertion's verdict, in order; empty when the exchange failed" }),
    screenshot: z.string().nullable().meta({
      description:
        "Path of the screenshot a failed browser check took (GET it with the same credentials), in the results list and in check now's answer alike: it is stored with the result and kept as long as raw results; null when there is none",
      example: "/api/v1/monitors/mon_2N4/screenshots/local/2026-01-01T10:00:00.000Z",
    }),
  })
  .meta({ id: "CheckResult" });
export type ResultItem = z.infer<typeof ResultItem>;

/** A stored result row (verdicts decoded) as the API shows it. */
export interface ResultRow {
  monitor_id: string;
  region: string;
  slot_at: Date;
  lateness_ms: number;
  manual: boolean;
  status: string;
  status_code: number | null;
  dns_ms: number | null;
  connect_ms: number | null;
  tls_ms: number | null;
  ttfb_ms: number | null;
  total_ms: number;
  error_kind: string | null;
  error: string | null;
  verdicts: AssertionVerdict[];
  /** Set by the results list and check now (services/checks/screenshots.ts); absent for a test check. */
  has_screenshot?: boolean;
}

export const presentResult = (r: ResultRow): ResultItem => ({
  monitorId: r.monitor_id,
  region: r.region,
  slotAt: r.slot_at.toISOString(),
  latenessMs: r.lateness_ms,
  manual: r.manual,
  status: r.status as (typeof RESULT_STATUSES)[number],
  statusCode: r.status_code,
  timings: { dns: r.dns_ms, connect: r.connect_ms, tls: r.tls_ms, firstByte: r.ttfb_ms, total: r.total_ms },
  error: r.error_kind ? { kind: r.error_kind, message: r.error ?? "" } : null,
  verdicts: r.verdicts.map((v) => ({
    assertion: v.assertion,
    ok: v.ok,
    severity: v.severity,
    actual: v.actual ?? null,
  })),
  screenshot: r.has_screenshot
    ? `/api/v1/monitors/${r.monitor_id}/screenshots/${encodeURIComponent(r.region)}/${r.slot_at.toISOString()}`
    : null,
});
