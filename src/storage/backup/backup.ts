import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { sql } from "kysely";
import { DataDirInUse, lockDataDir } from "../data-dir-lock.ts";
import { openDatabase } from "../db.ts";
import { pgliteVersion } from "../pglite-template.ts";
import {
  BackupError,
  type BackupManifest,
  DATA,
  extractData,
  verifyArchive,
  writeArchive,
} from "./archive.ts";
import { requestSnapshot, SOCKET } from "./control.ts";
import { copyDataFiles } from "./files.ts";

/** The steps of a backup or a restore, each reported with bytes done of a total. */
export type Phase = "copy" | "checksums" | "pack" | "verify" | "unpack" | "open";
export type Progress = (phase: Phase, done: number, total: number) => void;

const isInside = (child: string, parent: string) => {
  const rel = path.relative(parent, child);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
};

/**
 * Backs up the embedded database in `dataDir` into `file`. When a server holds the folder, it is
 * asked for a snapshot over the data folder's socket (control.ts); otherwise the folder is locked
 * (so no server starts meanwhile) and copied. The copy is packed (archive.ts), then read back and
 * checked against its manifest. Needs free space beside `file` for the copy while it runs.
 */
export async function backupDataFolder(options: {
  dataDir: string;
  file: string;
  force: boolean;
  upblitVersion: string;
  progress?: Progress;
}): Promise<{ manifest: BackupManifest; size: number }> {
  const { dataDir, progress } = options;
  const out = path.resolve(options.file);
  if (!existsSync(path.join(dataDir, "PG_VERSION")))
    throw new BackupError(`there is no database in ${dataDir}`);
  if (isInside(out, dataDir)) throw new BackupError(`write the backup outside the data folder (${dataDir})`);
  if (existsSync(out) && !options.force) throw new BackupError(`${out} exists: --force replaces it`);
  await mkdir(path.dirname(out), { recursive: true });
  const root = await mkdtemp(path.join(path.dirname(out), ".upblit-backup-"));
  try {
    const into = path.join(root, DATA);
    await mkdir(into);
    const online = await copyOrAsk(dataDir, into, progress);
    const manifest = await writeArchive(
      root,
      out,
      {
        createdAt: new Date().toISOString(),
        upblit: options.upblitVersion,
        pglite: pgliteVersion(),
        postgres: readFileSync(path.join(into, "PG_VERSION"), "utf8").trim(),
        online,
      },
      { checksums: (d, t) => progress?.("checksums", d, t), pack: (d, t) => progress?.("pack", d, t) },
    );
    await verifyArchive(out, (d, t) => progress?.("verify", d, t));
    return { manifest, size: (await stat(out)).size };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Copies a stopped folder (locked meanwhile) or asks its server; true when a server was asked. */
async function copyOrAsk(dataDir: string, into: string, progress?: Progress): Promise<boolean> {
  let unlock: () => void;
  try {
    unlock = lockDataDir(dataDir);
  } catch (err) {
    if (!(err instanceof DataDirInUse)) throw err;
    await requestSnapshot(dataDir, into, (d, t) => progress?.("copy", d, t)).catch(
      (e: NodeJS.ErrnoException) => {
        if (e.code !== "ENOENT" && e.code !== "ECONNREFUSED") throw e;
        throw new BackupError(
          `process ${err.pid} holds ${dataDir} but does not answer on ${path.join(dataDir, SOCKET)} ` +
            "(a version of Upblit without online backups, or a data folder path too long for a socket): stop it, then back up",
        );
      },
    );
    return true;
  }
  try {
    await copyDataFiles(dataDir, into, (d, t) => progress?.("copy", d, t));
  } finally {
    unlock();
  }
  return false;
}

export interface Contents {
  /** Rows in the main tables, to show what was restored. */
  counts: Record<string, number>;
  /** The last migration applied to the database in the backup. */
  migration: string | undefined;
}

const COUNTED = ["organizations", "users", "api_keys", "monitors", "check_results", "incidents"] as const;

/**
 * Restores `file` into `dataDir`, which must be empty unless `force` (then its contents are
 * replaced) and not held by a running server. The archive is verified first, then unpacked into a
 * folder inside `dataDir` and opened with PGlite (recovering as at a start, and counting rows);
 * only then are the old contents removed and the new ones moved in. `dataDir` may be a mount point
 * (a container's volume): it is never renamed itself.
 */
export async function restoreDataFolder(options: {
  file: string;
  dataDir: string;
  force: boolean;
  progress?: Progress;
}): Promise<{ manifest: BackupManifest; contents: Contents }> {
  const { dataDir, progress } = options;
  const manifest = await verifyArchive(options.file, (d, t) => progress?.("verify", d, t));
  await mkdir(dataDir, { recursive: true });
  let unlock: () => void;
  try {
    unlock = lockDataDir(dataDir);
  } catch (err) {
    if (!(err instanceof DataDirInUse)) throw err;
    throw new BackupError(
      `${dataDir} is in use by process ${err.pid} (a running Upblit server): stop it, then restore`,
    );
  }
  try {
    const existing = (await readdir(dataDir)).filter(
      (n) => n !== "upblit.lock" && !n.startsWith(".upblit-restore-"),
    );
    if (existing.length > 0 && !options.force) {
      throw new BackupError(
        `${dataDir} is not empty (${existing.length} entries): restore never overwrites a data folder unless told to; --force replaces its contents`,
      );
    }
    const staging = await mkdtemp(path.join(dataDir, ".upblit-restore-"));
    try {
      await extractData(options.file, staging, manifest, (d, t) => progress?.("unpack", d, t));
      progress?.("open", 0, 1);
      const contents = await openAndCount(staging, manifest);
      progress?.("open", 1, 1);
      for (const name of existing) await rm(path.join(dataDir, name), { recursive: true, force: true });
      for (const name of await readdir(staging))
        await rename(path.join(staging, name), path.join(dataDir, name));
      return { manifest, contents };
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  } finally {
    unlock();
  }
}

/**
 * Verifies `file` completely: reads it against its manifest, unpacks it into a temporary folder
 * beside `scratch` and opens it with PGlite. Nothing of the caller's is touched.
 */
export async function checkBackup(file: string, scratch: string, progress?: Progress) {
  const manifest = await verifyArchive(file, (d, t) => progress?.("verify", d, t));
  await mkdir(scratch, { recursive: true });
  const dir = await mkdtemp(path.join(scratch, ".upblit-check-"));
  try {
    await extractData(file, dir, manifest, (d, t) => progress?.("unpack", d, t));
    progress?.("open", 0, 1);
    const contents = await openAndCount(dir, manifest);
    progress?.("open", 1, 1);
    return { manifest, contents };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function openAndCount(dir: string, manifest: BackupManifest): Promise<Contents> {
  const db = await openDatabase({ driver: "pglite", dataDir: dir, sharedBuffersMb: 16 }).catch(
    (err: Error) => {
      throw new BackupError(
        `PGlite ${pgliteVersion()} could not open this backup (written by PGlite ${manifest.pglite}, PostgreSQL ${manifest.postgres}): ${err.message}`,
      );
    },
  );
  try {
    const counts: Record<string, number> = {};
    const tables = await sql<{ name: string }>`
      select table_name as name from information_schema.tables where table_schema = 'public'`.execute(db);
    const present = new Set(tables.rows.map((r) => r.name));
    for (const table of COUNTED) {
      if (!present.has(table)) continue;
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(
        db,
      );
      counts[table] = rows[0]?.n ?? 0;
    }
    const migration = present.has("kysely_migration")
      ? (
          await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(
            db,
          )
        ).rows[0]?.name
      : undefined;
    return { counts, migration };
  } finally {
    await db.destroy();
  }
}
