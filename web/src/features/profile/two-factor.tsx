import { useState } from "react";
import { CopyField } from "../../components/copy-field.tsx";
import { Field } from "../../components/field.tsx";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { t } from "../../i18n/index.ts";
import { QrCode } from "./qr-code.tsx";
import { useConfirmTotp, useDisableTotp, useEnrollTotp, useNewRecoveryCodes } from "./queries.ts";

/** Recovery codes, shown once, until the person says they stored them. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  return (
    <div className="stack notice">
      <h3>{t("profile.recoveryTitle")}</h3>
      <p>{t("profile.recoveryHint")}</p>
      <CopyField label={t("profile.recoveryCodes")} value={codes.join("\n")} multiline />
      <div>
        <button type="button" className="primary" onClick={onDone}>
          {t("profile.recoveryDone")}
        </button>
      </div>
    </div>
  );
}

/**
 * The authenticator app: with the password, enrol (QR code and key), confirm with a first code,
 * then the recovery codes; once on, turn it off or make new recovery codes (password and code).
 */
export function TwoFactorSection({ enabled }: { enabled: boolean }) {
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [codes, setCodes] = useState<string[] | null>(null);
  const enroll = useEnrollTotp();
  const confirm = useConfirmTotp();
  const disable = useDisableTotp();
  const regenerate = useNewRecoveryCodes();
  const reset = () => {
    setPassword("");
    setCode("");
  };

  let body: React.ReactNode;
  if (codes) {
    body = <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />;
  } else if (!enabled && enroll.data) {
    const { uri, secret } = enroll.data;
    body = (
      <form
        className="stack"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          confirm.mutate(code, {
            onSuccess: (r) => {
              setCodes(r.recoveryCodes);
              enroll.reset();
              reset();
            },
          });
        }}
      >
        <p>{t("profile.mfaScan")}</p>
        <QrCode text={uri} label={t("profile.mfaQr")} />
        <CopyField label={t("profile.mfaSecret")} value={secret} />
        <FormProblem error={confirm.error} fields={["body.code"]} />
        <Field
          label={t("profile.mfaCode")}
          inputMode="numeric"
          autoComplete="one-time-code"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          error={fieldError(confirm.error, "body.code")}
        />
        <div>
          <button className="primary" type="submit" disabled={confirm.isPending || code.trim() === ""}>
            {t("profile.mfaConfirm")}
          </button>
        </div>
      </form>
    );
  } else if (!enabled) {
    body = (
      <form
        className="stack"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          enroll.mutate(password, { onSuccess: reset });
        }}
      >
        <FormProblem error={enroll.error} fields={["body.password"]} />
        <Field
          label={t("profile.currentPassword")}
          hint={t("profile.mfaStartHint")}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldError(enroll.error, "body.password")}
        />
        <div>
          <button className="primary" type="submit" disabled={enroll.isPending || password === ""}>
            {t("profile.mfaStart")}
          </button>
        </div>
      </form>
    );
  } else {
    const error = disable.error ?? regenerate.error;
    body = (
      <form className="stack" noValidate onSubmit={(e) => e.preventDefault()}>
        <p className="muted">{t("profile.mfaDisableHint")}</p>
        <FormProblem error={error} fields={["body.password", "body.code"]} />
        <div className="row align-end">
          <Field
            label={t("profile.currentPassword")}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={fieldError(error, "body.password")}
          />
          <Field
            label={t("profile.mfaCode")}
            inputMode="numeric"
            autoComplete="one-time-code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            error={fieldError(error, "body.code")}
          />
        </div>
        <div className="row">
          <button
            type="button"
            disabled={regenerate.isPending || !password || !code}
            onClick={() =>
              regenerate.mutate(
                { password, code },
                {
                  onSuccess: (r) => {
                    setCodes(r.recoveryCodes);
                    reset();
                  },
                },
              )
            }
          >
            {t("profile.recoveryNew")}
          </button>
          <button
            type="button"
            className="danger"
            disabled={disable.isPending || !password || !code}
            onClick={() => disable.mutate({ password, code }, { onSuccess: reset })}
          >
            {t("profile.mfaDisable")}
          </button>
        </div>
      </form>
    );
  }

  return (
    <section className="card stack" aria-labelledby="mfa-title">
      <h2 id="mfa-title">{t("profile.mfaTitle")}</h2>
      <p>{enabled ? t("profile.mfaOn") : t("profile.mfaOff")}</p>
      <output aria-live="polite">{disable.isSuccess && !enabled ? t("profile.mfaDisabled") : ""}</output>
      {body}
    </section>
  );
}
