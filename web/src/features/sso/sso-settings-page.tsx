import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { ApiError, sdk } from "../../api/client.ts";
import { Field } from "../../components/field.tsx";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { t } from "../../i18n/index.ts";
import { RoleMapping } from "./role-mapping.tsx";
import { bodyOf, EMPTY_FORM, formOf, type SsoForm } from "./sso-form-model.ts";

const FIELDS = [
  "body.displayName",
  "body.issuer",
  "body.clientId",
  "body.clientSecret",
  "body.emailDomains",
  "body.scopes",
  "body.groupsClaim",
  "body.defaultRole",
];

/**
 * `/settings/sso`: the organization's OpenID Connect provider (GET/PUT/DELETE /sso/provider).
 * Saving asks the provider for its discovery document first; problems show beside their field.
 */
export function SsoSettingsPage() {
  const client = useQueryClient();
  const state = useQuery({
    queryKey: ["sso-provider"],
    queryFn: async () => await sdk.op.getSsoProvider(),
    retry: false,
  });
  const [form, setForm] = useState<SsoForm>(EMPTY_FORM);
  useEffect(() => {
    if (state.data) setForm(formOf(state.data.provider));
  }, [state.data]);
  const save = useMutation({
    mutationFn: async () => await sdk.op.saveSsoProvider({ body: bodyOf(form) }),
    onSuccess: (provider) =>
      client.setQueryData(["sso-provider"], { provider, redirectUri: provider.redirectUri }),
  });
  const remove = useMutation({
    mutationFn: async () => {
      await sdk.op.deleteSsoProvider();
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ["sso-provider"] }),
  });
  const set = <K extends keyof SsoForm>(key: K, value: SsoForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));

  if (state.isPending) {
    return (
      <section className="stack" aria-busy="true">
        <div className="skeleton" style={{ height: "2rem", width: "50%" }} />
        <div className="skeleton" style={{ height: "24rem" }} />
        <span className="visually-hidden">{t("loading")}</span>
      </section>
    );
  }
  if (state.isError) {
    const forbidden = state.error instanceof ApiError && state.error.status === 403;
    return (
      <section className="stack">
        <h1>{t("sso.settings.title")}</h1>
        <p role="alert">{forbidden ? t("sso.settings.forbidden") : state.error.message}</p>
      </section>
    );
  }
  const existing = state.data.provider;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const error = save.error;
  return (
    <form className="stack sso-settings" onSubmit={submit} noValidate>
      <h1>{t("sso.settings.title")}</h1>
      <p className="muted">{t("sso.settings.intro")}</p>
      {!existing && <p className="empty">{t("sso.settings.empty")}</p>}
      <div className="card stack">
        <span>{t("sso.settings.redirectUri")}</span>
        <code className="sso-redirect">{state.data.redirectUri}</code>
      </div>
      <FormProblem error={error} fields={FIELDS} />
      <div className="form-grid card">
        <Field
          label={t("sso.settings.displayName")}
          value={form.displayName}
          onChange={(e) => set("displayName", e.target.value)}
          error={fieldError(error, "body.displayName")}
          required
        />
        <Field
          label={t("sso.settings.issuer")}
          type="url"
          value={form.issuer}
          onChange={(e) => set("issuer", e.target.value)}
          error={fieldError(error, "body.issuer")}
          hint={t("sso.settings.issuerHint")}
          required
        />
        <Field
          label={t("sso.settings.clientId")}
          value={form.clientId}
          onChange={(e) => set("clientId", e.target.value)}
          error={fieldError(error, "body.clientId")}
          required
        />
        <Field
          label={t("sso.settings.clientSecret")}
          type="password"
          autoComplete="off"
          value={form.clientSecret}
          onChange={(e) => set("clientSecret", e.target.value)}
          error={fieldError(error, "body.clientSecret")}
          hint={existing ? t("sso.settings.clientSecretKeep") : undefined}
          required={!existing}
        />
        <Field
          label={t("sso.settings.emailDomains")}
          value={form.emailDomains}
          onChange={(e) => set("emailDomains", e.target.value)}
          error={domainError(error)}
          hint={t("sso.settings.emailDomainsHint")}
          required
        />
        <Field
          label={t("sso.settings.scopes")}
          value={form.scopes}
          onChange={(e) => set("scopes", e.target.value)}
          error={fieldError(error, "body.scopes")}
        />
        <Field
          label={t("sso.settings.groupsClaim")}
          value={form.groupsClaim}
          onChange={(e) => set("groupsClaim", e.target.value)}
          error={fieldError(error, "body.groupsClaim")}
        />
      </div>
      <RoleMapping
        rows={form.roleMapping}
        onChange={(rows) => set("roleMapping", rows)}
        defaultRole={form.defaultRole}
        onDefaultRole={(role) => set("defaultRole", role)}
        error={error}
      />
      <fieldset className="card stack">
        <legend className="visually-hidden">{t("sso.settings.title")}</legend>
        <label className="checkbox">
          <input type="checkbox" checked={form.jit} onChange={(e) => set("jit", e.target.checked)} />
          {t("sso.settings.jit")}
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={form.enforce}
            aria-describedby="sso-enforce-hint"
            onChange={(e) => set("enforce", e.target.checked)}
          />
          {t("sso.settings.enforce")}
        </label>
        <p id="sso-enforce-hint" className="muted">
          {t("sso.settings.enforceHint")}
        </p>
        <label className="checkbox">
          <input type="checkbox" checked={form.enabled} onChange={(e) => set("enabled", e.target.checked)} />
          {t("sso.settings.enabled")}
        </label>
      </fieldset>
      <div className="row form-actions">
        <button className="primary" type="submit" disabled={save.isPending}>
          {t("sso.settings.save")}
        </button>
        {save.isSuccess && !save.isPending && <span role="status">{t("sso.settings.saved")}</span>}
        {existing && (
          <button
            type="button"
            className="danger"
            disabled={remove.isPending}
            onClick={() => {
              if (window.confirm(t("sso.settings.removeConfirm"))) remove.mutate();
            }}
          >
            {t("sso.settings.remove")}
          </button>
        )}
      </div>
      <FormProblem error={remove.error} />
    </form>
  );
}

/** A domain's problem names its index (`body.emailDomains.1`); the one field shows the first. */
function domainError(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.errors.find((e) => e.path.startsWith("body.emailDomains"))?.message;
}
