import { randomUUID } from "node:crypto";
import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import type { LightMyRequestResponse } from "fastify";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUserWithRole } from "../../services/accounts/users.ts";
import { RATE_LIMITS, type RateLimitSettings } from "../../services/rate-limit/settings.ts";
import { apiKeyFor, signInAs, TEST_PASSWORD, uniqueEmail } from "../../test/accounts.ts";
import { API, API_ONLY, expectProblem } from "../../test/api-helpers.ts";
import { DB_KINDS } from "../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";

const REDIS_URL = "redis://127.0.0.1:6379";
const STORES = ["memory", "redis"] as const;
type Store = (typeof STORES)[number];

/** Small limits so a test reaches them in a few requests; first back-off 1 s, then 2 s. */
function testLimits(): RateLimitSettings {
  return {
    // A prefix of its own per run, so parallel runs sharing the Redis never see each other.
    keyPrefix: `upblit-test:${randomUUID()}`,
    credentials: {
      ...RATE_LIMITS.credentials,
      account: { free: 3, memorySeconds: 60 },
      ip: { free: 10, memorySeconds: 60 },
      backoffFirstSeconds: 1,
      backoffMaxSeconds: 60,
      requestsPerIp: { limit: 20, seconds: 60 },
    },
    mail: RATE_LIMITS.mail,
    api: { perKey: { limit: 5, seconds: 60 }, perUser: { limit: 5, seconds: 60 } },
  };
}

function envFor(store: Store, redisUrl = REDIS_URL): Record<string, string> {
  return store === "redis" ? { ...API_ONLY, REDIS_URL: redisUrl } : { ...API_ONLY };
}

