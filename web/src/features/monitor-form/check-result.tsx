import type { ReactNode } from "react";
import { StateBadge } from "../../components/state-badge.tsx";
import { t } from "../../i18n/index.ts";

export interface Timings {
  dns: number | null;
  connect: number | null;
  tls: number | null;
  firstByte: number | null;
  total: number;
}

export interface Verdict {
  assertion: string;
  ok: boolean;
  severity: "hard" | "soft";
  actual?: string | number | boolean | null;
}

/** One check's outcome as the dashboard shows it (a stored result, a test run, a check now). */
export interface CheckOutcome {
  status: string;
  statusCode: number | null;
  timings: Timings;
  error: { kind: string; message: string } | null;
  verdicts: Verdict[];
  region?: string;
  at?: string;
  /** Path of a failed browser check's stored screenshot (a stored result or check now). */
  screenshot?: string;
}

/**
 * Reads a check's outcome from an API answer, whether it is the result itself or wraps it
 * (`{ result: … }`); undefined when it carries none.
 */
export function readOutcome(data: unknown): CheckOutcome | undefined {
  if (!data || typeof data !== "object") return undefined;
  const o = data as Record<string, unknown>;
  if (o.result && typeof o.result === "object") return readOutcome(o.result);
  if (typeof o.status !== "string" || !o.timings || typeof o.timings !== "object") return undefined;
  const tm = o.timings as Record<string, unknown>;
  const n = (v: unknown) => (typeof v === "number" ? v : null);
  return {
    status: o.status,
    statusCode: n(o.statusCode),
    timings: {
      dns: n(tm.dns),
      connect: n(tm.connect),
      tls: n(tm.tls),
      firstByte: n(tm.firstByte),
      total: n(tm.total) ?? 0,
    },
    error: (o.error as CheckOutcome["error"]) ?? null,
    verdicts: Array.isArray(o.verdicts) ? (o.verdicts as Verdict[]) : [],
    ...(typeof o.region === "string" ? { region: o.region } : {}),
    ...(typeof o.slotAt === "string" ? { at: o.slotAt } : typeof o.at === "string" ? { at: o.at } : {}),
    ...(typeof o.screenshot === "string" ? { screenshot: o.screenshot } : {}),
  };
}

interface Segment {
  phase: "dns" | "connect" | "tls" | "wait" | "download";
  start: number;
  ms: number;
}

/**
 * The phases laid end to end: dns, connect and tls are durations; firstByte and total count from
 * the start of the check (docs/monitors.md), so waiting is firstByte minus the set-up before it.
 */
export function waterfall(tm: Timings): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  for (const phase of ["dns", "connect", "tls"] as const) {
    const ms = tm[phase];
    if (ms !== null && ms > 0) {
      out.push({ phase, start: at, ms });
      at += ms;
    }
  }
  if (tm.firstByte !== null && tm.firstByte > at) {
    out.push({ phase: "wait", start: at, ms: tm.firstByte - at });
    at = tm.firstByte;
  }
  if (tm.total > at) out.push({ phase: "download", start: at, ms: tm.total - at });
  return out;
}

const ms = (v: number) => t("result.ms", { ms: Math.round(v) });

export function Waterfall({ timings }: { timings: Timings }) {
  const total = Math.max(timings.total, 1);
  const segments = waterfall(timings);
  return (
    <table className="waterfall">
      <caption className="visually-hidden">{t("result.phases")}</caption>
      <tbody>
        {segments.map((s) => (
          <tr key={s.phase}>
            <th scope="row">{t(`result.phase.${s.phase}`)}</th>
            <td className="waterfall-track">
              <span
                className={`waterfall-bar phase-${s.phase}`}
                style={{
                  marginLeft: `${(s.start / total) * 100}%`,
                  width: `${Math.max((s.ms / total) * 100, 0.5)}%`,
                }}
              />
            </td>
            <td className="num">{ms(s.ms)}</td>
          </tr>
        ))}
        <tr>
          <th scope="row">{t("result.phase.total")}</th>
          <td className="waterfall-track">
            <span className="waterfall-bar phase-total" style={{ width: "100%" }} />
          </td>
          <td className="num">{ms(timings.total)}</td>
        </tr>
      </tbody>
    </table>
  );
}

export function Verdicts({ verdicts }: { verdicts: Verdict[] }) {
  if (verdicts.length === 0) return <p className="muted">{t("result.noVerdicts")}</p>;
  return (
    <ul className="verdicts">
      {verdicts.map((v, i) => (
        <li
          // biome-ignore lint/suspicious/noArrayIndexKey: verdicts come in a fixed order and may repeat
          key={`${i}-${v.assertion}`}
          className={v.ok ? "verdict-ok" : `verdict-fail verdict-${v.severity}`}
        >
          <span className="verdict-mark">{v.ok ? t("result.pass") : t("result.fail")}</span>{" "}
          <code>{v.assertion}</code>
          {v.severity === "soft" && <span className="muted"> {t("result.soft")}</span>}
          {v.actual !== undefined && (
            <span className="muted"> {t("result.actual", { actual: JSON.stringify(v.actual) })}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * The outcome of one check: state, status code, error, timing waterfall, verdicts, then what the
 * caller adds (check now adds a failed browser check's screenshot).
 */
export function CheckResultView({
  outcome,
  title,
  children,
}: {
  outcome: CheckOutcome;
  title: string;
  children?: ReactNode;
}) {
  return (
    <section className="card stack check-result" aria-label={title}>
      <div className="row">
        <h3>{title}</h3>
        <StateBadge state={outcome.status} />
        {outcome.statusCode !== null && <span>{t("result.statusCode", { code: outcome.statusCode })}</span>}
        {outcome.region && <span className="muted">{outcome.region}</span>}
      </div>
      {outcome.error && (
        <p className="form-error" role="status">
          {t("result.error", { kind: outcome.error.kind, message: outcome.error.message })}
        </p>
      )}
      <Waterfall timings={outcome.timings} />
      <Verdicts verdicts={outcome.verdicts} />
      {children}
    </section>
  );
}
