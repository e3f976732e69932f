// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { Me } from "../../app/session.ts";
import { fakeNetwork } from "../../test/render-page.tsx";
import { SentNotice } from "./invitations.tsx";
import { MembersSection } from "./members.tsx";

let net: ReturnType<typeof fakeNetwork>;
afterEach(() => {
  cleanup();
  net?.restore();
});

const me: Me = {
  id: "usr_admin",
  email: "ada@example.com",
  name: "Ada",
  totpEnabled: false,
  createdAt: "2026-01-01T00:00:00Z",
  currentOrganizationId: "org_1",
  organizations: [{ id: "org_1", name: "Acme", role: "admin" }],
};
const member = (userId: string, name: string, role: string) => ({
  userId,
  email: `${name.toLowerCase()}@example.com`,
  name,
  role,
  joinedAt: "2026-01-01T00:00:00Z",
});

function renderMembers(myRole: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MembersSection me={me} myRole={myRole} orgName="Acme" />
    </QueryClientProvider>,
  );
}

describe("MembersSection", () => {
  it("lets an admin set roles up to admin, never an owner's, and only leave for themselves", async () => {
    net = fakeNetwork((req) => {
      if (req.method === "GET")
        return {
          status: 200,
          body: {
            items: [
              member("usr_owner", "Olga", "owner"),
              member("usr_admin", "Ada", "admin"),
              member("usr_v", "Vic", "viewer"),
            ],
            nextCursor: null,
          },
        };
      if (req.method === "PATCH") return { status: 200, body: member("usr_v", "Vic", "editor") };
      return undefined;
    });
    renderMembers("admin");
    const vic = await screen.findByLabelText("Role of Vic");
    expect([...(vic as HTMLSelectElement).options].map((o) => o.value)).toEqual([
      "viewer",
      "editor",
      "admin",
    ]);
    expect(screen.queryByLabelText("Role of Olga")).toBeNull();
    expect(screen.queryByLabelText("Role of Ada")).toBeNull();
    expect(screen.queryByRole("button", { name: "Remove: Olga" })).toBeNull();
    expect(screen.queryByRole("button", { name: /Make owner/ })).toBeNull();
    expect(screen.getByRole("button", { name: "Leave the organization" })).toBeTruthy();

    fireEvent.change(vic, { target: { value: "editor" } });
    await screen.findByText(/Vic is now editor/);
    expect(net.sent.find((r) => r.method === "PATCH")).toEqual({
      method: "PATCH",
      path: "/api/v1/members/usr_v",
      body: { role: "editor" },
    });
  });

  it("asks before removing, and an owner hands over the ownership from the row", async () => {
    net = fakeNetwork((req) => {
      if (req.method === "GET")
        return {
          status: 200,
          body: {
            items: [member("usr_admin", "Ada", "owner"), member("usr_v", "Vic", "viewer")],
            nextCursor: null,
          },
        };
      if (req.method === "POST") return { status: 200, body: member("usr_v", "Vic", "owner") };
      return { status: 204, body: null };
    });
    renderMembers("owner");
    fireEvent.click(await screen.findByRole("button", { name: "Remove: Vic" }));
    expect(net.sent.filter((r) => r.method === "DELETE")).toHaveLength(0);
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(document.activeElement?.getAttribute("aria-label")).toBe("Remove: Vic"));

    fireEvent.click(screen.getByRole("button", { name: "Make owner, become admin: Vic" }));
    fireEvent.click(screen.getByRole("button", { name: "Yes, make Vic owner" }));
    await waitFor(() =>
      expect(net.sent.find((r) => r.method === "POST")?.path).toBe(
        "/api/v1/members/usr_v/transfer-ownership",
      ),
    );
  });
});

describe("SentNotice", () => {
  const base = {
    id: "inv_1",
    email: "bob@example.com",
    role: "viewer" as const,
    status: "pending" as const,
    invitedBy: "usr_admin",
    createdAt: "2026-01-01T00:00:00Z",
    expiresAt: "2026-01-08T00:00:00Z",
    acceptedAt: null,
    acceptedBy: null,
    revokedAt: null,
  };
  it("gives the link to pass on without a mail server, and says so when mailed", () => {
    render(<SentNotice sent={{ ...base, mail: "disabled", acceptUrl: "http://x/invite#token=abc" }} />);
    expect((screen.getByLabelText("Invitation link") as HTMLInputElement).value).toBe(
      "http://x/invite#token=abc",
    );
    cleanup();
    render(<SentNotice sent={{ ...base, mail: "sent" }} />);
    expect(screen.getByText("Invitation mailed to bob@example.com.")).toBeTruthy();
    expect(screen.queryByLabelText("Invitation link")).toBeNull();
  });
});
