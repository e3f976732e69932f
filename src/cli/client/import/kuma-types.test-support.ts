import { expect } from "vitest";
import type { Imported } from "./builder.ts";

/**
 * What both Kuma fixtures (the 1.x backup and the kuma.db builder hold the same rows) import of
 * the monitor types beyond HTTP, TCP, DNS, push and the databases: each mapped monitor exactly,
 * what is approximate reported, and what Upblit has no type for reported as not imported.
 */
export function expectNewTypes(monitors: Record<string, Record<string, unknown>>, imported: Imported): void {
  expect(monitors["gateway-ping"]).toMatchObject({
    type: "icmp",
    target: "10.0.0.1",
    timeoutMs: 10_000,
    icmp: { count: 4 },
  });
  expect(monitors["mail-server"]).toMatchObject({
    type: "smtp",
    target: "mail.example.com:587",
    smtp: { startTls: true },
  });
  expect(monitors["live-feed"]).toMatchObject({
    type: "websocket",
    target: "wss://feed.example.com/socket",
    websocket: { subprotocols: ["v2.feed", "json"] },
  });
  expect(monitors["orders-grpc"]).toMatchObject({
    type: "grpc",
    target: "orders.example.com:50051",
    grpc: { service: "orders.v1.Orders", tls: true },
  });
  expect(monitors["inventory-grpc"]).toMatchObject({
    type: "grpc",
    target: "inventory.example.com:9000",
    grpc: {},
  });
  expect(monitors["checkout-page"]).toMatchObject({
    type: "browser",
    target: "https://shop.example.com/checkout",
    browser: { waitUntil: "networkidle" },
  });
  expect(monitors.rabbitmq).toMatchObject({
    type: "rabbitmq",
    target: "rabbit.example.com:5671",
    rabbitmq: { username: "monitor", password: `\${UPBLIT_RABBITMQ_PASSWORD}`, tls: true },
  });
  expect(imported.secrets.get("UPBLIT_RABBITMQ_PASSWORD")).toBe("rabbit-pass");

  const approximate = imported.report.approximate;
  const about = (name: string) => approximate.filter((line) => line.startsWith(`monitor "${name}"`));
  // The health check with the keyword SERVING is the same check: nothing to report.
  expect(about("Orders gRPC")).toEqual([]);
  expect(about("Inventory gRPC").join("\n")).toMatch(
    /calls the standard health check \(grpc\.health\.v1\.Health\/Check\) instead of Inventory\/list; up when SERVING, the keyword "widget" is not checked/,
  );
  expect(about("RabbitMQ").join("\n")).toMatch(
    /management API at https:\/\/rabbit\.example\.com:15671 for alarms; Upblit logs in over AMQP at rabbit\.example\.com:5671/,
  );
  expect(about("RabbitMQ").join("\n")).toMatch(/only the first of its 2 nodes is checked/);
  for (const name of ["Gateway ping", "Mail server", "Live feed", "Checkout page"])
    expect(about(name), name).toEqual([]);

  expect(imported.report.skipped).toEqual(
    expect.arrayContaining([
      'monitor "Worker container" (docker): Upblit has no Docker container monitor',
      'monitor "Orders MongoDB" (mongodb): Upblit has no MongoDB monitor',
    ]),
  );
  expect(imported.report.skipped.join("\n")).not.toMatch(
    /\((ping|smtp|websocket-upgrade|grpc-keyword|real-browser|rabbitmq)\)/,
  );
}
