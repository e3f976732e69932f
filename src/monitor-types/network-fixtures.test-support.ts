/**
 * The real servers the network types' API test checks (not a test file itself): each started on
 * loopback by the test, or a responder on this machine's NATS server.
 */
import { createSocket } from "node:dgram";
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { WebSocketServer } from "ws";
import { createCert } from "../probe/fixtures.test-support.ts";
import { startRdapServer } from "./domain/rdap-server.test-support.ts";
import { startHealthServer } from "./grpc/health-server.test-support.ts";
import { type NatsResponder, startNatsResponder } from "./nats/responder.test-support.ts";

export interface NetworkFixtures {
  natsSubject: string;
  /** An SMTP server offering STARTTLS with a self-signed certificate valid 30 more days. */
  smtpTarget: string;
  /** A UDP echo server: answers "echo:<datagram>". */
  udpTarget: string;
  /** A WebSocket echo server: answers "echo:<message>". */
  wsTarget: string;
  /** A gRPC health server where orders.v1.Orders is SERVING. */
  grpcTarget: string;
  /** An RDAP server where example.com expires in 20 days. */
  rdapServer: string;
  close(): Promise<void>;
}

export async function startNetworkFixtures(): Promise<NetworkFixtures> {
  const natsSubject = `upblit.api-test.${process.pid}-${Date.now()}`;
  const responder: NatsResponder = await startNatsResponder(natsSubject);
  const { key, cert } = await createCert("mx.upblit.test", -1, 30);
  const smtp = new SMTPServer({ key, cert, authOptional: true, disabledCommands: ["AUTH"] });
  smtp.on("error", () => {});
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", () => resolve()));
  const udp = createSocket("udp4");
  udp.on("message", (msg, rinfo) =>
    udp.send(Buffer.concat([Buffer.from("echo:"), msg]), rinfo.port, rinfo.address),
  );
  await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve));
  const http = createHttpServer();
  const wss = new WebSocketServer({ server: http });
  wss.on("connection", (socket) => socket.on("message", (data) => socket.send(`echo:${data.toString()}`)));
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const grpc = await startHealthServer();
  grpc.statuses.set("orders.v1.Orders", "SERVING");
  const rdap = await startRdapServer({ "example.com": 20 });
  return {
    natsSubject,
    rdapServer: rdap.base,
    grpcTarget: `127.0.0.1:${grpc.port}`,
    wsTarget: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/echo`,
    udpTarget: `127.0.0.1:${(udp.address() as AddressInfo).port}`,
    smtpTarget: `127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
    close: async () => {
      responder.close();
      udp.close();
      await grpc.close();
      await rdap.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
}
