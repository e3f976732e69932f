import type { Observation, Timings } from "../../domain/check-result.ts";
import type { CheckSpec } from "../../domain/monitor.ts";
import { readCertificate } from "../../probe/cert-info.ts";
import { startDeadline } from "../../probe/deadline.ts";
import { parseHostPort } from "../../probe/host-port.ts";
import { ProbeFailure, toCheckError } from "../../probe/probe-error.ts";
import { openFirst, openTlsSocket } from "../../probe/socket-connect.ts";
import { normalizeHostname, resolveSafe } from "../../probe/target-safety.ts";
import { buildTimings } from "../../probe/timing.ts";
import type { ProbeOptions } from "../../probe/types.ts";

const DEFAULT_TLS_PORT = 443;

/**
 * Handshakes with `host[:port]` (443 by default) and reports the certificate. It never refuses a
 * bad certificate: judging daysLeft / chainValid / hostnameMatch is the assertions' job. No HTTP.
 */
export async function probeTls(spec: CheckSpec, options: ProbeOptions): Promise<Observation> {
  const deadline = startDeadline(spec.timeoutMs);
  const phases: Omit<Timings, "total"> = {};
  const observation: Omit<Observation, "timings"> = {};
  try {
    await deadline.race(
      (async () => {
        const { host, port } = parseHostPort(spec.target, DEFAULT_TLS_PORT);
        const hostname = normalizeHostname(host);
        const resolved = await resolveSafe(hostname, options.allowPrivateTargets);
        phases.dns = resolved.dnsMs;
        const attempt = await openFirst(resolved.addresses, (a) =>
          openTlsSocket(a, port, hostname, deadline.signal),
        );
        const opened = attempt.opened;
        observation.remoteAddress = attempt.address;
        phases.connect = attempt.failedMs + opened.connectMs;
        phases.tls = opened.tlsMs;
        opened.socket.on("error", () => {});
        const cert = readCertificate(opened.socket, hostname);
        opened.socket.destroy();
        if (!cert) throw new ProbeFailure("tls", "no certificate presented");
        observation.cert = cert;
      })(),
    );
    return { ...observation, timings: buildTimings(phases, deadline.elapsed()) };
  } catch (err) {
    const error = toCheckError(err, deadline.expired());
    return { ...observation, timings: buildTimings(phases, deadline.elapsed()), error };
  } finally {
    deadline.dispose();
  }
}
