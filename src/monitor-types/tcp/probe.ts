import type { Observation, Timings } from "../../domain/check-result.ts";
import type { CheckSpec } from "../../domain/monitor.ts";
import { startDeadline } from "../../probe/deadline.ts";
import { parseHostPort } from "../../probe/host-port.ts";
import { toCheckError } from "../../probe/probe-error.ts";
import { openFirst, openTcpSocket } from "../../probe/socket-connect.ts";
import { resolveSafe } from "../../probe/target-safety.ts";
import { buildTimings } from "../../probe/timing.ts";
import type { ProbeOptions } from "../../probe/types.ts";

/** Up when a TCP connection to `host:port` opens; nothing is sent. */
export async function probeTcp(spec: CheckSpec, options: ProbeOptions): Promise<Observation> {
  const deadline = startDeadline(spec.timeoutMs);
  const timings: Omit<Timings, "total"> = {};
  let remoteAddress: string | undefined;
  try {
    await deadline.race(
      (async () => {
        const { host, port } = parseHostPort(spec.target);
        const resolved = await resolveSafe(host, options.allowPrivateTargets);
        timings.dns = resolved.dnsMs;
        const tcp = await openFirst(resolved.addresses, (a) => openTcpSocket(a, port, deadline.signal));
        remoteAddress = tcp.address;
        timings.connect = tcp.failedMs + tcp.opened.connectMs;
        tcp.opened.socket.on("error", () => {});
        tcp.opened.socket.destroy();
      })(),
    );
    return {
      timings: buildTimings(timings, deadline.elapsed()),
      ...(remoteAddress ? { remoteAddress } : {}),
    };
  } catch (err) {
    return {
      timings: buildTimings(timings, deadline.elapsed()),
      error: toCheckError(err, deadline.expired()),
      ...(remoteAddress ? { remoteAddress } : {}),
    };
  } finally {
    deadline.dispose();
  }
}
