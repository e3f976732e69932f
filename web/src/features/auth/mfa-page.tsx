import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { sdk } from "../../api/client.ts";
import { Field } from "../../components/field.tsx";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { t } from "../../i18n/index.ts";
import { AuthCard, submitWith } from "./auth-card.tsx";
import { MFA_TOKEN_KEY, NEXT_KEY, safeNext } from "./link-token.ts";

/**
 * The second step of signing in: the 6-digit code from the authenticator app, or one of the
 * recovery codes. The `mfaToken` from the password step waits in sessionStorage (this tab only).
 */
export function MfaPage() {
  const navigate = useNavigate();
  const client = useQueryClient();
  const [mfaToken] = useState(() => sessionStorage.getItem(MFA_TOKEN_KEY));
  const [recovery, setRecovery] = useState(false);
  const [code, setCode] = useState("");
  const verify = useMutation({
    mutationFn: async () => {
      const body = recovery
        ? { mfaToken: mfaToken ?? "", recoveryCode: code.trim() }
        : { mfaToken: mfaToken ?? "", code: code.replace(/\s/g, "") };
      return await sdk.op.completeMfa({ body });
    },
    onSuccess: async () => {
      sessionStorage.removeItem(MFA_TOKEN_KEY);
      const next = safeNext(sessionStorage.getItem(NEXT_KEY) ?? undefined);
      sessionStorage.removeItem(NEXT_KEY);
      await client.invalidateQueries({ queryKey: ["me"] });
      await navigate({ to: next });
    },
  });

  if (!mfaToken) {
    return (
      <AuthCard title={t("mfa.title")}>
        <p>{t("mfa.expired")}</p>
        <Link to="/login" search={{ next: undefined }}>
          {t("auth.backToSignIn")}
        </Link>
      </AuthCard>
    );
  }
  const field = recovery ? "recoveryCode" : "code";
  return (
    <AuthCard title={t("mfa.title")} onSubmit={submitWith(() => verify.mutate())}>
      <p className="muted">{recovery ? t("mfa.recoveryHint") : t("mfa.codeHint")}</p>
      <FormProblem error={verify.error} fields={[`body.${field}`, "body.mfaToken"]} />
      <Field
        key={field}
        label={recovery ? t("mfa.recoveryCode") : t("mfa.code")}
        autoComplete="one-time-code"
        inputMode={recovery ? "text" : "numeric"}
        autoCapitalize="none"
        spellCheck={false}
        required
        autoFocus
        value={code}
        onChange={(e) => setCode(e.target.value)}
        error={fieldError(verify.error, `body.${field}`)}
      />
      <button className="primary" type="submit" disabled={verify.isPending || code.trim() === ""}>
        {t("mfa.submit")}
      </button>
      <button
        type="button"
        className="link-button"
        onClick={() => {
          setRecovery(!recovery);
          setCode("");
          verify.reset();
        }}
      >
        {recovery ? t("mfa.useCode") : t("mfa.useRecovery")}
      </button>
      <Link to="/login" search={{ next: undefined }}>
        {t("auth.backToSignIn")}
      </Link>
    </AuthCard>
  );
}
