import type { Monitor } from "../../app/session.ts";
import { CopyField } from "../../components/copy-field.tsx";
import { t } from "../../i18n/index.ts";
import { readablePingUrl, usePingKey } from "../team/ping-key.tsx";

/**
 * A heartbeat's ping URLs: its token URL, and the readable one (`/ping/{key}/{slug}`) when it has
 * a slug and the organization has a ping key (docs/heartbeats.md).
 */
export function HeartbeatUrls({ monitor }: { monitor: Monitor }) {
  const key = usePingKey();
  const heartbeat = (monitor as { heartbeat?: { token?: string; slug?: string } }).heartbeat;
  const origin = window.location.origin;
  const pingKey = key.data?.pingKey ?? null;
  return (
    <section className="card stack ping-urls" aria-labelledby="ping-urls-title">
      <h2 id="ping-urls-title">{t("detail.pingUrls")}</h2>
      {heartbeat?.token && (
        <CopyField label={t("detail.pingTokenUrl")} value={`${origin}/ping/${heartbeat.token}`} />
      )}
      {heartbeat?.slug && pingKey !== null && (
        <CopyField
          label={t("detail.pingReadableUrl")}
          value={readablePingUrl(pingKey, heartbeat.slug, origin)}
        />
      )}
      {heartbeat?.slug && key.data && pingKey === null && <p className="muted">{t("detail.pingNoKey")}</p>}
      {!heartbeat?.slug && <p className="muted">{t("detail.pingNoSlug")}</p>}
    </section>
  );
}
