// @vitest-environment happy-dom
import "../settings-messages.ts";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { fakeNetwork } from "../../test/render-page.tsx";
import { PingKeySection } from "./ping-key.tsx";

let net: ReturnType<typeof fakeNetwork>;
afterEach(() => {
  cleanup();
  net?.restore();
});

const KEY_A = "AAAAAAAAAAAAAAAAAAAAAAAA";
const KEY_B = "BBBBBBBBBBBBBBBBBBBBBBBB";

function renderSection(canWrite: boolean) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <PingKeySection canWrite={canWrite} />
    </QueryClientProvider>,
  );
}

const value = (label: string) => (screen.getByLabelText(label) as HTMLInputElement).value;

describe("PingKeySection", () => {
  it("makes the first key without asking, then shows it and the readable URL pattern", async () => {
    let key: string | null = null;
    net = fakeNetwork((req) => {
      if (req.path !== "/api/v1/ping-key") return undefined;
      if (req.method === "POST") key = KEY_A;
      return { status: 200, body: { pingKey: key, createdAt: key ? "2026-12-01T10:00:00Z" : null } };
    });
    renderSection(true);
    await screen.findByText(/No ping key yet/);
    expect(screen.queryByLabelText("Ping key")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Make a ping key" }));
    await screen.findByLabelText("Ping key");
    expect(value("Ping key")).toBe(KEY_A);
    expect(value("Readable ping URL")).toBe(`${window.location.origin}/ping/${KEY_A}/{slug}`);
    expect(net.sent.filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it("replaces the key only after the confirmation", async () => {
    let key = KEY_A;
    net = fakeNetwork((req) => {
      if (req.path !== "/api/v1/ping-key") return undefined;
      if (req.method === "POST") key = KEY_B;
      return { status: 200, body: { pingKey: key, createdAt: "2026-12-01T10:00:00Z" } };
    });
    renderSection(true);
    await screen.findByLabelText("Ping key");
    fireEvent.click(screen.getByRole("button", { name: "Replace the key" }));
    expect(screen.getByText(/Every readable ping URL with the old key stops working/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(net.sent.filter((r) => r.method === "POST")).toHaveLength(0);
    fireEvent.click(screen.getByRole("button", { name: "Replace the key" }));
    fireEvent.click(screen.getByRole("button", { name: "Yes, replace it" }));
    await screen.findByText("The new key is in use.");
    expect(value("Ping key")).toBe(KEY_B);
    expect(net.sent.filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it("shows the key to someone who may not change it, without the button", async () => {
    net = fakeNetwork(() => ({ status: 200, body: { pingKey: KEY_A, createdAt: "2026-12-01T10:00:00Z" } }));
    renderSection(false);
    await screen.findByLabelText("Ping key");
    expect(screen.queryByRole("button", { name: "Replace the key" })).toBeNull();
  });

  it("shows the API's problem when replacing fails", async () => {
    net = fakeNetwork((req) =>
      req.method === "POST"
        ? {
            status: 403,
            body: { type: "about:blank", title: "Forbidden", status: 403, detail: "needs monitors:write" },
          }
        : { status: 200, body: { pingKey: KEY_A, createdAt: "2026-12-01T10:00:00Z" } },
    );
    renderSection(true);
    await screen.findByLabelText("Ping key");
    fireEvent.click(screen.getByRole("button", { name: "Replace the key" }));
    fireEvent.click(screen.getByRole("button", { name: "Yes, replace it" }));
    await screen.findByText(/needs monitors:write/);
    expect(value("Ping key")).toBe(KEY_A);
  });
});
