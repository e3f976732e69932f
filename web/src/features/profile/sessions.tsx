import { FormProblem } from "../../components/problem.tsx";
import { t } from "../../i18n/index.ts";
import { deviceName } from "./device.ts";
import { useRevokeSession, useSessions } from "./queries.ts";

/** This account's sessions: where and when, this browser marked; any other can be signed out. */
export function SessionsSection() {
  const sessions = useSessions();
  const revoke = useRevokeSession();
  const items = sessions.data?.items ?? [];
  return (
    <section className="card stack" aria-labelledby="sessions-title">
      <h2 id="sessions-title">{t("profile.sessionsTitle")}</h2>
      <FormProblem error={revoke.error} />
      {sessions.isError ? (
        <p role="alert" className="form-error">
          {t("profile.sessionsFailed", { detail: sessions.error.message })}
        </p>
      ) : sessions.isPending ? (
        <div className="skeleton settings-skeleton" aria-busy="true">
          <span className="visually-hidden">{t("loading")}</span>
        </div>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t("profile.sessionDevice")}</th>
                <th scope="col">{t("profile.sessionIp")}</th>
                <th scope="col">{t("profile.sessionStarted")}</th>
                <th scope="col">{t("profile.sessionSeen")}</th>
                <th scope="col">{t("team.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => {
                const device = deviceName(s.userAgent) ?? t("profile.sessionUnknown");
                return (
                  <tr key={s.id}>
                    <td title={s.userAgent ?? undefined}>{device}</td>
                    <td>{s.ip ?? t("profile.sessionUnknown")}</td>
                    <td>{new Date(s.createdAt).toLocaleString()}</td>
                    <td>{new Date(s.lastSeenAt).toLocaleString()}</td>
                    <td>
                      {s.current ? (
                        <strong>{t("profile.sessionCurrent")}</strong>
                      ) : (
                        <button
                          type="button"
                          className="danger"
                          aria-label={t("profile.sessionRevokeNamed", { device })}
                          disabled={revoke.isPending}
                          onClick={() => revoke.mutate(s.id)}
                        >
                          {t("profile.sessionRevoke")}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
