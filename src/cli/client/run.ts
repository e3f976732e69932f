import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { Upblit, UpblitProblem } from "#sdk";
import { ClientError, pickContext } from "./contexts.ts";
import type { Format } from "./output.ts";

/** Options every client command takes. */
export interface CommonOptions {
  context?: string;
  json?: boolean;
  yaml?: boolean;
}

export function formatOf(options: CommonOptions): Format {
  return options.json ? "json" : options.yaml ? "yaml" : "table";
}

/**
 * The SDK client of the chosen context; `UPBLIT_URL` and `UPBLIT_API_KEY` together override the
 * file (CI jobs need no login).
 */
export function clientFor(options: CommonOptions, env: NodeJS.ProcessEnv = process.env): Upblit {
  const context =
    env.UPBLIT_URL && env.UPBLIT_API_KEY
      ? { url: env.UPBLIT_URL, apiKey: env.UPBLIT_API_KEY }
      : pickContext(options.context, env);
  return new Upblit({ baseUrl: context.url, token: context.apiKey });
}

/** Reads a JSON or YAML file of an object (a monitor body for `monitors create -f`). */
export function readObjectFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (err) {
    throw new ClientError(2, `cannot read ${file}: ${(err as Error).message}`);
  }
  const value: unknown = /\.json$/i.test(file) ? JSON.parse(text) : parse(text);
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new ClientError(2, `${file} must hold one object`);
  }
  return value as Record<string, unknown>;
}

/**
 * Runs a command's body and turns failures into a message on stderr and the exit code of
 * docs/cli.md: 1 refused or failed, 2 usage, 3 not logged in or not allowed, 4 not found.
 */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      const { code, lines } = describeFailure(err);
      process.stderr.write(`${lines.map((l, i) => (i === 0 ? `upblit: ${l}` : `  - ${l}`)).join("\n")}\n`);
      process.exit(code);
    }
  };
}

/** A failure described as `failure` is, with another exit code (e.g. apply's partial failure). */
export class ExitCodeOverride extends Error {
  constructor(
    readonly exitCode: number,
    readonly failure: unknown,
  ) {
    super(failure instanceof Error ? failure.message : String(failure));
  }
}

function describeFailure(err: unknown): { code: number; lines: string[] } {
  if (err instanceof ExitCodeOverride) return { ...describeFailure(err.failure), code: err.exitCode };
  if (err instanceof ClientError) return { code: err.exitCode, lines: [err.message] };
  if (err instanceof UpblitProblem) {
    const code = err.status === 401 || err.status === 403 ? 3 : err.status === 404 ? 4 : 1;
    const head = `${err.title}${err.detail && err.detail !== err.title ? `: ${err.detail}` : ""} (HTTP ${err.status})`;
    return { code, lines: [head, ...err.errors.map((e) => `${e.path}: ${e.message}`)] };
  }
  if (err instanceof TypeError && /fetch failed/.test(err.message)) {
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    return { code: 1, lines: [`cannot reach the server${cause ? `: ${cause}` : ""}`] };
  }
  if (err instanceof SyntaxError) return { code: 2, lines: [err.message] };
  return { code: 1, lines: [err instanceof Error ? err.message : String(err)] };
}
