import { useState } from "react";
import { sdk } from "../../api/client.ts";
import { Field } from "../../components/field.tsx";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { type MessageKey, t } from "./messages.ts";
import { type StatusIncident, useStatusMutation } from "./queries.ts";

type Impact = StatusIncident["impact"];
export const IMPACTS: Impact[] = ["none", "minor", "major", "critical"];

/**
 * Corrects a posted incident's title and impact in place (PATCH); the public page shows the
 * change at once. `onDone` closes the form after a save or a cancel.
 */
export function IncidentEditForm({
  pageId,
  incident: i,
  onDone,
}: {
  pageId: string;
  incident: StatusIncident;
  onDone: () => void;
}) {
  const [title, setTitle] = useState(i.title);
  const [impact, setImpact] = useState<Impact>(i.impact);
  const save = useStatusMutation(
    async () =>
      await sdk.op.updateStatusPageIncident({
        path: { id: pageId, incidentId: i.id },
        body: { title: title.trim(), impact },
      }),
  );
  return (
    <form
      className="stack sp-incident-edit"
      aria-label={t("sp.inc.editFor", { title: i.title })}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(undefined, { onSuccess: onDone });
      }}
    >
      <FormProblem error={save.error} fields={["body.title", "body.impact"]} />
      <div className="row">
        <Field
          label={t("sp.inc.editTitle")}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          error={fieldError(save.error, "body.title")}
        />
        <label>
          {t("sp.inc.impact")}
          <select value={impact} onChange={(e) => setImpact(e.target.value as Impact)}>
            {IMPACTS.map((x) => (
              <option key={x} value={x}>
                {t(`sp.impact.${x}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="row">
        <button className="primary" type="submit" disabled={save.isPending || !title.trim()}>
          {t("sp.inc.editSave")}
        </button>
        <button type="button" onClick={onDone}>
          {t("sp.inc.editCancel")}
        </button>
      </div>
    </form>
  );
}
