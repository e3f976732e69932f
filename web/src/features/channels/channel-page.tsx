import { useQuery } from "@tanstack/react-query";
import { Link, useNavigate, useParams } from "@tanstack/react-router";
import { useState } from "react";
import { sdk } from "../../api/client.ts";
import { t } from "../../i18n/index.ts";
import { formatAt } from "../incidents/format.ts";
import "./alerting.css";
import { ChannelForm } from "./channel-form.tsx";
import { deliveryStatusLabel, eventLabel } from "./labels.ts";
import { useChannel, useChannelKinds, useDeleteChannel, useTestSend } from "./queries.ts";
import { TemplateEditor } from "./template-editor.tsx";
import "./messages.ts";

/**
 * `/channels/$id` (alerts' test messages link here): the channel's state, a test-send with the
 * receiver's answer, its settings, its message template with a live preview, recent deliveries.
 */
export function ChannelPage() {
  const { id } = useParams({ strict: false }) as { id: string };
  const channel = useChannel(id);
  const kinds = useChannelKinds();
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
        <Link to="/channels">{t("channels.back")}</Link>
      </section>
    );
  }
  const c = channel.data;
  const kind = kinds.data?.find((k) => k.kind === c.kind);
  return (
    <article className="stack">
      <div className="page-head row">
        <h1 className="grow">{t("channel.title", { name: c.name })}</h1>
        <Link to="/channels">{t("channels.back")}</Link>
      </div>
      <dl className="facts">
        <dt>{t("channel.kind")}</dt>
        <dd>{kind?.label ?? c.kind}</dd>
        <dt>{t("channels.state")}</dt>
        <dd>
          {c.enabled ? t("channel.enabled") : t("channel.disabled", { reason: c.disabledReason ?? "" })}
        </dd>
        <dt>{t("channels.routing")}</dt>
        <dd>{c.isDefault ? t("channels.defaultYes") : t("channels.defaultNo")}</dd>
      </dl>
      <TestSend id={c.id} />
      <section className="card stack" aria-labelledby="settings-heading">
        <h2 id="settings-heading">{t("channels.settingsTitle")}</h2>
        {kinds.data ? (
          <ChannelForm key={c.updatedAt} kinds={kinds.data} channel={c} onSaved={() => {}} />
        ) : (
          <div className="skeleton form-skeleton" aria-busy="true" />
        )}
      </section>
      <TemplateEditor channel={c} />
      <RecentDeliveries id={c.id} />
      <DeleteChannel id={c.id} name={c.name} />
    </article>
  );
}

function TestSend({ id }: { id: string }) {
  const test = useTestSend(id);
  return (
    <section className="card stack" aria-labelledby="test-heading">
      <h2 id="test-heading">{t("channels.testTitle")}</h2>
      <p className="muted">{t("channels.testIntro")}</p>
      <div className="row">
        <button type="button" className="primary" disabled={test.isPending} onClick={() => test.mutate()}>
          {test.isPending ? t("channels.testSending") : t("channels.testSend")}
        </button>
      </div>
      <output aria-live="polite" className="test-answer">
        {test.isError ? (
          <span className="outcome-failed">{t("error.generic", { detail: test.error.message })}</span>
        ) : test.data ? (
          test.data.ok ? (
            <span className="outcome-sent">
              {t("channels.testOk", { status: test.data.statusCode ?? "—" })}
            </span>
          ) : (
            <span className="outcome-failed">
              {t("channels.testFailed", {
                status: test.data.statusCode ?? "—",
                error: test.data.error ?? "",
              })}
            </span>
          )
        ) : null}
      </output>
    </section>
  );
}

function RecentDeliveries({ id }: { id: string }) {
  const deliveries = useQuery({
    queryKey: ["channel", id, "deliveries"],
    queryFn: async () => await sdk.op.listDeliveries({ query: { channelId: id, limit: 20 } }),
  });
  return (
    <section className="card stack" aria-labelledby="deliveries-heading">
      <div className="row">
        <h2 id="deliveries-heading" className="grow">
          {t("channel.deliveries")}
        </h2>
        <Link to="/deliveries" search={{ channelId: id }}>
          {t("channels.allDeliveries")}
        </Link>
      </div>
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
                  <td>{eventLabel(n.event)}</td>
                  <td>{deliveryStatusLabel(n.status)}</td>
                  <td>{n.lastError ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function DeleteChannel({ id, name }: { id: string; name: string }) {
  const remove = useDeleteChannel(id);
  const navigate = useNavigate();
  const [asking, setAsking] = useState(false);
  return (
    <section className="stack">
      {asking ? (
        <div className="row">
          <span>{t("channels.deleteConfirm", { name })}</span>
          <button
            type="button"
            className="danger"
            onClick={() => remove.mutate(undefined, { onSuccess: () => navigate({ to: "/channels" }) })}
          >
            {t("channels.deleteYes")}
          </button>
          <button type="button" onClick={() => setAsking(false)}>
            {t("channels.cancel")}
          </button>
        </div>
      ) : (
        <div>
          <button type="button" className="danger" onClick={() => setAsking(true)}>
            {t("channels.delete")}
          </button>
        </div>
      )}
      {remove.isError && <p className="form-error">{remove.error.message}</p>}
    </section>
  );
}
