import { type KeyboardEvent, useEffect, useRef, useState } from "react";
import { fieldError } from "../../components/problem.tsx";
import {
  type DraftGroup,
  moveComponent,
  moveItem,
  newKey,
  type Place,
  usedMonitors,
} from "./editor-model.ts";
import { t } from "./messages.ts";

type Monitor = { id: string; name: string };

interface Props {
  groups: DraftGroup[];
  onChange: (groups: DraftGroup[]) => void;
  monitors: Monitor[];
  /** The last save's error: `body.groups.N…` messages appear beside their input. */
  error: unknown;
}

/** What is being dragged: a group or a component. */
type Dragged = { kind: "group"; index: number } | { kind: "component"; from: Place };

/**
 * Groups and their components in page order. Reorder by dragging the handle, by its buttons, or
 * with the keyboard: focus a handle and press ↑/↓ (the handle keeps focus; the move is announced).
 * A component can also move to another group.
 */
export function ComponentsEditor({ groups, onChange, monitors, error }: Props) {
  const [announcement, setAnnouncement] = useState("");
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const dragged = useRef<Dragged | null>(null);
  const names = new Map(monitors.map((m) => [m.id, m.name]));

  // After a move, the moved item's handle takes focus again (React re-orders the DOM).
  useEffect(() => {
    if (!focusKey) return;
    document.querySelector<HTMLElement>(`[data-handle="${CSS.escape(focusKey)}"]`)?.focus();
    setFocusKey(null);
  }, [focusKey]);

  const moveGroup = (from: number, to: number) => {
    const g = groups[from];
    if (!g || to < 0 || to >= groups.length || from === to) return;
    onChange(moveItem(groups, from, to));
    setFocusKey(g.key);
    setAnnouncement(
      t("sp.moved", { name: g.name || t("sp.unnamedGroup"), position: to + 1, count: groups.length }),
    );
  };
  const moveTo = (from: Place, to: Place) => {
    const c = groups[from.group]?.components[from.index];
    const target = groups[to.group];
    if (!c || !target) return;
    const next = moveComponent(groups, from, to);
    onChange(next);
    setFocusKey(c.key);
    const placed = next[to.group]?.components.findIndex((x) => x.key === c.key) ?? 0;
    setAnnouncement(
      t("sp.movedComponent", {
        name: c.displayName,
        group: target.name || t("sp.unnamedGroup"),
        position: placed + 1,
        count: next[to.group]?.components.length ?? 0,
      }),
    );
  };
  /** ↑/↓ on a component's handle: within its group, then over the edge into the next group. */
  const stepComponent = (from: Place, step: -1 | 1) => {
    const group = groups[from.group];
    if (!group) return;
    const to = from.index + step;
    if (to >= 0 && to < group.components.length) return moveTo(from, { group: from.group, index: to });
    const next = from.group + step;
    const nextGroup = groups[next];
    if (nextGroup) moveTo(from, { group: next, index: step < 0 ? nextGroup.components.length : 0 });
  };

  const patchGroup = (i: number, patch: Partial<DraftGroup>) =>
    onChange(groups.map((g, j) => (j === i ? { ...g, ...patch } : g)));

  const onDrop = (to: Dragged) => {
    const from = dragged.current;
    dragged.current = null;
    if (!from) return;
    if (from.kind === "group" && to.kind === "group") moveGroup(from.index, to.index);
    if (from.kind === "component" && to.kind === "component") moveTo(from.from, to.from);
  };
  const dropTarget = (to: Dragged) => ({
    onDragOver: (e: React.DragEvent) => {
      if (dragged.current?.kind === to.kind) e.preventDefault();
    },
    onDrop: (e: React.DragEvent) => {
      e.preventDefault();
      e.stopPropagation();
      onDrop(to);
    },
  });
  const dragSource = (what: Dragged) => ({
    draggable: true,
    onDragStart: (e: React.DragEvent) => {
      e.stopPropagation();
      dragged.current = what;
      e.dataTransfer?.setData("text/plain", what.kind);
      if (e.dataTransfer) e.dataTransfer.effectAllowed = "move";
    },
    onDragEnd: () => {
      dragged.current = null;
    },
  });

  return (
    <div className="stack">
      <p className="muted">{t("sp.componentsHint")}</p>
      {groups.length === 0 && <p className="empty">{t("sp.noGroups")}</p>}
      <ol className="sp-groups">
        {groups.map((g, gi) => (
          <li key={g.key} className="sp-group card" {...dropTarget({ kind: "group", index: gi })}>
            <div className="row">
              <button
                type="button"
                className="sp-handle"
                data-handle={g.key}
                {...dragSource({ kind: "group", index: gi })}
                aria-label={t("sp.reorderGroup", { name: g.name || t("sp.unnamedGroup") })}
                aria-describedby="sp-reorder-help"
                onKeyDown={(e: KeyboardEvent) => {
                  if (e.key === "ArrowUp" || e.key === "ArrowDown") {
                    e.preventDefault();
                    moveGroup(gi, gi + (e.key === "ArrowUp" ? -1 : 1));
                  }
                }}
              >
                <span aria-hidden="true">⠿</span>
              </button>
              <div className="field grow">
                <label>
                  {t("sp.groupName", { position: gi + 1 })}
                  <input
                    value={g.name}
                    onChange={(e) => patchGroup(gi, { name: e.target.value })}
                    aria-invalid={fieldError(error, `body.groups.${gi}.name`) ? true : undefined}
                  />
                </label>
                <ErrorText error={error} path={`body.groups.${gi}.name`} />
              </div>
              <button type="button" disabled={gi === 0} onClick={() => moveGroup(gi, gi - 1)}>
                {t("sp.up")}
                <span className="visually-hidden"> {g.name}</span>
              </button>
              <button type="button" disabled={gi === groups.length - 1} onClick={() => moveGroup(gi, gi + 1)}>
                {t("sp.down")}
                <span className="visually-hidden"> {g.name}</span>
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => onChange(groups.filter((_, j) => j !== gi))}
              >
                {t("sp.removeGroup")}
                <span className="visually-hidden"> {g.name}</span>
              </button>
            </div>
            {g.components.length === 0 ? (
              <p className="muted" {...dropTarget({ kind: "component", from: { group: gi, index: 0 } })}>
                {t("sp.emptyGroup")}
              </p>
            ) : (
              <ol className="sp-components">
                {g.components.map((c, ci) => {
                  const place = { group: gi, index: ci };
                  const namePath = `body.groups.${gi}.components.${ci}.displayName`;
                  const monitorPath = `body.groups.${gi}.components.${ci}.monitorId`;
                  return (
                    <li
                      key={c.key}
                      className="sp-component"
                      {...dropTarget({ kind: "component", from: place })}
                    >
                      <button
                        type="button"
                        className="sp-handle"
                        data-handle={c.key}
                        {...dragSource({ kind: "component", from: place })}
                        aria-label={t("sp.reorderComponent", { name: c.displayName })}
                        aria-describedby="sp-reorder-help"
                        onKeyDown={(e: KeyboardEvent) => {
                          if (e.key === "ArrowUp" || e.key === "ArrowDown") {
                            e.preventDefault();
                            stepComponent(place, e.key === "ArrowUp" ? -1 : 1);
                          }
                        }}
                      >
                        <span aria-hidden="true">⠿</span>
                      </button>
                      <div className="field grow">
                        <label>
                          {t("sp.displayName")}
                          <input
                            value={c.displayName}
                            onChange={(e) =>
                              patchGroup(gi, {
                                components: g.components.map((x, j) =>
                                  j === ci ? { ...x, displayName: e.target.value } : x,
                                ),
                              })
                            }
                            aria-invalid={fieldError(error, namePath) ? true : undefined}
                          />
                        </label>
                        <span className="muted sp-monitor-name">
                          {t("sp.monitor", { name: names.get(c.monitorId) ?? c.monitorId })}
                        </span>
                        <ErrorText error={error} path={namePath} />
                        <ErrorText error={error} path={monitorPath} />
                      </div>
                      {groups.length > 1 && (
                        <label>
                          {t("sp.inGroup")}
                          <select
                            value={gi}
                            onChange={(e) => {
                              const target = Number(e.target.value);
                              moveTo(place, { group: target, index: groups[target]?.components.length ?? 0 });
                            }}
                          >
                            {groups.map((og, oi) => (
                              <option key={og.key} value={oi}>
                                {og.name || t("sp.unnamedGroup")}
                              </option>
                            ))}
                          </select>
                        </label>
                      )}
                      <div className="row sp-component-actions">
                        <button
                          type="button"
                          disabled={gi === 0 && ci === 0}
                          onClick={() => stepComponent(place, -1)}
                        >
                          {t("sp.up")}
                          <span className="visually-hidden"> {c.displayName}</span>
                        </button>
                        <button
                          type="button"
                          disabled={gi === groups.length - 1 && ci === g.components.length - 1}
                          onClick={() => stepComponent(place, 1)}
                        >
                          {t("sp.down")}
                          <span className="visually-hidden"> {c.displayName}</span>
                        </button>
                        <button
                          type="button"
                          className="danger"
                          onClick={() =>
                            patchGroup(gi, { components: g.components.filter((_, j) => j !== ci) })
                          }
                        >
                          {t("sp.remove")}
                          <span className="visually-hidden"> {c.displayName}</span>
                        </button>
                      </div>
                    </li>
                  );
                })}
              </ol>
            )}
            <AddComponent
              groupName={g.name}
              monitors={monitors.filter((m) => !usedMonitors(groups).has(m.id))}
              onAdd={(m) =>
                patchGroup(gi, {
                  components: [...g.components, { key: newKey("c"), monitorId: m.id, displayName: m.name }],
                })
              }
            />
          </li>
        ))}
      </ol>
      <p id="sp-reorder-help" className="visually-hidden">
        {t("sp.reorderHelp")}
      </p>
      <div>
        <button
          type="button"
          onClick={() =>
            onChange([
              ...groups,
              { key: newKey("g"), name: groups.length === 0 ? t("sp.firstGroupName") : "", components: [] },
            ])
          }
        >
          {t("sp.addGroup")}
        </button>
      </div>
      <output aria-live="polite" className="visually-hidden">
        {announcement}
      </output>
    </div>
  );
}

function ErrorText({ error, path }: { error: unknown; path: string }) {
  const message = fieldError(error, path);
  return message ? <span className="field-error">{message}</span> : null;
}

/** A monitor picker that adds the chosen monitor to one group under its own name. */
function AddComponent({
  groupName,
  monitors,
  onAdd,
}: {
  groupName: string;
  monitors: Monitor[];
  onAdd: (m: Monitor) => void;
}) {
  const [choice, setChoice] = useState("");
  if (monitors.length === 0) return <p className="muted">{t("sp.noMonitorsLeft")}</p>;
  return (
    <div className="row sp-add-component">
      <label className="grow">
        {t("sp.addMonitor", { group: groupName || t("sp.unnamedGroup") })}
        <select value={choice} onChange={(e) => setChoice(e.target.value)}>
          <option value="">{t("sp.pickMonitor")}</option>
          {monitors.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="align-end"
        disabled={!choice}
        onClick={() => {
          const m = monitors.find((x) => x.id === choice);
          if (m) onAdd(m);
          setChoice("");
        }}
      >
        {t("sp.addComponent")}
        <span className="visually-hidden"> {groupName}</span>
      </button>
    </div>
  );
}
