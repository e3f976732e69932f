import { createRootRoute, createRoute, createRouter, Link, Outlet } from "@tanstack/react-router";
import { InvitePage } from "../features/auth/invite-page.tsx";
import { LoginPage } from "../features/auth/login-page.tsx";
import { MfaPage } from "../features/auth/mfa-page.tsx";
import { ConfirmEmailPage, ForgotPasswordPage, ResetPasswordPage } from "../features/auth/password-pages.tsx";
import { SetupPage } from "../features/auth/setup-page.tsx";
import { MonitorsPage } from "../features/monitors/monitors-page.tsx";
import { t } from "../i18n/index.ts";
import { AppLayout } from "./layout.tsx";

/**
 * Every page of the dashboard. Public pages (sign-in, first run, links from mail) hang off the
 * root; the rest sit under the signed-in layout. Deep links Upblit emits are listed in
 * docs/deep-links.md and each must resolve here.
 */
const root = createRootRoute({
  component: Outlet,
  notFoundComponent: NotFound,
});

const login = createRoute({
  getParentRoute: () => root,
  path: "/login",
  component: LoginPage,
  validateSearch: (s: Record<string, unknown>) => ({ next: typeof s.next === "string" ? s.next : undefined }),
});

const mfa = createRoute({ getParentRoute: () => root, path: "/login/mfa", component: MfaPage });
const forgot = createRoute({
  getParentRoute: () => root,
  path: "/forgot-password",
  component: ForgotPasswordPage,
});
/** Pages that mail links open (`/{page}#token=…`, src/services/mail/messages.ts). */
const resetPassword = createRoute({
  getParentRoute: () => root,
  path: "/reset-password",
  component: ResetPasswordPage,
});
const confirmEmail = createRoute({
  getParentRoute: () => root,
  path: "/confirm-email",
  component: ConfirmEmailPage,
});
const invite = createRoute({ getParentRoute: () => root, path: "/invite", component: InvitePage });
/** First run: `/` leads here while GET /api/v1/setup says so (docs/dashboard.md). */
const firstRun = createRoute({
  getParentRoute: () => root,
  path: "/first-run",
  component: SetupPage,
  validateSearch: (s: Record<string, unknown>) => ({
    token: typeof s.token === "string" ? s.token : undefined,
  }),
});

const app = createRoute({ getParentRoute: () => root, id: "app", component: AppLayout });

const monitors = createRoute({ getParentRoute: () => app, path: "/", component: MonitorsPage });

const monitorDetail = createRoute({
  getParentRoute: () => app,
  path: "/monitors/$id",
  component: () => <p>…</p>,
});

function NotFound() {
  return (
    <main className="auth-page" id="main">
      <div className="card stack">
        <h1>{t("notFound.title")}</h1>
        <p>{t("error.notFound")}</p>
        <Link to="/">{t("notFound.back")}</Link>
      </div>
    </main>
  );
}

const routeTree = root.addChildren([
  login,
  mfa,
  forgot,
  resetPassword,
  confirmEmail,
  invite,
  firstRun,
  app.addChildren([monitors, monitorDetail]),
]);

export const router = createRouter({ routeTree, defaultPreload: "intent" });

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}
