import type { z } from "zod";
import { AppError } from "../lib/errors.ts";

/** Exit codes of the admin commands: 1 refused (taken email, weak password, server running), 2 usage. */
export type RefusalCode = 1 | 2;

/** A refusal the command explains in one message; it becomes `upblit: <message>` and the exit code. */
export class CliError extends Error {
  constructor(
    readonly exitCode: RefusalCode,
    message: string,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/**
 * Runs one admin command. Its failures become a human-readable message on stderr and an exit code
 * (CliError's own, 1 for refusals by the services), never a stack trace. The exit code is set,
 * not forced, so the command's `finally` blocks (closing the database) still run.
 */
export async function runCommand(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    const { exitCode, text } = explain(err);
    process.stderr.write(text);
    process.exitCode = exitCode;
  }
}

function explain(err: unknown): { exitCode: RefusalCode; text: string } {
  if (err instanceof CliError) return { exitCode: err.exitCode, text: `upblit: ${err.message}\n` };
  if (err instanceof AppError) {
    // Service paths are like `body.password`; on the command line the field name is enough.
    const issues = (err.details?.errors ?? []).map((e) => `  - ${e.path.split(".").pop()}: ${e.message}\n`);
    return { exitCode: 1, text: `upblit: ${err.message}\n${issues.join("")}` };
  }
  return { exitCode: 1, text: `upblit: ${err instanceof Error ? err.message : String(err)}\n` };
}

/** Validates a command's options with its zod schema; every problem is listed, then exit 2. */
export function parseOptions<S extends z.ZodType>(schema: S, options: unknown): z.output<S> {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  const flag = (key: unknown) => String(key ?? "?").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const lines = parsed.error.issues.map((i) => `  - --${flag(i.path[0])}: ${i.message}`);
  throw new CliError(2, `invalid options:\n${lines.join("\n")}`);
}
