// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeNetwork, renderPage } from "../../test/render-page.tsx";
import { MFA_TOKEN_KEY, NEXT_KEY } from "./link-token.ts";
import { MfaPage } from "./mfa-page.tsx";

let net: ReturnType<typeof fakeNetwork>;
beforeEach(() => sessionStorage.clear());
afterEach(() => {
  cleanup();
  net?.restore();
});

describe("MfaPage", () => {
  it("sends the app's code with the sign-in token, then goes where the person was going", async () => {
    sessionStorage.setItem(MFA_TOKEN_KEY, "mfa_abc");
    sessionStorage.setItem(NEXT_KEY, "/");
    net = fakeNetwork((req) =>
      req.path === "/api/v1/auth/mfa"
        ? { status: 200, body: { accessToken: "a", expiresIn: 900 } }
        : undefined,
    );
    const { router } = renderPage("/login/mfa", "/login/mfa", MfaPage);
    fireEvent.change(await screen.findByLabelText("Code from your authenticator app"), {
      target: { value: "123 456" },
    });
    fireEvent.click(screen.getByRole("button", { name: "Verify" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/"));
    expect(net.sent.find((r) => r.path === "/api/v1/auth/mfa")?.body).toEqual({
      mfaToken: "mfa_abc",
      code: "123456",
    });
    expect(sessionStorage.getItem(MFA_TOKEN_KEY)).toBeNull();
  });

  it("takes a recovery code instead, and shows the API's message beside the field", async () => {
    sessionStorage.setItem(MFA_TOKEN_KEY, "mfa_abc");
    net = fakeNetwork(() => ({
      status: 400,
      body: {
        type: "https://upblit.dev/problems/validation",
        title: "Invalid request",
        status: 400,
        detail: "1 invalid field in the body",
        errors: [{ path: "body.recoveryCode", message: "is not a recovery code of this account" }],
      },
    }));
    renderPage("/login/mfa", "/login/mfa", MfaPage);
    fireEvent.click(await screen.findByRole("button", { name: "Use a recovery code instead" }));
    const field = screen.getByLabelText("Recovery code");
    fireEvent.change(field, { target: { value: " 7k2mq-x9d4a " } });
    fireEvent.click(screen.getByRole("button", { name: "Verify" }));
    await screen.findByText("is not a recovery code of this account");
    expect(field.getAttribute("aria-invalid")).toBe("true");
    expect(net.sent[0]?.body).toEqual({ mfaToken: "mfa_abc", recoveryCode: "7k2mq-x9d4a" });
  });

  it("sends the person back to sign in when the first step is gone", async () => {
    net = fakeNetwork(() => undefined);
    renderPage("/login/mfa", "/login/mfa", MfaPage);
    await screen.findByText(/has expired or was made in another tab/);
    expect(net.sent).toEqual([]);
  });
});
