import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { otherOrganization } from "../../../test/accounts.ts";
import { API, API_ONLY, call, expectProblem, expectValidation } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

interface RuleJson {
  id: string;
  name: string;
  tags: string[];
  events: string[];
  channelIds: string[];
  reminderMinutes: number | null;
  escalation: Array<{ afterMinutes: number; channelIds: string[] }>;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** CRUD of alert rules: shapes, whole-rule checks, limits, foreign channels and the audit log. */
describe.each(DB_KINDS)("alert rules API on %s", (kind) => {
  let up: TestUpblit;
  const ch: string[] = [];

  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
    for (const name of ["a", "b", "c"]) {
      const res = await call(up, "POST", `${API}/channels`, {
        name,
        kind: "ntfy",
        config: { topic: `t-${name}` },
      });
      expect(res.statusCode, res.body).toBe(201);
      ch.push(res.json<{ id: string }>().id);
    }
  });
  afterAll(async () => up?.close());

  const create = (body: Record<string, unknown>) =>
    call(up, "POST", `${API}/alert-rules`, { name: "rule", ...body });

  it("creates a rule with defaults, reads, lists, changes and deletes it, auditing each change", async () => {
    const res = await create({ name: "databases", tags: ["db", "db"], channelIds: [ch[1], ch[0], ch[1]] });
    expect(res.statusCode, res.body).toBe(201);
    const rule = res.json<RuleJson>();
    expect(res.headers.location).toBe(`/api/v1/alert-rules/${rule.id}`);
    expect(rule).toMatchObject({
      name: "databases",
      tags: ["db"],
      events: ["down", "up"],
      channelIds: [ch[0], ch[1]].sort(),
      reminderMinutes: null,
      escalation: [],
      enabled: true,
    });
    expect(rule.id).toMatch(/^rul_/);
    expect((await call(up, "GET", `${API}/alert-rules/${rule.id}`)).json()).toEqual(rule);

    const patched = await call(up, "PATCH", `${API}/alert-rules/${rule.id}`, {
      reminderMinutes: 15,
      escalation: [
        { afterMinutes: 10, channelIds: [ch[2]] },
        { afterMinutes: 45, channelIds: [ch[0], ch[2]] },
      ],
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json<RuleJson>()).toMatchObject({
      name: "databases",
      tags: ["db"],
      reminderMinutes: 15,
      escalation: [
        { afterMinutes: 10, channelIds: [ch[2]] },
        { afterMinutes: 45, channelIds: [ch[0], ch[2]].sort() },
      ],
    });
    const list = await call(up, "GET", `${API}/alert-rules?limit=1`);
    expect(list.json<{ items: RuleJson[] }>().items.map((r) => r.id)).toEqual([rule.id]);

    expect((await call(up, "DELETE", `${API}/alert-rules/${rule.id}`)).statusCode).toBe(204);
    expectProblem(await call(up, "GET", `${API}/alert-rules/${rule.id}`), 404, "NOT_FOUND");
    expectProblem(await call(up, "DELETE", `${API}/alert-rules/${rule.id}`), 404, "NOT_FOUND");
    const audit = await up.rt.db
      .selectFrom("audit_log")
      .select(["action", "summary"])
      .where("target_id", "=", rule.id)
      .orderBy("at")
      .orderBy("id")
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      "alert_rule.create",
      "alert_rule.update",
      "alert_rule.delete",
    ]);
    expect(audit[1]!.summary).toMatchObject({
      fields: ["reminderMinutes", "escalation"],
      reminderMinutes: 15,
    });
  });

  it("names every field out of bounds", async () => {
    const res = await create({
      name: "",
      tags: Array.from({ length: 21 }, (_, i) => `t${i}`),
      events: ["exploded"],
      channelIds: Array.from({ length: 21 }, () => ch[0]),
      reminderMinutes: 4,
      escalation: Array.from({ length: 6 }, (_, i) => ({ afterMinutes: i + 1, channelIds: [ch[0]] })),
      extra: true,
    });
    expectValidation(res, [
      "body.extra",
      "body.name",
      "body.tags",
      "body.events.0",
      "body.channelIds",
      "body.reminderMinutes",
      "body.escalation",
    ]);
    expectValidation(await create({ channelIds: [ch[0]], reminderMinutes: 1441 }), ["body.reminderMinutes"]);
    expectValidation(await create({ escalation: [{ afterMinutes: 0, channelIds: [] }] }), [
      "body.escalation.0.afterMinutes",
      "body.escalation.0.channelIds",
    ]);
  });

  it("checks the rule as a whole, also when a change would break it", async () => {
    expectValidation(await create({}), ["body.channelIds"]);
    expectValidation(
      await create({ reminderMinutes: 5, escalation: [{ afterMinutes: 5, channelIds: [ch[0]] }] }),
      ["body.channelIds"],
    );
    expectValidation(await create({ channelIds: [ch[0]], events: ["up"], reminderMinutes: 5 }), [
      "body.events",
    ]);
    expectValidation(
      await create({
        channelIds: [ch[0]],
        escalation: [
          { afterMinutes: 30, channelIds: [ch[1]] },
          { afterMinutes: 30, channelIds: [ch[2]] },
          { afterMinutes: 10, channelIds: [ch[2]] },
        ],
      }),
      ["body.escalation.1.afterMinutes", "body.escalation.2.afterMinutes"],
    );
    const ok = (await create({ channelIds: [ch[0]], reminderMinutes: 5 })).json<RuleJson>();
    const broken = await call(up, "PATCH", `${API}/alert-rules/${ok.id}`, { events: ["up"] });
    expectValidation(broken, ["body.events"]);
    expect((await call(up, "GET", `${API}/alert-rules/${ok.id}`)).json<RuleJson>().events).toEqual([
      "down",
      "up",
    ]);
    await call(up, "DELETE", `${API}/alert-rules/${ok.id}`);
  });

  it("refuses another organization's channels anywhere in the rule, and changes nothing", async () => {
    const b = await otherOrganization(up, "Org B");
    const theirs = await call(
      up,
      "POST",
      `${API}/channels`,
      { name: "b", kind: "ntfy", config: { topic: "b" } },
      b.headers,
    );
    const foreign = theirs.json<{ id: string }>().id;
    const res = await create({
      channelIds: [ch[0]],
      escalation: [{ afterMinutes: 5, channelIds: [foreign] }],
    });
    const problem = expectProblem(res, 404, "NOT_FOUND");
    expect(problem.errors.map((e) => e.path)).toEqual(["body.escalation.0.channelIds"]);
    const mine = (await create({ channelIds: [ch[0]] })).json<RuleJson>();
    expectProblem(
      await call(up, "PATCH", `${API}/alert-rules/${mine.id}`, { channelIds: [foreign] }),
      404,
      "NOT_FOUND",
    );
    expect((await call(up, "GET", `${API}/alert-rules/${mine.id}`)).json<RuleJson>().channelIds).toEqual([
      ch[0],
    ]);
    // B sees none of A's rules, and A's rule is not B's to read.
    const bList = await call(up, "GET", `${API}/alert-rules`, undefined, b.headers);
    expect(bList.json<{ items: unknown[] }>().items).toEqual([]);
    expectProblem(
      await call(up, "GET", `${API}/alert-rules/${mine.id}`, undefined, b.headers),
      404,
      "NOT_FOUND",
    );
    await call(up, "DELETE", `${API}/alert-rules/${mine.id}`);
  });

  it("a deleted channel leaves the rules that named it", async () => {
    const extra = await call(up, "POST", `${API}/channels`, {
      name: "temp",
      kind: "ntfy",
      config: { topic: "temp" },
    });
    const temp = extra.json<{ id: string }>().id;
    const rule = (
      await create({ channelIds: [ch[0], temp], escalation: [{ afterMinutes: 5, channelIds: [temp] }] })
    ).json<RuleJson>();
    expect((await call(up, "DELETE", `${API}/channels/${temp}`)).statusCode).toBe(204);
    const after = (await call(up, "GET", `${API}/alert-rules/${rule.id}`)).json<RuleJson>();
    expect(after.channelIds).toEqual([ch[0]]);
    expect(after.escalation).toEqual([{ afterMinutes: 5, channelIds: [] }]);
    await call(up, "DELETE", `${API}/alert-rules/${rule.id}`);
  });

  it("allows at most 100 rules per organization", async () => {
    const existing = (await call(up, "GET", `${API}/alert-rules?limit=200`)).json<{ items: unknown[] }>()
      .items.length;
    for (let i = existing; i < 100; i++) {
      const res = await create({ name: `rule ${i}`, channelIds: [ch[i % 3]] });
      expect(res.statusCode, res.body).toBe(201);
    }
    const over = await create({ name: "one too many", channelIds: [ch[0]] });
    expect(expectProblem(over, 429, "LIMIT_EXCEEDED").detail).toContain("100 alert rules");
    const page1 = await call(up, "GET", `${API}/alert-rules?limit=60`);
    const { items, nextCursor } = page1.json<{ items: RuleJson[]; nextCursor: string }>();
    const page2 = await call(up, "GET", `${API}/alert-rules?limit=60&cursor=${nextCursor}`);
    const rest = page2.json<{ items: RuleJson[]; nextCursor: string | null }>();
    expect(items.length + rest.items.length).toBe(100);
    expect(rest.nextCursor).toBeNull();
    expect(new Set([...items, ...rest.items].map((r) => r.id)).size).toBe(100);
  });
});
