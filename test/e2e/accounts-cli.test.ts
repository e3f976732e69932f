import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../src/test/db.ts";
import {
  exitWithin,
  freePort,
  GiveUp,
  patientTest,
  runCli,
  tempDir,
  type UpblitProcess,
  waitFor,
  waitForOutput,
} from "./helpers.ts";

const tmp = tempDir("accounts-cli");
afterAll(() => tmp.remove());

const OWNER = { email: "owner@example.com", password: "correct horse battery" };
const EDITOR = { email: "editor@example.com", password: "first passphrase of Ed" };
const NEW_PASSWORD = "second passphrase of Ed";

/** Runs one admin command to its end; returns its exit code and output. */
async function cli(args: string[], env: Record<string, string>, stdin?: string) {
  const p = runCli(args, env, stdin);
  const { code } = await exitWithin(p);
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

/** `upblit start`, waited for until /readyz answers; unlike startUpblitProcess, it signs nobody in. */
async function startServer(env: Record<string, string>): Promise<UpblitProcess> {
  const p = runCli(["start"], {
    UPBLIT_ROLES: "api",
    LOG_LEVEL: "info",
    SHUTDOWN_TIMEOUT_SECONDS: "5",
    ...env,
  });
  await waitFor("upblit to answer /readyz", async () => {
    if (p.child.exitCode !== null) throw new GiveUp(`upblit exited during start-up:\n${p.output()}`);
    return (await fetch(`${p.base}/readyz`)).status === 200;
  }).catch((err: Error) => {
    p.child.kill("SIGKILL");
    throw err;
  });
  return p;
}

async function stopServer(p: UpblitProcess): Promise<void> {
  p.child.kill("SIGTERM");
  expect(await exitWithin(p)).toEqual({ code: 0, signal: null });
}

const tokenOf = (text: string) => /\/setup\?token=([\w-]+)/.exec(text)?.[1];

/** The setup token a server logged; the link is logged just after the port opens, so wait for it. */
async function loggedToken(server: UpblitProcess): Promise<string> {
  return (await waitForOutput(server, /\/setup\?token=([\w-]+)/))[1]!;
}

function post(base: string, url: string, body: unknown): Promise<Response> {
  return fetch(`${base}${url}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

function setup(base: string, token: string | undefined, email = OWNER.email) {
  return post(base, "/api/v1/setup", { token, email, password: OWNER.password, organizationName: "CLI" });
}

async function login(base: string, email: string, password: string) {
  const res = await post(base, "/api/v1/auth/login", { email, password });
  return { status: res.status, body: res.ok ? ((await res.json()) as { refreshToken: string }) : undefined };
}

function expectNoStack(text: string) {
  expect(text).not.toMatch(/\n\s+at |node:internal|\.ts:\d+/);
}

describe("account commands on the embedded database (PGlite)", () => {
  const dataDir = path.join(tmp.dir, "pglite");
  let env: Record<string, string>;
  let refreshBeforeReset: string;

  beforeAll(async () => {
    env = { DATA_DIR: dataDir, HOST: "127.0.0.1", PORT: String(await freePort()) };
  });

  it(
    "setup-link on a stopped data folder prints a link; the next one and the next server start replace it",
    async () => {
      const first = await cli(["setup-link"], env);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(
        new RegExp(`^http://127\\.0\\.0\\.1:${env.PORT}/setup\\?token=[\\w-]{40,}\\n$`),
      );
      expect(first.stderr).toContain("it works once");
      const second = await cli(["setup-link"], env);
      expect(second.code).toBe(0);
      expect(tokenOf(second.stdout)).not.toBe(tokenOf(first.stdout));

      const server = await startServer(env);
      try {
        const logged = await loggedToken(server);
        // Also as a plain line on stderr (stdout stays JSON lines), with the same link.
        await waitFor("the plain setup line", () =>
          /^ {2}(http\S+\/setup\?token=\S+)$/m.exec(server.stderr()),
        );
        expect(tokenOf(server.stderr())).toBe(logged);
        expect((await setup(server.base, tokenOf(first.stdout))).status).toBe(401);
        expect((await setup(server.base, tokenOf(second.stdout))).status).toBe(401);
        // The page of the logged link is served by the real binary.
        const page = await fetch(`${server.base}/setup?token=${logged}`);
        expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
        expect(await page.text()).toContain(`value="${logged}"`);
        expect((await setup(server.base, logged)).status).toBe(201);
        expect((await setup(server.base, logged, "second@example.com")).status).toBe(401);

        // While the server holds the data folder, commands that need it refuse, and say why.
        for (const args of [
          ["user", "create", "--email", EDITOR.email, "--role", "editor", "--password-stdin"],
          ["setup-link"],
        ]) {
          const busy = await cli(args, env, `${EDITOR.password}\n`);
          expect(busy.code).toBe(1);
          expect(busy.stderr).toContain(`is in use by process ${server.child.pid}`);
          expect(busy.stderr).toContain("stop the server, run this command, then start the server again");
          expect(busy.stdout).toBe("");
          expectNoStack(busy.stderr);
        }
      } finally {
        await stopServer(server);
      }
    },
    patientTest(6),
  );

  it(
    "setup-link once someone has an account: exit 1, setup is done",
    async () => {
      const done = await cli(["setup-link"], env);
      expect(done.code).toBe(1);
      expect(done.stderr).toContain("setup is done");
      expect(done.stdout).toBe("");
    },
    patientTest(1),
  );

  it(
    "user create reads the password from stdin and prints no secret",
    async () => {
      const created = await cli(
        [
          "user",
          "create",
          "--email",
          "Editor@Example.com",
          "--role",
          "editor",
          "--name",
          "Ed",
          "--password-stdin",
        ],
        env,
        `${EDITOR.password}\n`,
      );
      expect(created.stderr).toBe("");
      expect(created.code).toBe(0);
      expect(created.stdout).toMatch(
        /^created editor editor@example\.com \(usr_[0-9a-z]{26}\) in organization org_[0-9a-z]{26}\n$/,
      );
    },
    patientTest(1),
  );

  it(
    "refusals: a weak password or a taken email exit 1 with the reason",
    async () => {
      const weak = await cli(
        ["user", "create", "--email", "weak@example.com", "--role", "viewer", "--password-stdin"],
        env,
        "short\n",
      );
      expect(weak.code).toBe(1);
      expect(weak.stderr).toContain("The password does not meet the policy");
      expect(weak.stderr).toContain("password: must have at least 10 characters");
      expect(weak.stderr).not.toContain("short");

      const taken = await cli(
        ["user", "create", "--email", EDITOR.email, "--role", "admin", "--password-stdin"],
        env,
        "another long passphrase\n",
      );
      expect(taken.code).toBe(1);
      expect(taken.stderr).toContain("email: is taken");
      for (const r of [weak, taken]) {
        expect(r.stdout).toBe("");
        expectNoStack(r.stderr);
      }
    },
    patientTest(2),
  );

  it(
    "usage mistakes exit 2 without touching the database: bad options, no password source, unknown flag",
    async () => {
      const runs = await Promise.all([
        cli(["user", "create", "--email", "not-an-email", "--role", "boss", "--password-stdin"], env, "x\n"),
        cli(["user", "create", "--email", "nobody@example.com", "--role", "viewer"], env),
        cli(["user", "reset-password", "--email", EDITOR.email, "--pasword-stdin"], env),
        cli(["user", "create", "--role", "viewer"], env),
      ]);
      for (const r of runs) {
        expect(r.code).toBe(2);
        expect(r.stdout).toBe("");
        expectNoStack(r.stderr);
      }
      const [badOptions, noSource, unknownFlag, missing] = runs.map((r) => r.stderr);
      expect(badOptions).toContain("--email: must be an email address");
      expect(badOptions).toContain("--role: must be one of viewer, editor, admin, owner");
      expect(noSource).toContain("no terminal to ask for the password");
      expect(noSource).toContain("--password-stdin");
      expect(unknownFlag).toContain("unknown option '--pasword-stdin'");
      expect(missing).toContain("required option '--email <email>' not specified");
    },
    patientTest(1),
  );

  it(
    "the created account signs in through the API",
    async () => {
      const server = await startServer(env);
      try {
        const editor = await login(server.base, EDITOR.email, EDITOR.password);
        expect(editor.status).toBe(200);
        refreshBeforeReset = editor.body!.refreshToken;
      } finally {
        await stopServer(server);
      }
    },
    patientTest(2),
  );

  // The policy and an unknown email are refused by the same service the command calls
  // (src/services/accounts/set-password.db.test.ts); here, the command end to end.
  it(
    "user reset-password: the new password works, the old does not, sessions are over",
    async () => {
      const reset = await cli(
        ["user", "reset-password", "--email", EDITOR.email, "--password-stdin"],
        env,
        `${NEW_PASSWORD}\n`,
      );
      expect(reset.stderr).toBe("");
      expect(reset.code).toBe(0);
      expect(reset.stdout).toBe("password of editor@example.com changed; 1 session(s) ended\n");

      const server = await startServer(env);
      try {
        const refresh = await post(server.base, "/api/v1/auth/refresh", { refreshToken: refreshBeforeReset });
        expect(refresh.status).toBe(401);
        expect((await login(server.base, EDITOR.email, EDITOR.password)).status).toBe(401);
        expect((await login(server.base, EDITOR.email, NEW_PASSWORD)).status).toBe(200);
        // The owner made through the setup link is untouched.
        expect((await login(server.base, OWNER.email, OWNER.password)).status).toBe(200);
      } finally {
        await stopServer(server);
      }
    },
    patientTest(3),
  );
});

