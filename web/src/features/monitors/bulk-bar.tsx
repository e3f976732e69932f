import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { sdk } from "../../api/client.ts";
import type { paths } from "../../api/schema";
import { FormProblem } from "../../components/problem.tsx";
import { t, tn } from "../../i18n/index.ts";
import { chunks } from "./list-model.ts";
import { summaries } from "./summaries-store.ts";

type BulkAction =
  paths["/api/v1/monitors/bulk"]["post"]["requestBody"]["content"]["application/json"]["action"];
/** The server takes this many ids per request; larger selections go in chunks. */
const MAX_IDS = 500;

/**
 * Runs one action over the selection, 500 ids per request (each request is one transaction on
 * the server), and reports how many monitors changed.
 */
async function runBulk(ids: string[], action: BulkAction, progress: (done: number) => void) {
  let changed = 0;
  let unchanged = 0;
  let done = 0;
  for (const batch of chunks(ids, MAX_IDS)) {
    const res = await sdk.op.bulkChangeMonitors({ body: { ids: batch, action } });
    changed += res.changed.length;
    unchanged += res.unchanged.length;
    done += batch.length;
    progress(done);
  }
  return { changed, unchanged };
}

/** Bulk actions on the selected monitors; deleting asks first. */
export function BulkBar({ selected, onDone }: { selected: string[]; onDone: (clear: boolean) => void }) {
  const client = useQueryClient();
  const [tag, setTag] = useState("");
  const [channel, setChannel] = useState("");
  const [progress, setProgress] = useState(0);
  const [message, setMessage] = useState("");
  const dialog = useRef<HTMLDialogElement>(null);
  const channels = useQuery({
    queryKey: ["channels", "all"],
    queryFn: async () => await sdk.op.listChannels({ query: { limit: 200 } }),
    staleTime: 60_000,
  });
  const bulk = useMutation({
    mutationFn: (action: BulkAction) => runBulk(selected, action, setProgress),
    onMutate: () => {
      setProgress(0);
      setMessage("");
    },
    onSuccess: (res, action) => {
      setMessage(tn(`bulk.done.${action.type}`, res.changed, res));
      if (action.type === "delete") summaries.clear();
      onDone(action.type === "delete");
    },
    onSettled: () => void client.invalidateQueries({ queryKey: ["monitors"] }),
  });
  useEffect(() => {
    if (selected.length > 0) setMessage("");
  }, [selected.length]);
  const n = selected.length;
  const busy = bulk.isPending;
  return (
    <div className="bulk-area">
      {n > 0 && (
        <div role="toolbar" aria-label={t("bulk.toolbar")} className="bulk-bar card">
          <strong>{t("bulk.selected", { n })}</strong>
          <button type="button" disabled={busy} onClick={() => bulk.mutate({ type: "pause" })}>
            {t("bulk.pause")}
          </button>
          <button type="button" disabled={busy} onClick={() => bulk.mutate({ type: "resume" })}>
            {t("bulk.resume")}
          </button>
          <span className="bulk-group">
            <label>
              <span className="visually-hidden">{t("bulk.tag")}</span>
              <input
                value={tag}
                placeholder={t("bulk.tag")}
                onChange={(e) => setTag(e.target.value)}
                maxLength={50}
                size={10}
              />
            </label>
            <button
              type="button"
              disabled={busy || !tag.trim()}
              onClick={() => bulk.mutate({ type: "addTags", tags: [tag.trim()] })}
            >
              {t("bulk.addTag")}
            </button>
            <button
              type="button"
              disabled={busy || !tag.trim()}
              onClick={() => bulk.mutate({ type: "removeTags", tags: [tag.trim()] })}
            >
              {t("bulk.removeTag")}
            </button>
          </span>
          <span className="bulk-group">
            <label>
              <span className="visually-hidden">{t("bulk.channels")}</span>
              <select value={channel} onChange={(e) => setChannel(e.target.value)}>
                <option value="">
                  {channels.data?.items.length === 0 ? t("bulk.noChannels") : t("bulk.channels")}
                </option>
                {channels.data?.items.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              disabled={busy || !channel}
              onClick={() => bulk.mutate({ type: "addChannels", channelIds: [channel] })}
            >
              {t("bulk.addChannels")}
            </button>
            <button
              type="button"
              disabled={busy || !channel}
              onClick={() => bulk.mutate({ type: "removeChannels", channelIds: [channel] })}
            >
              {t("bulk.removeChannels")}
            </button>
          </span>
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={() => dialog.current?.showModal()}
          >
            {t("bulk.delete")}
          </button>
          <button type="button" disabled={busy} onClick={() => onDone(true)}>
            {t("bulk.clear")}
          </button>
        </div>
      )}
      <output aria-live="polite" className="bulk-status muted">
        {busy ? t("bulk.working", { done: progress, total: n }) : message}
      </output>
      {bulk.error && <FormProblem error={bulk.error} />}
      <dialog ref={dialog} className="card confirm-dialog" aria-labelledby="bulk-delete-title">
        <form method="dialog" className="stack">
          <h2 id="bulk-delete-title">{tn("bulk.confirmDelete.title", n)}</h2>
          <p>{t("bulk.confirmDelete.body")}</p>
          <div className="row">
            <button type="submit" value="cancel">
              {t("action.cancel")}
            </button>
            <button
              type="submit"
              value="delete"
              className="danger"
              onClick={() => bulk.mutate({ type: "delete" })}
            >
              {tn("bulk.confirmDelete.confirm", n)}
            </button>
          </div>
        </form>
      </dialog>
    </div>
  );
}
