import { useState } from "react";
import { currentRole, useMe } from "../../app/session.ts";
import { ConfirmButton } from "../../components/confirm-button.tsx";
import { CopyField } from "../../components/copy-field.tsx";
import { FormProblem } from "../../components/problem.tsx";
import { type MessageKey, t } from "../../i18n/index.ts";
import { CreateKeyForm } from "./create-key-form.tsx";
import { type ApiKey, useApiKeyPages, useRevokeApiKey, useRotateApiKey } from "./queries.ts";

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : t("keys.never"));

/** `/settings/api-keys`: make a key (shown once), and the organization's keys to rotate or revoke. */
export function ApiKeysPage() {
  const me = useMe();
  const role = me.data ? currentRole(me.data) : undefined;
  const isAdmin = role === "admin" || role === "owner";
  const [shown, setShown] = useState<{ name: string; token: string } | null>(null);
  const pages = useApiKeyPages(isAdmin);
  const rotate = useRotateApiKey();
  const revoke = useRevokeApiKey();
  const keys = pages.data?.pages.flatMap((p) => p.items) ?? [];

  if (!me.data) return <p className="muted">{t("loading")}</p>;
  return (
    <section className="stack settings-page">
      <h1>{t("keys.title")}</h1>
      <p className="muted">{t("keys.intro")}</p>
      {!isAdmin ? (
        <p className="empty">{t("keys.adminOnly")}</p>
      ) : (
        <>
          {shown ? (
            <section className="card stack notice" aria-labelledby="token-title">
              <h2 id="token-title">{t("keys.tokenTitle")}</h2>
              <p>{t("keys.tokenHint")}</p>
              <CopyField label={t("keys.token", { name: shown.name })} value={shown.token} />
              <div>
                <button type="button" className="primary" onClick={() => setShown(null)}>
                  {t("keys.tokenDone")}
                </button>
              </div>
            </section>
          ) : (
            <CreateKeyForm onCreated={setShown} />
          )}
          <section className="card stack" aria-labelledby="keys-title">
            <h2 id="keys-title">{t("keys.list")}</h2>
            <FormProblem error={rotate.error ?? revoke.error} />
            {pages.isError ? (
              <p role="alert" className="form-error">
                {t("keys.loadFailed", { detail: pages.error.message })}
              </p>
            ) : pages.isPending ? (
              <div className="skeleton settings-skeleton" aria-busy="true">
                <span className="visually-hidden">{t("loading")}</span>
              </div>
            ) : keys.length === 0 ? (
              <p className="empty">{t("keys.none")}</p>
            ) : (
              <KeysTable
                keys={keys}
                onRotate={(k) =>
                  rotate.mutate(k.id, { onSuccess: (n) => setShown({ name: n.name, token: n.token }) })
                }
                onRevoke={(k) => revoke.mutate(k.id)}
              />
            )}
            {pages.hasNextPage && (
              <div>
                <button
                  type="button"
                  disabled={pages.isFetchingNextPage}
                  onClick={() => void pages.fetchNextPage()}
                >
                  {t("keys.loadMore")}
                </button>
              </div>
            )}
          </section>
        </>
      )}
    </section>
  );
}

function KeysTable({
  keys,
  onRotate,
  onRevoke,
}: {
  keys: ApiKey[];
  onRotate: (k: ApiKey) => void;
  onRevoke: (k: ApiKey) => void;
}) {
  return (
    <div className="table-scroll">
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">{t("keys.name")}</th>
            <th scope="col">{t("keys.prefix")}</th>
            <th scope="col">{t("keys.scopes")}</th>
            <th scope="col">{t("keys.createdBy")}</th>
            <th scope="col">{t("keys.lastUsed")}</th>
            <th scope="col">{t("keys.expiresCol")}</th>
            <th scope="col">{t("keys.status")}</th>
            <th scope="col">{t("team.actions")}</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id}>
              <td>{k.name}</td>
              <td>
                <code>{k.prefix}…</code>
              </td>
              <td>{k.scopes.join(", ")}</td>
              <td>{t("keys.createdByAt", { email: k.createdBy.email, at: when(k.createdAt) })}</td>
              <td>
                {k.lastUsedAt && k.lastUsedIp
                  ? t("keys.lastUsedFrom", { at: when(k.lastUsedAt), ip: k.lastUsedIp })
                  : when(k.lastUsedAt)}
              </td>
              <td>{when(k.expiresAt)}</td>
              <td>{t(`keys.status.${k.status}` as MessageKey)}</td>
              <td>
                {k.status === "active" && (
                  <div className="row">
                    <ConfirmButton
                      danger={false}
                      label={t("keys.rotate")}
                      name={`${t("keys.rotate")}: ${k.name}`}
                      question={t("keys.rotateConfirm", { name: k.name })}
                      yes={t("keys.rotateYes")}
                      onConfirm={() => onRotate(k)}
                    />
                    <ConfirmButton
                      label={t("keys.revoke")}
                      name={`${t("keys.revoke")}: ${k.name}`}
                      question={t("keys.revokeConfirm", { name: k.name })}
                      yes={t("keys.revokeYes")}
                      onConfirm={() => onRevoke(k)}
                    />
                  </div>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
