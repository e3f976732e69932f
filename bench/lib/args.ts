import { parseArgs } from "node:util";
import { ENV_VARS } from "../../src/config/schema.ts";

export type Phase = "sizes" | "restart" | "saturate" | "pace";

export interface BenchArgs {
  sizes: number[];
  durationS: number;
  /** Seconds between creating the monitors and measuring; undefined: one interval (steady) or 20 s (saturated). */
  warmupS: number | undefined;
  ceilingS: number;
  phases: ReadonlySet<Phase>;
  quick: boolean;
  /** Interval of the saturated run; its monitor count is derived from the measured ceiling. */
  satIntervalS: number;
  satMonitors: number | undefined;
  createConcurrency: number;
  probeConcurrency: number;
  writeDocs: boolean;
  profileDir: string | undefined;
  /** --pace: monitors@interval per pace (default 50 and 150 checks/s) and rounds of each. */
  paces: string;
  paceRounds: number;
  argv: string[];
}

const USAGE = `usage: npm run bench:checks -- [options]
  --sizes 1000,5000,10000   monitor counts at 60 s (default; --quick: 200)
  --duration 60             seconds measured per size (default; --quick: 15)
  --warmup S                seconds run before measuring (default: one interval, so every monitor has
                            had its first check; 20 s for the saturated run; --quick: 5)
  --ceiling 10              seconds of the bare fresh-connection loop
  --saturate                only the ceiling and the saturated run
  --no-saturate             skip the saturated run
  --no-restart              skip the restart measurement (done on the largest size)
  --sat-interval 2          interval (s) of the saturated run
  --sat-monitors N          monitors in the saturated run (default: 1.5 x ceiling x interval)
  --create-concurrency 16   POSTs in flight while creating monitors
  --quick                   smoke run: sizes 200, duration 15; does not touch docs/benchmarks.md
  --docs / --no-docs        write docs/benchmarks.md (default: yes, except with --quick)
  --profile DIR             run Upblit with --cpu-prof, profiles and a hot-function summary in DIR
  --pace                    only the paced table (issue 20): Upblit's CPU per 1,000 checks at 50 and
                            150 checks/s beside the raw-socket floor loop at the same pace (default
                            duration 30 s; writes its own section of docs/benchmarks.md)
  --paces 1000@20,3000@20   the paces of --pace, as MONITORS@INTERVAL_SECONDS
  --rounds 2                measurements of each pace (the table shows their spread)
PROBE_CONCURRENCY in the environment is passed to Upblit and used by the bare loop; PROBE_THREADS
is passed to Upblit.`;

/** A command-line value that must be a positive integer; the error names the option. */
export function positiveInt(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${raw}`);
  return n;
}

function nonNegativeInt(name: string, raw: string): number {
  return raw.trim() === "0" ? 0 : positiveInt(name, raw);
}

export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      sizes: { type: "string" },
      duration: { type: "string" },
      warmup: { type: "string" },
      ceiling: { type: "string", default: "10" },
      saturate: { type: "boolean", default: false },
      "no-saturate": { type: "boolean", default: false },
      "no-restart": { type: "boolean", default: false },
      "sat-interval": { type: "string", default: "2" },
      "sat-monitors": { type: "string" },
      "create-concurrency": { type: "string", default: "16" },
      quick: { type: "boolean", default: false },
      docs: { type: "boolean" },
      "no-docs": { type: "boolean", default: false },
      profile: { type: "string" },
      pace: { type: "boolean", default: false },
      paces: { type: "string", default: "1000@20,3000@20" },
      rounds: { type: "string", default: "2" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const quick = values.quick;
  const sizes = (values.sizes ?? (quick ? "200" : "1000,5000,10000"))
    .split(",")
    .map((s) => positiveInt("sizes", s.trim()));
  const phases = new Set<Phase>(
    values.pace ? ["pace"] : values.saturate ? ["saturate"] : ["sizes", "restart", "saturate"],
  );
  if (values["no-saturate"]) phases.delete("saturate");
  if (values["no-restart"]) phases.delete("restart");
  const probeConcurrency = positiveInt(
    "PROBE_CONCURRENCY",
    process.env.PROBE_CONCURRENCY ?? ENV_VARS.PROBE_CONCURRENCY.default,
  );
  return {
    sizes,
    durationS: positiveInt("duration", values.duration ?? (quick ? "15" : values.pace ? "30" : "60")),
    warmupS: values.warmup !== undefined ? nonNegativeInt("warmup", values.warmup) : quick ? 5 : undefined,
    ceilingS: positiveInt("ceiling", values.ceiling),
    phases,
    quick,
    satIntervalS: positiveInt("sat-interval", values["sat-interval"]),
    satMonitors: values["sat-monitors"] ? positiveInt("sat-monitors", values["sat-monitors"]) : undefined,
    createConcurrency: positiveInt("create-concurrency", values["create-concurrency"]),
    probeConcurrency,
    writeDocs: values["no-docs"] ? false : (values.docs ?? !quick),
    profileDir: values.profile,
    paces: values.paces,
    paceRounds: positiveInt("rounds", values.rounds),
    argv,
  };
}