let ipCounter = 0;
/** A client address no other test uses, so per-IP counters never cross tests. */
function freshIp(): string {
  ipCounter += 1;
  return `203.0.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
}

function login(up: TestUpblit, email: string, password: string, ip: string): Promise<LightMyRequestResponse> {
  return up.app!.inject({
    method: "POST",
    url: `${API}/auth/login`,
    payload: { email, password },
    remoteAddress: ip,
  });
}

const WRONG = "not the password at all";

async function newUser(
  up: TestUpblit,
  email = uniqueEmail("rl"),
): Promise<{ email: string; userId: string }> {
  const { userId } = await createUserWithRole(up.rt, {
    email,
    password: TEST_PASSWORD,
    role: "viewer",
    organizationId: up.organizationId,
  });
  return { email, userId };
}

/** A 429 problem with a Retry-After header; returns the header's seconds. */
function expectLimited(res: LightMyRequestResponse): number {
  expectProblem(res, 429, "LIMIT_EXCEEDED");
  const seconds = Number(res.headers["retry-after"]);
  expect(Number.isInteger(seconds) && seconds >= 1, `retry-after ${res.headers["retry-after"]}`).toBe(true);
  return seconds;
}

async function sessionsOf(up: TestUpblit, userId: string): Promise<number> {
  const row = await up.rt.db
    .selectFrom("sessions")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("user_id", "=", userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Tests that start their own Upblit: a fresh PGlite can take a while on a busy machine. */
const STARTS_ONCE_MS = 90_000;
const STARTS_TWICE_MS = 150_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The limits live in the store, not in the database: each database runs with one store (the
 * embedded default with memory, the PostgreSQL server with Redis), so both of each are covered.
 */
const COMBINATIONS = [
  ["pglite", "memory"],
  ["postgres", "redis"],
] as const satisfies ReadonlyArray<readonly [(typeof DB_KINDS)[number], Store]>;

describe.each(DB_KINDS)("rate limits on %s", (kind) => {
  const stores = COMBINATIONS.filter(([k]) => k === kind).map(([, store]) => store);
  describe.each(stores)("with the %s store", (store) => {
    let up: TestUpblit;
    beforeAll(async () => {
      up = await startTestUpblit(kind, envFor(store), { rateLimits: testLimits() });
    });
    afterAll(async () => {
      await up?.close();
    });

    it("repeated wrong passwords lock the account; the right one waits too, then works and resets the count", async () => {
      const user = await newUser(up);
      const ip = freshIp();
      for (let i = 0; i < 3; i++)
        expectProblem(await login(up, user.email, WRONG, ip), 401, "UNAUTHENTICATED");
      // The first failure beyond the free allowance starts a 1 s back-off.
      expectProblem(await login(up, user.email, WRONG, ip), 401, "UNAUTHENTICATED");
      const sessionsBefore = await sessionsOf(up, user.userId);
      expect(expectLimited(await login(up, user.email, TEST_PASSWORD, ip))).toBe(1);
      // The account is locked whatever the address: spreading over IPs does not help.
      expectLimited(await login(up, user.email.toUpperCase(), TEST_PASSWORD, freshIp()));
      expect(await sessionsOf(up, user.userId)).toBe(sessionsBefore);

      await sleep(1_100);
      expectProblem(await login(up, user.email, WRONG, ip), 401, "UNAUTHENTICATED");
      // Each further failure doubles the wait.
      expect(expectLimited(await login(up, user.email, TEST_PASSWORD, ip))).toBe(2);

      await sleep(2_100);
      expect((await login(up, user.email, TEST_PASSWORD, ip)).statusCode).toBe(200);
      expect(await sessionsOf(up, user.userId)).toBe(sessionsBefore + 1);
      // The success reset the account: the free allowance is back.
      for (let i = 0; i < 4; i++)
        expectProblem(await login(up, user.email, WRONG, ip), 401, "UNAUTHENTICATED");
      expectLimited(await login(up, user.email, WRONG, ip));
    });

    it("a burst of parallel wrong passwords gets only the free allowance plus one attempt", async () => {
      const user = await newUser(up);
      const ip = freshIp();
      const answers = await Promise.all(Array.from({ length: 10 }, () => login(up, user.email, WRONG, ip)));
      const statuses = answers.map((r) => r.statusCode).sort();
      expect(statuses).toEqual([401, 401, 401, 401, 429, 429, 429, 429, 429, 429]);
      for (const r of answers.filter((a) => a.statusCode === 429)) expectLimited(r);
    });

    it("failures across many accounts from one IP block that IP, not other IPs or the accounts", async () => {
      const attacker = freshIp();
      const victim = await newUser(up);
      for (let i = 0; i < 11; i++) {
        expectProblem(await login(up, uniqueEmail("spray"), WRONG, attacker), 401, "UNAUTHENTICATED");
      }
      expectLimited(await login(up, uniqueEmail("spray"), WRONG, attacker));
      // Everyone behind the blocked address waits, even with a right password…
      expectLimited(await login(up, victim.email, TEST_PASSWORD, attacker));
      // …but another address is not blocked, for another account or for the same one.
      const elsewhere = freshIp();
      expectProblem(await login(up, uniqueEmail("other"), WRONG, elsewhere), 401, "UNAUTHENTICATED");
      expect((await login(up, victim.email, TEST_PASSWORD, elsewhere)).statusCode).toBe(200);
    });

    it("caps sign-in requests per IP whatever their outcome", async () => {
      const user = await newUser(up);
      const ip = freshIp();
      for (let i = 0; i < 20; i++)
        expect((await login(up, user.email, TEST_PASSWORD, ip)).statusCode).toBe(200);
      expectLimited(await login(up, user.email, TEST_PASSWORD, ip));
      expect((await login(up, user.email, TEST_PASSWORD, freshIp())).statusCode).toBe(200);
    });

    it("a request with an invalid body is refused without counting as a failure", async () => {
      const user = await newUser(up);
      const ip = freshIp();
      for (let i = 0; i < 8; i++) {
        const res = await up.app!.inject({
          method: "POST",
          url: `${API}/auth/login`,
          payload: { email: user.email },
          remoteAddress: ip,
        });
        expectProblem(res, 400, "VALIDATION");
      }
      expect((await login(up, user.email, TEST_PASSWORD, ip)).statusCode).toBe(200);
    });

    it("refresh and setup are credential routes too", async () => {
      const ip = freshIp();
      for (let i = 0; i < 10; i++) {
        const path = i % 2 === 0 ? "/auth/refresh" : "/setup";
        const payload =
          i % 2 === 0
            ? { refreshToken: `bogus-${i}` }
            : {
                token: `bogus-${i}`,
                email: uniqueEmail("setup"),
                password: TEST_PASSWORD,
                organizationName: "X",
              };
        const res = await up.app!.inject({
          method: "POST",
          url: `${API}${path}`,
          payload,
          remoteAddress: ip,
        });
        expect([401, 404, 409]).toContain(res.statusCode);
      }
      expect(
        (
          await up.app!.inject({
            method: "POST",
            url: `${API}/auth/refresh`,
            payload: { refreshToken: "bogus-last" },
            remoteAddress: ip,
          })
        ).statusCode,
      ).toBe(401);
      expectLimited(
        await up.app!.inject({
          method: "POST",
          url: `${API}/auth/refresh`,
          payload: { refreshToken: "bogus-after" },
          remoteAddress: ip,
        }),
      );
    });

    it("limits each API key per minute with Retry-After, without touching other keys", async () => {
      const admin = await signInAs(up, "admin");
      const key = await apiKeyFor(admin, ["monitors:read"]);
      const other = await apiKeyFor(admin, ["monitors:read"]);
      const list = (token: string) =>
        up.app!.inject({
          method: "GET",
          url: `${API}/monitors`,
          headers: { authorization: `Bearer ${token}` },
        });
      for (let i = 0; i < 5; i++) expect((await list(key)).statusCode).toBe(200);
      const seconds = expectLimited(await list(key));
      expect(seconds).toBeLessThanOrEqual(60);
      expect((await list(other)).statusCode).toBe(200);
    });

    it("limits each signed-in person per minute across routes", async () => {
      const person = await signInAs(up, "viewer");
      const get = (url: string) =>
        up.app!.inject({ method: "GET", url: `${API}${url}`, headers: person.headers });
      for (const url of ["/me", "/monitors", "/me", "/monitors", "/me"])
        expect((await get(url)).statusCode).toBe(200);
      expectLimited(await get("/monitors"));
      expectLimited(await get("/me"));
      const someoneElse = await signInAs(up, "viewer");
      const res = await up.app!.inject({ method: "GET", url: `${API}/me`, headers: someoneElse.headers });
      expect(res.statusCode).toBe(200);
    });
  });

  // Shared counters across processes and Redis failures do not depend on the database: once.
  if (kind === "postgres") {
    describe("with Redis", () => {
      const running: TestUpblit[] = [];
      afterAll(async () => {
        for (const up of running) await up.close();
      });
      async function start(settings: RateLimitSettings, redisUrl = REDIS_URL): Promise<TestUpblit> {
        const up = await startTestUpblit(kind, envFor("redis", redisUrl), { rateLimits: settings });
        running.push(up);
        return up;
      }

      it(
        "two API processes share the counters: failures through one block sign-in through the other",
        async () => {
          const settings = testLimits();
          const a = await start(settings);
          const b = await start(settings);
          const email = uniqueEmail("shared");
          await newUser(a, email);
          await newUser(b, email);
          for (let i = 0; i < 4; i++)
            expectProblem(await login(a, email, WRONG, freshIp()), 401, "UNAUTHENTICATED");
          const seconds = expectLimited(await login(b, email, TEST_PASSWORD, freshIp()));
          await sleep(seconds * 1_000 + 100);
          expect((await login(b, email, TEST_PASSWORD, freshIp())).statusCode).toBe(200);
          // B's success reset the shared account counter for A as well.
          for (let i = 0; i < 3; i++)
            expectProblem(await login(a, email, WRONG, freshIp()), 401, "UNAUTHENTICATED");
        },
        STARTS_TWICE_MS,
      );

      it(
        "an unreachable Redis at start does not fail requests; limits fall back to memory",
        async () => {
          // On the embedded database Redis holds the rate limits only (the queue stays in memory),
          // so the server starts without it; with PostgreSQL it carries the queue: next test.
          const up = await startTestUpblit("pglite", envFor("redis", "redis://127.0.0.1:1"), {
            rateLimits: testLimits(),
          });
          running.push(up);
          const user = await newUser(up);
          const ip = freshIp();
          expect((await login(up, user.email, TEST_PASSWORD, ip)).statusCode).toBe(200);
          for (let i = 0; i < 4; i++)
            expectProblem(await login(up, user.email, WRONG, ip), 401, "UNAUTHENTICATED");
          expectLimited(await login(up, user.email, TEST_PASSWORD, ip));
          expect(up.logs.some((l) => String(l.msg).startsWith("Redis unavailable"))).toBe(true);
        },
        STARTS_ONCE_MS,
      );

      it(
        "with PostgreSQL, an unreachable Redis (which carries the job queue) fails the start with one clear error",
        async () => {
          await expect(start(testLimits(), "redis://127.0.0.1:1")).rejects.toThrow(
            /cannot reach Redis at REDIS_URL/,
          );
        },
        STARTS_ONCE_MS,
      );

      it(
        "Redis going away mid-run does not fail requests; limits go on in memory",
        async () => {
          const relay = await startRelay(6379);
          try {
            const settings = testLimits();
            const up = await start(settings, `redis://127.0.0.1:${relay.port}`);
            const user = await newUser(up);
            expectProblem(await login(up, user.email, WRONG, freshIp()), 401, "UNAUTHENTICATED");
            // The failure was counted in Redis, under this run's prefix.
            const inspector = new Redis(REDIS_URL);
            try {
              expect((await inspector.keys(`${settings.keyPrefix}:fail:acct:*`)).length).toBe(1);
            } finally {
              inspector.disconnect();
            }

            await relay.close();
            const ip = freshIp();
            const started = Date.now();
            expect((await login(up, user.email, TEST_PASSWORD, ip)).statusCode).toBe(200);
            // Not stuck behind the dead Redis (no offline queue; each command gives up after
            // 500 ms). The bound only tells "answered" from "waited on Redis for good": a sign-in
            // takes well under a second here, but on a busy machine argon2 alone can take several.
            expect(Date.now() - started).toBeLessThan(30_000);
            for (let i = 0; i < 4; i++)
              expectProblem(await login(up, user.email, WRONG, ip), 401, "UNAUTHENTICATED");
            expectLimited(await login(up, user.email, TEST_PASSWORD, ip));
            expect(
              (
                await up.app!.inject({
                  method: "GET",
                  url: `${API}/monitors`,
                  headers: { authorization: `Bearer ${up.apiKey}` },
                })
              ).statusCode,
            ).toBe(200);
          } finally {
            await relay.close();
          }
        },
        STARTS_ONCE_MS,
      );
    });
  }
});

/** A TCP relay to a local port that the test can cut, taking every open connection with it. */
async function startRelay(targetPort: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    port,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}
