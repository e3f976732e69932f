import type { Command } from "commander";
import { z } from "zod";
import type { Config } from "../config/load.ts";
import { ROLES } from "../domain/permissions.ts";
import { setPasswordAsSystem } from "../services/accounts/set-password.ts";
import { createSetupLink } from "../services/accounts/setup.ts";
import { createUserWithRole } from "../services/accounts/users.ts";
import { withAdminRuntime } from "./admin-runtime.ts";
import { passwordSource } from "./password-input.ts";
import { CliError, parseOptions, runCommand } from "./run.ts";

const Email = z.email("must be an email address").max(254);

const UserCreateOptions = z.object({
  email: Email,
  role: z.enum(ROLES, `must be one of ${ROLES.join(", ")}`),
  organization: z
    .string()
    .regex(/^org_[0-9a-z]{1,64}$/, "must be an organization id (org_…)")
    .optional(),
  name: z.string().trim().max(100).optional(),
  passwordStdin: z.boolean().optional(),
});

const ResetPasswordOptions = z.object({
  email: Email,
  passwordStdin: z.boolean().optional(),
});

/**
 * The account commands that work without the web: `setup-link`, `user create` and
 * `user reset-password`. `loadConfig` reads the same settings `start` does (exit 2 when wrong).
 */
export function registerAccountCommands(program: Command, loadConfig: () => Config): void {
  program
    .command("setup-link")
    .description(
      "Print a fresh single-use first-run setup link (older links stop working); refused once an account exists",
    )
    .action(() => runCommand(() => printSetupLink(loadConfig())));

  const user = program.command("user").description("Create accounts and reset passwords without the web");

  user
    .command("create")
    .description("Create an account with a role in an organization (the first one by default)")
    .requiredOption("--email <email>", "the person's email; they sign in with it")
    .requiredOption("--role <role>", `one of ${ROLES.join(", ")}`)
    .option(
      "--organization <id>",
      "organization id (org_…); default: the first organization, made if none exists",
    )
    .option("--name <name>", "display name")
    .option("--password-stdin", "read the password from stdin instead of asking twice on the terminal")
    .action((raw: unknown) =>
      runCommand(() => createUser(loadConfig(), parseOptions(UserCreateOptions, raw))),
    );

  user
    .command("reset-password")
    .description("Set a new password for an account; every session of the person ends")
    .requiredOption("--email <email>", "the account's email")
    .option("--password-stdin", "read the new password from stdin instead of asking twice on the terminal")
    .action((raw: unknown) =>
      runCommand(() => resetPassword(loadConfig(), parseOptions(ResetPasswordOptions, raw))),
    );
}

async function printSetupLink(config: Config): Promise<void> {
  const url = await withAdminRuntime(config, createSetupLink);
  if (!url) {
    throw new CliError(
      1,
      "setup is done: an account exists. Add people with `upblit user create` or reset a password with `upblit user reset-password`.",
    );
  }
  process.stdout.write(`${url}\n`);
  process.stderr.write(
    "Open it within 24 hours; it works once. A server started while nobody has an account logs a newer link, and this one stops working.\n",
  );
}

async function createUser(config: Config, options: z.output<typeof UserCreateOptions>): Promise<void> {
  const readPassword = passwordSource(options.passwordStdin === true, options.email);
  const created = await withAdminRuntime(config, async (rt) =>
    createUserWithRole(rt, {
      email: options.email,
      password: await readPassword(),
      role: options.role,
      organizationId: options.organization,
      name: options.name || undefined,
    }),
  );
  process.stdout.write(
    `created ${options.role} ${options.email.trim().toLowerCase()} (${created.userId}) in organization ${created.organizationId}\n`,
  );
}

async function resetPassword(config: Config, options: z.output<typeof ResetPasswordOptions>): Promise<void> {
  const readPassword = passwordSource(options.passwordStdin === true, options.email);
  const done = await withAdminRuntime(config, async (rt) =>
    setPasswordAsSystem(rt, { email: options.email, password: await readPassword() }),
  );
  process.stdout.write(
    `password of ${options.email.trim().toLowerCase()} changed; ${done.sessionsEnded} session(s) ended\n`,
  );
}
