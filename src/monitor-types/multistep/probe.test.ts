import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PRIVATE_OK, PUBLIC_ONLY } from "../client-servers.test-support.ts";
import { judgeObservation } from "../run.ts";
import { type MultistepSpec, probeMultistep } from "./probe.ts";
import { MultistepBlock } from "./settings.ts";

/** A login API on loopback: POST /login gives a token (body) and a session (header); GET /me needs both. */
let base: string;
let close: () => Promise<void>;
beforeAll(async () => {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === "POST" && req.url === "/login") {
      res.writeHead(200, { "content-type": "application/json", "x-session": "s-77" });
      res.end(JSON.stringify({ data: { token: "tok 1/2", user: 42 } }));
    } else if (
      req.url === "/users/42" &&
      req.headers.authorization === "Bearer tok 1/2" &&
      req.headers["x-session"] === "s-77"
    ) {
      res.writeHead(200, { "content-type": "application/json" }).end('{"name":"ada"}');
    } else res.writeHead(401).end("no");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise<void>((resolve) => server.close(() => resolve()));
});
afterAll(() => close());

const spec = (steps: unknown[]): MultistepSpec =>
  ({
    id: "mon_multi",
    organizationId: "org_1",
    type: "multistep",
    target: base,
    timeoutMs: 5_000,
    assertions: [],
    multistep: MultistepBlock.parse({ steps }),
  }) as unknown as MultistepSpec;

const LOGIN = {
  name: "login",
  method: "POST",
  url: "/login",
  body: '{"user":"ada"}',
  extract: [
    { name: "token", from: "json", path: "$.data.token" },
    { name: "user", from: "json", path: "$.data.user" },
    { name: "session", from: "header", path: "X-Session" },
  ],
  assertions: [{ subject: "status", op: "==", value: 200 }],
};
const ME = {
  name: "profile",
  url: "/users/{{user}}",
  headers: { authorization: "Bearer {{token}}", "x-session": "{{session}}" },
  assertions: [
    { subject: "status", op: "==", value: 200 },
    { subject: "json", path: "$.name", op: "==", value: "ada" },
  ],
};

describe("multistep monitors against a local HTTP API", () => {
  it("runs the steps in order, filling later requests with extracted values; up", async () => {
    const s = spec([LOGIN, ME]);
    const obs = await probeMultistep(s, PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.facts).toMatchObject({ "multistep.failedStep": 0, "multistep.passedSteps": 2 });
    expect(obs.statusCode).toBe(200);
    expect(judgeObservation(s, obs).status).toBe("up");
  });

  it("a failing assertion ends the check at its step, named in the error; down", async () => {
    const s = spec([LOGIN, { ...ME, headers: { authorization: "Bearer wrong" } }]);
    const obs = await probeMultistep(s, PRIVATE_OK);
    expect(obs.facts?.["multistep.failedStep"]).toBe(2);
    expect(obs.error?.message).toContain("step 2 (profile)");
    expect(obs.error?.message).toContain("401");
    expect(judgeObservation(s, obs).status).toBe("down");
  });

  it("a value that cannot be extracted fails its step", async () => {
    const s = spec([{ ...LOGIN, extract: [{ name: "token", from: "json", path: "$.nope" }] }, ME]);
    const obs = await probeMultistep(s, PRIVATE_OK);
    expect(obs.facts?.["multistep.failedStep"]).toBe(1);
    expect(obs.error?.message).toContain("nothing to extract for token");
  });

  it("every step passes target safety: a private address is refused without the opt-in", async () => {
    const s = spec([LOGIN, ME]);
    const obs = await probeMultistep(s, PUBLIC_ONLY);
    expect(obs.error?.kind).toBe("blocked");
    expect(obs.facts?.["multistep.failedStep"]).toBe(1);
  });

  it("refuses bad steps at the edge: no steps, a bad JSON path, a bad name", () => {
    expect(MultistepBlock.safeParse({ steps: [] }).success).toBe(false);
    expect(
      MultistepBlock.safeParse({
        steps: [{ ...LOGIN, extract: [{ name: "t", from: "json", path: "data" }] }],
      }).success,
    ).toBe(false);
    expect(
      MultistepBlock.safeParse({
        steps: [{ ...LOGIN, extract: [{ name: "1x", from: "header", path: "a" }] }],
      }).success,
    ).toBe(false);
  });
});
