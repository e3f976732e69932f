import { useParams } from "@tanstack/react-router";
import { sdk } from "../../api/client.ts";
import { FormProblem } from "../../components/problem.tsx";
import { formatAt } from "../incidents/format.ts";
import type { StatusPage } from "./editor-model.ts";
import { t } from "./messages.ts";
import { PageFrame } from "./page-frame.tsx";
import { useStatusMutation, useSubscribers } from "./queries.ts";
import { WebhooksSection } from "./webhooks-section.tsx";

/**
 * `/status-pages/$id/subscribers`: who gets the page's news by email (removing one), and the
 * webhook subscriptions (adding one with its secret shown once, removing one).
 */
export function SubscribersPage() {
  const { id } = useParams({ strict: false }) as { id: string };
  return <PageFrame id={id}>{(page) => <Subscribers page={page} />}</PageFrame>;
}

function Subscribers({ page }: { page: StatusPage }) {
  const list = useSubscribers(page.id);
  const remove = useStatusMutation(
    async (subscriberId: string) =>
      await sdk.op.removeStatusPageSubscriber({ path: { id: page.id, subscriberId } }),
  );
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const names = new Map(page.groups.flatMap((g) => g.components).map((c) => [c.monitorId, c.displayName]));
  return (
    <div className="stack">
      <p className="muted">{page.visibility === "public" ? t("sp.sub.intro") : t("sp.sub.notPublic")}</p>
      <FormProblem error={remove.error} />
      {list.isError ? (
        <p role="alert" className="form-error">
          {t("sp.loadFailed", { detail: list.error.message })}
        </p>
      ) : list.isPending ? (
        <div className="skeleton sp-skeleton" aria-busy="true">
          <span className="visually-hidden">{t("loading")}</span>
        </div>
      ) : items.length === 0 ? (
        <p className="empty">{t("sp.sub.empty", { url: `${page.url}` })}</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <caption className="visually-hidden">{t("sp.tab.subscribers")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("sp.sub.email")}</th>
                <th scope="col">{t("sp.sub.components")}</th>
                <th scope="col">{t("sp.sub.state")}</th>
                <th scope="col">{t("sp.sub.since")}</th>
                <th scope="col">
                  <span className="visually-hidden">{t("sp.remove")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={s.id}>
                  <td>{s.email}</td>
                  <td>
                    {s.components.length === 0
                      ? t("sp.sub.all")
                      : s.components.map((c) => names.get(c) ?? c).join(", ")}
                  </td>
                  <td>{s.confirmed ? t("sp.sub.confirmed") : t("sp.sub.pending")}</td>
                  <td>{formatAt(s.createdAt)}</td>
                  <td>
                    <button
                      type="button"
                      className="danger"
                      disabled={remove.isPending}
                      onClick={() => {
                        if (window.confirm(t("sp.sub.removeConfirm", { email: s.email })))
                          remove.mutate(s.id);
                      }}
                    >
                      {t("sp.remove")}
                      <span className="visually-hidden"> {s.email}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.hasNextPage && (
        <div>
          <button type="button" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            {t("sp.sub.more")}
          </button>
        </div>
      )}
      <WebhooksSection page={page} />
    </div>
  );
}