describe("account commands beside a running server (PostgreSQL)", () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let server: UpblitProcess;

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    env = {
      DATABASE_URL: database.databaseUrl!,
      DATA_DIR: path.join(tmp.dir, "pg"),
      HOST: "127.0.0.1",
      PORT: String(await freePort()),
    };
    server = await startServer(env);
  }, patientTest(1));
  afterAll(async () => {
    if (server) await stopServer(server);
    await database?.drop();
  }, patientTest(1));

  it(
    "setup-link replaces the server's link; only the newest link works, and only once",
    async () => {
      const logged = await loggedToken(server);
      const first = await cli(["setup-link"], env);
      const second = await cli(["setup-link"], env);
      expect([first.code, second.code]).toEqual([0, 0]);
      const [older, newest] = [tokenOf(first.stdout), tokenOf(second.stdout)];
      expect(new Set([logged, older, newest]).size).toBe(3);

      expect((await setup(server.base, logged)).status).toBe(401);
      expect((await setup(server.base, older)).status).toBe(401);
      expect((await setup(server.base, newest)).status).toBe(201);
      expect((await setup(server.base, newest, "late@example.com")).status).toBe(401);
      expect((await login(server.base, OWNER.email, OWNER.password)).status).toBe(200);
    },
    patientTest(3),
  );

  it(
    "user create works while the server runs, and the account signs in at once",
    async () => {
      const created = await cli(
        ["user", "create", "--email", "viewer@example.com", "--role", "viewer", "--password-stdin"],
        env,
        "a reader's passphrase\n",
      );
      expect(created.code).toBe(0);
      expect((await login(server.base, "viewer@example.com", "a reader's passphrase")).status).toBe(200);
    },
    patientTest(1),
  );
});
