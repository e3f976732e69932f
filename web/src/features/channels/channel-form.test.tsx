// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { fakeNetwork } from "../../test/render-page.tsx";
import { ChannelForm } from "./channel-form.tsx";
import type { Channel, ChannelKind } from "./queries.ts";
import { buildSettings, fieldsOf, valuesFrom } from "./schema-form.ts";

/** Kinds as GET /channel-kinds sends them (the JSON Schemas of the server's zod schemas). */
const KINDS: ChannelKind[] = [
  {
    kind: "webhook",
    label: "Webhook (Standard Webhooks, signed JSON)",
    config: {
      type: "object",
      properties: {
        url: { type: "string", maxLength: 2048, format: "uri" },
        headers: { type: "object", additionalProperties: { type: "string" } },
        payloadVersion: { type: "string", const: "1" },
      },
      required: ["url"],
    },
    secrets: {
      type: "object",
      properties: { signingSecret: { type: "string" } },
      required: ["signingSecret"],
    },
    generatedSecrets: ["signingSecret"],
  },
  {
    kind: "telegram",
    label: "Telegram",
    config: {
      type: "object",
      properties: {
        chatId: { type: "string" },
        messageThreadId: { type: "integer" },
        apiUrl: { default: "https://api.telegram.org", type: "string", format: "uri" },
      },
      required: ["chatId"],
    },
    secrets: { type: "object", properties: { botToken: { type: "string" } }, required: ["botToken"] },
    generatedSecrets: [],
  },
  {
    kind: "email",
    label: "Email",
    config: {
      type: "object",
      properties: {
        to: { type: "array", items: { type: "string", format: "email" } },
        dkim: {
          type: "object",
          properties: { domainName: { type: "string" }, keySelector: { type: "string" } },
          required: ["domainName", "keySelector"],
        },
      },
      required: ["to"],
    },
    secrets: { type: "object", properties: { dkimPrivateKey: { type: "string" } } },
    generatedSecrets: [],
  },
];

let network: ReturnType<typeof fakeNetwork> | undefined;
afterEach(() => {
  cleanup();
  network?.restore();
});

function renderForm(channel?: Channel) {
  const saved: unknown[] = [];
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ChannelForm kinds={KINDS} channel={channel} onSaved={(c) => saved.push(c)} />
    </QueryClientProvider>,
  );
  return saved;
}
const type = (label: string | RegExp, value: string) =>
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
const describedText = (el: HTMLElement) =>
  (el.getAttribute("aria-describedby") ?? "")
    .split(" ")
    .map((id) => document.getElementById(id)?.textContent)
    .join(" ");

