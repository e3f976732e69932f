import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { sdk } from "../../api/client.ts";
import { Field } from "../../components/field.tsx";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { t } from "../../i18n/index.ts";
import { useCreateOrganization, useDeleteOrganization, useRenameOrganization } from "./queries.ts";

/** Moves this session to another organization; everything on screen is read again. */
function useSwitchOrganization() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (organizationId: string) =>
      await sdk.op.switchOrganization({ body: { organizationId } }),
    onSuccess: () => client.resetQueries(),
  });
}

/** Rename (admins) and delete (owners, typing the name) the current organization. */
export function OrganizationSection({ name, myRole }: { name: string; myRole: string | undefined }) {
  const [newName, setNewName] = useState(name);
  const [confirm, setConfirm] = useState("");
  const rename = useRenameOrganization();
  const remove = useDeleteOrganization();
  const client = useQueryClient();
  const isAdmin = myRole === "admin" || myRole === "owner";

  return (
    <section className="card stack" aria-labelledby="org-title">
      <h2 id="org-title">{t("org.title")}</h2>
      {isAdmin ? (
        <form
          className="stack"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            rename.mutate(newName);
          }}
        >
          <FormProblem error={rename.error} fields={["body.name"]} />
          <div className="row align-end">
            <Field
              label={t("org.name")}
              value={newName}
              onChange={(e) => setNewName(e.target.value)}
              error={fieldError(rename.error, "body.name")}
            />
            <button type="submit" disabled={rename.isPending || newName === name}>
              {t("org.rename")}
            </button>
          </div>
          <output aria-live="polite">
            {rename.isSuccess ? t("org.renamed", { name: rename.data.name }) : ""}
          </output>
        </form>
      ) : (
        <p>{name}</p>
      )}
      {myRole === "owner" && (
        <form
          className="stack danger-zone"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            remove.mutate(confirm, { onSuccess: () => client.resetQueries() });
          }}
        >
          <h3>{t("org.deleteTitle")}</h3>
          <p>{t("org.deleteWarning", { name })}</p>
          <FormProblem error={remove.error} fields={["body.confirm"]} />
          <Field
            label={t("org.deleteConfirm", { name })}
            autoComplete="off"
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
            error={fieldError(remove.error, "body.confirm")}
          />
          <div>
            <button className="danger" type="submit" disabled={remove.isPending || confirm !== name}>
              {t("org.delete", { name })}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/** Creates another organization (the creator owns it) and offers to switch to it. */
export function NewOrganizationSection() {
  const [name, setName] = useState("");
  const create = useCreateOrganization();
  const switchTo = useSwitchOrganization();
  return (
    <section className="card stack" aria-labelledby="new-org-title">
      <h2 id="new-org-title">{t("org.createTitle")}</h2>
      <form
        className="stack"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(name, { onSuccess: () => setName("") });
        }}
      >
        <FormProblem error={create.error ?? switchTo.error} fields={["body.name"]} />
        <div className="row align-end">
          <Field
            label={t("org.name")}
            hint={t("org.createHint")}
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={fieldError(create.error, "body.name")}
          />
          <button className="primary" type="submit" disabled={create.isPending || name.trim() === ""}>
            {t("org.create")}
          </button>
        </div>
      </form>
      {create.data && (
        <div className="row notice">
          <span>{t("org.created", { name: create.data.name })}</span>
          <button type="button" onClick={() => switchTo.mutate(create.data.id)}>
            {t("org.switchTo", { name: create.data.name })}
          </button>
        </div>
      )}
    </section>
  );
}
