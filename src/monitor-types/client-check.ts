/**
 * The frame every client-library check (postgres, mysql, redis, …) runs in, so each type only
 * writes its conversation with the server:
 * - the target is parsed and vetted by the probe's SSRF rules (`resolveSafe`) and the library is
 *   given the vetted IP literal, never the name: it cannot resolve again (no rebinding);
 * - one hard deadline over the whole check; at the deadline the client is torn down;
 * - every failure becomes an `observation.error` (never a throw), with the settings' secrets
 *   blanked out of the message, so a password can reach neither a result nor a log.
 */
import type { Observation, Timings } from "../domain/check-result.ts";
import { type Deadline, startDeadline } from "../probe/deadline.ts";
import { parseHostPort } from "../probe/host-port.ts";
import { toCheckError } from "../probe/probe-error.ts";
import { normalizeHostname, resolveSafe } from "../probe/target-safety.ts";
import { buildTimings, roundMs } from "../probe/timing.ts";
import type { ProbeOptions } from "../probe/types.ts";
import { redactSecrets } from "./client-redact.ts";

/** A type-specific value a check read (`postgres.result`), judged by that type's assertion subjects. */
export type Fact = string | number | boolean | null;

/** What a client check saw: an Observation with its type's facts. */
export type ClientObservation = Observation;

export interface ClientTarget {
  /** The host as the user wrote it (lower-cased, unbracketed): for TLS names and messages. */
  hostname: string;
  /** The vetted IP literal the library must connect to. */
  address: string;
  port: number;
}

export interface ClientCheckContext {
  target: ClientTarget;
  deadline: Deadline;
  phases: Omit<Timings, "total">;
  facts: Record<string, Fact>;
  /** Runs when the check ends, however it ends (success, failure, deadline): close the client here. */
  onCleanup(close: () => unknown): void;
}

export interface ClientCheckSpec {
  target: string;
  timeoutMs: number;
}

export async function runClientCheck(
  spec: ClientCheckSpec,
  options: ProbeOptions,
  defaultPort: number,
  secrets: ReadonlyArray<string | undefined>,
  converse: (ctx: ClientCheckContext) => Promise<void>,
): Promise<ClientObservation> {
  const deadline = startDeadline(spec.timeoutMs);
  const phases: Omit<Timings, "total"> = {};
  const facts: Record<string, Fact> = {};
  const cleanups: Array<() => unknown> = [];
  let remoteAddress: string | undefined;
  let error: Observation["error"];
  try {
    await deadline.race(
      (async () => {
        const { host, port } = parseHostPort(spec.target, defaultPort);
        const hostname = normalizeHostname(host);
        const resolved = await resolveSafe(hostname, options.allowPrivateTargets);
        phases.dns = resolved.dnsMs;
        remoteAddress = resolved.address;
        const target = { hostname, address: resolved.address, port };
        await converse({ target, deadline, phases, facts, onCleanup: (close) => cleanups.push(close) });
      })(),
    );
  } catch (err) {
    const checkError = toCheckError(err, deadline.expired());
    error = { kind: checkError.kind, message: redactSecrets(checkError.message, secrets) };
  } finally {
    deadline.dispose();
    for (const close of cleanups.reverse()) closeQuietly(close);
  }
  const observation: ClientObservation = { timings: buildTimings(phases, deadline.elapsed()) };
  if (remoteAddress) observation.remoteAddress = remoteAddress;
  if (Object.keys(facts).length > 0) observation.facts = redactFacts(facts, secrets);
  if (error) observation.error = error;
  return observation;
}

/** Milliseconds since `startedAt` (a monotonic reading), rounded like the timings. */
export function msSince(deadline: Deadline, startedAt: number): number {
  return roundMs(deadline.elapsed() - startedAt);
}

function redactFacts(facts: Record<string, Fact>, secrets: ReadonlyArray<string | undefined>) {
  const out: Record<string, Fact> = {};
  for (const [key, value] of Object.entries(facts)) {
    out[key] = typeof value === "string" ? redactSecrets(value, secrets) : value;
  }
  return out;
}

function closeQuietly(close: () => unknown): void {
  try {
    const result = close();
    if (result instanceof Promise) result.catch(() => {});
  } catch {
    // Closing a client that already failed may throw; the check is over either way.
  }
}
