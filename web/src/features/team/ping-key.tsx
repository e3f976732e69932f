import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { sdk } from "../../api/client.ts";
import { ConfirmButton } from "../../components/confirm-button.tsx";
import { CopyField } from "../../components/copy-field.tsx";
import { FormProblem } from "../../components/problem.tsx";
import { t } from "../../i18n/index.ts";

export const PING_KEY_QUERY = ["ping-key"] as const;

/** The organization's heartbeat ping key (`GET /ping-key`; null until one is made). */
export function usePingKey() {
  return useQuery({
    queryKey: PING_KEY_QUERY,
    queryFn: async () => await sdk.op.getPingKey(),
  });
}

/** A readable ping URL on this server: `/ping/{key}/{slug}` (docs/heartbeats.md). */
export function readablePingUrl(key: string, slug: string, origin = window.location.origin): string {
  return `${origin}/ping/${key}/${slug}`;
}

/**
 * The ping key for readable heartbeat URLs (`/ping/{key}/{slug}`): shown to everyone who may
 * read monitors, made or replaced (after a confirmation: the old URLs stop at once) by those who
 * may change them.
 */
export function PingKeySection({ canWrite }: { canWrite: boolean }) {
  const key = usePingKey();
  const client = useQueryClient();
  const rotate = useMutation({
    mutationFn: async () => await sdk.op.rotatePingKey(),
    onSuccess: (data) => client.setQueryData(PING_KEY_QUERY, data),
  });
  const current = key.data?.pingKey ?? null;
  return (
    <section className="card stack" aria-labelledby="ping-key-title">
      <h2 id="ping-key-title">{t("pingKey.title")}</h2>
      <p>{t("pingKey.intro")}</p>
      {key.error && <FormProblem error={key.error} />}
      <FormProblem error={rotate.error} />
      {key.isPending && <div className="skeleton" style={{ height: 40 }} aria-busy="true" />}
      {key.data && current === null && <p className="muted">{t("pingKey.none")}</p>}
      {current !== null && (
        <>
          <CopyField label={t("pingKey.key")} value={current} />
          <CopyField label={t("pingKey.pattern")} value={readablePingUrl(current, "{slug}")} />
          {key.data?.createdAt && (
            <p className="muted">
              {t("pingKey.createdAt", { at: new Date(key.data.createdAt).toLocaleString() })}
            </p>
          )}
        </>
      )}
      {canWrite && key.data && (
        <div className="row">
          {current === null ? (
            <button
              type="button"
              className="primary"
              disabled={rotate.isPending}
              onClick={() => rotate.mutate()}
            >
              {t("pingKey.create")}
            </button>
          ) : (
            <ConfirmButton
              label={t("pingKey.rotate")}
              question={t("pingKey.rotateQuestion")}
              yes={t("pingKey.rotateYes")}
              disabled={rotate.isPending}
              onConfirm={() => rotate.mutate()}
            />
          )}
          <output aria-live="polite">{rotate.isSuccess ? t("pingKey.rotated") : ""}</output>
        </div>
      )}
    </section>
  );
}
