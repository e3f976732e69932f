import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { stringify } from "yaml";
import { ClientError } from "../contexts.ts";
import { action, type CommonOptions, clientFor, ExitCodeOverride } from "../run.ts";
import { type ApplyResult, applyPlan } from "./apply.ts";
import { exportConfig, SCHEMA_COMMENT } from "./export.ts";
import { type ConfigFile, missingEnv, readConfig } from "./file.ts";
import { makePlan, type Plan } from "./plan.ts";
import { renderPlan } from "./render.ts";
import { readState } from "./state.ts";

interface PlanFlags extends CommonOptions {
  file: string;
  prune?: boolean;
  updateSecrets?: boolean;
}

/** Exit code of `upblit diff` when the server differs from the files (docs/cli.md#exit-codes). */
export const DRIFT_EXIT_CODE = 5;

/** Exit code of `upblit apply` when it stopped at a refusal after applying some changes (docs/cli.md#exit-codes). */
export const PARTIAL_APPLY_EXIT_CODE = 6;

/** What an apply stopped part way did, failed and did not attempt; the server's problem follows on stderr. */
function partialReport(result: ApplyResult, planned: number): string {
  const lines = [
    `Applied ${result.done.length} of ${planned} changes; stopped at ${result.failed?.what.split(" ")[1]}.`,
    `  applied: ${result.done.length}${result.done.length ? ` (${result.done.join("; ")})` : ""}`,
    `  failed: ${result.failed?.what} (the server's answer below)`,
    `  not attempted: ${result.notAttempted.length}${result.notAttempted.length ? ` (${result.notAttempted.join(", ")})` : ""}`,
    "What was applied stays applied and matches the files: fix the refusal and apply again for the rest.",
  ];
  return `${lines.join("\n")}\n`;
}

const print = (text: string): void => {
  process.stdout.write(text);
};

function planFlags(cmd: Command): Command {
  return cmd
    .requiredOption("-f, --file <path>", "a YAML or JSON file, or a folder of them")
    .option("--prune", "delete keyed resources that no file declares")
    .option("--update-secrets", "send channels' secrets again even when nothing else changed")
    .option("--context <name>", "the login context to use (default: the current one)");
}

async function planFor(o: PlanFlags): Promise<{ config: ConfigFile; plan: Plan }> {
  const config = readConfig(o.file);
  const missing = missingEnv(config, process.env);
  if (missing.length)
    throw new ClientError(2, `the files reference unset environment variables: ${missing.join(", ")}`);
  const client = clientFor(o);
  const withChannels = config.monitors.some((m) => m.channels !== undefined);
  const state = await readState(client, withChannels);
  const plan = makePlan(config, state, {
    prune: Boolean(o.prune),
    updateSecrets: Boolean(o.updateSecrets),
    env: process.env,
  });
  if (plan.problems.length) throw new ClientError(1, `cannot plan:\n  - ${plan.problems.join("\n  - ")}`);
  return { config, plan };
}

/** `upblit plan`, `apply`, `diff`, `export` (docs/config-as-code.md). */
export function registerConfigCommands(program: Command): void {
  planFlags(
    program.command("plan").description("Show what apply would change on the server, field by field"),
  ).action(
    action(async (o: PlanFlags) => {
      print(renderPlan((await planFor(o)).plan));
    }),
  );
  planFlags(
    program
      .command("diff")
      .description(`Like plan; exits ${DRIFT_EXIT_CODE} when the server differs from the files (CI)`),
  ).action(
    action(async (o: PlanFlags) => {
      const { plan } = await planFor(o);
      print(renderPlan(plan));
      if (plan.actions.length) process.exitCode = DRIFT_EXIT_CODE;
    }),
  );
  planFlags(program.command("apply").description("Make the server match the files, through the API"))
    .option("--dry-run", "print the plan and change nothing (same as plan)")
    .action(
      action(async (o: PlanFlags & { dryRun?: boolean }) => {
        const { plan } = await planFor(o);
        print(renderPlan(plan));
        if (o.dryRun || plan.actions.length === 0) return;
        const result = await applyPlan(clientFor(o), plan, process.env, (line) => print(`  ${line}\n`));
        if (result.failed) {
          print(partialReport(result, plan.actions.length));
          // Something changed before the refusal: say so in the exit code; else the refusal's own.
          throw result.done.length > 0
            ? new ExitCodeOverride(PARTIAL_APPLY_EXIT_CODE, result.failed.error)
            : result.failed.error;
        }
        print(`Applied ${result.done.length} changes.\n`);
      }),
    );
  program
    .command("export")
    .description("Write the organization's configuration as a file that apply takes back")
    .option("-o, --output <file>", "write here instead of stdout (.json for JSON)")
    .option("--context <name>", "the login context to use (default: the current one)")
    .action(
      action(async (o: CommonOptions & { output?: string }) => {
        const { config, env } = await exportConfig(clientFor(o));
        const text = o.output?.endsWith(".json")
          ? `${JSON.stringify({ version: 1, ...config }, null, 2)}\n`
          : `${SCHEMA_COMMENT}\n${env.length ? `# Secrets are read from: ${env.join(", ")}\n` : ""}${stringify({ version: 1, ...config })}`;
        if (o.output) {
          writeFileSync(o.output, text, { mode: 0o600 });
          process.stderr.write(
            `Wrote ${o.output}${env.length ? `; set ${env.join(", ")} before applying it` : ""}\n`,
          );
        } else print(text);
      }),
    );
}
