import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { sdk } from "../../api/client.ts";
import type { Monitor } from "../../app/session.ts";
import { FormProblem } from "../../components/problem.tsx";
import { t } from "../../i18n/index.ts";
import { CheckResultView } from "../monitor-form/check-result.tsx";
import { checkNow } from "../monitor-form/monitor-api.ts";
import { DrillReport } from "./drill-report.tsx";
import { ResultScreenshot } from "./result-screenshot.tsx";
import { SilenceForm } from "./silence-panel.tsx";

type Panel = "none" | "silence" | "delete";

/** What can be done to a monitor from its page; each result shows right under the buttons. */
export function DetailActions({ monitor }: { monitor: Monitor }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [panel, setPanel] = useState<Panel>("none");
  const id = monitor.id;
  const path = { path: { id } };
  const refresh = () => client.invalidateQueries({ queryKey: ["monitor", id] });

  const pause = useMutation({
    mutationFn: async () =>
      monitor.paused ? await sdk.op.resumeMonitor(path) : await sdk.op.pauseMonitor(path),
    onSuccess: () => {
      void refresh();
      void client.invalidateQueries({ queryKey: ["monitors"] });
    },
  });
  const check = useMutation({ mutationFn: () => checkNow(id), onSuccess: () => void refresh() });
  const drill = useMutation({
    mutationFn: async () => await sdk.op.runFireDrill(path),
  });
  const remove = useMutation({
    mutationFn: async () => {
      await sdk.op.deleteMonitor(path);
    },
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ["monitors"] });
      void navigate({ to: "/" });
    },
  });
  const error = pause.error ?? check.error ?? drill.error ?? remove.error;

  return (
    <section className="stack" aria-label={t("detail.actions")}>
      <div className="row detail-actions">
        <button type="button" onClick={() => check.mutate()} disabled={check.isPending || monitor.paused}>
          {check.isPending ? t("detail.checking") : t("detail.checkNow")}
        </button>
        <button type="button" onClick={() => pause.mutate()} disabled={pause.isPending}>
          {monitor.paused ? t("detail.resume") : t("detail.pause")}
        </button>
        <button
          type="button"
          aria-expanded={panel === "silence"}
          onClick={() => setPanel(panel === "silence" ? "none" : "silence")}
        >
          {t("detail.silence")}
        </button>
        <button type="button" onClick={() => drill.mutate()} disabled={drill.isPending}>
          {drill.isPending ? t("detail.drilling") : t("detail.drill")}
        </button>
        <Link className="button" to="/monitors/$id/edit" params={{ id }}>
          {t("detail.edit")}
        </Link>
        <Link className="button" to="/monitors/new" search={{ clone: id }}>
          {t("detail.clone")}
        </Link>
        <button
          type="button"
          className="danger"
          aria-expanded={panel === "delete"}
          onClick={() => setPanel(panel === "delete" ? "none" : "delete")}
        >
          {t("action.delete")}
        </button>
      </div>
      <FormProblem error={error} />
      {panel === "silence" && <SilenceForm monitorId={id} onDone={() => setPanel("none")} />}
      {panel === "delete" && (
        <div className="card stack" role="alertdialog" aria-labelledby="delete-title">
          <h2 id="delete-title">{t("detail.deleteTitle", { name: monitor.name })}</h2>
          <p>{t("detail.deleteText")}</p>
          <div className="row">
            <button
              type="button"
              className="danger"
              onClick={() => remove.mutate()}
              disabled={remove.isPending}
            >
              {t("detail.deleteConfirm")}
            </button>
            <button type="button" onClick={() => setPanel("none")}>
              {t("action.cancel")}
            </button>
          </div>
        </div>
      )}
      <div aria-live="polite" className="stack">
        {check.data && (
          <CheckResultView outcome={check.data} title={t("detail.checkResult")}>
            {check.data.screenshot && (
              <ResultScreenshot
                path={check.data.screenshot}
                at={new Date(check.data.at ?? Date.now()).toLocaleString()}
                shown
              />
            )}
          </CheckResultView>
        )}
        {drill.data && <DrillReport report={drill.data} />}
      </div>
    </section>
  );
}
