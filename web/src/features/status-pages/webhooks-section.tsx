import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { sdk } from "../../api/client.ts";
import { ConfirmButton } from "../../components/confirm-button.tsx";
import { CopyField } from "../../components/copy-field.tsx";
import { Field } from "../../components/field.tsx";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { formatAt } from "../incidents/format.ts";
import type { StatusPage } from "./editor-model.ts";
import { t } from "./messages.ts";
import { keys, useStatusMutation } from "./queries.ts";

/**
 * The page's webhook subscriptions: addresses that get its incident and maintenance notices as
 * signed JSON (Standard Webhooks). The signing secret is shown once, when one is added.
 */
export function WebhooksSection({ page }: { page: StatusPage }) {
  const list = useQuery({
    queryKey: keys.webhooks(page.id),
    queryFn: async () => (await sdk.op.listStatusPageWebhooks({ path: { id: page.id } })).items,
  });
  const [url, setUrl] = useState("");
  const [componentIds, setComponentIds] = useState<string[]>([]);
  const add = useStatusMutation(
    async () =>
      await sdk.op.createStatusPageWebhook({
        path: { id: page.id },
        body: { url: url.trim(), components: componentIds },
      }),
  );
  const remove = useStatusMutation(
    async (webhookId: string) => await sdk.op.deleteStatusPageWebhook({ path: { id: page.id, webhookId } }),
  );
  const components = page.groups.flatMap((g) => g.components);
  const names = new Map(components.map((c) => [c.monitorId, c.displayName]));
  const items = list.data ?? [];

  return (
    <section className="card stack" aria-labelledby="sp-webhooks-title">
      <h2 id="sp-webhooks-title">{t("sp.hooks.title")}</h2>
      <p className="muted">{t("sp.hooks.intro")}</p>
      {list.isError ? (
        <p role="alert" className="form-error">
          {t("sp.loadFailed", { detail: list.error.message })}
        </p>
      ) : list.isPending ? (
        <div className="skeleton sp-skeleton" aria-busy="true">
          <span className="visually-hidden">{t("loading")}</span>
        </div>
      ) : items.length === 0 ? (
        <p className="empty">{t("sp.hooks.empty")}</p>
      ) : (
        <ul className="plain-list stack">
          {items.map((w) => (
            <li key={w.id} className="row sp-webhook">
              <div className="grow">
                <code className="sp-webhook-url">{w.url}</code>
                <div className="muted">
                  {w.components.length === 0
                    ? t("sp.hooks.every")
                    : w.components.map((c) => names.get(c) ?? c).join(", ")}{" "}
                  · {t("sp.hooks.since", { at: formatAt(w.createdAt) })}
                </div>
              </div>
              <ConfirmButton
                label={t("sp.remove")}
                name={t("sp.hooks.removeNamed", { url: w.url })}
                question={t("sp.hooks.removeConfirm")}
                yes={t("sp.hooks.removeYes")}
                disabled={remove.isPending}
                onConfirm={() => remove.mutate(w.id)}
              />
            </li>
          ))}
        </ul>
      )}
      <FormProblem error={remove.error} />
      <form
        className="stack"
        noValidate
        aria-labelledby="sp-webhooks-add"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate(undefined, {
            onSuccess: () => {
              setUrl("");
              setComponentIds([]);
            },
          });
        }}
      >
        <h3 id="sp-webhooks-add">{t("sp.hooks.addTitle")}</h3>
        <FormProblem error={add.error} fields={["body.url", "body.components"]} />
        <Field
          label={t("sp.hooks.url")}
          type="url"
          inputMode="url"
          placeholder="https://"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          error={fieldError(add.error, "body.url")}
        />
        {components.length > 0 && (
          <fieldset className="sp-checks">
            <legend>{t("sp.hooks.components")}</legend>
            {components.map((c) => (
              <label key={c.monitorId} className="checkbox">
                <input
                  type="checkbox"
                  checked={componentIds.includes(c.monitorId)}
                  onChange={(e) =>
                    setComponentIds((ids) =>
                      e.target.checked ? [...ids, c.monitorId] : ids.filter((x) => x !== c.monitorId),
                    )
                  }
                />
                {c.displayName}
              </label>
            ))}
            {fieldError(add.error, "body.components") && (
              <span className="field-error">{fieldError(add.error, "body.components")}</span>
            )}
          </fieldset>
        )}
        <div>
          <button className="primary" type="submit" disabled={add.isPending || !url.trim()}>
            {t("sp.hooks.add")}
          </button>
        </div>
      </form>
      {add.data && (
        <div className="stack sp-secret-once" role="status">
          <p>{t("sp.hooks.secretOnce", { url: add.data.url })}</p>
          <CopyField label={t("sp.hooks.secret")} value={add.data.secret} />
        </div>
      )}
    </section>
  );
}
