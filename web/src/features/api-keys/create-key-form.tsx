import { useState } from "react";
import { Field } from "../../components/field.tsx";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { type MessageKey, t } from "../../i18n/index.ts";
import { useCreateApiKey } from "./queries.ts";
import { endOfDay, SCOPES, type Scope } from "./scopes.ts";

/**
 * A new key: a name, scopes from the documented list (the server refuses any beyond one's role,
 * beside the list) and an optional last day. The token goes to `onCreated`, to be shown once.
 */
export function CreateKeyForm({ onCreated }: { onCreated: (key: { name: string; token: string }) => void }) {
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>([]);
  const [expires, setExpires] = useState("");
  const create = useCreateApiKey();
  const scopesError = fieldError(create.error, "body.scopes");
  const toggle = (s: Scope, on: boolean) =>
    setScopes((now) => (on ? SCOPES.filter((x) => x === s || now.includes(x)) : now.filter((x) => x !== s)));

  return (
    <form
      className="card stack"
      aria-labelledby="new-key-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const expiresAt = endOfDay(expires);
        create.mutate(
          { name, scopes, ...(expiresAt ? { expiresAt } : {}) },
          {
            onSuccess: (key) => {
              onCreated({ name: key.name, token: key.token });
              setName("");
              setScopes([]);
              setExpires("");
            },
          },
        );
      }}
    >
      <h2 id="new-key-title">{t("keys.createTitle")}</h2>
      <FormProblem error={create.error} fields={["body.name", "body.scopes", "body.expiresAt"]} />
      <Field
        label={t("keys.name")}
        hint={t("keys.nameHint")}
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={fieldError(create.error, "body.name")}
      />
      <fieldset
        className="scope-list"
        aria-describedby={scopesError ? "scopes-error" : undefined}
        aria-invalid={scopesError ? true : undefined}
      >
        <legend>{t("keys.scopes")}</legend>
        {SCOPES.map((s) => (
          <label key={s} className="checkbox">
            <input
              type="checkbox"
              checked={scopes.includes(s)}
              onChange={(e) => toggle(s, e.target.checked)}
            />
            <span>
              <code>{s}</code> <span className="muted">{t(`scope.${s}` as MessageKey)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {scopesError && (
        <span id="scopes-error" className="field-error">
          {scopesError}
        </span>
      )}
      <Field
        label={t("keys.expires")}
        hint={t("keys.expiresHint")}
        type="date"
        value={expires}
        onChange={(e) => setExpires(e.target.value)}
        error={fieldError(create.error, "body.expiresAt")}
      />
      <div>
        <button
          className="primary"
          type="submit"
          disabled={create.isPending || !name.trim() || scopes.length === 0}
        >
          {t("keys.create")}
        </button>
      </div>
    </form>
  );
}
