import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { sdk } from "../../api/client.ts";
import { t } from "../../i18n/index.ts";
import { rowProblems } from "./assertion-model.ts";
import { CheckResultView } from "./check-result.tsx";
import { type FormState, toRequestBody } from "./form-model.ts";
import { setMonitorChannels, testDefinition } from "./monitor-api.ts";
import { MonitorFields } from "./monitor-fields.tsx";

interface Props {
  initial: FormState;
  /** Editing this monitor (PATCH); without it the form creates one. */
  monitorId?: string | undefined;
  /** The channels assigned when the form opened (editing), to send only a change. */
  initialChannels?: string[];
  onSaved: (id: string) => void;
  onCancel: () => void;
}

/** Create or edit a monitor of any type; "Test" runs one check of what is typed, before saving. */
export function MonitorForm({ initial, monitorId, initialChannels = [], onSaved, onCancel }: Props) {
  const client = useQueryClient();
  const [s, setState] = useState<FormState>(initial);
  const [tried, setTried] = useState(false);
  const [lastError, setLastError] = useState<unknown>(null);
  const set = (patch: Partial<FormState>) => setState((prev) => ({ ...prev, ...patch }));
  const editing = monitorId !== undefined;

  const save = useMutation({
    mutationFn: async (state: FormState) => {
      const body = toRequestBody(state, editing);
      const saved = editing
        ? await sdk.op.updateMonitor({ path: { id: monitorId }, body })
        : await sdk.op.createMonitor({ body: body as never });
      const sameChannels =
        state.channelIds.length === initialChannels.length &&
        state.channelIds.every((c) => initialChannels.includes(c));
      if (!sameChannels) await setMonitorChannels(saved.id, state.channelIds);
      return saved;
    },
    onMutate: () => setLastError(null),
    onError: setLastError,
    onSuccess: async (saved) => {
      await client.invalidateQueries({ queryKey: ["monitors"] });
      await client.invalidateQueries({ queryKey: ["monitor", saved.id] });
      onSaved(saved.id);
    },
  });
  const test = useMutation({
    // Editing: credentials not retyped are left out (the stored ones are write-only).
    mutationFn: (state: FormState) => testDefinition(toRequestBody(state, editing)),
    onMutate: () => setLastError(null),
    onError: setLastError,
  });

  const clientProblems = () => s.assertions.some((row) => Object.keys(rowProblems(row)).length > 0);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!clientProblems()) save.mutate(s);
  };
  const onTest = () => {
    setTried(true);
    if (!clientProblems()) test.mutate(s);
  };
  const busy = save.isPending || test.isPending;

  return (
    <form className="monitor-form stack" onSubmit={onSubmit} noValidate>
      <MonitorFields state={s} onChange={set} error={lastError} showProblems={tried} monitorId={monitorId} />
      <div className="row form-actions">
        <button type="button" onClick={onTest} disabled={busy}>
          {test.isPending ? t("monitorForm.testing") : t("monitorForm.test")}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {save.isPending ? t("monitorForm.saving") : editing ? t("action.save") : t("monitorForm.create")}
        </button>
        <button type="button" onClick={onCancel}>
          {t("action.cancel")}
        </button>
      </div>
      <div aria-live="polite">
        {test.data && !test.isPending && (
          <CheckResultView outcome={test.data} title={t("monitorForm.testResult")} />
        )}
      </div>
    </form>
  );
}
