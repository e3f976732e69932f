import { useMutation } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { useState } from "react";
import { sdk } from "../../api/client.ts";
import { Field } from "../../components/field.tsx";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { t } from "../../i18n/index.ts";
import { AuthCard, submitWith } from "./auth-card.tsx";
import { useFragmentToken } from "./link-token.ts";

/** Asks for a reset link. The answer is the same whether or not the email has an account. */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState("");
  const ask = useMutation({
    mutationFn: async () => await sdk.op.requestPasswordReset({ body: { email } }),
  });
  if (ask.isSuccess) {
    return (
      <AuthCard title={t("forgot.title")}>
        <p role="status">{t("forgot.sent", { email })}</p>
        <SignInLink />
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t("forgot.title")} onSubmit={submitWith(() => ask.mutate())}>
      <p className="muted">{t("forgot.hint")}</p>
      <FormProblem error={ask.error} fields={["body.email"]} />
      <Field
        label={t("login.email")}
        type="email"
        autoComplete="username"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={fieldError(ask.error, "body.email")}
      />
      <button className="primary" type="submit" disabled={ask.isPending}>
        {t("forgot.submit")}
      </button>
      <SignInLink />
    </AuthCard>
  );
}

/** `/reset-password#token=…` from the reset mail: a new password, then sign in with it. */
export function ResetPasswordPage() {
  const token = useFragmentToken();
  const [password, setPassword] = useState("");
  const reset = useMutation({
    mutationFn: async () => await sdk.op.confirmPasswordReset({ body: { token: token ?? "", password } }),
  });
  if (!token) return <MissingToken title={t("reset.title")} />;
  if (reset.isSuccess) {
    return (
      <AuthCard title={t("reset.title")}>
        <p role="status">{t("reset.done")}</p>
        <SignInLink />
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t("reset.title")} onSubmit={submitWith(() => reset.mutate())}>
      <FormProblem error={reset.error} fields={["body.password"]} />
      <Field
        label={t("reset.password")}
        type="password"
        autoComplete="new-password"
        required
        hint={t("auth.passwordHint")}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={fieldError(reset.error, "body.password")}
      />
      <button className="primary" type="submit" disabled={reset.isPending}>
        {t("reset.submit")}
      </button>
    </AuthCard>
  );
}

/**
 * `/confirm-email#token=…` from the mail sent to the new address. A button, not an automatic
 * request: a mail scanner that opens the link does not spend it.
 */
export function ConfirmEmailPage() {
  const token = useFragmentToken();
  const confirm = useMutation({
    mutationFn: async () => await sdk.op.confirmEmailChange({ body: { token: token ?? "" } }),
  });
  if (!token) return <MissingToken title={t("confirmEmail.title")} />;
  if (confirm.isSuccess) {
    return (
      <AuthCard title={t("confirmEmail.title")}>
        <p role="status">{t("confirmEmail.done", { email: confirm.data.email })}</p>
        <SignInLink />
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t("confirmEmail.title")} onSubmit={submitWith(() => confirm.mutate())}>
      <p>{t("confirmEmail.hint")}</p>
      <FormProblem error={confirm.error} />
      <button className="primary" type="submit" disabled={confirm.isPending}>
        {t("confirmEmail.submit")}
      </button>
    </AuthCard>
  );
}

export function SignInLink() {
  return (
    <Link to="/login" search={{ next: undefined }}>
      {t("auth.backToSignIn")}
    </Link>
  );
}

/** A mail-link page opened without its token (copied partly, or opened twice). */
export function MissingToken({ title }: { title: string }) {
  return (
    <AuthCard title={title}>
      <p role="alert">{t("auth.missingToken")}</p>
      <SignInLink />
    </AuthCard>
  );
}
