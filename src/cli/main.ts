import { Command } from "commander";
import { type Config, ConfigError, loadConfig } from "../config/load.ts";
import { chooseWasmTier, limitHeapGrowth } from "../lib/heap.ts";
import { chooseLogFormat, createLogger } from "../lib/logger.ts";
import { VERSION } from "../lib/version.ts";
import { startUpblit } from "../main.ts";
import { migrateToLatest, openDatabase } from "../storage/db.ts";
import { registerAccountCommands } from "./accounts.ts";
import { registerBackupCommands } from "./backup.ts";
import { registerClientCommands } from "./client/commands.ts";
import { registerCompletion } from "./client/completion.ts";
import { configFileSchema } from "./client/config/json-schema.ts";
import { configTableMarkdown } from "./config-docs.ts";
import { openApiDocument } from "./openapi-doc.ts";
import { writePermissionsDocs } from "./permissions-docs.ts";
import { registerProbeCommand } from "./probe-command.ts";

function config(options: { config?: string }, overrides: Record<string, string | undefined> = {}): Config {
  try {
    const env = { ...process.env };
    for (const [name, value] of Object.entries(overrides)) if (value !== undefined) env[name] = value;
    return loadConfig(env, options.config ?? process.env.UPBLIT_CONFIG);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`upblit: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

const program = new Command()
  .name("upblit")
  .description("Self-hosted uptime monitoring, alerting, incidents and status pages")
  .version(VERSION, "-v, --version")
  .option("-c, --config <file>", "JSON file of settings (environment variables override it)")
  // Usage mistakes (unknown command or option, missing value) exit 2, like bad configuration.
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

program
  .command("start", { isDefault: true })
  .description("Run Upblit: every role in UPBLIT_ROLES (by default all) in this process")
  .option(
    "--roles <list>",
    "roles this process runs, comma-separated: api, scheduler, probe, evaluator, notifier (overrides UPBLIT_ROLES)",
  )
  .option("--region <name>", "region this process schedules and probes for (overrides REGION)")
  .action(async (opts: { roles?: string; region?: string }) => {
    // Flags are checked by the same schema as the variables they stand for (config/schema.ts).
    const cfg = config(program.opts(), { UPBLIT_ROLES: opts.roles, REGION: opts.region });
    limitHeapGrowth(cfg.heapGrowingPercent);
    chooseWasmTier(cfg.wasmOptimize);
    const log = createLogger(
      cfg.log.level,
      undefined,
      chooseLogFormat(cfg.log.format, process.stdout.isTTY === true),
    );
    const running = await startUpblit(cfg, log).catch((err: unknown) => {
      log.fatal({ err }, "start-up failed");
      process.exit(1);
    });
    // What a person needs, as plain lines on stderr whatever the log format (stdout stays the log).
    if (running.url)
      process.stderr.write(`Upblit is listening on ${running.url} (API docs: ${running.url}/api/docs)\n`);
    if (running.setupUrl) {
      process.stderr.write(`\nNo account yet. Open this link to set up Upblit:\n  ${running.setupUrl}\n\n`);
    }
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.once(signal, () => {
        log.info({ signal }, "signal received");
        const hardStop = setTimeout(() => process.exit(1), cfg.shutdownTimeoutMs + 5_000);
        hardStop.unref();
        running.stop().then(
          () => process.exit(0),
          (err: unknown) => {
            log.error({ err }, "shutdown failed");
            process.exit(1);
          },
        );
      });
    }
  });

program
  .command("migrate")
  .description("Apply pending database migrations and exit")
  .action(async () => {
    const cfg = config(program.opts());
    const db = await openDatabase(cfg.db);
    try {
      const applied = await migrateToLatest(db);
      process.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : "database is up to date\n");
    } finally {
      await db.destroy();
    }
  });

program
  .command("config-docs")
  .description("Print the configuration table (Markdown) generated from the config schema")
  .action(() => {
    process.stdout.write(configTableMarkdown());
  });

program
  .command("permissions-docs")
  .description("Rewrite the route table of a permissions page (docs/permissions.md) from the routes")
  .argument("[file]", "the Markdown file to update", "docs/permissions.md")
  .action(async (file: string) => {
    const routes = await writePermissionsDocs(file);
    process.stdout.write(`${file}: ${routes} routes\n`);
  });

program
  .command("openapi")
  .description("Print the OpenAPI document of this build (JSON), without a server or database")
  .action(async () => {
    process.stdout.write(`${JSON.stringify(await openApiDocument(), null, 2)}\n`);
  });

program
  .command("config-schema")
  .description("Print the JSON Schema of config files (upblit apply), made from this build's API")
  .action(async () => {
    const document = (await openApiDocument()) as Parameters<typeof configFileSchema>[0];
    process.stdout.write(`${JSON.stringify(configFileSchema(document), null, 2)}\n`);
  });

registerAccountCommands(program, () => config(program.opts()));
registerBackupCommands(program, () => config(program.opts()), VERSION);
registerClientCommands(program);
registerProbeCommand(program, process.env);
registerCompletion(program);

await program.parseAsync(process.argv);
