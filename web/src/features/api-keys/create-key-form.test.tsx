// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { fakeNetwork } from "../../test/render-page.tsx";
import { CreateKeyForm } from "./create-key-form.tsx";
import { endOfDay } from "./scopes.ts";

let net: ReturnType<typeof fakeNetwork>;
afterEach(() => {
  cleanup();
  net?.restore();
});

function renderForm(onCreated: (k: { name: string; token: string }) => void) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <CreateKeyForm onCreated={onCreated} />
    </QueryClientProvider>,
  );
}

describe("CreateKeyForm", () => {
  it("sends the ticked scopes in the documented order and the end of the chosen day", async () => {
    net = fakeNetwork(() => ({ status: 201, body: { id: "key_1", name: "CI", token: "upb_secret" } }));
    const created: Array<{ name: string; token: string }> = [];
    renderForm((k) => created.push(k));
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "CI" } });
    fireEvent.click(screen.getByRole("checkbox", { name: /^org:admin/ }));
    fireEvent.click(screen.getByRole("checkbox", { name: /^monitors:read/ }));
    fireEvent.change(screen.getByLabelText("Expires on (optional)"), { target: { value: "2030-07-30" } });
    fireEvent.click(screen.getByRole("button", { name: "Create the key" }));
    await waitFor(() => expect(created).toEqual([{ name: "CI", token: "upb_secret" }]));
    expect(net.sent[0]).toEqual({
      method: "POST",
      path: "/api/v1/api-keys",
      body: { name: "CI", scopes: ["monitors:read", "org:admin"], expiresAt: endOfDay("2030-07-30") },
    });
    expect((screen.getByLabelText("Name") as HTMLInputElement).value).toBe("");
  });

  it("shows a refused scope beside the list and keeps the choice", async () => {
    net = fakeNetwork(() => ({
      status: 403,
      body: {
        type: "https://upblit.dev/problems/forbidden",
        title: "Forbidden",
        status: 403,
        detail: "Scopes beyond your role",
        errors: [{ path: "body.scopes", message: "audit:read is beyond your role" }],
      },
    }));
    renderForm(() => {});
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "CI" } });
    fireEvent.click(screen.getByRole("checkbox", { name: /^audit:read/ }));
    fireEvent.click(screen.getByRole("button", { name: "Create the key" }));
    await screen.findByText("audit:read is beyond your role");
    expect((screen.getByRole("checkbox", { name: /^audit:read/ }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByRole("group", { name: "Scopes" }).getAttribute("aria-invalid")).toBe("true");
  });

  it("an empty day means no expiry; a day ends at its last millisecond, local time", () => {
    expect(endOfDay("")).toBeUndefined();
    const end = new Date(endOfDay("2030-07-30")!);
    expect([end.getFullYear(), end.getMonth(), end.getDate(), end.getHours(), end.getMinutes()]).toEqual([
      2030, 6, 30, 23, 59,
    ]);
  });
});
