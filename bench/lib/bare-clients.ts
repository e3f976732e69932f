import http from "node:http";
import net from "node:net";
import { freshGet } from "./fresh-get.ts";

/**
 * The same GET on a fresh connection, closed afterwards, made three ways: with undici (what the
 * probe uses), with node:http (no agent, so no reuse), and by hand on a raw socket (the least a
 * fresh-connection HTTP exchange can cost in Node). Each resolves true for a complete answer.
 */
export const BARE_CLIENTS = {
  undici: (origin: string, path: string) => freshGet(origin, path),
  "node:http": (origin: string, path: string) =>
    new Promise<boolean>((resolve) => {
      const req = http.get(`${origin}${path}`, { agent: false }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode === 200));
        res.on("error", () => resolve(false));
      });
      req.on("error", () => resolve(false));
    }),
  "raw socket": (origin: string, path: string) =>
    new Promise<boolean>((resolve) => {
      const url = new URL(origin);
      let answer = "";
      const socket = net.connect(Number(url.port), url.hostname, () => {
        socket.end(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`);
      });
      socket.setEncoding("latin1");
      socket.on("data", (chunk: string) => {
        answer += chunk;
      });
      socket.on("close", () => resolve(answer.startsWith("HTTP/1.1 200")));
      socket.on("error", () => resolve(false));
    }),
} as const;

export type BareClient = keyof typeof BARE_CLIENTS;
