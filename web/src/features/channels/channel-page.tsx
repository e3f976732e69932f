import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "@tanstack/react-router";
import { api, unwrap } from "../../api/client.ts";
import { t } from "../../i18n/index.ts";
import { formatAt } from "../incidents/format.ts";

/**
 * `/channels/$id` (alerts' test messages link here): the channel's name, kind and state and its
 * recent deliveries. Read-only; editing comes with the configuration screens (part 2).
 */
export function ChannelPage() {
  const { id } = useParams({ strict: false }) as { id: string };
  const channel = useQuery({
    queryKey: ["channel", id],
    queryFn: async () => unwrap(await api.GET("/api/v1/channels/{id}", { params: { path: { id } } })),
  });
  const deliveries = useQuery({
    queryKey: ["channel", id, "deliveries"],
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/notifications", { params: { query: { channelId: id, limit: 20 } } })),
  });
  if (channel.isPending) {
    return (
      <section className="stack" aria-busy="true">
        <div className="skeleton" style={{ height: "2rem", width: "50%" }} />
        <div className="skeleton" style={{ height: "10rem" }} />
        <span className="visually-hidden">{t("loading")}</span>
      </section>
    );
  }
  if (channel.isError) {
    return (
      <section className="stack">
        <h1>{t("notFound.title")}</h1>
        <p role="alert">{channel.error.message}</p>
        <Link to="/">{t("notFound.back")}</Link>
      </section>
    );
  }
  const c = channel.data;
  return (
    <article className="stack">
      <h1>{t("channel.title", { name: c.name })}</h1>
      <dl className="facts">
        <dt>{t("channel.kind")}</dt>
        <dd>{c.kind}</dd>
        <dt>{t("channel.status")}</dt>
        <dd>
          {c.enabled ? t("channel.enabled") : t("channel.disabled", { reason: c.disabledReason ?? "" })}
        </dd>
      </dl>
      <p className="muted">{t("channel.fullScreens")}</p>
      <section className="card stack" aria-labelledby="deliveries-heading">
        <h2 id="deliveries-heading">{t("channel.deliveries")}</h2>
        {deliveries.isPending ? (
          <div className="skeleton" style={{ height: "6rem" }} aria-busy="true" />
        ) : deliveries.isError ? (
          <p role="alert">{deliveries.error.message}</p>
        ) : deliveries.data.items.length === 0 ? (
          <p className="empty">{t("channel.noDeliveries")}</p>
        ) : (
          <div className="table-scroll">
            <table className="incident-table">
              <thead>
                <tr>
                  <th scope="col">{t("channel.at")}</th>
                  <th scope="col">{t("channel.event")}</th>
                  <th scope="col">{t("channel.status")}</th>
                  <th scope="col">{t("channel.error")}</th>
                </tr>
              </thead>
              <tbody>
                {deliveries.data.items.map((n) => (
                  <tr key={n.id}>
                    <td>{formatAt(n.createdAt)}</td>
                    <td>{n.event}</td>
                    <td>{n.status}</td>
                    <td>{n.lastError ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </article>
  );
}
