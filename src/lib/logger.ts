import { type Logger, pino } from "pino";
import pinoPretty from "pino-pretty";

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

/** LOG_FORMAT: `auto` picks by whether stdout is a terminal. */
export type LogFormatSetting = "auto" | "json" | "pretty";
export type LogFormat = "json" | "pretty";

/** Readable lines for a person at a terminal; JSON lines for anything else (log shippers, files). */
export function chooseLogFormat(setting: LogFormatSetting, stdoutIsTerminal: boolean): LogFormat {
  if (setting !== "auto") return setting;
  return stdoutIsTerminal ? "pretty" : "json";
}

export function createLogger(
  level: string,
  destination?: NodeJS.WritableStream,
  format: LogFormat = "json",
): Logger {
  const options = { level, redact: { paths: REDACT_PATHS, censor: "[redacted]" }, base: { app: "upblit" } };
  if (format === "pretty") return pino(options, prettyStream(destination));
  return pino(options, destination as pino.DestinationStream | undefined);
}

/**
 * One line per entry: `12:03:04 INFO [lifecycle] Upblit is listening url=…`. Formatted on the
 * main thread (no transport worker) and written synchronously, so the last lines before an exit
 * are not lost; a terminal is not a throughput path.
 */
function prettyStream(destination?: NodeJS.WritableStream): pino.DestinationStream {
  const stream = destination ?? process.stdout;
  return pinoPretty({
    destination: destination ?? 1,
    sync: true,
    colorize: (stream as { isTTY?: boolean }).isTTY === true,
    singleLine: true,
    translateTime: "SYS:HH:MM:ss",
    ignore: "pid,hostname,app,category",
    messageFormat: "{if category}[{category}] {end}{msg}",
  });
}

export function child(log: Logger, category: LogCategory): Logger {
  return log.child({ category });
}
