import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { ApiError, sdk } from "../../api/client.ts";
import { currentRole, useMe } from "../../app/session.ts";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { StateBadge } from "../../components/state-badge.tsx";
import { type MessageKey, t, tn } from "../../i18n/index.ts";
import { knownTags, type Monitor } from "../monitors/list-model.ts";
import { useMonitorList } from "../monitors/use-monitor-list.ts";
import { graphNodes, layeredLayout, NODE_H, NODE_W } from "./layout.ts";

const PAD = 16;

/**
 * The dependency map: monitors and their parents as a layered graph, coloured by state, live
 * (the list cache is patched by SSE); an affected dependent is drawn faded behind a failing
 * parent's red edge. Select a monitor to add or remove its parents (PATCH /monitors/{id}); the
 * server refuses cycles and the map shows its problem.
 */
export default function MapPage() {
  const me = useMe();
  const canWrite = me.data ? currentRole(me.data) !== "viewer" : false;
  const [tag, setTag] = useState("");
  const [selectedId, setSelectedId] = useState("");
  const { list, monitors } = useMonitorList({}, true);
  const byId = useMemo(() => new Map(monitors.map((m) => [m.id, m])), [monitors]);
  const nodes = useMemo(() => graphNodes(monitors, tag || undefined), [monitors, tag]);
  const { placed, width, height } = useMemo(() => layeredLayout(nodes), [nodes]);
  const tags = useMemo(() => knownTags(monitors), [monitors]);
  const selected = byId.get(selectedId);

  return (
    <section className="map-page">
      <h1>{t("map.title")}</h1>
      <p className="muted">{t("map.help")}</p>
      <div className="row list-filters">
        <label>
          {t("map.filterTag")}
          <select value={tag} onChange={(e) => setTag(e.target.value)}>
            <option value="">{t("monitors.filter.any")}</option>
            {tags.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("map.pick")}
          <select value={selectedId} onChange={(e) => setSelectedId(e.target.value)}>
            <option value="">{t("map.pickNone")}</option>
            {monitors.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {list.isError && <FormProblem error={list.error} />}
      <div className="map-layout">
        <div className="map-canvas card" data-testid="map">
          {list.isPending ? (
            <div className="skeleton" style={{ height: 240 }} />
          ) : nodes.length === 0 ? (
            <p className="empty">{t("map.empty")}</p>
          ) : (
            <svg
              width={width + 2 * PAD}
              height={height + 2 * PAD}
              viewBox={`${-PAD} ${-PAD} ${width + 2 * PAD} ${height + 2 * PAD}`}
              aria-labelledby="map-title"
              className="map-svg"
            >
              <title id="map-title">{t("map.title")}</title>
              <defs>
                <marker
                  id="arrow"
                  viewBox="0 0 10 10"
                  refX="10"
                  refY="5"
                  markerWidth="6"
                  markerHeight="6"
                  orient="auto"
                >
                  <path d="M0,0 L10,5 L0,10 z" className="map-arrow" />
                </marker>
              </defs>
              {nodes.flatMap((child) =>
                child.parents.flatMap((pid) => {
                  const from = placed.get(pid);
                  const to = placed.get(child.id);
                  if (!from || !to) return [];
                  const parent = byId.get(pid);
                  const failing = parent?.state === "down" || parent?.state === "affected";
                  const x1 = from.x + NODE_W;
                  const y1 = from.y + NODE_H / 2;
                  const x2 = to.x;
                  const y2 = to.y + NODE_H / 2;
                  const mid = (x1 + x2) / 2;
                  return [
                    <path
                      key={`${pid}>${child.id}`}
                      d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`}
                      className={`map-edge${failing ? " map-edge-failing" : ""}`}
                      markerEnd="url(#arrow)"
                    />,
                  ];
                }),
              )}
              {nodes.map((m) => {
                const at = placed.get(m.id)!;
                return (
                  <foreignObject key={m.id} x={at.x} y={at.y} width={NODE_W} height={NODE_H}>
                    <button
                      type="button"
                      className={`map-node node-${m.state}${m.id === selectedId ? " node-selected" : ""}`}
                      aria-pressed={m.id === selectedId}
                      data-monitor-id={m.id}
                      data-state={m.state}
                      title={m.name}
                      onClick={() => setSelectedId(m.id)}
                    >
                      <span className="node-name">{m.name}</span>
                      <span className="node-state">{t(`state.${m.state}` as MessageKey)}</span>
                    </button>
                  </foreignObject>
                );
              })}
            </svg>
          )}
          {nodes.length > 0 && (
            <p className="muted">{tn("map.independent", monitors.length - nodes.length)}</p>
          )}
        </div>
        {selected && (
          <ParentsEditor
            key={selected.id}
            monitor={selected}
            monitors={monitors}
            byId={byId}
            canWrite={canWrite}
          />
        )}
      </div>
    </section>
  );
}

function ParentsEditor({
  monitor,
  monitors,
  byId,
  canWrite,
}: {
  monitor: Monitor;
  monitors: Monitor[];
  byId: Map<string, Monitor>;
  canWrite: boolean;
}) {
  const client = useQueryClient();
  const [adding, setAdding] = useState("");
  const save = useMutation({
    mutationFn: async (parents: string[]) =>
      await sdk.op.updateMonitor({ path: { id: monitor.id }, body: { parents } }),
    onSuccess: () => {
      setAdding("");
      void client.invalidateQueries({ queryKey: ["monitors"] });
    },
  });
  const candidates = monitors.filter((m) => m.id !== monitor.id && !monitor.parents.includes(m.id));
  // The server names the parent at fault (`body.parents.0`); ids in its message read as names here.
  const errors = save.error instanceof ApiError ? save.error.errors : [];
  const parentErrors = errors.filter((e) => e.path === "body.parents" || e.path.startsWith("body.parents."));
  const error =
    parentErrors.length > 0
      ? parentErrors
          .map((e) => e.message.replace(/mon_[0-9a-z]+/g, (id) => byId.get(id)?.name ?? id))
          .join("; ")
      : fieldError(save.error, "body.parents");
  return (
    <aside className="card stack map-panel" aria-labelledby="map-selected">
      <h2 id="map-selected">{t("map.selected", { name: monitor.name })}</h2>
      <StateBadge state={monitor.state} />
      <h3>{t("map.parents")}</h3>
      {monitor.parents.length === 0 ? (
        <p className="muted">{t("map.noParents")}</p>
      ) : (
        <ul className="map-parents">
          {monitor.parents.map((pid) => {
            const p = byId.get(pid);
            return (
              <li key={pid} className="row">
                <StateBadge state={p?.state ?? "unknown"} /> {p?.name ?? pid}
                {canWrite && (
                  <button
                    type="button"
                    disabled={save.isPending}
                    aria-label={t("map.remove", { name: p?.name ?? pid })}
                    onClick={() => save.mutate(monitor.parents.filter((x) => x !== pid))}
                  >
                    ×
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {canWrite && (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (adding) save.mutate([...monitor.parents, adding]);
          }}
        >
          <label>
            {t("map.addParent")}
            <select
              value={adding}
              onChange={(e) => setAdding(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "map-parent-error" : undefined}
            >
              <option value="">{t("map.pickNone")}</option>
              {candidates.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
            {error && (
              <span id="map-parent-error" className="field-error">
                {error}
              </span>
            )}
          </label>
          <button type="submit" className="primary" disabled={!adding || save.isPending}>
            {t("map.add")}
          </button>
        </form>
      )}
      <FormProblem error={save.error} fields={["body.parents", ...parentErrors.map((e) => e.path)]} />
    </aside>
  );
}
