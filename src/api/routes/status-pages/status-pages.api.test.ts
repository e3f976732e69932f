import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { otherOrganization, signInAs } from "../../../test/accounts.ts";
import {
  API,
  API_ONLY,
  call,
  createMonitor,
  expectProblem,
  expectValidation,
  monitorBody,
} from "../../../test/api-helpers.ts";
import { auditLogPage } from "../../../test/audit-log.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { createPage, type PageJson, uniqueSlug } from "../../../test/status-pages.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

/** The management API of status pages: create, read, change, delete, audit and permissions. */
describe.each(DB_KINDS)("status pages API on %s", (kind) => {
  let up: TestUpblit;
  let api: string;
  let db: string;

  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
    api = (await createMonitor(up, monitorBody("http", { name: "api-internal" }))).id;
    db = (await createMonitor(up, monitorBody("tcp", { name: "db-internal" }))).id;
  });
  afterAll(async () => up?.close());

  it("creates a page with defaults, groups in order and its public address", async () => {
    const slug = uniqueSlug("acme");
    const page = await createPage(up, {
      slug,
      title: "Acme status",
      groups: [
        { name: "Core", components: [{ monitorId: api, displayName: "API" }] },
        { name: "Data", components: [{ monitorId: db, displayName: "Database" }] },
      ],
    });
    expect(page).toMatchObject({
      slug,
      title: "Acme status",
      visibility: "public",
      hasPassword: false,
      historyDays: 90,
      description: null,
      footerLinks: [],
      colors: {
        light: { background: "#ffffff", text: "#1f2328", accent: "#0b5cad" },
        dark: { background: "#0d1117", text: "#e6edf3", accent: "#6cb6ff" },
      },
    });
    expect(page.id).toMatch(/^page_/);
    expect(page.url).toMatch(new RegExp(`/status/${slug}$`));
    expect(page.groups.map((g) => [g.name, g.position, g.components.map((c) => c.displayName)])).toEqual([
      ["Core", 0, ["API"]],
      ["Data", 1, ["Database"]],
    ]);
    const again = await call(up, "GET", `${API}/status-pages/${page.id}`);
    expect(again.json<PageJson>()).toEqual(page);
    const list = (await call(up, "GET", `${API}/status-pages`)).json<{ items: PageJson[] }>();
    expect(list.items.map((p) => p.id)).toContain(page.id);
  });

  it("changes only the given fields; a group keeps its id while its name stays", async () => {
    const page = await createPage(up, {
      groups: [
        { name: "Core", components: [{ monitorId: api, displayName: "API" }] },
        { name: "Data", components: [] },
      ],
    });
    const core = page.groups[0]!.id;
    const res = await call(up, "PATCH", `${API}/status-pages/${page.id}`, {
      description: "Everything we run",
      colors: { dark: { background: "#000000", text: "#ffffff", accent: "#FFD700" } },
      groups: [
        { name: "Storage", components: [{ monitorId: db, displayName: "DB" }] },
        { name: "core", components: [{ monitorId: api, displayName: "Public API" }] },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const changed = res.json<PageJson>();
    expect(changed.title).toBe("Acme");
    expect(changed.description).toBe("Everything we run");
    expect(changed.colors).toEqual({
      light: (page.colors as { light: unknown }).light,
      dark: { background: "#000000", text: "#ffffff", accent: "#ffd700" },
    });
    expect(changed.groups.map((g) => g.name)).toEqual(["Storage", "core"]);
    expect(changed.groups[1]!.id).toBe(core);
    expect(changed.groups[0]!.id).not.toBe(page.groups[1]!.id);
    expect(changed.groups[1]!.components).toEqual([
      { monitorId: api, displayName: "Public API", position: 0 },
    ]);
  });

  it("refuses bad settings with every field named", async () => {
    const res = await call(up, "POST", `${API}/status-pages`, {
      slug: "Not_A_Slug",
      title: "",
      logoUrl: "http://example.com/logo.png",
      faviconUrl: "javascript:alert(1)",
      footerLinks: [{ label: "x", url: "javascript:alert(1)" }],
      historyDays: 60,
      visibility: "secret",
      colors: { light: { background: "#fff", text: "#000000", accent: "#000000" } },
    });
    expectValidation(res, [
      "body.title",
      "body.logoUrl",
      "body.faviconUrl",
      "body.footerLinks.0.url",
      "body.historyDays",
      "body.visibility",
      "body.colors.light.background",
    ]);
    const slug = await call(up, "POST", `${API}/status-pages`, { slug: "Not_A_Slug", title: "t" });
    expectValidation(slug, ["body.slug"]);
    for (const reserved of ["api", "badge", "login"]) {
      expectValidation(await call(up, "POST", `${API}/status-pages`, { slug: reserved, title: "t" }), [
        "body.slug",
      ]);
    }
    const tooMany = Array.from({ length: 11 }, (_, i) => ({ label: `l${i}`, url: "https://example.com" }));
    expectValidation(
      await call(up, "POST", `${API}/status-pages`, { slug: uniqueSlug(), title: "t", footerLinks: tooMany }),
      ["body.footerLinks"],
    );
  });

  it("refuses colours below WCAG AA contrast, in either theme", async () => {
    const res = await call(up, "POST", `${API}/status-pages`, {
      slug: uniqueSlug(),
      title: "Low contrast",
      colors: {
        light: { background: "#ffffff", text: "#bbbbbb", accent: "#0b5cad" },
        dark: { background: "#000000", text: "#ffffff", accent: "#222222" },
      },
    });
    const body = expectValidation(res, ["body.colors.light.text", "body.colors.dark.accent"]);
    expect(body.errors[0]!.message).toMatch(/4\.5:1/);
  });

  it("keeps slugs unique across organizations", async () => {
    const slug = uniqueSlug("taken");
    await createPage(up, { slug });
    const other = await otherOrganization(up, "Slug squatter");
    const res = await call(up, "POST", `${API}/status-pages`, { slug, title: "Mine" }, other.headers);
    expect(expectProblem(res, 409, "CONFLICT").errors).toEqual([{ path: "body.slug", message: "is taken" }]);
    const mine = await createPage(up, {});
    const patch = await call(up, "PATCH", `${API}/status-pages/${mine.id}`, { slug });
    expectProblem(patch, 409, "CONFLICT");
  });

  it("shows only the organization's own monitors: a foreign monitor reads as a missing one", async () => {
    const other = await otherOrganization(up, "Monitor owner");
    const foreign = await call(up, "POST", `${API}/monitors`, monitorBody("tcp"), other.headers);
    const foreignId = foreign.json<{ id: string }>().id;
    const attempt = (monitorId: string) =>
      call(up, "POST", `${API}/status-pages`, {
        slug: uniqueSlug(),
        title: "t",
        groups: [{ name: "G", components: [{ monitorId, displayName: "X" }] }],
      });
    const a = expectValidation(await attempt(foreignId), ["body.groups.0.components.0.monitorId"]);
    const b = expectValidation(await attempt("mon_00000000000000000000000000"), [
      "body.groups.0.components.0.monitorId",
    ]);
    expect(a.errors).toEqual(b.errors);
    expect(a.detail).toBe(b.detail);
  });

  it("refuses a monitor twice on a page, a group name twice, and more than the limits", async () => {
    const twice = await call(up, "POST", `${API}/status-pages`, {
      slug: uniqueSlug(),
      title: "t",
      groups: [
        { name: "A", components: [{ monitorId: api, displayName: "one" }] },
        { name: "a", components: [{ monitorId: api, displayName: "two" }] },
      ],
    });
    expectValidation(twice, ["body.groups.1.name", "body.groups.1.components.0.monitorId"]);
    const groups = Array.from({ length: 21 }, (_, i) => ({ name: `g${i}`, components: [] }));
    expectValidation(
      await call(up, "POST", `${API}/status-pages`, { slug: uniqueSlug(), title: "t", groups }),
      ["body.groups"],
    );
    const many = Array.from({ length: 101 }, (_, i) => ({ monitorId: `mon_x${i}`, displayName: `c${i}` }));
    const split = [
      { name: "one", components: many.slice(0, 60) },
      { name: "two", components: many.slice(60) },
    ];
    const res = await call(up, "POST", `${API}/status-pages`, {
      slug: uniqueSlug(),
      title: "t",
      groups: split,
    });
    const body = expectProblem(res, 400, "VALIDATION");
    expect(body.errors.find((e) => e.path === "body.groups")?.message).toMatch(/at most 100 components/);
  });

  it("stops at 50 pages per organization", async () => {
    const org = await otherOrganization(up, "Many pages");
    for (let i = 0; i < 50; i++) await createPage(up, { title: `P${i}` }, org.headers);
    const res = await call(
      up,
      "POST",
      `${API}/status-pages`,
      { slug: uniqueSlug(), title: "51st" },
      org.headers,
    );
    expectProblem(res, 429, "LIMIT_EXCEEDED");
  });

  it("needs a password exactly for visibility password, and never returns it", async () => {
    expectValidation(
      await call(up, "POST", `${API}/status-pages`, {
        slug: uniqueSlug(),
        title: "t",
        visibility: "password",
      }),
      ["body.password"],
    );
    expectValidation(
      await call(up, "POST", `${API}/status-pages`, {
        slug: uniqueSlug(),
        title: "t",
        password: "long enough pass",
      }),
      ["body.password"],
    );
    const page = await createPage(up, { visibility: "password", password: "open sesame please" });
    expect(page.hasPassword).toBe(true);
    expect(JSON.stringify(page)).not.toMatch(/sesame|argon2/);
    const row = await up.rt.db
      .selectFrom("status_pages")
      .select("password_hash")
      .where("id", "=", page.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    const made = await call(up, "PATCH", `${API}/status-pages/${page.id}`, { visibility: "public" });
    expect(made.json<PageJson>().hasPassword).toBe(false);
  });

  it("audits every change without the password, and deletes a page but not its monitors", async () => {
    const page = await createPage(up, {
      visibility: "password",
      password: "audited secret word",
      groups: [{ name: "G", components: [{ monitorId: api, displayName: "API" }] }],
    });
    await call(up, "PATCH", `${API}/status-pages/${page.id}`, { password: "another secret word" });
    expect((await call(up, "DELETE", `${API}/status-pages/${page.id}`)).statusCode).toBe(204);
    expectProblem(await call(up, "GET", `${API}/status-pages/${page.id}`), 404, "NOT_FOUND");
    expect((await call(up, "GET", `${API}/monitors/${api}`)).statusCode).toBe(200);
    const log = await auditLogPage(up, `targetId=${page.id}`);
    expect(log.items.map((e) => e.action).sort()).toEqual([
      "status_page.create",
      "status_page.delete",
      "status_page.update",
    ]);
    expect(JSON.stringify(log.items)).not.toMatch(/secret word|argon2/);
    expect(log.items.find((e) => e.action === "status_page.update")?.summary).toMatchObject({
      passwordChanged: true,
    });
  });

  it("lets viewers read and only editors and above write", async () => {
    const viewer = await signInAs(up, "viewer");
    const editor = await signInAs(up, "editor");
    const page = await createPage(up, {});
    expect(
      (await call(up, "GET", `${API}/status-pages/${page.id}`, undefined, viewer.headers)).statusCode,
    ).toBe(200);
    expectProblem(
      await call(up, "PATCH", `${API}/status-pages/${page.id}`, { title: "no" }, viewer.headers),
      403,
      "FORBIDDEN",
    );
    const res = await call(up, "PATCH", `${API}/status-pages/${page.id}`, { title: "yes" }, editor.headers);
    expect(res.statusCode, res.body).toBe(200);
    expectProblem(
      await call(up, "GET", `${API}/status-pages`, undefined, { authorization: "" }),
      401,
      "UNAUTHENTICATED",
    );
  });
});
