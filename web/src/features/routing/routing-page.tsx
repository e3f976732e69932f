import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { useState } from "react";
import { sdk } from "../../api/client.ts";
import { t } from "../../i18n/index.ts";
import "../channels/alerting.css";
import { eventLabel } from "../channels/labels.ts";
import { type Channel, useChannels } from "../channels/queries.ts";
import { PolicyView } from "./policy-view.tsx";
import { type Rule, useRules } from "./queries.ts";
import { RuleEditor } from "./rule-editor.tsx";
import "../channels/messages.ts";

/**
 * `/routing`: the organization's alert policy. Default channels first, then each tag rule as a
 * policy sentence, edited in place (docs/alerting.md: routing rules, reminders, escalation).
 */
export function RoutingPage() {
  const rules = useRules();
  const channels = useChannels();
  const [editing, setEditing] = useState<string | "new" | null>(null);
  const pending = rules.isPending || channels.isPending;
  const failed = rules.error ?? channels.error;
  const defaults = channels.data?.filter((c) => c.isDefault) ?? [];

  return (
    <section className="stack">
      <div className="page-head row">
        <h1 className="grow">{t("routing.title")}</h1>
        <button
          type="button"
          className="primary"
          disabled={editing === "new"}
          onClick={() => setEditing("new")}
        >
          {t("routing.new")}
        </button>
      </div>
      <p className="muted">{t("routing.intro")}</p>
      {failed ? (
        <p role="alert" className="form-error">
          {t("error.generic", { detail: failed.message })}
        </p>
      ) : pending ? (
        <div className="skeleton list-skeleton" aria-busy="true">
          <span className="visually-hidden">{t("loading")}</span>
        </div>
      ) : (
        <>
          <section className="card stack" aria-labelledby="defaults-heading">
            <h2 id="defaults-heading">{t("routing.defaults")}</h2>
            {defaults.length === 0 ? (
              <p className="muted">
                {t("routing.noDefaults")} <Link to="/channels">{t("routing.toChannels")}</Link>
              </p>
            ) : (
              <p>
                {t("routing.defaultsSentence", {
                  channels: defaults
                    .map((c) => `${c.name} (${c.events.map(eventLabel).join(", ")})`)
                    .join("; "),
                })}
              </p>
            )}
          </section>
          {editing === "new" && <RuleEditor channels={channels.data ?? []} onDone={() => setEditing(null)} />}
          {rules.data?.length === 0 && editing !== "new" ? (
            <p className="empty">{t("routing.empty")}</p>
          ) : (
            <ul className="plain-list rule-list">
              {rules.data?.map((r) => (
                <li key={r.id}>
                  {editing === r.id ? (
                    <RuleEditor rule={r} channels={channels.data ?? []} onDone={() => setEditing(null)} />
                  ) : (
                    <RuleCard rule={r} channels={channels.data ?? []} onEdit={() => setEditing(r.id)} />
                  )}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

function RuleCard({ rule, channels, onEdit }: { rule: Rule; channels: Channel[]; onEdit: () => void }) {
  const client = useQueryClient();
  const [asking, setAsking] = useState(false);
  const remove = useMutation({
    mutationFn: async () => await sdk.op.deleteAlertRule({ path: { id: rule.id } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ["alert-rules"] }),
  });
  return (
    <article className="card stack rule-card" aria-label={rule.name}>
      <div className="row">
        <h2 className="grow">{rule.name}</h2>
        <button type="button" onClick={onEdit} aria-label={t("routing.editNamed", { name: rule.name })}>
          {t("routing.edit")}
        </button>
        {asking ? (
          <>
            <button type="button" className="danger" onClick={() => remove.mutate()}>
              {t("routing.deleteYes")}
            </button>
            <button type="button" onClick={() => setAsking(false)}>
              {t("routing.cancel")}
            </button>
          </>
        ) : (
          <button type="button" className="danger" onClick={() => setAsking(true)}>
            {t("routing.delete")}
          </button>
        )}
      </div>
      <PolicyView rule={rule} channels={channels} />
      {remove.isError && <p className="form-error">{remove.error.message}</p>}
    </article>
  );
}
