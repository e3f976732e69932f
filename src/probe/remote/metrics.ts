import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, Gauge, Registry } from "prom-client";

/**
 * A remote probe's own metrics (`upblit probe --metrics-port`): a registry of its own, nothing of
 * the server's. Served as Prometheus text on a local port, for the probe's operator.
 */
export class ProbeMetrics {
  readonly registry = new Registry();
  readonly checks = new Counter({
    name: "upblit_probe_checks_total",
    help: "Checks this probe ran, by outcome and by how the slot came (claimed from the server, or scheduled here while offline)",
    labelNames: ["status", "mode"] as const,
    registers: [this.registry],
  });
  readonly buffered = new Gauge({
    name: "upblit_probe_buffered_results",
    help: "Results waiting to be uploaded",
    registers: [this.registry],
  });
  readonly dropped = new Counter({
    name: "upblit_probe_buffer_dropped_total",
    help: "Results dropped unsent because the buffer was full (oldest first)",
    registers: [this.registry],
  });
  readonly uploaded = new Counter({
    name: "upblit_probe_uploaded_results_total",
    help: "Results the server took (accepted or refused) in an upload",
    registers: [this.registry],
  });
  readonly uploadFailures = new Counter({
    name: "upblit_probe_upload_failures_total",
    help: "Uploads that failed (server unreachable or answering an error); the results stay buffered",
    registers: [this.registry],
  });
  readonly lastContact = new Gauge({
    name: "upblit_probe_last_contact_timestamp_seconds",
    help: "When a request to the server last succeeded (Unix time, probe clock; 0: never)",
    registers: [this.registry],
  });
  readonly skew = new Gauge({
    name: "upblit_probe_clock_skew_seconds",
    help: "The server's clock minus this machine's, as measured on the last claim",
    registers: [this.registry],
  });
  readonly offline = new Gauge({
    name: "upblit_probe_offline",
    help: "1 while the probe checks its last assignments on its own (server unreachable), else 0",
    registers: [this.registry],
  });
  readonly monitors = new Gauge({
    name: "upblit_probe_assigned_monitors",
    help: "Monitors in the probe's last assignments",
    registers: [this.registry],
  });

  /** Serves GET /metrics on host:port; resolves with the server once listening. */
  async serve(port: number, host: string): Promise<{ server: Server; port: number }> {
    const server = createServer((req, res) => {
      if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": this.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    return { server, port: (server.address() as AddressInfo).port };
  }
}
