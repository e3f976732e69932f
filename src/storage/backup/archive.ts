import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import * as tar from "tar";
import { z } from "zod";
import { listDataFiles, type OnProgress, sha256File } from "./files.ts";

/**
 * An Upblit backup is a gzipped tar: `upblit-backup.json` first (this manifest: what made it and
 * the SHA-256 of every file), then the data folder's files under `data/`. The manifest comes
 * first so that a reader knows what it holds before reading the rest.
 */
export const MANIFEST = "upblit-backup.json";
export const DATA = "data";

/** A path inside the data folder: relative, `/`-separated, never climbing out. */
const InsidePath = z
  .string()
  .min(1)
  .refine(
    (p) => !p.startsWith("/") && !p.includes("\\") && !p.split("/").some((s) => s === ".." || s === ""),
    {
      message: "a relative path inside the data folder",
    },
  );

export const BackupManifest = z.object({
  format: z.literal("upblit-backup"),
  version: z.literal(1),
  createdAt: z.string(),
  /** Upblit's and PGlite's versions that wrote it, and the PostgreSQL major version of the files. */
  upblit: z.string(),
  pglite: z.string(),
  postgres: z.string(),
  /** Taken from a running server (true) or from a stopped data folder (false). */
  online: z.boolean(),
  /** Whether the data folder's `secret.key` is in it (not when SECRET_KEY is set). */
  secretKey: z.boolean(),
  directories: z.array(InsidePath),
  files: z.array(z.object({ path: InsidePath, size: z.number().int().nonnegative(), sha256: z.string() })),
});
export type BackupManifest = z.infer<typeof BackupManifest>;

export class BackupError extends Error {
  override name = "BackupError";
}

export type ManifestInfo = Omit<BackupManifest, "format" | "version" | "files" | "directories" | "secretKey">;

/**
 * Packs `root/data` (a copy of a data folder) into `file`: checksums every file, writes the
 * manifest, then streams tar → gzip into `file.partial`, renamed to `file` when complete (mode 0600:
 * it holds the secret key and every hash). Returns the manifest.
 */
export async function writeArchive(
  root: string,
  file: string,
  info: ManifestInfo,
  progress: { checksums?: OnProgress; pack?: OnProgress } = {},
): Promise<BackupManifest> {
  const { files: listed, directories } = await listDataFiles(path.join(root, DATA));
  const total = listed.reduce((n, f) => n + f.size, 0);
  const files: BackupManifest["files"] = [];
  let hashed = 0;
  for (const f of listed) {
    files.push({ ...f, sha256: await sha256File(path.join(root, DATA, f.path)) });
    hashed += f.size;
    progress.checksums?.(hashed, total);
  }
  const manifest: BackupManifest = {
    format: "upblit-backup",
    version: 1,
    ...info,
    secretKey: listed.some((f) => f.path === "secret.key"),
    directories,
    files,
  };
  await writeFile(path.join(root, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);

  const partial = `${file}.partial`;
  // Every entry named, folders without their contents (noDirRecurse): the manifest's list exactly.
  const pack = tar.create({ cwd: root, portable: true, noDirRecurse: true }, [
    MANIFEST,
    ...directories.map((d) => `${DATA}/${d}`),
    ...listed.map((f) => `${DATA}/${f.path}`),
  ]);
  // The tar stream's size is about the files' size: count it for progress, before compressing.
  let packed = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      packed += chunk.length;
      progress.pack?.(Math.min(packed, total), total);
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.from(pack),
      counter,
      createGzip({ level: 6 }),
      createWriteStream(partial, { mode: 0o600 }),
    );
    await rename(partial, file);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return manifest;
}

/**
 * Reads a backup through without unpacking it: the manifest must come first and parse, every file
 * it lists must be there with its size and SHA-256, and nothing else may be. `onProgress` counts
 * the archive's (compressed) bytes. Throws a BackupError naming every problem found.
 */
