import { Link, useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { t } from "../../i18n/index.ts";
import "./alerting.css";
import { ChannelForm } from "./channel-form.tsx";
import { type CreatedChannel, useChannelKinds } from "./queries.ts";
import { fieldLabel } from "./schema-fields.tsx";
import "./messages.ts";

/**
 * `/channels/new`: the form for any kind. A secret Upblit generated (a webhook's signing secret)
 * is shown once here, with a copy button, before going on to the channel.
 */
export function NewChannelPage() {
  const kinds = useChannelKinds();
  const navigate = useNavigate();
  const [created, setCreated] = useState<CreatedChannel>();

  if (created?.generatedSecrets) {
    return (
      <section className="stack">
        <h1>{t("channels.createdTitle", { name: created.name })}</h1>
        <div className="card stack once-secret" role="status">
          <p>
            <strong>{t("channels.generatedOnce")}</strong>
          </p>
          {Object.entries(created.generatedSecrets).map(([name, value]) => (
            <GeneratedSecret key={name} name={name} value={value} />
          ))}
        </div>
        <Link to="/channels/$id" params={{ id: created.id }} className="button primary">
          {t("channels.continue")}
        </Link>
      </section>
    );
  }
  return (
    <section className="stack">
      <h1>{t("channels.newTitle")}</h1>
      {kinds.isError ? (
        <p role="alert" className="form-error">
          {t("error.generic", { detail: kinds.error.message })}
        </p>
      ) : kinds.isPending ? (
        <div className="skeleton form-skeleton" aria-busy="true">
          <span className="visually-hidden">{t("loading")}</span>
        </div>
      ) : (
        <ChannelForm
          kinds={kinds.data}
          onSaved={(saved) => {
            const c = saved as CreatedChannel;
            if (c.generatedSecrets && Object.keys(c.generatedSecrets).length > 0) setCreated(c);
            else void navigate({ to: "/channels/$id", params: { id: c.id } });
          }}
        />
      )}
    </section>
  );
}

function GeneratedSecret({ name, value }: { name: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="stack">
      <span>{fieldLabel(name)}</span>
      <div className="row">
        <code className="secret-value" data-testid={`generated-${name}`}>
          {value}
        </code>
        <button
          type="button"
          onClick={async () => {
            await navigator.clipboard?.writeText(value).catch(() => {});
            setCopied(true);
          }}
        >
          {copied ? t("channels.copied") : t("channels.copy")}
        </button>
      </div>
    </div>
  );
}
