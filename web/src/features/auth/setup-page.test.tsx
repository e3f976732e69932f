// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { fakeNetwork, renderPage } from "../../test/render-page.tsx";
import { tokenFromPaste } from "./link-token.ts";
import { SetupPage } from "./setup-page.tsx";

let net: ReturnType<typeof fakeNetwork>;
afterEach(() => {
  cleanup();
  net?.restore();
});

function fill(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

describe("SetupPage", () => {
  it("takes a pasted setup link, creates the owner and lands on the dashboard", async () => {
    net = fakeNetwork((req) => {
      if (req.method === "GET" && req.path === "/api/v1/setup")
        return { status: 200, body: { required: true, needed: true } };
      if (req.method === "POST" && req.path === "/api/v1/setup")
        return { status: 201, body: { accessToken: "a" } };
      return undefined;
    });
    const { router } = renderPage("/first-run", "/first-run", SetupPage);
    await screen.findByLabelText("Setup token");
    fill("Setup token", "http://localhost:3000/setup?token=tok_123");
    fill("Organization name", "Acme");
    fill("Email", "ada@example.com");
    fill("Password", "correct horse battery");
    fireEvent.click(screen.getByRole("button", { name: "Create the owner account" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/"));
    expect(net.sent.find((r) => r.method === "POST")?.body).toEqual({
      token: "tok_123",
      email: "ada@example.com",
      password: "correct horse battery",
      organizationName: "Acme",
    });
  });

  it("hides the token field when the link brought it, and puts each problem beside its field", async () => {
    net = fakeNetwork((req) =>
      req.method === "GET"
        ? { status: 200, body: { required: true, needed: true } }
        : {
            status: 400,
            body: {
              type: "https://upblit.dev/problems/validation",
              title: "Invalid request",
              status: 400,
              detail: "1 invalid field in the body",
              errors: [{ path: "body.password", message: "must have at least 10 characters" }],
            },
          },
    );
    renderPage("/first-run?token=tok_9", "/first-run", SetupPage);
    await screen.findByLabelText("Organization name");
    expect(screen.queryByLabelText("Setup token")).toBeNull();
    fill("Organization name", "Acme");
    fill("Email", "ada@example.com");
    fill("Password", "short");
    fireEvent.click(screen.getByRole("button", { name: "Create the owner account" }));
    await screen.findByText("must have at least 10 characters");
    expect(screen.getByLabelText("Password").getAttribute("aria-invalid")).toBe("true");
    expect(net.sent.find((r) => r.method === "POST")?.body).toMatchObject({ token: "tok_9" });
  });

  it("says so when Upblit is already set up", async () => {
    net = fakeNetwork(() => ({ status: 200, body: { required: false, needed: false } }));
    renderPage("/first-run", "/first-run", SetupPage);
    await screen.findByText(/already set up/);
    expect(screen.queryByRole("button", { name: "Create the owner account" })).toBeNull();
  });

  it("reads a token pasted alone or inside the link", () => {
    expect(tokenFromPaste("  abc-123 ")).toBe("abc-123");
    expect(tokenFromPaste("http://h:3000/setup?token=abc-123")).toBe("abc-123");
    expect(tokenFromPaste("https://h/invite#token=x_y")).toBe("x_y");
  });
});
