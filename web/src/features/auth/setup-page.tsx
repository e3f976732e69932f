import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { useState } from "react";
import { sdk } from "../../api/client.ts";
import { Field } from "../../components/field.tsx";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { t } from "../../i18n/index.ts";
import { AuthCard, submitWith } from "./auth-card.tsx";
import { tokenFromPaste } from "./link-token.ts";
import { useSetupNeeded } from "./signed-out.tsx";

/**
 * First run (`/first-run`): the owner account and the first organization. The token printed by
 * the server at its first start proves that whoever fills this in runs the server; it comes from
 * the link (`?token=…`) or is pasted (the token alone or the whole link).
 */
export function SetupPage() {
  const navigate = useNavigate();
  const client = useQueryClient();
  const search = useSearch({ strict: false }) as { token?: string };
  const needed = useSetupNeeded();
  const [token, setToken] = useState(search.token ?? "");
  const [fromLink] = useState(Boolean(search.token));
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [organizationName, setOrganizationName] = useState("");
  const setup = useMutation({
    mutationFn: async () =>
      await sdk.op.setUp({
        body: {
          token: tokenFromPaste(token),
          email,
          password,
          organizationName,
          ...(name.trim() ? { name: name.trim() } : {}),
        },
      }),
    onSuccess: async () => {
      client.setQueryData(["setup"], false);
      await client.resetQueries({ queryKey: ["me"] });
      await navigate({ to: "/" });
    },
  });

  if (needed.isPending) {
    return (
      <AuthCard title={t("setup.title")}>
        <div className="skeleton" style={{ height: "20rem" }} aria-busy="true">
          {t("loading")}
        </div>
      </AuthCard>
    );
  }
  if (needed.data === false && !setup.isSuccess) {
    return (
      <AuthCard title={t("setup.title")}>
        <p>{t("setup.done")}</p>
        <Link to="/login" search={{ next: undefined }}>
          {t("auth.backToSignIn")}
        </Link>
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t("setup.title")} onSubmit={submitWith(() => setup.mutate())}>
      <p className="muted">{t("setup.intro")}</p>
      <FormProblem
        error={setup.error}
        fields={["body.token", "body.email", "body.name", "body.password", "body.organizationName"]}
      />
      {!fromLink || fieldError(setup.error, "body.token") ? (
        <Field
          label={t("setup.token")}
          hint={t("setup.tokenHint")}
          autoComplete="off"
          spellCheck={false}
          required
          value={token}
          onChange={(e) => setToken(e.target.value)}
          error={fieldError(setup.error, "body.token")}
        />
      ) : null}
      <Field
        label={t("setup.organizationName")}
        autoComplete="organization"
        required
        value={organizationName}
        onChange={(e) => setOrganizationName(e.target.value)}
        error={fieldError(setup.error, "body.organizationName")}
      />
      <Field
        label={t("setup.name")}
        autoComplete="name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={fieldError(setup.error, "body.name")}
      />
      <Field
        label={t("login.email")}
        type="email"
        autoComplete="username"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={fieldError(setup.error, "body.email")}
      />
      <Field
        label={t("login.password")}
        type="password"
        autoComplete="new-password"
        required
        hint={t("auth.passwordHint")}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={fieldError(setup.error, "body.password")}
      />
      <button className="primary" type="submit" disabled={setup.isPending}>
        {t("setup.submit")}
      </button>
    </AuthCard>
  );
}
