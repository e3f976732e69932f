import { Link, useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import "./status-pages.css";
import { sdk } from "../../api/client.ts";
import { Field } from "../../components/field.tsx";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { formatAt } from "../incidents/format.ts";
import { type MessageKey, t } from "./messages.ts";
import { useStatusMutation, useStatusPages } from "./queries.ts";

/** A slug suggested from a title: lowercase words joined by single hyphens. */
export function slugFrom(title: string): string {
  return title
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
}

/** `/status-pages`: the organization's pages, and a form to create one (then its editor opens). */
export function StatusPagesPage() {
  const pages = useStatusPages();
  const navigate = useNavigate();
  const [title, setTitle] = useState("");
  const [slug, setSlug] = useState("");
  const [slugTouched, setSlugTouched] = useState(false);
  const create = useStatusMutation(
    async () => await sdk.op.createStatusPage({ body: { title: title.trim(), slug: slug.trim() } }),
  );
  return (
    <section className="stack">
      <h1>{t("sp.listTitle")}</h1>
      <form
        className="card stack"
        aria-labelledby="sp-create-title"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(undefined, {
            onSuccess: (page) => void navigate({ to: "/status-pages/$id", params: { id: page.id } }),
          });
        }}
      >
        <h2 id="sp-create-title">{t("sp.create")}</h2>
        <FormProblem error={create.error} fields={["body.title", "body.slug"]} />
        <div className="row sp-create-row">
          <Field
            label={t("sp.title")}
            value={title}
            onChange={(e) => {
              setTitle(e.target.value);
              if (!slugTouched) setSlug(slugFrom(e.target.value));
            }}
            error={fieldError(create.error, "body.title")}
          />
          <Field
            label={t("sp.slug")}
            value={slug}
            hint={t("sp.slugHint")}
            onChange={(e) => {
              setSlugTouched(true);
              setSlug(e.target.value.toLowerCase());
            }}
            error={fieldError(create.error, "body.slug")}
          />
          <button className="primary align-end" type="submit" disabled={create.isPending || !title.trim()}>
            {t("sp.createSubmit")}
          </button>
        </div>
      </form>
      {pages.isError ? (
        <p role="alert" className="form-error">
          {t("sp.loadFailed", { detail: pages.error.message })}
        </p>
      ) : pages.isPending ? (
        <div className="skeleton sp-skeleton" aria-busy="true">
          <span className="visually-hidden">{t("loading")}</span>
        </div>
      ) : pages.data.length === 0 ? (
        <p className="empty">{t("sp.empty")}</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t("sp.title")}</th>
                <th scope="col">{t("sp.address")}</th>
                <th scope="col">{t("sp.visibility")}</th>
                <th scope="col">{t("sp.componentCount")}</th>
                <th scope="col">{t("sp.updated")}</th>
              </tr>
            </thead>
            <tbody>
              {pages.data.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link to="/status-pages/$id" params={{ id: p.id }}>
                      {p.title}
                    </Link>
                  </td>
                  <td>
                    <a href={p.url} target="_blank" rel="noreferrer">
                      /status/{p.slug}
                    </a>
                  </td>
                  <td>{t(`sp.visibility.${p.visibility}` as MessageKey)}</td>
                  <td>{p.groups.reduce((n, g) => n + g.components.length, 0)}</td>
                  <td>{formatAt(p.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
