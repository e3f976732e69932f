import type { Command } from "commander";
import { z } from "zod";
import { chooseLogFormat, createLogger } from "../lib/logger.ts";
import { VERSION } from "../lib/version.ts";
import { judgeObservation, runProbe } from "../monitor-types/run.ts";
import { RemoteProbeAgent } from "../probe/remote/agent.ts";
import { ProbeMetrics } from "../probe/remote/metrics.ts";
import { parseOptions, runCommand } from "./run.ts";

const Options = z.object({
  connect: z.url({ protocol: /^https?$/ }),
  token: z.string().startsWith("upb_probe_", "must be a probe token (upb_probe_…)"),
  concurrency: z.coerce.number().int().min(1).max(1000).default(20),
  bufferFile: z.string().optional(),
  bufferMax: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  allowPrivateTargets: z.boolean().default(false),
  denyPrivateTargets: z.boolean().default(false),
  offlineAfter: z.coerce.number().int().min(1).max(86_400).default(60),
  offlineFor: z.coerce.number().min(0).max(24).default(24),
  metricsPort: z.coerce.number().int().min(0).max(65_535).optional(),
  metricsHost: z.string().min(1).default("127.0.0.1"),
  logFormat: z.enum(["auto", "json", "pretty"]).default("auto"),
});

/**
 * `upblit probe`: a remote probe for one region (docs/remote-probes.md). It needs nothing but an
 * outbound HTTP(S) connection to the server and a probe token; exit code 3 when the token is refused,
 * 4 when the server does not speak this probe's protocol version.
 */
export function registerProbeCommand(program: Command, env: NodeJS.ProcessEnv): void {
  program
    .command("probe")
    .description("Run a remote probe: check one region's monitors for the Upblit server at --connect")
    .requiredOption("--connect <url>", "the server's URL, e.g. https://status.example.com")
    .option("--token <token>", "a probe token (upb_probe_…); or UPBLIT_PROBE_TOKEN")
    .option("--concurrency <n>", "checks at once", "20")
    .option("--buffer-file <path>", "keep unsent results in this file across restarts")
    .option("--buffer-max <n>", "results kept while the server is unreachable", "10000")
    .option(
      "--deny-private-targets",
      "refuse loopback and private-network targets even when the region allows them",
    )
    .option("--allow-private-targets", "no effect since protocol 2: the region's setting decides")
    .option("--offline-after <seconds>", "check on our own after this long without the server", "60")
    .option("--offline-for <hours>", "check on our own for at most this long (0: never; at most 24)", "24")
    .option("--metrics-port <port>", "serve this probe's Prometheus metrics on this port (GET /metrics)")
    .option("--metrics-host <host>", "the address --metrics-port listens on", "127.0.0.1")
    .option("--log-format <format>", "auto, json or pretty", "auto")
    .action(async (raw: Record<string, unknown>) => {
      await runCommand(async () => {
        const o = parseOptions(Options, { ...raw, token: raw.token ?? env.UPBLIT_PROBE_TOKEN });
        const log = createLogger(
          env.LOG_LEVEL ?? "info",
          undefined,
          chooseLogFormat(o.logFormat, process.stdout.isTTY === true),
        ).child({ category: "probe" });
        if (o.allowPrivateTargets) {
          log.warn(
            "--allow-private-targets has no effect: the region's setting (allowPrivateTargets) decides, --deny-private-targets narrows it",
          );
        }
        const metrics = new ProbeMetrics();
        const served =
          o.metricsPort === undefined ? undefined : await metrics.serve(o.metricsPort, o.metricsHost);
        if (served)
          log.info({ port: served.port }, `metrics on http://${o.metricsHost}:${served.port}/metrics`);
        const agent = new RemoteProbeAgent({
          url: o.connect,
          token: o.token,
          version: VERSION,
          probe: runProbe,
          judge: judgeObservation,
          probeOptions: {
            // The ceiling: the region's setting decides below it.
            allowPrivateTargets: !o.denyPrivateTargets,
            maxBodyBytes: 1_048_576,
            userAgent: `Upblit/${VERSION} remote probe (+https://upblit.dev)`,
          },
          concurrency: o.concurrency,
          log,
          bufferMax: o.bufferMax,
          bufferFile: o.bufferFile,
          offlineAfterMs: o.offlineAfter * 1000,
          offlineForMs: o.offlineFor * 3_600_000,
          metrics,
        });
        for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => agent.stop());
        const reason = await agent.run();
        served?.server.closeAllConnections();
        served?.server.close();
        if (reason === "refused") process.exitCode = 3;
        if (reason === "incompatible") process.exitCode = 4;
      });
    });
}
