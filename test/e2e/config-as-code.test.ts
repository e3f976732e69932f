import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  api,
  exitWithin,
  freePort,
  patientTest,
  ROOT,
  runCli,
  startUpblitProcess,
  tempDir,
  type UpblitProcess,
} from "./helpers.ts";

const tmp = tempDir("config-as-code");
const FILE = path.join(tmp.dir, "upblit.yaml");
const SCOPES = [
  "monitors:read",
  "monitors:write",
  "notifications:read",
  "notifications:write",
  "status-pages:read",
  "status-pages:write",
];

/** The file under test: every kind, references by key, one secret from the environment. */
const CONFIG = `
version: 1
channels:
  - key: ops
    name: Ops ntfy
    kind: ntfy
    config: { topic: ops-alerts }
    secrets: { accessToken: "\${NTFY_TOKEN}" }
monitors:
  - key: db
    name: Database
    type: tcp
    target: 127.0.0.1:5432
    paused: true
  - key: api
    name: API
    type: http
    target: https://api.example.com/health
    intervalSeconds: 60
    tags: [prod, web]
    parents: [db]
    channels: [ops]
    paused: true
    http:
      headers: { Authorization: "Bearer \${API_TOKEN}", Accept: application/json }
  - key: nightly
    name: Nightly backup
    type: heartbeat
    heartbeat: { cron: "0 3 * * *", graceSeconds: 1800 }
alertRules:
  - key: prod
    name: Production
    tags: [prod]
    channels: [ops]
    escalation: [{ afterMinutes: 15, channels: [ops] }]
maintenanceWindows:
  - key: sunday
    title: Sunday patching
    monitors: [api, db]
    schedule: { type: recurring, timezone: Europe/Paris, startTime: "02:00", durationMinutes: 60, weekly: { days: [sun] } }
statusPages:
  - key: public
    slug: acme-status
    title: Acme status
    groups:
      - name: Core
        components: [{ monitor: api, displayName: Public API }, { monitor: db, displayName: Database }]
`;

/**
 * Config as code (docs/config-as-code.md) against real server processes: plan → apply → plan
 * empty → an edit planned as exactly that change → apply; prune; diff's exit code; a refusal in
 * the middle; export applied to the same server (nothing to do) and to a fresh one (round trip).
 */
