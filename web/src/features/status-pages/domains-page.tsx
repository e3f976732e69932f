import { useParams } from "@tanstack/react-router";
import { useState } from "react";
import { sdk } from "../../api/client.ts";
import { Field } from "../../components/field.tsx";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { formatAt } from "../incidents/format.ts";
import type { StatusPage } from "./editor-model.ts";
import { t } from "./messages.ts";
import { PageFrame } from "./page-frame.tsx";
import { useDomains, useStatusMutation } from "./queries.ts";

/** `/status-pages/$id/domains`: claim a domain, the TXT record to create, verify, release. */
export function DomainsPage() {
  const { id } = useParams({ strict: false }) as { id: string };
  return <PageFrame id={id}>{(page) => <Domains page={page} />}</PageFrame>;
}

type Domain = NonNullable<ReturnType<typeof useDomains>["data"]>[number];

function Domains({ page }: { page: StatusPage }) {
  const list = useDomains(page.id);
  const [domain, setDomain] = useState("");
  const claim = useStatusMutation(
    async () => await sdk.op.addStatusPageDomain({ path: { id: page.id }, body: { domain: domain.trim() } }),
  );
  return (
    <div className="stack">
      <p className="muted">{t("sp.dom.intro")}</p>
      <form
        className="card row"
        aria-label={t("sp.dom.add")}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          claim.mutate(undefined, { onSuccess: () => setDomain("") });
        }}
      >
        <FormProblem error={claim.error} fields={["body.domain"]} />
        <Field
          label={t("sp.dom.domain")}
          value={domain}
          placeholder="status.example.com"
          onChange={(e) => setDomain(e.target.value)}
          error={fieldError(claim.error, "body.domain")}
        />
        <button type="submit" className="primary align-end" disabled={claim.isPending || !domain.trim()}>
          {t("sp.dom.add")}
        </button>
      </form>
      {list.isError ? (
        <p role="alert" className="form-error">
          {t("sp.loadFailed", { detail: list.error.message })}
        </p>
      ) : list.isPending ? (
        <div className="skeleton sp-skeleton" aria-busy="true">
          <span className="visually-hidden">{t("loading")}</span>
        </div>
      ) : list.data.length === 0 ? (
        <p className="empty">{t("sp.dom.empty")}</p>
      ) : (
        list.data.map((d) => <DomainCard key={d.domain} pageId={page.id} domain={d} />)
      )}
    </div>
  );
}

function DomainCard({ pageId, domain: d }: { pageId: string; domain: Domain }) {
  const path = { id: pageId, domain: d.domain };
  const verify = useStatusMutation(async () => await sdk.op.verifyStatusPageDomain({ path }));
  const release = useStatusMutation(async () => await sdk.op.removeStatusPageDomain({ path }));
  const headingId = `sp-dom-${d.domain}`;
  return (
    <article className="card stack" aria-labelledby={headingId}>
      <div className="row">
        <h2 id={headingId} className="grow">
          {d.domain}
        </h2>
        <span className={d.verified ? "pill pill-resolved" : "pill pill-open"}>
          {d.verified ? t("sp.dom.verified") : t("sp.dom.unverified")}
        </span>
      </div>
      <p>{t("sp.dom.record")}</p>
      <dl className="facts">
        <dt>{t("sp.dom.type")}</dt>
        <dd>
          <code>{d.verification.type}</code>
        </dd>
        <dt>{t("sp.dom.name")}</dt>
        <dd>
          <code className="sp-copyable">{d.verification.name}</code>
        </dd>
        <dt>{t("sp.dom.value")}</dt>
        <dd>
          <code className="sp-copyable">{d.verification.value}</code>
        </dd>
        <dt>{t("sp.dom.lastChecked")}</dt>
        <dd>{d.lastCheckedAt ? formatAt(d.lastCheckedAt) : t("sp.dom.never")}</dd>
      </dl>
      <div className="row">
        <button type="button" className="primary" disabled={verify.isPending} onClick={() => verify.mutate()}>
          {verify.isPending ? t("sp.dom.verifying") : t("sp.dom.verify")}
          <span className="visually-hidden"> {d.domain}</span>
        </button>
        <button
          type="button"
          className="danger"
          disabled={release.isPending}
          onClick={() => {
            if (window.confirm(t("sp.dom.releaseConfirm", { domain: d.domain }))) release.mutate();
          }}
        >
          {t("sp.dom.release")}
          <span className="visually-hidden"> {d.domain}</span>
        </button>
        <output aria-live="polite">{verify.isSuccess ? t("sp.dom.verifiedNow") : ""}</output>
      </div>
      <FormProblem error={verify.error ?? release.error} fields={["params.domain"]} />
    </article>
  );
}