export async function verifyArchive(file: string, onProgress?: OnProgress): Promise<BackupManifest> {
  const total = (await stat(file)).size;
  let manifest: BackupManifest | undefined;
  const seen = new Map<string, { size: number; sha256: string }>();
  const problems: string[] = [];
  const pending: Promise<void>[] = [];

  const parser = new tar.Parser({
    strict: true,
    onReadEntry: (entry) => {
      const name = entry.path.replace(/^\.\//, "");
      if (entry.type === "Directory") return entry.resume();
      if (entry.type !== "File") {
        problems.push(`${name}: unexpected ${entry.type} entry`);
        return entry.resume();
      }
      if (!manifest && name !== MANIFEST) {
        problems.push(`${name} comes before ${MANIFEST}: not an Upblit backup`);
        return entry.resume();
      }
      const hash = createHash("sha256");
      const chunks: Buffer[] = [];
      let size = 0;
      entry.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (name === MANIFEST) chunks.push(chunk);
        else hash.update(chunk);
      });
      pending.push(
        new Promise<void>((resolve) => {
          entry.on("end", () => {
            if (name === MANIFEST) manifest = parseManifest(Buffer.concat(chunks).toString("utf8"));
            else if (name.startsWith(`${DATA}/`)) {
              seen.set(name.slice(DATA.length + 1), { size, sha256: hash.digest("hex") });
            } else problems.push(`${name}: unexpected file`);
            resolve();
          });
        }),
      );
    },
  });
  let read = 0;
  const source = createReadStream(file);
  source.on("data", (chunk) => {
    read += chunk.length;
    onProgress?.(read, total);
  });
  try {
    await pipeline(source, parser);
    await Promise.all(pending);
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new BackupError(`${file} is damaged or not an Upblit backup: ${(err as Error).message}`);
  }
  if (!manifest) throw new BackupError(`${file} holds no ${MANIFEST}: not an Upblit backup`);
  for (const f of manifest.files) {
    const got = seen.get(f.path);
    if (!got) problems.push(`${f.path}: missing`);
    else if (got.size !== f.size || got.sha256 !== f.sha256)
      problems.push(`${f.path}: content differs from the manifest`);
    seen.delete(f.path);
  }
  for (const extra of seen.keys()) problems.push(`${extra}: not in the manifest`);
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).map((p) => `\n  - ${p}`);
    const more = problems.length > 10 ? `\n  … and ${problems.length - 10} more` : "";
    throw new BackupError(`${file} failed verification:${shown.join("")}${more}`);
  }
  return manifest;
}

function parseManifest(text: string): BackupManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BackupError(`${MANIFEST} is not JSON: not an Upblit backup`);
  }
  const parsed = BackupManifest.safeParse(json);
  if (!parsed.success) {
    throw new BackupError(
      `${MANIFEST} is not an Upblit backup manifest (version 1): ${parsed.error.issues[0]?.message}`,
    );
  }
  return parsed.data;
}

/**
 * Unpacks a verified backup's data files into `into` (an empty folder): only regular files under
 * `data/`, never outside `into` (tar refuses absolute paths and `..`). Checks each file's size
 * against the manifest afterwards, which catches a short write.
 */
export async function extractData(
  file: string,
  into: string,
  manifest: BackupManifest,
  onProgress?: OnProgress,
): Promise<void> {
  const total = manifest.files.reduce((n, f) => n + f.size, 0);
  let done = 0;
  await tar.extract({
    file,
    cwd: into,
    strict: true,
    strip: 1,
    onReadEntry: (entry) => {
      entry.on("end", () => {
        if (entry.type !== "File" || !entry.path.startsWith(`${DATA}/`)) return;
        done += entry.size;
        onProgress?.(done, total);
      });
    },
    filter: (p, entry) => {
      const name = p.replace(/^\.\//, "");
      const type = "type" in entry ? entry.type : undefined;
      return name.startsWith(`${DATA}/`) && (type === "File" || type === "Directory");
    },
  });
  for (const d of manifest.directories) await mkdir(path.join(into, d), { recursive: true });
  for (const f of manifest.files) {
    const size = await stat(path.join(into, f.path)).then(
      (s) => s.size,
      () => -1,
    );
    if (size !== f.size)
      throw new BackupError(`restoring ${f.path} failed: ${size < 0 ? "missing" : "short"}`);
  }
}