describe("upblit plan / apply / export", () => {
  let a: UpblitProcess;
  let b: UpblitProcess;
  let envA: Record<string, string>;
  let envB: Record<string, string>;
  const secrets = { NTFY_TOKEN: "tk_secret_from_env", API_TOKEN: "api-token-from-env" };

  const keyFor = async (server: UpblitProcess) =>
    (await api<{ token: string }>(server.base, "POST", "/api/v1/api-keys", { name: "cac", scopes: SCOPES }))
      .token;
  async function cli(args: string[], env: Record<string, string>) {
    const p = runCli(args, env);
    const { code } = await exitWithin(p);
    return { code, stdout: p.stdout(), stderr: p.stderr() };
  }

  beforeAll(async () => {
    a = await startUpblitProcess(path.join(tmp.dir, "a"), await freePort());
    b = await startUpblitProcess(path.join(tmp.dir, "b"), await freePort());
    envA = { UPBLIT_URL: a.base, UPBLIT_API_KEY: await keyFor(a), ...secrets };
    envB = { UPBLIT_URL: b.base, UPBLIT_API_KEY: await keyFor(b), ...secrets };
  }, patientTest(3));
  afterAll(async () => {
    for (const p of [a, b]) p?.child.kill("SIGTERM");
    for (const p of [a, b]) if (p) await exitWithin(p);
    tmp.remove();
  }, patientTest(1));

  it(
    "plans, applies, finds nothing left to do, then plans and applies exactly an edit",
    async () => {
      writeFileSync(FILE, CONFIG);
      // A referenced variable that is not set stops before anything is read or written.
      const noEnv = await cli(["plan", "-f", FILE], {
        UPBLIT_URL: a.base,
        UPBLIT_API_KEY: envA.UPBLIT_API_KEY!,
      });
      expect(noEnv.code).toBe(2);
      expect(noEnv.stderr).toMatch(/unset environment variables: API_TOKEN, NTFY_TOKEN/);

      const plan = await cli(["plan", "-f", FILE], envA);
      expect(plan.code, plan.stderr).toBe(0);
      expect(plan.stdout).toMatch(/\+ channel ops \(create\)/);
      expect(plan.stdout).toMatch(/\+ monitor api \(create\)/);
      expect(plan.stdout).toContain("Plan: 7 to create, 0 to update, 0 to delete, 0 unchanged.");
      // The plan shows the reference, never the secret.
      expect(plan.stdout).not.toContain(secrets.NTFY_TOKEN);
      expect(plan.stdout).toContain(`\${NTFY_TOKEN}`);
      expect(await api<{ items: unknown[] }>(a.base, "GET", "/api/v1/monitors")).toMatchObject({ items: [] });

      const applied = await cli(["apply", "-f", FILE], envA);
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stdout).toContain("Applied 7 changes.");

      // What the server now holds: references resolved to ids, the secret from the environment.
      const monitors = (
        await api<{ items: Array<Record<string, unknown>> }>(a.base, "GET", "/api/v1/monitors")
      ).items;
      const byName = Object.fromEntries(monitors.map((m) => [m.name, m]));
      expect(byName.API!.parents).toEqual([byName.Database!.id]);
      const channels = await api<{ channelIds: string[] }>(
        a.base,
        "GET",
        `/api/v1/monitors/${byName.API!.id}/channels`,
      );
      expect(channels.channelIds).toHaveLength(1);
      const channel = await api<{ secretsSet: string[] }>(
        a.base,
        "GET",
        `/api/v1/channels/${channels.channelIds[0]}`,
      );
      expect(channel.secretsSet).toEqual(["accessToken"]);
      const keys = await api<{ items: Array<{ key: string }> }>(a.base, "GET", "/api/v1/monitors/keys");
      expect(keys.items.map((k) => k.key)).toEqual(["api", "db", "nightly"]);

      const again = await cli(["plan", "-f", FILE], envA);
      expect(again.stdout).toBe("No changes: the server matches the files (7 unchanged).\n");
      const noop = await cli(["apply", "-f", FILE], envA);
      expect(noop.code).toBe(0);
      expect(noop.stdout).not.toMatch(/Applied/);
      expect((await cli(["diff", "-f", FILE], envA)).code).toBe(0);

      // One edit: the plan shows that field and nothing else.
      writeFileSync(FILE, CONFIG.replace("intervalSeconds: 60", "intervalSeconds: 30"));
      const edited = await cli(["plan", "-f", FILE], envA);
      expect(edited.stdout).toBe(
        `~ monitor api (update ${String(byName.API!.id)})\n    intervalSeconds: 60 → 30\nPlan: 0 to create, 1 to update, 0 to delete, 6 unchanged.\n`,
      );
      const drift = await cli(["diff", "-f", FILE], envA);
      expect(drift.code).toBe(5);
      const apply2 = await cli(["apply", "-f", FILE], envA);
      expect(apply2.stdout).toContain(`updated monitors.api (${String(byName.API!.id)}): intervalSeconds`);
      expect(
        (await api<{ intervalSeconds: number }>(a.base, "GET", `/api/v1/monitors/${byName.API!.id}`))
          .intervalSeconds,
      ).toBe(30);
      expect((await cli(["plan", "-f", FILE], envA)).stdout).toMatch(/^No changes/);
    },
    patientTest(12),
  );

  it(
    "deletes what the files dropped only with --prune, and reports a refusal in the middle",
    async () => {
      const withoutNightly = readFileSync(FILE, "utf8").replace(
        / {2}- key: nightly[\s\S]*?graceSeconds: 1800 \}\n/,
        "",
      );
      writeFileSync(FILE, withoutNightly);
      const kept = await cli(["plan", "-f", FILE], envA);
      expect(kept.stdout).toMatch(/monitor nightly \(mon_\w+\) is in no file: kept \(--prune deletes it\)/);
      expect(kept.stdout).toMatch(/^No changes/m);
      const pruned = await cli(["apply", "-f", FILE, "--prune"], envA);
      expect(pruned.code, pruned.stderr).toBe(0);
      expect(pruned.stdout).toMatch(/- monitor nightly \(delete mon_\w+\)/);
      expect(pruned.stdout).toMatch(/deleted monitors.nightly/);
      const names = (
        await api<{ items: Array<{ name: string }> }>(a.base, "GET", "/api/v1/monitors")
      ).items.map((m) => m.name);
      expect(names.sort()).toEqual(["API", "Database"]);

      // A new channel, then a monitor the server refuses, then one more: the first is done,
      // apply stops at the refusal with its field, and the last waits for the next apply: the
      // report names what was applied, what failed and what was not attempted; exit code 6.
      const broken = `${withoutNightly.replace(
        "alertRules:",
        `  - key: bad
    name: Bad
    type: tcp
    target: 127.0.0.1:1
    intervalSeconds: 5
    timeoutMs: 9000
  - key: later
    name: Later
    type: tcp
    target: 127.0.0.1:2
    paused: true
alertRules:`,
      )}`.replace(
        "channels:\n",
        "channels:\n  - key: second\n    name: Second\n    kind: ntfy\n    config: { topic: second }\n",
      );
      writeFileSync(FILE, broken);
      const failed = await cli(["apply", "-f", FILE], envA);
      expect(failed.code).toBe(6);
      expect(failed.stdout).toMatch(/created channels.second/);
      expect(failed.stdout).toMatch(/Applied 1 of 3 changes; stopped at monitors.bad\./);
      expect(failed.stdout).toMatch(/ {2}applied: 1 \(created channels\.second \(chn_\w+\)\)/);
      expect(failed.stdout).toContain("  failed: create monitors.bad (the server's answer below)");
      expect(failed.stdout).toContain("  not attempted: 1 (create monitors.later)");
      expect(failed.stderr).toMatch(/timeoutMs: must be shorter than the interval/);
      writeFileSync(FILE, broken.replace("timeoutMs: 9000", "timeoutMs: 2000"));
      const resumed = await cli(["apply", "-f", FILE], envA);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stdout).toContain("Plan: 2 to create, 0 to update, 0 to delete, 7 unchanged.");
    },
    patientTest(8),
  );

  it(
    "exports a file that changes nothing on the same server and recreates everything on a fresh one",
    async () => {
      const out = path.join(tmp.dir, "export.yaml");
      const exported = await cli(["export", "-o", out], envA);
      expect(exported.code, exported.stderr).toBe(0);
      const text = readFileSync(out, "utf8");
      // Secrets are references to the environment, never values.
      expect(text).not.toContain(secrets.NTFY_TOKEN);
      expect(text).not.toContain(secrets.API_TOKEN);
      const doc = parse(text) as {
        monitors: Array<{ key: string; http?: { headers: Record<string, string> } }>;
        channels: Array<{ key: string; secrets: Record<string, string> }>;
      };
      expect(doc.channels.find((c) => c.key === "ops")!.secrets).toEqual({
        accessToken: `\${OPS_SECRETS_ACCESSTOKEN}`,
      });
      expect(doc.monitors.find((m) => m.key === "api")!.http!.headers).toEqual({
        Authorization: `\${API_HTTP_HEADERS_AUTHORIZATION}`,
        Accept: "application/json",
      });
      expect(exported.stderr).toMatch(/set API_HTTP_HEADERS_AUTHORIZATION, OPS_SECRETS_ACCESSTOKEN/);

      const sameServer = await cli(["plan", "-f", out], {
        ...envA,
        OPS_SECRETS_ACCESSTOKEN: "x",
        API_HTTP_HEADERS_AUTHORIZATION: "y",
      });
      expect(sameServer.stdout, sameServer.stderr).toMatch(/^No changes/);

      const exportEnv = {
        OPS_SECRETS_ACCESSTOKEN: secrets.NTFY_TOKEN,
        API_HTTP_HEADERS_AUTHORIZATION: `Bearer ${secrets.API_TOKEN}`,
      };
      const fresh = await cli(["apply", "-f", out], { ...envB, ...exportEnv });
      expect(fresh.code, fresh.stderr).toBe(0);
      expect((await cli(["plan", "-f", out], { ...envB, ...exportEnv })).stdout).toMatch(/^No changes/);
      // B exports what A exported, apart from the heartbeat tokens' absence (none left) and ids.
      const again = await cli(["export"], envB);
      const byKey = (doc: Record<string, unknown>) =>
        Object.fromEntries(
          Object.entries(doc).map(([k, v]) => [
            k,
            Array.isArray(v) ? [...v].sort((x, y) => String(x.key).localeCompare(String(y.key))) : v,
          ]),
        );
      expect(byKey(parse(again.stdout))).toEqual(byKey(parse(text)));
      const monitor = (
        await api<{ items: Array<{ name: string; parents: string[] }> }>(b.base, "GET", "/api/v1/monitors")
      ).items.find((m) => m.name === "API");
      expect(monitor!.parents).toHaveLength(1);
    },
    patientTest(10),
  );

  it(
    "imports Healthchecks' checks, applies them, and the old ping URL's path reaches the new heartbeat",
    async () => {
      const fixture = path.join(ROOT, "src/cli/client/import/fixtures/healthchecks-checks.json");
      const out = path.join(tmp.dir, "imported.yaml");
      const envFile = path.join(tmp.dir, "imported.env");
      const imported = await cli(
        ["import", "healthchecks", fixture, "-o", out, "--secrets-file", envFile],
        {},
      );
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stderr).toMatch(/Imported \(3\):/);
      expect(imported.stderr).toMatch(/Not imported \(2\):/);
      expect(statSync(envFile).mode & 0o777).toBe(0o600);
      const secretsEnv = Object.fromEntries(
        readFileSync(envFile, "utf8")
          .trim()
          .split("\n")
          .map((line) => [
            line.slice(0, line.indexOf("=")),
            JSON.parse(line.slice(line.indexOf("=") + 1)) as string,
          ]),
      );
      const applied = await cli(["apply", "-f", out], { ...envB, ...secretsEnv });
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stdout).toContain("Applied 3 changes.");
      // The job keeps its path: only the host changes.
      const uuid = "5c1e7d8e-3a5b-4c7e-9f0a-1b2c3d4e5f60";
      const ping = await fetch(`${b.base}/ping/${uuid}`);
      expect(ping.status).toBe(200);
      expect(await ping.text()).toBe("OK");
      const monitors = (
        await api<{ items: Array<{ id: string; name: string; state: string }> }>(
          b.base,
          "GET",
          "/api/v1/monitors?type=heartbeat",
        )
      ).items;
      const nightly = monitors.find((m) => m.name === "Nightly backup")!;
      const pings = await api<{ items: unknown[] }>(b.base, "GET", `/api/v1/monitors/${nightly.id}/pings`);
      expect(pings.items).toHaveLength(1);
    },
    patientTest(6),
  );
});
