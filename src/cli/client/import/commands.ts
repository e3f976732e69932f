import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { stringify } from "yaml";
import { ClientError } from "../contexts.ts";
import { action } from "../run.ts";
import type { Imported } from "./builder.ts";
import { importGatus } from "./gatus.ts";
import { importHealthchecks } from "./healthchecks.ts";
import { importKumaBackup } from "./kuma.ts";
import { importKumaDatabase, isSqlite } from "./kuma-db.ts";

const SOURCES: Record<string, { what: string; read: (bytes: Buffer) => Imported | Promise<Imported> }> = {
  kuma: {
    what: "Uptime Kuma's JSON backup (1.x) or database (2.x kuma.db)",
    read: (bytes) =>
      isSqlite(bytes) ? importKumaDatabase(bytes) : importKumaBackup(JSON.parse(bytes.toString("utf8"))),
  },
  gatus: { what: "a Gatus config.yaml", read: (bytes) => importGatus(bytes.toString("utf8")) },
  healthchecks: {
    what: "Healthchecks' GET /api/v3/checks/ JSON",
    read: (bytes) => importHealthchecks(JSON.parse(bytes.toString("utf8"))),
  },
};

/** The report: what maps, what maps approximately and how, what cannot be imported and why. */
export function renderReport(imported: Imported): string {
  const { mapped, approximate, skipped } = imported.report;
  const section = (title: string, lines: string[]) =>
    lines.length ? [`${title} (${lines.length}):`, ...lines.map((l) => `  - ${l}`), ""] : [];
  return [
    ...section("Imported", mapped),
    ...section("Imported approximately", approximate),
    ...section("Not imported", skipped),
    imported.secrets.size
      ? `Secrets are referenced as environment variables: ${[...imported.secrets.keys()].join(", ")}`
      : "No secrets.",
    "",
  ].join("\n");
}

/** `upblit import kuma|gatus|healthchecks <file>` (docs/importing.md). */
export function registerImportCommands(program: Command): void {
  program
    .command("import")
    .description("Turn another tool's configuration into an Upblit config file (then plan and apply it)")
    .argument("<source>", `one of: ${Object.keys(SOURCES).join(", ")}`)
    .argument("<file>", "the file to read (- for stdin)")
    .option("-o, --output <file>", "write the config here (default: stdout)")
    .option("--secrets-file <file>", "write the secrets' values here as NAME=value lines (mode 0600)")
    .action(
      action(async (source: string, file: string, o: { output?: string; secretsFile?: string }) => {
        const reader = SOURCES[source];
        if (!reader)
          throw new ClientError(2, `unknown source ${source}: one of ${Object.keys(SOURCES).join(", ")}`);
        let bytes: Buffer;
        try {
          bytes = readFileSync(file === "-" ? 0 : file);
        } catch (err) {
          throw new ClientError(2, `cannot read ${file}: ${(err as Error).message}`);
        }
        let imported: Imported;
        try {
          imported = await reader.read(bytes);
        } catch (err) {
          throw new ClientError(2, `${file} is not ${reader.what}: ${(err as Error).message}`);
        }
        const yaml = `# Imported from ${reader.what} (${file}) by upblit import ${source}; see docs/importing.md\n${stringify({ version: 1, ...imported.config })}`;
        if (o.output) writeFileSync(o.output, yaml);
        else process.stdout.write(yaml);
        if (o.secretsFile && imported.secrets.size) {
          const lines = [...imported.secrets].map(([k, v]) => `${k}=${JSON.stringify(v)}`);
          writeFileSync(o.secretsFile, `${lines.join("\n")}\n`, { mode: 0o600 });
        }
        process.stderr.write(renderReport(imported));
        if (imported.secrets.size && !o.secretsFile) {
          process.stderr.write("Their values were not written anywhere: give --secrets-file to keep them.\n");
        }
      }),
    );
}
