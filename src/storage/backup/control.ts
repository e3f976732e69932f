import { chmodSync, rmSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";
import { z } from "zod";
import type { Logger } from "../../lib/logger.ts";
import type { Db } from "../db.ts";
import type { OnProgress } from "./files.ts";
import { snapshotOpenDatabase } from "./snapshot.ts";

/**
 * How `upblit backup` asks a running server for a snapshot of its embedded database: a Unix socket
 * in the data folder, `upblit.sock` (mode 0600). Whoever may connect to it may read the data
 * folder anyway, so it grants nothing new; nothing listens on the network for it.
 *
 * One JSON line each way: `{"snapshot":"/abs/empty/folder"}`, answered by progress lines
 * `{"copied":n,"total":m}` and a last `{"done":{"files":n,"bytes":m,"pausedMs":t}}` or
 * `{"error":"…"}`.
 */
export const SOCKET = "upblit.sock";

/** Unix socket paths are limited to about 107 bytes (Linux; 103 on macOS). */
const MAX_SOCKET_PATH = 100;

const Request = z.strictObject({
  snapshot: z.string().refine((p) => path.isAbsolute(p), "an absolute path"),
});

const Reply = z.union([
  z.object({ copied: z.number(), total: z.number() }),
  z.object({ done: z.object({ files: z.number(), bytes: z.number(), pausedMs: z.number() }) }),
  z.object({ error: z.string() }),
]);

export function socketPath(dataDir: string): string {
  return path.join(path.resolve(dataDir), SOCKET);
}

/**
 * Listens on the data folder's socket (the caller holds the folder's lock, so a socket file left
 * there is stale and replaced). Returns undefined, with a warning, when the path is too long for a
 * socket: backups then need the server stopped.
 */
export async function serveSnapshots(
  db: Db,
  dataDir: string,
  log: Logger,
): Promise<{ close(): Promise<void> } | undefined> {
  const file = socketPath(dataDir);
  if (Buffer.byteLength(file) > MAX_SOCKET_PATH) {
    log.warn(
      { socket: file },
      "data folder path too long for the backup socket: back up with the server stopped",
    );
    return undefined;
  }
  rmSync(file, { force: true });
  let queue = Promise.resolve();
  const server: Server = createServer((socket) => {
    socket.on("error", () => {});
    const lines = createInterface({ input: socket });
    lines.once("line", (line) => {
      lines.close();
      // One snapshot at a time (they would wait for the database in turn anyway).
      queue = queue.then(() => answer(socket, line));
    });
  });
  const answer = async (socket: Socket, line: string) => {
    const send = (reply: z.infer<typeof Reply>) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(reply)}\n`);
    };
    try {
      const request = Request.parse(JSON.parse(line));
      let last = 0;
      const { files, pausedMs } = await snapshotOpenDatabase(
        db,
        dataDir,
        request.snapshot,
        (copied, total) => {
          const now = performance.now();
          if (now - last > 200 || copied === total) {
            last = now;
            send({ copied, total });
          }
        },
      );
      const bytes = files.reduce((n, f) => n + f.size, 0);
      log.info({ files: files.length, bytes, pausedMs }, "backup snapshot taken (queries waited meanwhile)");
      send({ done: { files: files.length, bytes, pausedMs } });
    } catch (err) {
      log.warn({ err }, "backup snapshot failed");
      send({ error: err instanceof Error ? err.message : String(err) });
    }
    socket.end();
  };
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(file, () => {
      server.off("error", reject);
      resolve();
    });
  });
  chmodSync(file, 0o600);
  server.unref();
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        rmSync(file, { force: true });
      }),
  };
}

/**
 * Asks the server holding `dataDir` for a snapshot into the empty folder `into`. Throws when no
 * server answers on the socket, or with the server's error.
 */
export function requestSnapshot(
  dataDir: string,
  into: string,
  onProgress?: OnProgress,
): Promise<{ files: number; bytes: number; pausedMs: number }> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath(dataDir));
    let settled = false;
    const finish = (err: Error | undefined, value?: { files: number; bytes: number; pausedMs: number }) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (err) reject(err);
      else resolve(value!);
    };
    socket.once("error", (err) => finish(err));
    socket.once("connect", () => socket.write(`${JSON.stringify({ snapshot: into })}\n`));
    const lines = createInterface({ input: socket });
    lines.on("line", (line) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        json = undefined;
      }
      const reply = Reply.safeParse(json);
      if (!reply.success)
        return finish(new Error(`unexpected answer from the server: ${line.slice(0, 200)}`));
      const r = reply.data;
      if ("copied" in r) onProgress?.(r.copied, r.total);
      else if ("done" in r) finish(undefined, r.done);
      else finish(new Error(`the server could not take a snapshot: ${r.error}`));
    });
    lines.once("close", () => finish(new Error("the server closed the backup socket without an answer")));
  });
}
