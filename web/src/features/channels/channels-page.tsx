import { Link } from "@tanstack/react-router";
import { t } from "../../i18n/index.ts";
import { formatAt } from "../incidents/format.ts";
import "./alerting.css";
import { deliveryStatusLabel, eventLabel } from "./labels.ts";
import { type LastDelivery, useChannelKinds, useChannels, useLastDeliveries } from "./queries.ts";
import "./messages.ts";

/** `/channels`: every channel with its kind, events, whether it is a default, and its last delivery. */
export function ChannelsPage() {
  const channels = useChannels();
  const kinds = useChannelKinds();
  const last = useLastDeliveries();
  const labels = new Map(kinds.data?.map((k) => [k.kind, k.label]));

  return (
    <section className="stack">
      <div className="page-head row">
        <h1 className="grow">{t("channels.title")}</h1>
        <Link to="/channels/new" className="button primary">
          {t("channels.new")}
        </Link>
      </div>
      <p className="muted">{t("channels.intro")}</p>
      {channels.isError ? (
        <p role="alert" className="form-error">
          {t("error.generic", { detail: channels.error.message })}
        </p>
      ) : channels.isPending ? (
        <div className="skeleton list-skeleton" aria-busy="true">
          <span className="visually-hidden">{t("loading")}</span>
        </div>
      ) : channels.data.length === 0 ? (
        <div className="empty card stack">
          <p>{t("channels.empty")}</p>
          <Link to="/channels/new" className="button">
            {t("channels.new")}
          </Link>
        </div>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t("channels.name")}</th>
                <th scope="col">{t("channels.kind")}</th>
                <th scope="col">{t("channels.events")}</th>
                <th scope="col">{t("channels.lastDelivery")}</th>
              </tr>
            </thead>
            <tbody>
              {channels.data.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to="/channels/$id" params={{ id: c.id }}>
                      {c.name}
                    </Link>
                    {c.isDefault && <span className="pill">{t("channels.default")}</span>}
                    {!c.enabled && (
                      <span className="pill pill-off" title={c.disabledReason ?? ""}>
                        {t("channels.disabledShort")}
                      </span>
                    )}
                  </td>
                  <td>{labels.get(c.kind) ?? c.kind}</td>
                  <td>{c.events.map(eventLabel).join(", ")}</td>
                  <td>
                    <LastOutcome delivery={last.data?.get(c.id)} pending={last.isPending} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** "Sent 200 · 5 Dec 10:02", "Retrying: 503", "Failed: …", or "Never used". */
export function LastOutcome({ delivery, pending }: { delivery?: LastDelivery; pending: boolean }) {
  if (pending) return <span className="muted">…</span>;
  if (!delivery) return <span className="muted">{t("channels.neverUsed")}</span>;
  const a = delivery.lastAttempt;
  const cls =
    delivery.status === "sent"
      ? "outcome-sent"
      : delivery.status === "failed"
        ? "outcome-failed"
        : "outcome-pending";
  const code = a?.statusCode ? ` ${a.statusCode}` : "";
  return (
    <span>
      <span className={cls}>
        {deliveryStatusLabel(delivery.status)}
        {code}
      </span>{" "}
      <span className="muted">
        {eventLabel(delivery.event)} · {formatAt(a?.at ?? delivery.createdAt)}
      </span>
      {a?.error && delivery.status !== "sent" ? <span className="field-error"> {a.error}</span> : null}
    </span>
  );
}
