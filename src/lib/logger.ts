import { type Logger, pino } from "pino";

export type { Logger };

export type LogCategory =
  | "api"
  | "scheduler"
  | "probe"
  | "evaluator"
  | "notify"
  | "db"
  | "queue"
  | "lifecycle";

/** Keys whose values never reach a log line, at any depth we know of. */
export const REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "*.password",
  "*.token",
  "*.secret",
  "*.headers.authorization",
  "*.auth",
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: "[redacted]" }, base: { app: "upblit" } },
    destination as pino.DestinationStream | undefined,
  );
}

export function child(log: Logger, category: LogCategory): Logger {
  return log.child({ category });
}
