import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scaledTimeout } from "../../test/patience.ts";
import { REDACTED } from "../client-redact.ts";
import { PRIVATE_OK } from "../client-servers.test-support.ts";
import { describeTargetSafety } from "../client-target-cases.test-support.ts";
import { probeRedis, type RedisCheckSpec, type RedisSettings } from "./probe.ts";

// The Redis server of this machine (docs/development.md). The test adds an ACL user and a key
// with names of its own, and removes them afterwards.
const SERVER = "127.0.0.1:6379";
const SUFFIX = `${process.pid}-${Date.now()}`;
const USER = `upblit-probe-${SUFFIX}`;
const PASSWORD = `pw-${SUFFIX}-Zq9`;
const KEY = `upblit:probe:${SUFFIX}`;

/** A check that should succeed gets time stretched by the load; the deadline tests pass a short one. */
function spec(settings: Partial<RedisSettings> = {}, target = SERVER, timeoutMs?: number): RedisCheckSpec {
  const redis = { database: 0, command: "PING" as const, args: [], tls: false, verifyTls: true, ...settings };
  return { target, timeoutMs: timeoutMs ?? scaledTimeout(10_000), redis };
}

let admin: Redis;
beforeAll(async () => {
  admin = new Redis({ host: "127.0.0.1", port: 6379, lazyConnect: true });
  await admin.connect();
  // May read (and PING/INFO), may not write.
  await admin.call(
    "ACL",
    "SETUSER",
    USER,
    "on",
    `>${PASSWORD}`,
    "~*",
    "-@all",
    "+@read",
    "+ping",
    "+info",
    "+echo",
  );
  await admin.set(KEY, "hello from the test");
});
afterAll(async () => {
  await admin.call("ACL", "DELUSER", USER);
  await admin.del(KEY);
  admin.disconnect();
});

describe("probeRedis against the real server", () => {
  it("connects, PINGs and reports the server version and connect time", async () => {
    const obs = await probeRedis(spec(), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.remoteAddress).toBe("127.0.0.1");
    expect(obs.facts?.["redis.version"]).toMatch(/^\d+\.\d+\.\d+/);
    expect(obs.facts?.["redis.reply"]).toBe("PONG");
    expect(obs.timings.connect).toBeGreaterThan(0);
    expect(obs.timings.connect!).toBeLessThanOrEqual(obs.timings.total);
  });

  it("authenticates as an ACL user and reads a key", async () => {
    const obs = await probeRedis(
      spec({ username: USER, password: PASSWORD, command: "GET", args: [KEY] }, "localhost:6379"),
      PRIVATE_OK,
    );
    expect(obs.error).toBeUndefined();
    expect(obs.facts?.["redis.reply"]).toBe("hello from the test");
  });

  it("reports a missing key as null and a count as a number in text", async () => {
    const missing = await probeRedis(spec({ command: "GET", args: [`${KEY}:none`] }), PRIVATE_OK);
    expect(missing.error).toBeUndefined();
    expect(missing.facts?.["redis.reply"]).toBeNull();
    const exists = await probeRedis(spec({ command: "EXISTS", args: [KEY] }), PRIVATE_OK);
    expect(exists.facts?.["redis.reply"]).toBe("1");
  });

  it("fails on a wrong password in the server's words, and never shows the password", async () => {
    const wrong = `${PASSWORD}-wrong`;
    const obs = await probeRedis(spec({ username: USER, password: wrong }), PRIVATE_OK);
    expect(obs.error?.kind).toBe("protocol");
    expect(obs.error?.message).toContain("WRONGPASS");
    expect(JSON.stringify(obs)).not.toContain(wrong);
  });

  it("blanks the password out of what the server echoes", async () => {
    // GET's argument comes back in nothing, but ECHO repeats it: the secret must not appear.
    const obs = await probeRedis(
      spec({ username: USER, password: PASSWORD, command: "ECHO", args: [`x ${PASSWORD} y`] }),
      PRIVATE_OK,
    );
    expect(obs.error).toBeUndefined();
    expect(obs.facts?.["redis.reply"]).toBe(`x ${REDACTED} y`);
  });

  it("refuses a command that is not on the read-only list, before connecting", async () => {
    const obs = await probeRedis(spec({ command: "FLUSHALL" as never }), PRIVATE_OK);
    expect(obs.error).toEqual({ kind: "protocol", message: "command not allowed" });
    expect(await admin.exists(KEY)).toBe(1);
  });

  it("reports the server's refusal of a command the user may not run", async () => {
    const obs = await probeRedis(
      spec({ username: USER, password: PASSWORD, command: "TIME", args: [] }),
      PRIVATE_OK,
    );
    expect(obs.error?.kind).toBe("protocol");
    expect(obs.error?.message).toContain("NOPERM");
  });

  it("fails as tls when TLS is asked for and the server speaks plain Redis", async () => {
    const obs = await probeRedis(spec({ tls: true }, SERVER, 2_000), PRIVATE_OK);
    expect(obs.error).toBeDefined();
    expect(["tls", "reset", "timeout"]).toContain(obs.error?.kind);
  });
});

describeTargetSafety("redis", 6379, (target, options, timeoutMs) =>
  probeRedis(spec({}, target, timeoutMs), options),
);
