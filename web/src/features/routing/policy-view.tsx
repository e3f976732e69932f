import { t } from "../../i18n/index.ts";
import { type ChannelLike, describePolicy, type RuleLike } from "./policy.ts";
import "../channels/messages.ts";

/**
 * A rule as a readable policy: who is covered, then each trigger → channels, what acknowledging
 * does, and warnings for routes the server would not follow. `live` announces changes politely.
 */
export function PolicyView({
  rule,
  channels,
  live = false,
}: {
  rule: RuleLike;
  channels: ChannelLike[];
  live?: boolean;
}) {
  const policy = describePolicy(rule, channels);
  return (
    <div className="policy" aria-live={live ? "polite" : undefined}>
      <p className="policy-scope">
        {!rule.enabled && <span className="pill pill-off">{t("policy.paused")}</span>} {policy.scope}
      </p>
      {policy.steps.length === 0 ? (
        <p className="muted">{t("policy.nothing")}</p>
      ) : (
        <ol className="policy-steps">
          {policy.steps.map((s) => (
            <li key={`${s.kind}-${s.trigger}`} className={`policy-${s.kind}`}>
              <span className="policy-trigger">{s.trigger}</span>
              <span aria-hidden="true"> → </span>
              <span className="visually-hidden"> {t("policy.to")} </span>
              <span className="policy-channels">{s.channels.join(", ")}</span>
            </li>
          ))}
        </ol>
      )}
      {policy.acknowledgement && <p className="muted">{policy.acknowledgement}</p>}
      {policy.warnings.length > 0 && (
        <ul className="policy-warnings">
          {policy.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
