import { describe, expect, it } from "vitest";
import { decryptSecret } from "../../../lib/keys.ts";
import { API, call, expectProblem, expectValidation, monitorBody } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import type { TestUpblit } from "../../../test/upblit.ts";
import { type Channel, type Monitor, upsertSuite } from "./upsert-by-key.test-support.ts";

/**
 * Upsert by key (docs/config-as-code.md#upsert-by-key) of monitors and channels: create-or-replace,
 * atomically. Alert rules, maintenance windows and status pages: upsert-by-key-rules-windows-pages.
 */
describe.each(DB_KINDS)("upsert by key on %s", (kind) => {
  let up: TestUpblit;
  const { keys, monitorsNamed, auditActions } = upsertSuite(kind, (started) => {
    up = started;
  });

  it("creates a monitor with the key (201), then replaces it with the next body (200)", async () => {
    const body = monitorBody("tcp", { name: "upsert db", tags: ["prod"], intervalSeconds: 120 });
    const first = await call(up, "PUT", `${API}/monitors/by-key/db`, body);
    expect(first.statusCode, first.body).toBe(201);
    const created = first.json<Monitor>();
    expect(first.headers.location).toBe(`/api/v1/monitors/${created.id}`);
    expect(created).toMatchObject({ name: "upsert db", tags: ["prod"], intervalSeconds: 120, paused: false });
    expect(await keys("monitors")).toContainEqual({ key: "db", id: created.id });

    // The same body again: the same monitor, unchanged, and no update in the audit log.
    const again = await call(up, "PUT", `${API}/monitors/by-key/db`, body);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json<Monitor>().id).toBe(created.id);
    expect(await auditActions(created.id)).toEqual(["monitor.create", "resource_key.set"]);

    // A new body replaces the monitor: fields left out return to their defaults.
    const replaced = await call(up, "PUT", `${API}/monitors/by-key/db`, {
      ...monitorBody("tcp", { name: "upsert db v2" }),
      paused: true,
    });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.headers.location).toBeUndefined();
    expect(replaced.json<Monitor>()).toMatchObject({
      id: created.id,
      name: "upsert db v2",
      tags: [],
      intervalSeconds: 60,
      paused: true,
      state: "paused",
    });
    expect(await auditActions(created.id)).toEqual([
      "monitor.create",
      "monitor.pause",
      "monitor.update",
      "resource_key.set",
    ]);
    expect((await monitorsNamed("upsert db v2")).length).toBe(1);
  });

  it("creates one monitor when several requests race with the same new key", async () => {
    const body = monitorBody("tcp", { name: "raced monitor" });
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => call(up, "PUT", `${API}/monitors/by-key/raced`, body)),
    );
    const statuses = answers.map((r) => r.statusCode).sort();
    expect(statuses, answers.map((r) => r.body).join("\n")).toEqual([200, 200, 200, 200, 200, 201]);
    const ids = new Set(answers.map((r) => r.json<Monitor>().id));
    expect(ids.size).toBe(1);
    expect((await monitorsNamed("raced monitor")).map((m) => m.id)).toEqual([...ids]);
    expect((await keys("monitors")).filter((k) => k.key === "raced")).toEqual([
      { key: "raced", id: [...ids][0] },
    ]);
  });

  it("creates a new monitor when the key's monitor was deleted, and binds nothing on a refusal", async () => {
    const first = await call(
      up,
      "PUT",
      `${API}/monitors/by-key/gone`,
      monitorBody("tcp", { name: "gone 1" }),
    );
    expect(first.statusCode, first.body).toBe(201);
    const firstId = first.json<Monitor>().id;
    expect((await call(up, "DELETE", `${API}/monitors/${firstId}`)).statusCode).toBe(204);
    const second = await call(
      up,
      "PUT",
      `${API}/monitors/by-key/gone`,
      monitorBody("tcp", { name: "gone 2" }),
    );
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json<Monitor>().id).not.toBe(firstId);

    // Invalid bodies and keys are refused with every problem listed; nothing is created or bound.
    const bad = await call(up, "PUT", `${API}/monitors/by-key/never`, {
      ...monitorBody("tcp", { name: "never" }),
      intervalSeconds: 86_401,
      failuresBeforeDown: 99,
    });
    expectValidation(bad, ["body.intervalSeconds", "body.failuresBeforeDown"]);
    for (const key of ["Upper", "-dash", "a b"]) {
      expectValidation(
        await call(up, "PUT", `${API}/monitors/by-key/${encodeURIComponent(key)}`, monitorBody("tcp")),
        ["params.key"],
      );
    }
    expect((await keys("monitors")).some((k) => k.key === "never")).toBe(false);
    expect(await monitorsNamed("never")).toEqual([]);
    // A refusal of the replacement leaves the monitor as it was.
    const refused = await call(up, "PUT", `${API}/monitors/by-key/gone`, {
      ...monitorBody("tcp", { name: "gone 3" }),
      parents: ["mon_00000000000000000000000000"],
    });
    expect(refused.statusCode, refused.body).toBeGreaterThanOrEqual(400);
    expect((await monitorsNamed("gone 2")).length).toBe(1);
  });

  it("keeps secret header values sent back as [redacted] when replacing", async () => {
    const body = monitorBody("http", {
      name: "secret api",
      http: { headers: { Authorization: "Bearer s3cret", Accept: "text/plain" } },
    });
    const first = await call(up, "PUT", `${API}/monitors/by-key/secret-api`, body);
    expect(first.statusCode, first.body).toBe(201);
    const shown = first.json<{ id: string; http: { headers: Record<string, string> } }>();
    expect(shown.http.headers.Authorization).toBe("[redacted]");
    const back = await call(up, "PUT", `${API}/monitors/by-key/secret-api`, {
      ...body,
      http: { headers: shown.http.headers },
    });
    expect(back.statusCode, back.body).toBe(200);
    const row = await up.rt.db
      .selectFrom("monitors")
      .select("settings")
      .where("id", "=", shown.id)
      .executeTakeFirstOrThrow();
    // Stored sealed: the placeholder was not stored over the secret.
    expect(JSON.stringify(row.settings)).not.toContain("[redacted]");
  });

  it("creates a channel with the key, replaces it keeping its secrets, and refuses a change of kind", async () => {
    const body = { name: "hooks", kind: "webhook", config: { url: "https://hooks.example.com/a" } };
    const first = await call(up, "PUT", `${API}/channels/by-key/hooks`, body);
    expect(first.statusCode, first.body).toBe(201);
    const created = first.json<Channel>();
    expect(first.headers.location).toBe(`/api/v1/channels/${created.id}`);
    expect(created.generatedSecrets).toBeDefined();
    expect(created.secretsSet).toContain("signingSecret");
    const sealed = async () =>
      (
        await up.rt.db
          .selectFrom("notification_channels")
          .select("secrets")
          .where("id", "=", created.id)
          .executeTakeFirstOrThrow()
      ).secrets;
    const signingSecret = async () =>
      (JSON.parse(decryptSecret(up.rt.keys.encryption, await sealed())) as { signingSecret: string })
        .signingSecret;
    const generated = created.generatedSecrets as { signingSecret: string };
    expect(await signingSecret()).toBe(generated.signingSecret);

    const replaced = await call(up, "PUT", `${API}/channels/by-key/hooks`, {
      ...body,
      name: "hooks v2",
      events: ["down"],
    });
    expect(replaced.statusCode, replaced.body).toBe(200);
    const after = replaced.json<Channel>();
    expect(after).toMatchObject({ id: created.id, name: "hooks v2", events: ["down"] });
    expect(after.generatedSecrets).toBeUndefined();
    expect(after.secretsSet).toContain("signingSecret");
    // No new signing secret was generated over the stored one.
    expect(await signingSecret()).toBe(generated.signingSecret);

    const otherKind = await call(up, "PUT", `${API}/channels/by-key/hooks`, {
      name: "hooks",
      kind: "ntfy",
      config: { topic: "x" },
    });
    expectProblem(otherKind, 409, "CONFLICT");
    expectValidation(await call(up, "PUT", `${API}/channels/by-key/hooks`, { ...body, config: {} }), [
      "body.config.url",
    ]);
    expect(await keys("channels")).toContainEqual({ key: "hooks", id: created.id });
    const audit = await auditActions(created.id);
    expect(audit).toEqual(["channel.create", "channel.update", "resource_key.set"]);
  });

  it("creates one channel when several requests race with the same new key", async () => {
    const body = { name: "raced channel", kind: "ntfy", config: { topic: "raced" } };
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => call(up, "PUT", `${API}/channels/by-key/raced`, body)),
    );
    expect(answers.map((r) => r.statusCode).sort(), answers.map((r) => r.body).join("\n")).toEqual([
      200, 200, 200, 200, 200, 201,
    ]);
    const ids = new Set(answers.map((r) => r.json<Channel>().id));
    expect(ids.size).toBe(1);
    const all = (await call(up, "GET", `${API}/channels?limit=100`)).json<{ items: Channel[] }>().items;
    expect(all.filter((c) => c.name === "raced channel").map((c) => c.id)).toEqual([...ids]);
  });
});
