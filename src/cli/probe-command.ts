import type { Command } from "commander";
import { z } from "zod";
import { chooseLogFormat, createLogger } from "../lib/logger.ts";
import { VERSION } from "../lib/version.ts";
import { judgeObservation, runProbe } from "../monitor-types/run.ts";
import { RemoteProbeAgent } from "../probe/remote/agent.ts";
import { parseOptions, runCommand } from "./run.ts";

const Options = z.object({
  connect: z.url({ protocol: /^https?$/ }),
  token: z.string().startsWith("upb_probe_", "must be a probe token (upb_probe_…)"),
  concurrency: z.coerce.number().int().min(1).max(1000).default(20),
  bufferFile: z.string().optional(),
  bufferMax: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  allowPrivateTargets: z.boolean().default(false),
  logFormat: z.enum(["auto", "json", "pretty"]).default("auto"),
});

/**
 * `upblit probe`: a remote probe for one region (docs/remote-probes.md). It needs nothing but an
 * outbound HTTP(S) connection to the server and a probe token; exit code 3 when the token is refused.
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
    .option("--allow-private-targets", "allow loopback and private-network targets (this machine's network)")
    .option("--log-format <format>", "auto, json or pretty", "auto")
    .action(async (raw: Record<string, unknown>) => {
      await runCommand(async () => {
        const o = parseOptions(Options, { ...raw, token: raw.token ?? env.UPBLIT_PROBE_TOKEN });
        const log = createLogger(
          env.LOG_LEVEL ?? "info",
          undefined,
          chooseLogFormat(o.logFormat, process.stdout.isTTY === true),
        ).child({ category: "probe" });
        const agent = new RemoteProbeAgent({
          url: o.connect,
          token: o.token,
          version: VERSION,
          probe: runProbe,
          judge: judgeObservation,
          probeOptions: {
            allowPrivateTargets: o.allowPrivateTargets,
            maxBodyBytes: 1_048_576,
            userAgent: `Upblit/${VERSION} remote probe (+https://upblit.dev)`,
          },
          concurrency: o.concurrency,
          log,
          bufferMax: o.bufferMax,
          bufferFile: o.bufferFile,
        });
        for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => agent.stop());
        const reason = await agent.run();
        if (reason === "refused") process.exitCode = 3;
      });
    });
}
