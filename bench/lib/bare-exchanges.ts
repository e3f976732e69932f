/**
 * The bare exchanges `bench:checks --type` measures against (type-cases.ts): a TCP conversation,
 * a GET on a connection of its own, a UDP request and reply. Each on a fresh connection or socket,
 * as a check is, and each resolving false rather than throwing.
 */
import { createSocket } from "node:dgram";
import net from "node:net";
import { Client } from "undici";

/** "host:port" (IPv6 hosts unbracketed) as its parts. */
export const split = (hostPort: string) => {
  const i = hostPort.lastIndexOf(":");
  return { host: hostPort.slice(0, i), port: Number(hostPort.slice(i + 1)) };
};

/** A socket exchange: connect, run `talk` on each chunk until it returns true (done) or false (failed). */
export function socketExchange(
  hostPort: string,
  onConnect: (s: net.Socket) => void,
  talk: (text: string, s: net.Socket) => boolean | undefined,
): Promise<boolean> {
  const { host, port } = split(hostPort);
  return new Promise<boolean>((resolve) => {
    let text = "";
    let settled = false;
    const done = (ok: boolean) => {
      if (settled) return;
      settled = true;
      resolve(ok);
      socket.destroy();
    };
    const socket = net.connect(port, host, () => onConnect(socket));
    socket.setEncoding("latin1");
    socket.setTimeout(10_000, () => done(false));
    socket.on("data", (chunk: string) => {
      text += chunk;
      const verdict = talk(text, socket);
      if (verdict !== undefined) done(verdict);
    });
    socket.on("error", () => done(false));
    socket.on("close", () => done(false));
  });
}

/** A GET on a connection of its own (as freshGet), resolving with the body of a 200. */
export async function getBody(url: string): Promise<string | undefined> {
  const u = new URL(url);
  const client = new Client(u.origin, { pipelining: 1, headersTimeout: 10_000, bodyTimeout: 10_000 });
  try {
    const res = await client.request({ path: `${u.pathname}${u.search}`, method: "GET" });
    const text = await res.body.text();
    return res.statusCode === 200 ? text : undefined;
  } catch {
    return undefined;
  } finally {
    await client.destroy().catch(() => {});
  }
}

/** One datagram out, resolving with `check` of the first reply (false on error or after 10 s). */
export function udpExchange(
  hostPort: string,
  payload: Buffer,
  check: (reply: Buffer) => boolean,
): Promise<boolean> {
  const { host, port } = split(hostPort);
  return new Promise<boolean>((resolve) => {
    const socket = createSocket("udp4");
    const timer = setTimeout(() => finish(false), 10_000);
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    socket.on("message", (msg) => finish(check(msg)));
    socket.on("error", () => finish(false));
    socket.send(payload, port, host);
  });
}
