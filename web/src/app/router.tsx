import {
  createRootRoute,
  createRoute,
  createRouter,
  Link,
  lazyRouteComponent,
  Outlet,
} from "@tanstack/react-router";
import { LoginPage } from "../features/auth/login-page.tsx";
import { MonitorsPage } from "../features/monitors/monitors-page.tsx";
import { WallPage } from "../features/wall/wall-page.tsx";
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

const mfa = createRoute({
  getParentRoute: () => root,
  path: "/login/mfa",
  component: lazyRouteComponent(() => import("../features/auth/mfa-page.tsx"), "MfaPage"),
});
const forgot = createRoute({
  getParentRoute: () => root,
  path: "/forgot-password",
  component: lazyRouteComponent(() => import("../features/auth/password-pages.tsx"), "ForgotPasswordPage"),
});
/** Pages that mail links open (`/{page}#token=…`, src/services/mail/messages.ts). */
const resetPassword = createRoute({
  getParentRoute: () => root,
  path: "/reset-password",
  component: lazyRouteComponent(() => import("../features/auth/password-pages.tsx"), "ResetPasswordPage"),
});
const confirmEmail = createRoute({
  getParentRoute: () => root,
  path: "/confirm-email",
  component: lazyRouteComponent(() => import("../features/auth/password-pages.tsx"), "ConfirmEmailPage"),
});
const invite = createRoute({
  getParentRoute: () => root,
  path: "/invite",
  component: lazyRouteComponent(() => import("../features/auth/invite-page.tsx"), "InvitePage"),
});
/** First run: `/` leads here while GET /api/v1/setup says so (docs/dashboard.md). */
const firstRun = createRoute({
  getParentRoute: () => root,
  path: "/first-run",
  component: lazyRouteComponent(() => import("../features/auth/setup-page.tsx"), "SetupPage"),
  validateSearch: (s: Record<string, unknown>) => ({
    token: typeof s.token === "string" ? s.token : undefined,
  }),
});

const app = createRoute({ getParentRoute: () => root, id: "app", component: AppLayout });

const monitors = createRoute({ getParentRoute: () => app, path: "/", component: MonitorsPage });

const monitorDetail = createRoute({
  getParentRoute: () => app,
  path: "/monitors/$id",
  component: lazyRouteComponent(
    () => import("../features/monitor-detail/monitor-detail-page.tsx"),
    "MonitorDetailPage",
  ),
});

const monitorNew = createRoute({
  getParentRoute: () => app,
  path: "/monitors/new",
  // `?clone=<id>` prefills the form from that monitor; optional, so plain links need no search.
  validateSearch: (s: Record<string, unknown>): { clone?: string } =>
    typeof s.clone === "string" ? { clone: s.clone } : {},
  component: lazyRouteComponent(
    () => import("../features/monitor-form/monitor-form-page.tsx"),
    "NewMonitorPage",
  ),
});

const monitorEdit = createRoute({
  getParentRoute: () => app,
  path: "/monitors/$id/edit",
  component: lazyRouteComponent(
    () => import("../features/monitor-form/monitor-form-page.tsx"),
    "EditMonitorPage",
  ),
});

/** The wall view: full screen, outside the sidebar layout; it checks the session itself. */
const wall = createRoute({
  getParentRoute: () => root,
  path: "/wall",
  component: WallPage,
  validateSearch: (s: Record<string, unknown>) => ({
    tag: typeof s.tag === "string" && s.tag ? s.tag : undefined,
  }),
});

/** The dependency map, loaded only when opened. */
const map = createRoute({
  getParentRoute: () => app,
  path: "/map",
  component: lazyRouteComponent(() => import("../features/map/map-page.tsx")),
});

const incidents = createRoute({
  getParentRoute: () => app,
  path: "/incidents",
  component: lazyRouteComponent(() => import("../features/incidents/incidents-page.tsx"), "IncidentsPage"),
});
const incidentDetail = createRoute({
  getParentRoute: () => app,
  path: "/incidents/$id",
  component: lazyRouteComponent(() => import("../features/incidents/incident-page.tsx"), "IncidentPage"),
});
const channelDetail = createRoute({
  getParentRoute: () => app,
  path: "/channels/$id",
  component: lazyRouteComponent(() => import("../features/channels/channel-page.tsx"), "ChannelPage"),
});

