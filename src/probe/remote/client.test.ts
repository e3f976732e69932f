import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_CLAIM_SLOTS, ProbeClient } from "./client.ts";

describe("the remote probe's client", () => {
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => {
      text += c;
    });
    req.on("end", () => {
      bodies.push(JSON.parse(text));
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ serverTime: Date.now(), slots: [] }));
    });
  });
  let client: ProbeClient;
  beforeAll(async () => {
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    client = new ProbeClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, "t", "test");
  });
  afterAll(async () => {
    await client.close();
    server.close();
  });

  it("never asks for more slots than one claim may take, however much room the probe has", async () => {
    await client.claim(2 * 400, 1);
    await client.claim(7, 1);
    expect(bodies).toEqual([
      { max: MAX_CLAIM_SLOTS, waitSeconds: 1 },
      { max: 7, waitSeconds: 1 },
    ]);
  });
});
