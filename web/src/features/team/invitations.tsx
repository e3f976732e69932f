import { useState } from "react";
import { ConfirmButton } from "../../components/confirm-button.tsx";
import { CopyField } from "../../components/copy-field.tsx";
import { Field } from "../../components/field.tsx";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { type MessageKey, t } from "../../i18n/index.ts";
import {
  grantableRoles,
  type InvitationSent,
  type Role,
  useInvite,
  usePendingInvitations,
  useResendInvitation,
  useRevokeInvitation,
} from "./queries.ts";

/** What became of an invitation's link, in words; without SMTP, the link to pass on. */
export function SentNotice({ sent }: { sent: InvitationSent }) {
  if (sent.mail === "disabled" && sent.acceptUrl) {
    return (
      <div className="stack notice">
        <p>{t("teamInvite.noMail", { email: sent.email })}</p>
        <CopyField label={t("teamInvite.link")} value={sent.acceptUrl} />
      </div>
    );
  }
  return (
    <p className="notice">
      {sent.mail === "sent"
        ? t("teamInvite.sent", { email: sent.email })
        : t("teamInvite.mailFailed", { email: sent.email })}
    </p>
  );
}

/** Invite by email with a role (up to one's own), and the invitations still pending. */
export function InvitationsSection({ myRole }: { myRole: string | undefined }) {
  const roles = grantableRoles(myRole);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [sent, setSent] = useState<InvitationSent | null>(null);
  const invite = useInvite();
  const pending = usePendingInvitations(true);
  const resend = useResendInvitation();
  const revoke = useRevokeInvitation();
  const items = pending.data?.items ?? [];

  return (
    <section className="card stack" aria-labelledby="invite-title">
      <h2 id="invite-title">{t("teamInvite.title")}</h2>
      <form
        className="stack"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setSent(null);
          invite.mutate(
            { email, role },
            {
              onSuccess: (s) => {
                setSent(s);
                setEmail("");
              },
            },
          );
        }}
      >
        <FormProblem error={invite.error} fields={["body.email", "body.role"]} />
        <div className="row align-end">
          <Field
            label={t("teamInvite.email")}
            type="email"
            autoComplete="off"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={fieldError(invite.error, "body.email")}
          />
          <label>
            {t("teamInvite.role")}
            <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
          <button className="primary" type="submit" disabled={invite.isPending || email.trim() === ""}>
            {t("teamInvite.submit")}
          </button>
        </div>
      </form>
      {sent && <SentNotice sent={sent} />}

      <h3>{t("teamInvite.pending")}</h3>
      <FormProblem error={resend.error ?? revoke.error} />
      {resend.data && <SentNotice sent={resend.data} />}
      {pending.isPending ? (
        <div className="skeleton settings-skeleton" aria-busy="true">
          <span className="visually-hidden">{t("loading")}</span>
        </div>
      ) : items.length === 0 ? (
        <p className="empty">{t("teamInvite.none")}</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t("teamInvite.email")}</th>
                <th scope="col">{t("teamInvite.role")}</th>
                <th scope="col">{t("teamInvite.sentAt")}</th>
                <th scope="col">{t("teamInvite.expires")}</th>
                <th scope="col">{t("team.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.id}>
                  <td>{i.email}</td>
                  <td>{t(`role.${i.role}` as MessageKey)}</td>
                  <td>{new Date(i.createdAt).toLocaleString()}</td>
                  <td>{new Date(i.expiresAt).toLocaleString()}</td>
                  <td>
                    <div className="row">
                      <button
                        type="button"
                        aria-label={t("teamInvite.resendNamed", { email: i.email })}
                        disabled={resend.isPending}
                        onClick={() => resend.mutate(i.id)}
                      >
                        {t("teamInvite.resend")}
                      </button>
                      <ConfirmButton
                        label={t("teamInvite.revoke")}
                        name={`${t("teamInvite.revoke")}: ${i.email}`}
                        question={t("teamInvite.revokeConfirm", { email: i.email })}
                        yes={t("teamInvite.revokeYes")}
                        onConfirm={() => revoke.mutate(i.id)}
                      />
                    </div>
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