/** Alerting configuration (lazy): channels, routing, deliveries, maintenance (docs/dashboard.md). */
const channelList = createRoute({
  getParentRoute: () => app,
  path: "/channels",
  component: lazyRouteComponent(() => import("../features/channels/channels-page.tsx"), "ChannelsPage"),
});
const channelNew = createRoute({
  getParentRoute: () => app,
  path: "/channels/new",
  component: lazyRouteComponent(() => import("../features/channels/new-channel-page.tsx"), "NewChannelPage"),
});
const routing = createRoute({
  getParentRoute: () => app,
  path: "/routing",
  component: lazyRouteComponent(() => import("../features/routing/routing-page.tsx"), "RoutingPage"),
});
const DELIVERY_FILTERS = ["all", "failed", "retrying", "pending", "sent"] as const;
const deliveries = createRoute({
  getParentRoute: () => app,
  path: "/deliveries",
  validateSearch: (
    s: Record<string, unknown>,
  ): { status?: (typeof DELIVERY_FILTERS)[number]; channelId?: string } => ({
    ...(DELIVERY_FILTERS.includes(s.status as "all")
      ? { status: s.status as (typeof DELIVERY_FILTERS)[number] }
      : {}),
    ...(typeof s.channelId === "string" && s.channelId ? { channelId: s.channelId } : {}),
  }),
  component: lazyRouteComponent(() => import("../features/deliveries/deliveries-page.tsx"), "DeliveriesPage"),
});
const maintenance = createRoute({
  getParentRoute: () => app,
  path: "/maintenance",
  component: lazyRouteComponent(
    () => import("../features/maintenance/maintenance-page.tsx"),
    "MaintenancePage",
  ),
});
/** Status pages: the list, then one page's editor, incidents, domains, subscribers and reports. */
const statusPages = createRoute({
  getParentRoute: () => app,
  path: "/status-pages",
  component: lazyRouteComponent(() => import("../features/status-pages/list-page.tsx"), "StatusPagesPage"),
});
const statusPageEditor = createRoute({
  getParentRoute: () => app,
  path: "/status-pages/$id",
  component: lazyRouteComponent(() => import("../features/status-pages/editor-page.tsx"), "EditorPage"),
});
const statusPageIncidents = createRoute({
  getParentRoute: () => app,
  path: "/status-pages/$id/incidents",
  component: lazyRouteComponent(
    () => import("../features/status-pages/incidents-page.tsx"),
    "StatusIncidentsPage",
  ),
});
const statusPageDomains = createRoute({
  getParentRoute: () => app,
  path: "/status-pages/$id/domains",
  component: lazyRouteComponent(() => import("../features/status-pages/domains-page.tsx"), "DomainsPage"),
});
const statusPageSubscribers = createRoute({
  getParentRoute: () => app,
  path: "/status-pages/$id/subscribers",
  component: lazyRouteComponent(
    () => import("../features/status-pages/subscribers-page.tsx"),
    "SubscribersPage",
  ),
});
const statusPageReports = createRoute({
  getParentRoute: () => app,
  path: "/status-pages/$id/reports",
  component: lazyRouteComponent(() => import("../features/status-pages/reports-page.tsx"), "ReportsPage"),
});
/** Settings: team and organizations, API keys, audit log, profile (each loaded when opened). */
const team = createRoute({
  getParentRoute: () => app,
  path: "/settings/team",
  component: lazyRouteComponent(() => import("../features/team/team-page.tsx"), "TeamPage"),
});
const apiKeys = createRoute({
  getParentRoute: () => app,
  path: "/settings/api-keys",
  component: lazyRouteComponent(() => import("../features/api-keys/api-keys-page.tsx"), "ApiKeysPage"),
});
const auditLog = createRoute({
  getParentRoute: () => app,
  path: "/settings/audit",
  component: lazyRouteComponent(() => import("../features/audit/audit-page.tsx"), "AuditPage"),
});
const profile = createRoute({
  getParentRoute: () => app,
  path: "/settings/profile",
  component: lazyRouteComponent(() => import("../features/profile/profile-page.tsx"), "ProfilePage"),
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
  wall,
  app.addChildren([
    monitors,
    monitorDetail,
    monitorNew,
    monitorEdit,
    map,
    incidents,
    incidentDetail,
    channelDetail,
    channelList,
    channelNew,
    routing,
    deliveries,
    maintenance,
    statusPages,
    statusPageEditor,
    statusPageIncidents,
    statusPageDomains,
    statusPageSubscribers,
    statusPageReports,
    team,
    apiKeys,
    auditLog,
    profile,
  ]),
]);

export const router = createRouter({ routeTree, defaultPreload: "intent" });

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}
