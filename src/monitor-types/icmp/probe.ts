/**
 * `icmp`: ping a host with the system's `ping` (iputils), at the address the probe's target rules
 * vetted, never the name. Node has no ICMP sockets; `ping` has the privilege they need
 * (README.md). Facts: `icmp.loss`, `icmp.sent`, `icmp.received`, `icmp.rttMin|Avg|Max`,
 * `icmp.jitter`.
 */
import { spawn } from "node:child_process";
import type { Observation } from "../../domain/check-result.ts";
import type { CheckSpec } from "../../domain/monitor.ts";
import { startDeadline } from "../../probe/deadline.ts";
import { ProbeFailure, toCheckError } from "../../probe/probe-error.ts";
import { resolveSafe } from "../../probe/target-safety.ts";
import { buildTimings } from "../../probe/timing.ts";
import type { ProbeOptions } from "../../probe/types.ts";
import { readPingOutput } from "./ping-output.ts";

export interface IcmpSettings {
  /** Echo requests sent, 200 ms apart. */
  count: number;
}

export type IcmpCheckSpec = CheckSpec & { icmp: IcmpSettings };

/** A fixed search path and the C locale: the output's format must not depend on the environment. */
const PING_ENV = { PATH: "/usr/bin:/bin:/usr/sbin:/sbin", LC_ALL: "C" };
/** `ping` prints at most a line per reply; more than this is not ping. */
const MAX_OUTPUT_BYTES = 64 * 1024;

export async function probeIcmp(spec: IcmpCheckSpec, options: ProbeOptions): Promise<Observation> {
  const deadline = startDeadline(spec.timeoutMs);
  let dnsMs: number | undefined;
  let remoteAddress: string | undefined;
  const facts: Record<string, number> = {};
  try {
    await deadline.race(
      (async () => {
        const resolved = await resolveSafe(spec.target, options.allowPrivateTargets);
        dnsMs = resolved.dnsMs;
        remoteAddress = resolved.address;
        // ping stops by itself a little before the check's deadline (-w, whole seconds), waiting
        // at most a second for each reply (-W); the deadline still kills it if it does not.
        const budgetSeconds = Math.max(1, Math.floor((spec.timeoutMs - deadline.elapsed() - 300) / 1000));
        const args = [
          "-n",
          "-c",
          String(spec.icmp.count),
          "-i",
          "0.2",
          "-W",
          "1",
          "-w",
          String(budgetSeconds),
        ];
        const output = await runPing([...args, resolved.address], deadline.signal);
        const stats = readPingOutput(output, spec.icmp.count);
        for (const [key, value] of Object.entries(stats))
          if (value !== undefined) facts[`icmp.${key}`] = value;
      })(),
    );
    return finish({ timings: buildTimings({ dns: dnsMs }, deadline.elapsed()) });
  } catch (err) {
    const error = toCheckError(err, deadline.expired());
    return finish({ timings: buildTimings({ dns: dnsMs }, deadline.elapsed()), error });
  } finally {
    deadline.dispose();
  }

  function finish(observation: Observation): Observation {
    if (remoteAddress) observation.remoteAddress = remoteAddress;
    if (Object.keys(facts).length > 0) observation.facts = facts;
    return observation;
  }
}

/** Runs ping without a shell; exit 0 (replies) and 1 (no reply) both carry readable output. */
function runPing(args: string[], signal: AbortSignal): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const child = spawn("ping", args, { env: PING_ENV, stdio: ["ignore", "pipe", "pipe"], signal });
    let output = "";
    let errors = "";
    child.stdout.on("data", (chunk: Buffer) => {
      if (output.length < MAX_OUTPUT_BYTES) output += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (errors.length < 1024) errors += chunk.toString("utf8");
    });
    child.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT")
        reject(new ProbeFailure("internal", "the system ping is not installed (Debian: iputils-ping)"));
      else reject(err);
    });
    child.once("close", (code) => {
      if (code === 0 || code === 1) resolve(output);
      else
        reject(
          new ProbeFailure("internal", `ping failed: ${errors.trim().split("\n")[0]?.slice(0, 200) ?? code}`),
        );
    });
  });
}
