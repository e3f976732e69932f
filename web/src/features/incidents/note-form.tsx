import { useId, useState } from "react";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { t } from "../../i18n/index.ts";

/** A labelled markdown textarea with the API's message for `path` beside it. */
export function MarkdownField({
  label,
  hint,
  value,
  onChange,
  error,
}: {
  label: string;
  hint: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={5}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ""}`}
      />
      <span id={`${id}-hint`} className="muted">
        {hint}
      </span>
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}

/**
 * Adds a markdown note to the incident's timeline (`POST /incidents/{id}/notes`); the text stays
 * until the server took it, and is cleared then.
 */
export function NoteForm({
  onAdd,
  pending,
  error,
}: {
  onAdd: (body: string) => Promise<unknown>;
  pending: boolean;
  error: unknown;
}) {
  const [body, setBody] = useState("");
  return (
    <form
      className="stack"
      aria-label={t("note.title")}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onAdd(body).then(
          () => setBody(""),
          () => {},
        );
      }}
    >
      <h2>{t("note.title")}</h2>
      <FormProblem error={error} fields={["body.body"]} />
      <MarkdownField
        label={t("note.body")}
        hint={t("note.hint")}
        value={body}
        onChange={setBody}
        error={fieldError(error, "body.body")}
      />
      <div>
        <button className="primary" type="submit" disabled={pending || body.trim() === ""}>
          {t("note.submit")}
        </button>
      </div>
    </form>
  );
}
