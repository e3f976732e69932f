import path from "node:path";
import type { Command } from "commander";
import type { Config } from "../config/load.ts";
import { BackupError } from "../storage/backup/archive.ts";
import {
  backupDataFolder,
  type Contents,
  checkBackup,
  type Phase,
  type Progress,
  restoreDataFolder,
} from "../storage/backup/backup.ts";
import { CliError, runCommand } from "./run.ts";

const LABEL: Record<Phase, string> = {
  copy: "copying the database",
  checksums: "checksumming",
  pack: "packing",
  verify: "verifying the archive",
  unpack: "unpacking",
  open: "opening the database",
};

const mb = (n: number) => `${(n / 1_048_576).toFixed(1)} MB`;

/**
 * Progress on stderr: on a terminal, one line per step rewritten in place; otherwise a line when a
 * step starts and one every 10 s while it lasts (logs of a cron job).
 */
function progressPrinter(stream: NodeJS.WriteStream = process.stderr): { update: Progress; end(): void } {
  const tty = stream.isTTY === true;
  let phase: Phase | undefined;
  let last = 0;
  const line = (p: Phase, done: number, total: number) =>
    total > 1
      ? `${LABEL[p]}: ${Math.floor((100 * done) / total)}% (${mb(done)} of ${mb(total)})`
      : `${LABEL[p]}…`;
  return {
    update(p, done, total) {
      const now = performance.now();
      if (p !== phase) {
        if (tty && phase) stream.write("\n");
        phase = p;
        last = now;
        stream.write(tty ? line(p, done, total) : `upblit: ${LABEL[p]}…\n`);
        return;
      }
      if (tty && (now - last > 200 || done === total)) {
        last = now;
        stream.write(`\r\x1b[K${line(p, done, total)}`);
      } else if (!tty && now - last > 10_000) {
        last = now;
        stream.write(`upblit: ${line(p, done, total)}\n`);
      }
    },
    end() {
      if (tty && phase) stream.write("\n");
      phase = undefined;
    },
  };
}

const POSTGRES_BACKUP =
  "with DATABASE_URL the database is a PostgreSQL server: back it up with its own tools, " +
  'e.g. `pg_dump --format=custom --file=upblit.dump "$DATABASE_URL"` (pg_dump of the server\'s major version), ' +
  "and keep SECRET_KEY (or DATA_DIR/secret.key) with it; see docs/operations.md (Backups)";

const POSTGRES_RESTORE =
  "with DATABASE_URL the database is a PostgreSQL server: restore a pg_dump with " +
  '`pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" upblit.dump`; see docs/operations.md (Backups)';

function embedded(config: Config, postgresAdvice: string): string {
  if (config.db.driver !== "pglite") throw new CliError(1, postgresAdvice);
  if (config.db.dataDir === "memory://")
    throw new CliError(2, "DATA_DIR is memory://: there is nothing on disk to back up");
  return config.db.dataDir;
}

/** How each counted table reads in a sentence: for one, for several. */
const NOUNS: Record<string, [string, string]> = {
  organizations: ["organization", "organizations"],
  users: ["user", "users"],
  api_keys: ["API key", "API keys"],
  monitors: ["monitor", "monitors"],
  check_results: ["check result", "check results"],
  incidents: ["incident", "incidents"],
};

function describe(contents: Contents): string {
  const parts = Object.entries(contents.counts).map(([table, n]) => {
    const [one, several] = NOUNS[table] ?? [table.replace("_", " "), table.replace("_", " ")];
    return `${n} ${n === 1 ? one : several}`;
  });
  return `${parts.join(", ")}; schema at ${contents.migration ?? "?"}`;
}

/** Runs a backup command; a BackupError is a refusal (exit 1) with its own message. */
async function run(body: () => Promise<void>, printer: { end(): void }) {
  await runCommand(async () => {
    try {
      await body();
    } catch (err) {
      printer.end();
      if (err instanceof BackupError) throw new CliError(1, err.message);
      throw err;
    } finally {
      printer.end();
    }
  });
}

export function registerBackupCommands(program: Command, config: () => Config, version: string): void {
  program
    .command("backup")
    .description("Back up the embedded database (and secret.key) into one file, while the server runs or not")
    .argument("<file>", "the backup file to write (a .tar.gz)")
    .option("--force", "replace the file if it exists")
    .action(async (file: string, opts: { force?: boolean }) => {
      const printer = progressPrinter();
      await run(async () => {
        const dataDir = embedded(config(), POSTGRES_BACKUP);
        const { manifest, size } = await backupDataFolder({
          dataDir,
          file,
          force: opts.force === true,
          upblitVersion: version,
          progress: printer.update,
        });
        printer.end();
        const bytes = manifest.files.reduce((n, f) => n + f.size, 0);
        process.stdout.write(
          `backed up ${dataDir} (${manifest.files.length} files, ${mb(bytes)}${manifest.online ? ", from the running server" : ""}) ` +
            `into ${path.resolve(file)} (${mb(size)}), verified\n`,
        );
        if (!manifest.secretKey) {
          process.stdout.write(
            "note: the master secret is not in the backup (SECRET_KEY is set): keep SECRET_KEY with it\n",
          );
        }
      }, printer);
    });

  program
    .command("restore")
    .description("Restore a backup into DATA_DIR, which must be empty (or --force) and not in use")
    .argument("<file>", "a file written by `upblit backup`")
    .option("--force", "replace what DATA_DIR holds")
    .action(async (file: string, opts: { force?: boolean }) => {
      const printer = progressPrinter();
      await run(async () => {
        const dataDir = embedded(config(), POSTGRES_RESTORE);
        const { manifest, contents } = await restoreDataFolder({
          file,
          dataDir,
          force: opts.force === true,
          progress: printer.update,
        });
        printer.end();
        process.stdout.write(
          `restored the backup of ${manifest.createdAt} into ${dataDir}: ${describe(contents)}\n` +
            "start the server to use it (it applies newer migrations, if any)\n",
        );
        if (!manifest.secretKey) {
          process.stdout.write(
            "note: the backup holds no secret.key: start with the SECRET_KEY it was made with\n",
          );
        }
      }, printer);
    });

  program
    .command("verify-backup")
    .description("Check a backup fully: every file against its manifest, then open it in a temporary folder")
    .argument("<file>", "a file written by `upblit backup`")
    .action(async (file: string) => {
      const printer = progressPrinter();
      await run(async () => {
        const { manifest, contents } = await checkBackup(
          file,
          path.dirname(path.resolve(file)),
          printer.update,
        );
        printer.end();
        process.stdout.write(
          `${path.resolve(file)}: a good backup of ${manifest.createdAt} (Upblit ${manifest.upblit}, PGlite ${manifest.pglite}): ${describe(contents)}\n`,
        );
      }, printer);
    });
}
