import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channelForSending } from "../../../services/alerts/channels.ts";
import { API, API_ONLY, call, expectValidation } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

const BLOCKED = "target address is not allowed";
/** A public address: accepted when saved (nothing connects to it here). */
const PUBLIC_URL = "https://93.184.215.14/hooks/upblit";
const SIGNING_SECRET = `whsec_${Buffer.alloc(32, 9).toString("base64")}`;

/** Addresses refused with private targets off: loopback, private, link-local, metadata, by name. */
const REFUSED_URLS = [
  "http://127.0.0.1:9/hook",
  "http://[::1]:9/hook",
  "http://10.1.2.3/hook",
  "http://169.254.169.254/latest/meta-data/",
  "http://metadata.google.internal/",
  "http://localhost:9/hook",
  "http://[::ffff:127.0.0.1]/hook",
];

describe.each(DB_KINDS)("channel settings when saved, private targets off, on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind, { ...API_ONLY, ALLOW_PRIVATE_TARGETS: "false" });
  });
  afterAll(async () => up?.close());

  const create = (body: Record<string, unknown>) => call(up, "POST", `${API}/channels`, body);
  const names = async () =>
    (await call(up, "GET", `${API}/channels?limit=100`))
      .json<{ items: Array<{ name: string }> }>()
      .items.map((c) => c.name);

  it("a webhook without signingSecret gets a generated one, shown once", async () => {
    const res = await create({ name: "generated", kind: "webhook", config: { url: PUBLIC_URL } });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json<{
      id: string;
      secretsSet: string[];
      generatedSecrets: { signingSecret: string };
    }>();
    const secret = created.generatedSecrets.signingSecret;
    // whsec_ and the base64 of 32 random bytes.
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
    expect(created.secretsSet).toEqual(["signingSecret"]);
    // It is the one stored (and signs the deliveries).
    expect((await channelForSending(up.ctx, created.id)).secrets.signingSecret).toBe(secret);
    // Never again: not in GET, the list or the answer to a change.
    const again = await call(up, "GET", `${API}/channels/${created.id}`);
    expect(again.statusCode).toBe(200);
    expect(again.json()).not.toHaveProperty("generatedSecrets");
    expect(again.body).not.toContain(secret.slice(6));
    expect((await call(up, "GET", `${API}/channels`)).body).not.toContain(secret.slice(6));
    const renamed = await call(up, "PATCH", `${API}/channels/${created.id}`, { name: "renamed" });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.body).not.toContain(secret.slice(6));
    expect((await channelForSending(up.ctx, created.id)).secrets.signingSecret).toBe(secret);

    // Each channel gets its own.
    const other = await create({ name: "generated 2", kind: "webhook", config: { url: PUBLIC_URL } });
    expect(other.json().generatedSecrets.signingSecret).not.toBe(secret);
  });

  it("a webhook given its signingSecret keeps it and shows no generated one", async () => {
    const res = await create({
      name: "given",
      kind: "webhook",
      config: { url: PUBLIC_URL },
      secrets: { signingSecret: SIGNING_SECRET },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).not.toHaveProperty("generatedSecrets");
    expect((await channelForSending(up.ctx, res.json().id)).secrets.signingSecret).toBe(SIGNING_SECRET);
  });

  it.each(REFUSED_URLS)("refuses the webhook URL %s when saved, naming the field", async (url) => {
    const problem = expectValidation(
      await create({ name: `refused ${url}`, kind: "webhook", config: { url } }),
      ["body.config.url"],
    );
    expect(problem.errors).toEqual([{ path: "body.config.url", message: BLOCKED }]);
    expect(await names()).not.toContain(`refused ${url}`);
  });

  it("checks every kind's dialled address, in config or in secrets", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [
        { kind: "slack", secrets: { webhookUrl: "http://127.0.0.1:9/services/x" } },
        "body.secrets.webhookUrl",
      ],
      [
        { kind: "discord", secrets: { webhookUrl: "http://10.0.0.8/api/webhooks/1/x" } },
        "body.secrets.webhookUrl",
      ],
      [
        { kind: "mattermost", secrets: { webhookUrl: "http://192.168.1.5/hooks/x" } },
        "body.secrets.webhookUrl",
      ],
      [
        { kind: "ntfy", config: { serverUrl: "http://127.0.0.1:9", topic: "alerts" } },
        "body.config.serverUrl",
      ],
      [
        { kind: "gotify", config: { serverUrl: "http://[::1]:9" }, secrets: { appToken: "A1b2C3d4e5F6g7h" } },
        "body.config.serverUrl",
      ],
      [
        {
          kind: "matrix",
          config: { homeserverUrl: "http://169.254.169.254", roomId: "!room:example.org" },
          secrets: { accessToken: "syt_token_0123456789" },
        },
        "body.config.homeserverUrl",
      ],
    ];
    for (const [body, path] of cases) {
      const res = await create({ name: `dialled ${body.kind}`, ...body });
      const problem = expectValidation(res, [path]);
      expect(problem.errors, res.body).toEqual([{ path, message: BLOCKED }]);
    }
    expect((await names()).filter((n) => n.startsWith("dialled"))).toEqual([]);
  });

  it("checks a changed address on PATCH too; an unchanged one is kept", async () => {
    const webhook = await create({ name: "to patch", kind: "webhook", config: { url: PUBLIC_URL } });
    expect(webhook.statusCode, webhook.body).toBe(201);
    const id = webhook.json().id as string;
    const refused = await call(up, "PATCH", `${API}/channels/${id}`, {
      config: { url: "http://127.0.0.1:9/hook" },
    });
    expect(expectValidation(refused, ["body.config.url"]).errors).toEqual([
      { path: "body.config.url", message: BLOCKED },
    ]);
    expect((await call(up, "GET", `${API}/channels/${id}`)).json().config).toEqual({ url: PUBLIC_URL });

    const slack = await create({
      name: "slack to patch",
      kind: "slack",
      secrets: { webhookUrl: "https://93.184.215.14/services/T0/B0/x" },
    });
    expect(slack.statusCode, slack.body).toBe(201);
    expectValidation(
      await call(up, "PATCH", `${API}/channels/${slack.json().id}`, {
        secrets: { webhookUrl: "http://[::1]/services/x" },
      }),
      ["body.secrets.webhookUrl"],
    );
    const kept = await channelForSending(up.ctx, slack.json().id);
    expect(kept.secrets.webhookUrl).toBe("https://93.184.215.14/services/T0/B0/x");
  });
});

describe("channel settings when saved, private targets on", () => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit("pglite", API_ONLY);
  });
  afterAll(async () => up?.close());

  it("allows loopback and private addresses but never cloud metadata", async () => {
    const loopback = await call(up, "POST", `${API}/channels`, {
      name: "lan",
      kind: "webhook",
      config: { url: "http://127.0.0.1:9/hook" },
    });
    expect(loopback.statusCode, loopback.body).toBe(201);
    const metadata = await call(up, "POST", `${API}/channels`, {
      name: "metadata",
      kind: "webhook",
      config: { url: "http://169.254.169.254/latest/meta-data/" },
    });
    expect(expectValidation(metadata, ["body.config.url"]).errors).toEqual([
      { path: "body.config.url", message: BLOCKED },
    ]);
  });
});
