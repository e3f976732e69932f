import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { sdk } from "../../api/client.ts";
import { Field } from "../../components/field.tsx";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { t } from "../../i18n/index.ts";

export function useSilence(monitorId: string) {
  return useQuery({
    queryKey: ["monitor", monitorId, "silence"],
    queryFn: async () => (await sdk.op.getMonitorSilence({ path: { id: monitorId } })).silence,
  });
}

/** Silence the monitor's alerts with a reason, for some hours or until it recovers. */
export function SilenceForm({ monitorId, onDone }: { monitorId: string; onDone: () => void }) {
  const client = useQueryClient();
  const [reason, setReason] = useState("");
  const [mode, setMode] = useState<"hours" | "recovery">("hours");
  const [hours, setHours] = useState("2");
  const silence = useMutation({
    mutationFn: async () => {
      const h = Number(hours);
      const body =
        mode === "recovery"
          ? { reason, untilRecovery: true }
          : { reason, until: new Date(Date.now() + (Number.isFinite(h) ? h : 0) * 3_600_000).toISOString() };
      return await sdk.op.silenceMonitor({ path: { id: monitorId }, body });
    },
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ["monitor", monitorId, "silence"] });
      onDone();
    },
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    silence.mutate();
  };
  return (
    <form className="card stack" onSubmit={onSubmit} aria-labelledby="silence-title">
      <h2 id="silence-title">{t("silence.title")}</h2>
      <p className="muted">{t("silence.hint")}</p>
      <FormProblem error={silence.error} fields={["body.reason", "body.until"]} />
      <Field
        label={t("silence.reason")}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        error={fieldError(silence.error, "body.reason")}
        required
      />
      <fieldset className="row">
        <legend>{t("silence.until")}</legend>
        <label className="checkbox">
          <input
            type="radio"
            name="silence-mode"
            checked={mode === "hours"}
            onChange={() => setMode("hours")}
          />
          {t("silence.forHours")}
        </label>
        <label className="checkbox">
          <input
            type="radio"
            name="silence-mode"
            checked={mode === "recovery"}
            onChange={() => setMode("recovery")}
          />
          {t("silence.untilRecovery")}
        </label>
      </fieldset>
      {mode === "hours" && (
        <Field
          label={t("silence.hours")}
          inputMode="decimal"
          value={hours}
          onChange={(e) => setHours(e.target.value)}
          error={fieldError(silence.error, "body.until")}
        />
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={silence.isPending}>
          {t("silence.submit")}
        </button>
        <button type="button" onClick={onDone}>
          {t("action.cancel")}
        </button>
      </div>
    </form>
  );
}

/** The silence in force, with a button to end it. */
export function SilenceState({ monitorId }: { monitorId: string }) {
  const client = useQueryClient();
  const silence = useSilence(monitorId);
  const end = useMutation({
    mutationFn: async () => {
      await sdk.op.endMonitorSilence({ path: { id: monitorId } });
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ["monitor", monitorId, "silence"] }),
  });
  const s = silence.data;
  if (!s) return <p className="muted">{t("silence.none")}</p>;
  return (
    <div className="stack">
      <p>
        <strong>{t("silence.active")}</strong>{" "}
        {s.untilRecovery
          ? t("silence.activeUntilRecovery", { reason: s.reason })
          : t("silence.activeUntil", { reason: s.reason, until: new Date(s.until ?? "").toLocaleString() })}
      </p>
      <div>
        <button type="button" onClick={() => end.mutate()} disabled={end.isPending}>
          {t("silence.end")}
        </button>
      </div>
      <FormProblem error={end.error} />
    </div>
  );
}
