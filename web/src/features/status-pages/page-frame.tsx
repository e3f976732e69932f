import { Link } from "@tanstack/react-router";
import type { ReactNode } from "react";
import "./status-pages.css";
import type { StatusPage } from "./editor-model.ts";
import { t } from "./messages.ts";
import { useStatusPage } from "./queries.ts";

const TABS = [
  { to: "/status-pages/$id", label: "sp.tab.editor" },
  { to: "/status-pages/$id/incidents", label: "sp.tab.incidents" },
  { to: "/status-pages/$id/domains", label: "sp.tab.domains" },
  { to: "/status-pages/$id/subscribers", label: "sp.tab.subscribers" },
  { to: "/status-pages/$id/reports", label: "sp.tab.reports" },
] as const;

/**
 * One status page's screens: its title, a link to the public page, and the tabs (editor,
 * incidents, domains, subscribers, reports). `children` gets the page once it is loaded.
 */
export function PageFrame({ id, children }: { id: string; children: (page: StatusPage) => ReactNode }) {
  const page = useStatusPage(id);
  return (
    <section className="stack sp-frame">
      <nav aria-label={t("sp.breadcrumb")}>
        <Link to="/status-pages">{t("sp.back")}</Link>
      </nav>
      {page.isError ? (
        <p role="alert" className="form-error">
          {t("sp.loadFailed", { detail: page.error.message })}
        </p>
      ) : !page.data ? (
        <div className="skeleton sp-skeleton" aria-busy="true">
          <span className="visually-hidden">{t("loading")}</span>
        </div>
      ) : (
        <>
          <div className="row">
            <h1 className="grow">{page.data.title}</h1>
            <a href={page.data.url} target="_blank" rel="noreferrer">
              {t("sp.openPublic")}
            </a>
          </div>
          <nav aria-label={t("sp.sections")} className="sp-tabs">
            <ul>
              {TABS.map((tab) => (
                <li key={tab.to}>
                  <Link to={tab.to} params={{ id }} activeOptions={{ exact: true }}>
                    {t(tab.label)}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          {children(page.data)}
        </>
      )}
    </section>
  );
}
