import { createHash } from "node:crypto";
import { constants, createReadStream } from "node:fs";
import { copyFile, mkdir, readdir, stat } from "node:fs/promises";
import path from "node:path";

/** What a long step has done so far, for a progress line: `done` of `total` bytes. */
export type OnProgress = (done: number, total: number) => void;

/**
 * Files of a data folder that are never backed up nor restored: the owner's lock and the backup
 * control socket belong to the process that runs, not to the database.
 */
const NOT_DATA = new Set(["upblit.lock", "upblit.sock"]);

export interface DataFile {
  /** Relative to the folder, with `/` separators. */
  path: string;
  size: number;
}

export interface DataFolder {
  files: DataFile[];
  /** Every folder (relative), parents first: PostgreSQL needs its empty ones (pg_tblspc…) too. */
  directories: string[];
}

/** Every regular file and folder under `dir` (recursively), but the lock and socket at its top. */
export async function listDataFiles(dir: string): Promise<DataFolder> {
  const out: DataFile[] = [];
  const directories: string[] = [];
  const walk = async (rel: string) => {
    for (const entry of await readdir(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (!rel && NOT_DATA.has(entry.name)) continue;
      if (entry.isDirectory()) {
        directories.push(child);
        await walk(child);
      } else if (entry.isFile()) out.push({ path: child, size: (await stat(path.join(dir, child))).size });
      // Sockets, links and devices are not part of a PostgreSQL data folder: left out.
    }
  };
  await walk("");
  return { files: out, directories };
}

/**
 * Copies the data files of `from` into the empty folder `to`, as copy-on-write clones where the
 * file system has them (Btrfs, XFS, APFS), else plain copies. Fast, so the database may be held
 * still meanwhile (snapshot.ts).
 */
export async function copyDataFiles(from: string, to: string, onProgress?: OnProgress): Promise<DataFile[]> {
  const { files, directories } = await listDataFiles(from);
  const total = files.reduce((n, f) => n + f.size, 0);
  let done = 0;
  for (const d of directories) await mkdir(path.join(to, d), { recursive: true });
  for (const f of files) {
    await copyFile(path.join(from, f.path), path.join(to, f.path), constants.COPYFILE_FICLONE);
    done += f.size;
    onProgress?.(done, total);
  }
  return files;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
