import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

/** One server the client talks to: its URL and the API key to use there. */
export interface Context {
  url: string;
  apiKey: string;
}
export interface ClientConfig {
  current?: string;
  contexts: Record<string, Context>;
}

/**
 * The per-user file of named contexts: `UPBLIT_CLIENT_CONFIG`, else
 * `$XDG_CONFIG_HOME/upblit/client.json`, else `~/.config/upblit/client.json`. It holds API keys,
 * so it is written with mode 0600 in a 0700 folder.
 */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.UPBLIT_CLIENT_CONFIG) return env.UPBLIT_CLIENT_CONFIG;
  const base = env.XDG_CONFIG_HOME || path.join(homedir(), ".config");
  return path.join(base, "upblit", "client.json");
}

export function readClientConfig(file = configPath()): ClientConfig {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<ClientConfig>;
    return { current: parsed.current, contexts: parsed.contexts ?? {} };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { contexts: {} };
    throw new ClientError(2, `cannot read ${file}: ${(err as Error).message}`);
  }
}

export function writeClientConfig(config: ClientConfig, file = configPath()): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}

/** The context to use: `--context`, else `UPBLIT_CONTEXT`, else the current one. */
export function pickContext(name: string | undefined, env: NodeJS.ProcessEnv = process.env): Context {
  const config = readClientConfig();
  const chosen = name ?? env.UPBLIT_CONTEXT ?? config.current;
  const context = chosen ? config.contexts[chosen] : undefined;
  if (!context) {
    throw new ClientError(
      3,
      chosen ? `no context named ${chosen}: run upblit login` : "not logged in: run upblit login --url <url>",
    );
  }
  return context;
}

/** A failure with the exit code it maps to (docs/cli.md#exit-codes). */
export class ClientError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}
