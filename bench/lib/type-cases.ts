import net from "node:net";
import tls from "node:tls";
import { ChannelCredentials, Client as GrpcClient, Metadata } from "@grpc/grpc-js";
import * as dnsPacket from "dns-packet";
import WebSocket from "ws";
import {
  decodeResponse,
  encodeRequest,
  HEALTH_CHECK_PATH,
} from "../../src/monitor-types/grpc/health-codec.ts";
import { bareBrowserLoad } from "./bare-browser.ts";
import { getBody, socketExchange, split, udpExchange } from "./bare-exchanges.ts";
import { freshGet } from "./fresh-get.ts";
import type { TypeTargets } from "./type-servers.ts";

export interface TypeCase {
  /** The monitor's body without name and interval (POST /api/v1/monitors). */
  monitor: (t: TypeTargets, i: number) => Record<string, unknown>;
  /** The same check done bare; resolves true when the exchange completed as expected. */
  bare: (t: TypeTargets) => Promise<boolean>;
  /** What the bare client is, for the table. */
  bareLabel: string;
}

let dnsId = 0;

export const TYPE_CASES: Record<string, TypeCase> = {
  http: {
    monitor: (t, i) => ({ type: "http", target: `${t.http}/m/${i}` }),
    bare: (t) => freshGet(t.http, "/bare"),
    bareLabel: "undici GET, fresh connection",
  },
  keyword: {
    monitor: (t, i) => ({ type: "keyword", target: `${t.http}/k/${i}`, keyword: { keyword: "ok" } }),
    bare: async (t) => (await getBody(`${t.http}/bare`))?.toLowerCase().includes("ok") ?? false,
    bareLabel: "undici GET + includes",
  },
  json: {
    monitor: (t, i) => ({
      type: "json",
      target: `${t.http}/j/${i}`,
      json: { path: "$.ok", op: "==", expected: true },
    }),
    bare: async (t) => {
      const text = await getBody(`${t.http}/bare`);
      return text !== undefined && (JSON.parse(text) as { ok?: boolean }).ok === true;
    },
    bareLabel: "undici GET + JSON.parse",
  },
  multistep: {
    monitor: (t, i) => ({
      type: "multistep",
      target: `${t.http}/s/${i}`,
      multistep: {
        steps: [
          { name: "first", url: "/login", extract: [{ name: "word", from: "json", path: "$.bench" }] },
          {
            name: "second",
            url: "/next/{{word}}",
            assertions: [{ subject: "status", op: "==", value: 200 }],
          },
        ],
      },
    }),
    bare: async (t) => {
      const first = await getBody(`${t.http}/login`);
      if (first === undefined) return false;
      const word = (JSON.parse(first) as { bench: string }).bench;
      return (await getBody(`${t.http}/next/${word}`)) !== undefined;
    },
    bareLabel: "2 undici GETs, value carried",
  },
  tcp: {
    monitor: (t) => ({ type: "tcp", target: t.tcp }),
    bare: (t) => {
      const { host, port } = split(t.tcp);
      return new Promise<boolean>((resolve) => {
        const socket = net.connect(port, host, () => {
          socket.destroy();
          resolve(true);
        });
        socket.on("error", () => resolve(false));
      });
    },
    bareLabel: "net.connect + close",
  },
  dns: {
    monitor: (t) => ({ type: "dns", target: "bench.upblit.test", dns: { recordType: "A", resolver: t.dns } }),
    bare: (t) => {
      dnsId = (dnsId + 1) & 0xffff;
      return udpExchange(
        t.dns,
        dnsPacket.encode({
          type: "query",
          id: dnsId,
          flags: dnsPacket.RECURSION_DESIRED,
          questions: [{ type: "A", name: "bench.upblit.test", class: "IN" }],
        }),
        (reply) => (dnsPacket.decode(reply).answers?.length ?? 0) > 0,
      );
    },
    bareLabel: "dgram query (dns-packet)",
  },
  tls: {
    monitor: (t) => ({
      type: "tls",
      target: t.tls,
      // Self-signed, for 127.0.0.1: asserting on the chain and the name steps the implied
      // assertions back (the run of 2026-12-07 had only the first: its tls checks were down).
      assertions: [
        { subject: "cert.chainValid", op: "exists" },
        { subject: "cert.hostnameMatch", op: "exists" },
      ],
    }),
    bare: (t) => {
      const { host, port } = split(t.tls);
      return new Promise<boolean>((resolve) => {
        const socket = tls.connect({ host, port, rejectUnauthorized: false }, () => {
          const ok = socket.getPeerCertificate().valid_to !== undefined;
          socket.destroy();
          resolve(ok);
        });
        socket.on("error", () => resolve(false));
      });
    },
    bareLabel: "tls.connect + peer certificate",
  },
  postgres: {
    monitor: () => ({
      type: "postgres",
      target: "127.0.0.1:5432",
      postgres: { database: "test", username: "postgres", query: "SELECT 1" },
    }),
    bare: async () => {
      const { default: pg } = await import("pg");
      const client = new pg.Client({ host: "127.0.0.1", port: 5432, user: "postgres", database: "test" });
      try {
        await client.connect();
        const res = await client.query("SELECT 1 AS one");
        return res.rows[0]?.one === 1;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => {});
      }
    },
    bareLabel: "pg connect + SELECT 1 + end",
  },
  mysql: {
    monitor: () => ({
      type: "mysql",
      target: "127.0.0.1:3306",
      mysql: { database: "test", username: "root", query: "SELECT 1" },
    }),
    bare: async () => {
      const mysql = await import("mysql2/promise");
      try {
        const conn = await mysql.createConnection({
          host: "127.0.0.1",
          port: 3306,
          user: "root",
          database: "test",
        });
        const [rows] = await conn.query("SELECT 1 AS one");
        await conn.end();
        return (rows as Array<{ one: number }>)[0]?.one === 1;
      } catch {
        return false;
      }
    },
    bareLabel: "mysql2 connect + SELECT 1 + end",
  },
  redis: {
    monitor: () => ({ type: "redis", target: "127.0.0.1:6379", redis: {} }),
    bare: () =>
      socketExchange(
        "127.0.0.1:6379",
        (s) => s.write("*1\r\n$4\r\nPING\r\n"),
        (text, s) => {
          if (!text.endsWith("\r\n")) return undefined;
          s.end("*1\r\n$4\r\nQUIT\r\n");
          return text.startsWith("+PONG");
        },
      ),
    bareLabel: "raw socket PING + QUIT",
  },
  rabbitmq: {
    monitor: () => ({
      type: "rabbitmq",
      target: "127.0.0.1:5672",
      rabbitmq: { username: "guest", password: "guest" },
    }),
    bare: async () => {
      const amqp = await import("amqplib");
      try {
        const conn = await amqp.connect("amqp://guest:guest@127.0.0.1:5672/");
        await conn.close();
        return true;
      } catch {
        return false;
      }
    },
    bareLabel: "amqplib connect + close",
  },
  mqtt: {
    monitor: () => ({ type: "mqtt", target: "127.0.0.1:1883", mqtt: {} }),
    bare: async () => {
      const { connectAsync } = await import("mqtt");
      try {
        const client = await connectAsync({ host: "127.0.0.1", port: 1883, reconnectPeriod: 0 });
        await client.endAsync();
        return true;
      } catch {
        return false;
      }
    },
    bareLabel: "mqtt.js connect + end",
  },
  nats: {
    monitor: () => ({ type: "nats", target: "127.0.0.1:4222" }),
    bare: () => {
      let connected = false;
      return socketExchange(
        "127.0.0.1:4222",
        () => {},
        (text, s) => {
          if (text.includes("PONG\r\n")) return true;
          if (text.includes("-ERR")) return false;
          if (!connected && text.startsWith("INFO ") && text.includes("\r\n")) {
            connected = true;
            s.write('CONNECT {"verbose":false,"pedantic":false}\r\nPING\r\n');
          }
          return undefined;
        },
      );
    },
    bareLabel: "raw socket INFO, CONNECT, PING/PONG",
  },
  smtp: {
    monitor: (t) => ({ type: "smtp", target: t.smtp, smtp: { startTls: false } }),
    bare: (t) => {
      let step = 0;
      return socketExchange(
        t.smtp,
        () => {},
        (text, s) => {
          if (!text.endsWith("\r\n")) return undefined;
          if (step === 0 && text.startsWith("220")) {
            step = 1;
            s.write("EHLO bench.localhost\r\n");
            return undefined;
          }
          // The last line of the EHLO answer is "250 <keyword>".
          if (step === 1 && /(^|\r\n)250 [^\r\n]*\r\n$/.test(text)) {
            step = 2;
            s.write("QUIT\r\n");
            return undefined;
          }
          if (step === 2 && /(^|\r\n)221/.test(text)) return true;
          return undefined;
        },
      );
    },
    bareLabel: "raw socket banner, EHLO, QUIT",
  },
  udp: {
    monitor: (t) => ({ type: "udp", target: t.udp, udp: { payload: "ping", expect: "echo:ping" } }),
    bare: (t) => udpExchange(t.udp, Buffer.from("ping"), (reply) => reply.toString() === "echo:ping"),
    bareLabel: "dgram send + reply",
  },
  websocket: {
    monitor: (t) => ({ type: "websocket", target: t.ws, websocket: { send: "ping", expect: "echo:ping" } }),
    bare: (t) =>
      new Promise<boolean>((resolve) => {
        const ws = new WebSocket(t.ws);
        ws.on("open", () => ws.send("ping"));
        ws.on("message", (data) => {
          resolve(data.toString() === "echo:ping");
          ws.close();
        });
        ws.on("error", () => resolve(false));
      }),
    bareLabel: "ws open, send, message, close",
  },
  grpc: {
    monitor: (t) => ({ type: "grpc", target: t.grpc }),
    bare: (t) =>
      new Promise<boolean>((resolve) => {
        const client = new GrpcClient(t.grpc, ChannelCredentials.createInsecure());
        client.makeUnaryRequest(
          HEALTH_CHECK_PATH,
          encodeRequest,
          decodeResponse,
          { service: "" },
          new Metadata(),
          { deadline: new Date(Date.now() + 10_000) },
          (err, value) => {
            client.close();
            resolve(!err && value?.status === "SERVING");
          },
        );
      }),
    bareLabel: "grpc-js client, Health/Check, close",
  },
  domain: {
    monitor: (t) => ({ type: "domain", target: "example.com", domain: { rdapServer: t.rdap } }),
    bare: async (t) => {
      const text = await getBody(`${t.rdap}domain/example.com`);
      return text !== undefined && Array.isArray((JSON.parse(text) as { events?: unknown }).events);
    },
    bareLabel: "undici GET + JSON.parse (RDAP)",
  },
  icmp: {
    monitor: () => ({ type: "icmp", target: "127.0.0.1", icmp: { count: 1 } }),
    bare: async () => {
      const { execFile } = await import("node:child_process");
      return new Promise<boolean>((resolve) =>
        execFile("ping", ["-n", "-c", "1", "-W", "10", "127.0.0.1"], (err, stdout) =>
          resolve(!err && stdout.includes("1 received")),
        ),
      );
    },
    bareLabel: "ping -c 1 (child process)",
  },
  browser: {
    monitor: (t, i) => ({ type: "browser", target: `${t.http}/b/${i}`, browser: { steps: [] } }),
    bare: (t) => bareBrowserLoad(`${t.http}/bare`),
    bareLabel: "playwright-core page load, fresh context",
  },
};