describe("the channel form, built from the kind's schema", () => {
  it("asks for each setting of the kind, secrets apart and write-only, and sends them in their part", async () => {
    network = fakeNetwork((req) =>
      req.method === "POST" ? { status: 201, body: { id: "chn_1", ...(req.body as object) } } : undefined,
    );
    const saved = renderForm();
    type("Kind", "telegram");
    type("Name", "on-call chat");
    type(/^Chat id/, "-100123");
    type("Topic (thread) id", "42");
    expect(screen.getByLabelText("API URL").getAttribute("placeholder")).toBe("https://api.telegram.org");
    const token = screen.getByLabelText(/^Bot token/);
    expect(token.getAttribute("type")).toBe("password");
    expect(describedText(token)).toContain("Write-only");
    type(/^Bot token/, "123:abc");
    fireEvent.click(screen.getByLabelText("Degraded"));
    fireEvent.click(screen.getByLabelText(/Default channel/));
    fireEvent.click(screen.getByRole("button", { name: "Create channel" }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(network.sent.at(-1)).toEqual({
      method: "POST",
      path: "/api/v1/channels",
      body: {
        name: "on-call chat",
        kind: "telegram",
        config: { chatId: "-100123", messageThreadId: 42 },
        secrets: { botToken: "123:abc" },
        isDefault: true,
        events: ["down", "up", "degraded"],
      },
    });
  });

  it("says what is missing before sending, except a secret the server generates", async () => {
    network = fakeNetwork(() => undefined);
    renderForm();
    type("Name", "hook");
    const secret = screen.getByLabelText(/^Signing secret/);
    expect(describedText(secret)).toContain("Upblit generates one");
    fireEvent.click(screen.getByRole("button", { name: "Create channel" }));
    await waitFor(() => expect(describedText(screen.getByLabelText(/^URL/))).toContain("Required"));
    expect(describedText(secret)).not.toContain("Required");
    expect(network.sent).toEqual([]);
  });

  it("shows the API's problems beside the field they name, a map entry under its map", async () => {
    network = fakeNetwork(() => ({
      status: 400,
      body: {
        type: "https://upblit.dev/problems/validation",
        title: "Invalid",
        status: 400,
        detail: "2 invalid channel setting(s)",
        errors: [
          { path: "body.config.url", message: "target address is not allowed" },
          { path: "body.config.headers.Authorization", message: "this header is set by Upblit" },
        ],
      },
    }));
    renderForm();
    type("Name", "hook");
    type(/^URL/, "http://169.254.169.254/");
    type("Extra headers", "Authorization: Bearer x");
    fireEvent.click(screen.getByRole("button", { name: "Create channel" }));
    await waitFor(() =>
      expect(describedText(screen.getByLabelText(/^URL/))).toContain("target address is not allowed"),
    );
    expect(describedText(screen.getByLabelText("Extra headers"))).toContain(
      "Authorization: this header is set by Upblit",
    );
    expect(network.sent[0]?.body).toMatchObject({
      config: { url: "http://169.254.169.254/", headers: { Authorization: "Bearer x" } },
      secrets: {},
    });
  });

  it("edits a saved channel: config shown, a stored secret kept unless typed, the kind fixed", async () => {
    network = fakeNetwork((req) =>
      req.method === "PATCH" ? { status: 200, body: { id: "chn_t" } } : undefined,
    );
    const channel = {
      id: "chn_t",
      name: "chat",
      kind: "telegram",
      config: { chatId: "@ops_room", messageThreadId: 7 },
      secretsSet: ["botToken"],
      isDefault: false,
      events: ["down", "up"],
      enabled: true,
      disabledReason: null,
      template: null,
      createdAt: "2031-01-01T00:00:00Z",
      updatedAt: "2031-01-01T00:00:00Z",
    } as Channel;
    const saved = renderForm(channel);
    expect(screen.getByLabelText("Kind")).toHaveProperty("disabled", true);
    expect(screen.getByLabelText(/^Chat id/)).toHaveProperty("value", "@ops_room");
    const token = screen.getByLabelText(/^Bot token/);
    expect(token).toHaveProperty("value", "");
    expect(describedText(token)).toContain("Stored; leave empty to keep it");
    type(/^Chat id/, "@ops");
    fireEvent.click(screen.getByRole("button", { name: "Save settings" }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(network.sent.at(-1)).toEqual({
      method: "PATCH",
      path: "/api/v1/channels/chn_t",
      body: {
        name: "chat",
        config: { chatId: "@ops", messageThreadId: 7 },
        isDefault: false,
        events: ["down", "up"],
      },
    });
  });
});

describe("settings from schema values", () => {
  it("flattens nested groups, leaves fixed values out, and sends a group only when filled", () => {
    const fields = fieldsOf(KINDS[2]?.config, "config");
    expect(fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ["to", "list", true],
      ["dkim.domainName", "text", false],
      ["dkim.keySelector", "text", false],
    ]);
    expect(fieldsOf(KINDS[0]?.config, "config").map((f) => f.name)).toEqual(["url", "headers"]);
    const values = valuesFrom(fields, { to: ["a@example.com", "b@example.com"] });
    expect(buildSettings(fields, values).config).toEqual({ to: ["a@example.com", "b@example.com"] });
    expect(
      buildSettings(fields, {
        ...values,
        "config:dkim.domainName": "example.com",
        "config:dkim.keySelector": "s1",
      }).config,
    ).toEqual({
      to: ["a@example.com", "b@example.com"],
      dkim: { domainName: "example.com", keySelector: "s1" },
    });
  });
});
