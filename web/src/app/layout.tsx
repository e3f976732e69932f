import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, Outlet, useLocation } from "@tanstack/react-router";
import { useEffect, useState } from "react";
import { sdk, sessionEnded } from "../api/client.ts";
import { useLiveInvalidation } from "../api/live.ts";
import { SignedOutRedirect } from "../features/auth/signed-out.tsx";
import { prefetchMonitorList } from "../features/monitors/use-monitor-list.ts";
import { type MessageKey, t } from "../i18n/index.ts";
import { useMe } from "./session.ts";
import { applyTheme, savedTheme, type ThemeChoice } from "./theme.ts";

const NAV: Array<{ to: string; label: MessageKey }> = [
  { to: "/", label: "nav.monitors" },
  { to: "/monitors/new", label: "nav.newMonitor" },
  { to: "/incidents", label: "nav.incidents" },
  { to: "/map", label: "nav.map" },
  { to: "/channels", label: "nav.channels" },
  { to: "/routing", label: "nav.routing" },
  { to: "/deliveries", label: "nav.deliveries" },
  { to: "/maintenance", label: "nav.maintenance" },
  { to: "/status-pages", label: "nav.statusPages" },
  { to: "/wall", label: "nav.wall" },
  { to: "/settings/team", label: "nav.team" },
  { to: "/settings/api-keys", label: "nav.apiKeys" },
  { to: "/settings/audit", label: "nav.audit" },
  { to: "/settings/profile", label: "nav.profile" },
  { to: "/settings/sso", label: "nav.sso" },
];

/** The signed-in frame: navigation, organization switcher, theme, live status; pages in <main>. */
export function AppLayout() {
  const me = useMe();
  const location = useLocation();
  const client = useQueryClient();
  const live = useLiveInvalidation();
  const [theme, setTheme] = useState<ThemeChoice>(savedTheme);
  // Opening on the monitors list: ask for its first page alongside `/me`, not after it.
  const [opening] = useState(() => me.isPending && location.pathname === "/" && !location.searchStr);
  useEffect(() => {
    if (opening) prefetchMonitorList(client);
  }, [opening, client]);
  useEffect(() => applyTheme(theme), [theme]);
  useEffect(() => {
    // Only a session that existed can end: re-reading `me` while signed out would loop.
    const onEnded = () => {
      if (client.getQueryData(["me"])) void client.invalidateQueries({ queryKey: ["me"] });
    };
    sessionEnded.addEventListener("ended", onEnded);
    return () => sessionEnded.removeEventListener("ended", onEnded);
  }, [client]);
  const switchOrg = useMutation({
    mutationFn: async (organizationId: string) =>
      await sdk.op.switchOrganization({ body: { organizationId } }),
    onSuccess: () => client.resetQueries(),
  });
  const signOut = useMutation({
    mutationFn: async () => await sdk.op.logOut(),
    onSettled: () => client.resetQueries(),
  });

  if (me.isPending) return <p className="muted">{t("loading")}</p>;
  if (!me.data) return <SignedOutRedirect next={location.href} />;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <header className="sidebar">
        <div className="brand">{t("app.name")}</div>
        <nav aria-label={t("nav.main")}>
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <Link to={item.to} activeOptions={{ exact: item.to === "/" }}>
                  {t(item.label)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <label>
          {t("org.switch")}
          <select
            value={me.data.currentOrganizationId ?? ""}
            onChange={(e) => switchOrg.mutate(e.target.value)}
          >
            {me.data.organizations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("theme.toggle")}
          <select value={theme} onChange={(e) => setTheme(e.target.value as ThemeChoice)}>
            <option value="system">{t("theme.system")}</option>
            <option value="light">{t("theme.light")}</option>
            <option value="dark">{t("theme.dark")}</option>
          </select>
        </label>
        <output className="muted" aria-live="polite">
          {t(`live.${live}` as MessageKey)}
        </output>
        <button type="button" onClick={() => signOut.mutate()}>
          {t("account.signOut")}
        </button>
      </header>
      <main className="main" id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
