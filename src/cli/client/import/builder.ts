import { slug, uniqueKey } from "../config/export.ts";
import { type ConfigFile, type Declared, emptyConfig, type Section } from "../config/file.ts";

/** What an importer made: the config, the secret values it referenced, and its report. */
export interface Imported {
  config: ConfigFile;
  /** `${NAME}` references of the config and their values, for `--secrets-file`. */
  secrets: Map<string, string>;
  report: ImportReport;
}

/** What mapped, what mapped approximately (and how), and what could not be imported (and why). */
export interface ImportReport {
  mapped: string[];
  approximate: string[];
  skipped: string[];
}

/** Collects resources with unique keys, secrets as `${ENV}` references, and the report. */
export class Builder {
  readonly config = emptyConfig();
  readonly secrets = new Map<string, string>();
  readonly report: ImportReport = { mapped: [], approximate: [], skipped: [] };
  readonly #taken = new Map<Section, Set<string>>();

  /** A key for a new resource of a section, made from its name. */
  key(section: Section, name: string): string {
    const taken = this.#taken.get(section) ?? new Set<string>();
    this.#taken.set(section, taken);
    const key = uniqueKey(slug(name), taken);
    taken.add(key);
    return key;
  }

  add(section: Section, item: Declared, what: string): void {
    this.config[section].push(item);
    this.report.mapped.push(what);
  }

  /** The value kept out of the file: an `${UPBLIT_…}` reference named after where it is used. */
  secret(value: string, ...path: string[]): string {
    const name = path
      .join("_")
      .replace(/[^A-Za-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .toUpperCase();
    this.secrets.set(name, value);
    return `\${${name}}`;
  }

  approx(what: string): void {
    this.report.approximate.push(what);
  }

  skip(what: string): void {
    this.report.skipped.push(what);
  }

  done(): Imported {
    return { config: this.config, secrets: this.secrets, report: this.report };
  }
}

/** Seconds from Go-style durations ("30s", "5m", "1h30m", "2h"), as Gatus writes them. */
export function durationSeconds(text: unknown): number | undefined {
  if (typeof text === "number") return text;
  if (typeof text !== "string") return undefined;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (!parts.length || parts.map((p) => p[0]).join("") !== text.trim()) return undefined;
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600 } as const;
  return parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2] as keyof typeof unit], 0);
}

/** An interval within Upblit's limits: at least `min` seconds, at most a day. */
export function clampInterval(seconds: number, min: number, b: Builder, what: string): number {
  const s = Math.round(seconds);
  if (s < min) {
    b.approx(
      `${what}: interval ${s}s raised to ${min}s (the server's minimum may differ: MIN_INTERVAL_SECONDS)`,
    );
    return min;
  }
  if (s > 86_400) {
    b.approx(`${what}: interval ${s}s lowered to 86400s`);
    return 86_400;
  }
  return s;
}
