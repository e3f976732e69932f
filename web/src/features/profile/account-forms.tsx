import { useState } from "react";
import { CopyField } from "../../components/copy-field.tsx";
import { Field } from "../../components/field.tsx";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { t } from "../../i18n/index.ts";
import { useChangeEmail, useChangePassword } from "./queries.ts";

/** A new password, given the current one (`POST /me/password`). */
export function PasswordSection() {
  const [currentPassword, setCurrent] = useState("");
  const [newPassword, setNew] = useState("");
  const change = useChangePassword();
  return (
    <form
      className="card stack"
      aria-labelledby="password-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        change.mutate(
          { currentPassword, newPassword },
          {
            onSuccess: () => {
              setCurrent("");
              setNew("");
            },
          },
        );
      }}
    >
      <h2 id="password-title">{t("profile.passwordTitle")}</h2>
      <FormProblem error={change.error} fields={["body.currentPassword", "body.newPassword"]} />
      <div className="row align-end">
        <Field
          label={t("profile.currentPassword")}
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={(e) => setCurrent(e.target.value)}
          error={fieldError(change.error, "body.currentPassword")}
        />
        <Field
          label={t("profile.newPassword")}
          type="password"
          autoComplete="new-password"
          value={newPassword}
          onChange={(e) => setNew(e.target.value)}
          error={fieldError(change.error, "body.newPassword")}
        />
        <button type="submit" disabled={change.isPending || !currentPassword || !newPassword}>
          {t("profile.changePassword")}
        </button>
      </div>
      <output aria-live="polite">{change.isSuccess ? t("profile.passwordChanged") : ""}</output>
    </form>
  );
}

/** A new email address, confirmed from the new inbox (`POST /me/email`). */
export function EmailSection({ email }: { email: string }) {
  const [newEmail, setNewEmail] = useState("");
  const [currentPassword, setCurrent] = useState("");
  const change = useChangeEmail();
  return (
    <form
      className="card stack"
      aria-labelledby="email-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        change.mutate({ newEmail, currentPassword }, { onSuccess: () => setCurrent("") });
      }}
    >
      <h2 id="email-title">{t("profile.emailTitle")}</h2>
      <p>{email}</p>
      <FormProblem error={change.error} fields={["body.newEmail", "body.currentPassword"]} />
      <div className="row align-end">
        <Field
          label={t("profile.newEmail")}
          type="email"
          autoComplete="email"
          value={newEmail}
          onChange={(e) => setNewEmail(e.target.value)}
          error={fieldError(change.error, "body.newEmail")}
        />
        <Field
          label={t("profile.currentPassword")}
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={(e) => setCurrent(e.target.value)}
          error={fieldError(change.error, "body.currentPassword")}
        />
        <button type="submit" disabled={change.isPending || !newEmail || !currentPassword}>
          {t("profile.changeEmail")}
        </button>
      </div>
      {change.data &&
        (change.data.confirmUrl ? (
          <div className="stack notice">
            <p>{t("profile.emailNoMail")}</p>
            <CopyField label={t("profile.emailLink")} value={change.data.confirmUrl} />
          </div>
        ) : (
          <p className="notice">{t("profile.emailSent", { email: newEmail })}</p>
        ))}
    </form>
  );
}
