/** Local TCP servers for the client-check tests (not a test file itself). */
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import type { ProbeOptions } from "../probe/types.ts";

export const PRIVATE_OK: ProbeOptions = {
  allowPrivateTargets: true,
  maxBodyBytes: 1024 * 1024,
  userAgent: "upblit-test/1",
};

export const PUBLIC_ONLY: ProbeOptions = { ...PRIVATE_OK, allowPrivateTargets: false };

export interface SilentServer {
  port: number;
  /** Connections accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

/** Accepts connections and never says a word: a slow-loris server, for the deadline tests. */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nobody listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
