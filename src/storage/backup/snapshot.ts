import { sql } from "kysely";
import type { Db } from "../db.ts";
import { copyDataFiles, type DataFile, type OnProgress } from "./files.ts";

/**
 * A consistent copy of the embedded database's folder while the server uses it. PGlite is one
 * connection in this process: holding it (Kysely's `connection()`, which waits for the statement
 * or transaction under way to finish) stops every other query. Then CHECKPOINT writes every
 * changed page to the data files, and the files are copied before anything else runs: the copy is
 * the database as of that instant, like a folder after a clean stop (the WAL past the checkpoint
 * is copied too). Queries wait meanwhile, so the copy is a plain file copy (clones where the file
 * system can); packing and compressing happen afterwards, in the backup command's own process.
 */
export async function snapshotOpenDatabase(
  db: Db,
  dataDir: string,
  into: string,
  onProgress?: OnProgress,
): Promise<{ files: DataFile[]; pausedMs: number }> {
  return db.connection().execute(async (conn) => {
    const started = performance.now();
    await sql`checkpoint`.execute(conn);
    const files = await copyDataFiles(dataDir, into, onProgress);
    return { files, pausedMs: Math.round(performance.now() - started) };
  });
}
