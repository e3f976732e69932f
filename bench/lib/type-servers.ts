/**
 * The in-process servers `bench:checks --type` checks against, on 127.0.0.1, in the bench
 * driver's own process (their CPU is neither Upblit's nor the bare client's). The machine's
 * PostgreSQL, MariaDB, Redis, RabbitMQ, Mosquitto and NATS are used as they are.
 */
import { createSocket } from "node:dgram";
import { createServer as createHttpServer } from "node:http";
import { type AddressInfo, createServer as createTcpServer } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import * as dnsPacket from "dns-packet";
import { SMTPServer } from "smtp-server";
import { WebSocketServer } from "ws";
import { startRdapServer } from "../../src/monitor-types/domain/rdap-server.test-support.ts";
import { startHealthServer } from "../../src/monitor-types/grpc/health-server.test-support.ts";
import { createCert } from "../../src/probe/fixtures.test-support.ts";

/** Where each server listens; passed as JSON to the bare client's process. */
export interface TypeTargets {
  /** http://127.0.0.1:PORT: 200 `{"ok":true}` on every path. */
  http: string;
  /** host:port of a TCP server that accepts and closes. */
  tcp: string;
  /** host:port of a UDP DNS server answering A bench.upblit.test → 127.0.0.1. */
  dns: string;
  /** host:port of a TLS server (self-signed, CN 127.0.0.1) that closes after the handshake. */
  tls: string;
  /** host:port of a UDP echo server: answers "echo:<datagram>". */
  udp: string;
  /** ws://…/echo: answers "echo:<message>". */
  ws: string;
  /** host:port of a gRPC health server (every service SERVING). */
  grpc: string;
  /** host:port of an SMTP server (no STARTTLS offered to the bench's checks, no AUTH). */
  smtp: string;
  /** RDAP base URL where example.com expires in 300 days. */
  rdap: string;
}

export interface TypeServers {
  targets: TypeTargets;
  close(): Promise<void>;
}

const hostPort = (address: AddressInfo | string | null) => `127.0.0.1:${(address as AddressInfo).port}`;

export async function startTypeServers(): Promise<TypeServers> {
  const closers: Array<() => Promise<void> | void> = [];
  const listen = (server: { listen: (port: number, host: string, cb: () => void) => unknown }) =>
    new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

  const body = JSON.stringify({ ok: true, bench: "ok" });
  const http = createHttpServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" }).end(body);
  });
  const wss = new WebSocketServer({ server: http, path: "/echo" });
  wss.on("connection", (socket) => socket.on("message", (data) => socket.send(`echo:${data.toString()}`)));
  await listen(http);
  closers.push(() => {
    http.closeAllConnections();
    return new Promise<void>((resolve) => http.close(() => resolve()));
  });

  const tcp = createTcpServer((socket) => {
    socket.on("error", () => {});
    socket.end();
  });
  await listen(tcp);
  closers.push(() => new Promise<void>((resolve) => tcp.close(() => resolve())));

  const dns = createSocket("udp4");
  dns.on("message", (msg, rinfo) => {
    const query = dnsPacket.decode(msg);
    const question = query.questions?.[0];
    const answer = dnsPacket.encode({
      type: "response",
      id: query.id ?? 0,
      flags: dnsPacket.AUTHORITATIVE_ANSWER,
      questions: query.questions ?? [],
      answers:
        question?.type === "A"
          ? [{ type: "A", name: question.name, ttl: 60, class: "IN", data: "127.0.0.1" }]
          : [],
    });
    dns.send(answer, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => dns.bind(0, "127.0.0.1", resolve));
  closers.push(() => {
    dns.close();
  });

  const cert = await createCert("127.0.0.1", -1, 300);
  const tls = createTlsServer(cert, (socket) => {
    socket.on("error", () => {});
    socket.end();
  });
  tls.on("tlsClientError", () => {});
  await listen(tls);
  closers.push(() => new Promise<void>((resolve) => tls.close(() => resolve())));

  const udp = createSocket("udp4");
  udp.on("message", (msg, rinfo) =>
    udp.send(Buffer.concat([Buffer.from("echo:"), msg]), rinfo.port, rinfo.address),
  );
  await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve));
  closers.push(() => {
    udp.close();
  });

  const grpc = await startHealthServer();
  closers.push(() => grpc.close());

  const smtp = new SMTPServer({ authOptional: true, disabledCommands: ["AUTH", "STARTTLS"], logger: false });
  smtp.on("error", () => {});
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", () => resolve()));
  closers.push(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

  const rdap = await startRdapServer({ "example.com": 300 });
  closers.push(() => rdap.close());

  return {
    targets: {
      http: `http://${hostPort(http.address())}`,
      tcp: hostPort(tcp.address()),
      dns: hostPort(dns.address()),
      tls: hostPort(tls.address()),
      udp: hostPort(udp.address()),
      ws: `ws://${hostPort(http.address())}/echo`,
      grpc: `127.0.0.1:${grpc.port}`,
      smtp: hostPort(smtp.server.address()),
      rdap: rdap.base,
    },
    close: async () => {
      for (const close of closers.reverse()) await close();
    },
  };
}
