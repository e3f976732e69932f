import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { sdk } from "../../api/client.ts";
import { Field } from "../../components/field.tsx";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { t } from "../../i18n/index.ts";
import { MFA_TOKEN_KEY, NEXT_KEY, safeNext } from "./link-token.ts";
import { SsoRefusal, SsoSignIn } from "./sso-sign-in.tsx";

/**
 * Email and password; a second factor continues on /login/mfa with the token in this tab's storage.
 * Below, single sign-on for the email's domain; a refused SSO attempt comes back as ?sso=<reason>.
 */
export function LoginPage() {
  const navigate = useNavigate();
  const client = useQueryClient();
  const search = useSearch({ strict: false }) as { next?: string; sso?: string };
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const login = useMutation({
    mutationFn: async () => await sdk.op.logIn({ body: { email, password } }),
    onSuccess: async (answer) => {
      if ("mfaRequired" in answer && answer.mfaRequired) {
        sessionStorage.setItem(MFA_TOKEN_KEY, String((answer as { mfaToken: string }).mfaToken));
        sessionStorage.setItem(NEXT_KEY, safeNext(search.next));
        await navigate({ to: "/login/mfa" });
        return;
      }
      await client.invalidateQueries({ queryKey: ["me"] });
      await navigate({ to: safeNext(search.next) });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate();
  };
  return (
    <main className="auth-page" id="main">
      <form className="card stack" onSubmit={submit} noValidate>
        <h1>{t("login.title")}</h1>
        <SsoRefusal reason={search.sso} />
        <FormProblem error={login.error} fields={["body.email", "body.password"]} />
        <Field
          label={t("login.email")}
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fieldError(login.error, "body.email")}
        />
        <Field
          label={t("login.password")}
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldError(login.error, "body.password")}
        />
        <button className="primary" type="submit" disabled={login.isPending}>
          {t("login.submit")}
        </button>
        <Link to="/forgot-password">{t("login.forgot")}</Link>
        <SsoSignIn email={email} />
      </form>
    </main>
  );
}
