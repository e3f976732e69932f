import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import * as tar from "tar";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../../lib/logger.ts";
import { scaledTimeout } from "../../test/patience.ts";
import { type Db, openDatabase } from "../db.ts";
import { BackupError, MANIFEST } from "./archive.ts";
import { backupDataFolder, checkBackup, type Phase, restoreDataFolder } from "./backup.ts";
import { serveSnapshots, socketPath } from "./control.ts";

const scratch = mkdtempSync(path.join(tmpdir(), "upblit-backup-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;
const folder = (name: string) => path.join(scratch, `${name}-${++n}`);

const open = (dataDir: string) => openDatabase({ driver: "pglite", dataDir, sharedBuffersMb: 16 });

async function rows(db: Db): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`select id from t order by id`.execute(db);
  return rows.map((r) => r.id);
}

/** A data folder with table t holding ids 1..count, and a secret.key beside the database. */
async function seeded(count: number): Promise<string> {
  const dataDir = folder("data");
  const db = await open(dataDir);
  await sql`create table t (id int primary key, v text not null)`.execute(db);
  await sql`insert into t select g, repeat('x', 200) from generate_series(1, ${count}) g`.execute(db);
  await db.destroy();
  writeFileSync(path.join(dataDir, "secret.key"), "c2VjcmV0\n");
  return dataDir;
}

describe("backup and restore of the embedded database", () => {
  it(
    "backs up a stopped folder, verifies it, and restores it into an empty folder with every row and the secret",
    async () => {
      const dataDir = await seeded(500);
      const file = path.join(folder("out"), "b.tar.gz");
      const phases = new Set<Phase>();
      const { manifest } = await backupDataFolder({
        dataDir,
        file,
        force: false,
        upblitVersion: "test",
        progress: (p) => phases.add(p),
      });
      expect(manifest).toMatchObject({ online: false, secretKey: true, upblit: "test" });
      expect(manifest.files.map((f) => f.path)).toContain("PG_VERSION");
      expect(manifest.files.map((f) => f.path)).not.toContain("upblit.lock");
      // PostgreSQL needs its empty folders too.
      expect(manifest.directories).toContain("pg_tblspc");
      expect([...phases]).toEqual(["copy", "checksums", "pack", "verify"]);
      // The copy beside the file is gone; the folder was unlocked again.
      expect(readdirSync(path.dirname(file))).toEqual(["b.tar.gz"]);
      expect(existsSync(path.join(dataDir, "upblit.lock"))).toBe(false);

      const target = folder("restored");
      const { contents } = await restoreDataFolder({ file, dataDir: target, force: false });
      expect(contents.counts).toEqual({});
      expect(readFileSync(path.join(target, "secret.key"), "utf8")).toBe("c2VjcmV0\n");
      expect(readdirSync(target).filter((f) => f.startsWith(".upblit"))).toEqual([]);
      const db = await open(target);
      expect(await rows(db)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
      await db.destroy();

      const check = await checkBackup(file, folder("check"));
      expect(check.manifest.files.length).toBe(manifest.files.length);
    },
    scaledTimeout(120_000),
  );

  it(
    "takes a consistent snapshot from a server that keeps writing, over the data folder's socket",
    async () => {
      const dataDir = await seeded(0);
      const db = await open(dataDir);
      const log = createLogger("silent");
      const control = await serveSnapshots(db, dataDir, log);
      expect(control).toBeDefined();
      // Writers: each transaction inserts a pair (2k, 2k+1); a consistent copy holds whole pairs only.
      let k = 0;
      let writing = true;
      const writer = (async () => {
        while (writing) {
          // PGlite answers through promises alone: without a turn of the event loop, this loop
          // would starve the socket and file I/O (a real server's work always comes from I/O).
          await new Promise((resolve) => setImmediate(resolve));
          const id = 2 * k++;
          await db.transaction().execute(async (tx) => {
            await sql`insert into t values (${id}, 'a')`.execute(tx);
            await sql`insert into t values (${id + 1}, 'b')`.execute(tx);
          });
        }
      })();
      try {
        const file = path.join(folder("out"), "online.tar.gz");
        const { manifest } = await backupDataFolder({ dataDir, file, force: false, upblitVersion: "test" });
        expect(manifest.online).toBe(true);
        writing = false;
        await writer;
        const written = await rows(db);

        const target = folder("restored");
        await restoreDataFolder({ file, dataDir: target, force: false });
        const restored = await open(target);
        const ids = await rows(restored);
        await restored.destroy();
        expect(ids.length % 2).toBe(0);
        expect(ids).toEqual(written.slice(0, ids.length));
        expect(ids.length).toBeGreaterThan(0);
      } finally {
        writing = false;
        await writer;
        await control?.close();
        await db.destroy();
      }
      expect(existsSync(socketPath(dataDir))).toBe(false);
    },
    scaledTimeout(120_000),
  );

  it(
    "refuses to overwrite: an existing backup file, a non-empty folder without --force, a folder in use",
    async () => {
      const dataDir = await seeded(3);
      const file = path.join(folder("out"), "b.tar.gz");
      await backupDataFolder({ dataDir, file, force: false, upblitVersion: "test" });
      await expect(backupDataFolder({ dataDir, file, force: false, upblitVersion: "t" })).rejects.toThrow(
        /exists: --force replaces it/,
      );
      await backupDataFolder({ dataDir, file, force: true, upblitVersion: "test" });
      await expect(
        backupDataFolder({ dataDir, file: path.join(dataDir, "x.tar.gz"), force: false, upblitVersion: "t" }),
      ).rejects.toThrow(/outside the data folder/);

      const target = folder("busy");
      mkdirSync(target);
      writeFileSync(path.join(target, "notes.txt"), "mine");
      await expect(restoreDataFolder({ file, dataDir: target, force: false })).rejects.toThrow(/not empty/);
      expect(readdirSync(target)).toEqual(["notes.txt"]);

      // Held by a live process (this one, through an open database): refused even with --force.
      const other = await seeded(1);
      const db = await open(other);
      await expect(restoreDataFolder({ file, dataDir: other, force: true })).rejects.toThrow(
        `is in use by process ${process.pid}`,
      );
      await db.destroy();

      await restoreDataFolder({ file, dataDir: target, force: true });
      expect(readdirSync(target)).not.toContain("notes.txt");
      const restored = await open(target);
      expect(await rows(restored)).toEqual([1, 2, 3]);
      await restored.destroy();
    },
    scaledTimeout(120_000),
  );

  it(
    "finds a changed file, a missing file, a damaged archive and a file that is no backup",
    async () => {
      const dataDir = await seeded(10);
      const file = path.join(folder("out"), "b.tar.gz");
      const { manifest } = await backupDataFolder({ dataDir, file, force: false, upblitVersion: "test" });

      // Unpack, change one data file, pack again with the original manifest.
      const work = folder("tamper");
      mkdirSync(work);
      await tar.extract({ file, cwd: work });
      const victim = manifest.files.find((f) => f.path.startsWith("base/") && f.size > 0)!;
      writeFileSync(path.join(work, "data", victim.path), "changed");
      rmSync(path.join(work, "data", "PG_VERSION"));
      const tampered = path.join(folder("out"), "tampered.tar.gz");
      mkdirSync(path.dirname(tampered));
      await tar.create({ gzip: true, file: tampered, cwd: work }, [MANIFEST, "data"]);
      const err = await checkBackup(tampered, folder("check")).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackupError);
      expect((err as Error).message).toContain(`${victim.path}: content differs from the manifest`);
      expect((err as Error).message).toContain("PG_VERSION: missing");
      // Nothing was restored from it.
      const target = folder("never");
      await expect(restoreDataFolder({ file: tampered, dataDir: target, force: false })).rejects.toThrow(
        BackupError,
      );
      expect(existsSync(path.join(target, "PG_VERSION"))).toBe(false);

      const cut = path.join(path.dirname(tampered), "cut.tar.gz");
      const whole = readFileSync(file);
      writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
      await expect(checkBackup(cut, folder("check"))).rejects.toThrow(/damaged or not an Upblit backup/);

      const other = path.join(path.dirname(tampered), "other.tar.gz");
      await tar.create({ gzip: true, file: other, cwd: work }, ["data/base"]);
      await expect(checkBackup(other, folder("check"))).rejects.toThrow(/not an Upblit backup/);
    },
    scaledTimeout(120_000),
  );
});
