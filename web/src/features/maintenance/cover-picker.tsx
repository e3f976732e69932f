import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { sdk } from "../../api/client.ts";
import { t, tn } from "../../i18n/index.ts";
import "../channels/messages.ts";

/** A window lists at most this many monitors by id (docs/maintenance.md); tags cover the rest. */
export const MAX_LISTED = 500;

interface Picked {
  id: string;
  name: string;
  tags: string[];
}

/** The organization's monitors, up to MAX_LISTED, with their tags (names and tags are all we need). */
export function useMonitorChoices() {
  return useQuery({
    queryKey: ["maintenance", "monitor-choices"],
    queryFn: async () => {
      const all: Picked[] = [];
      let cursor: string | undefined;
      do {
        const page = await sdk.op.listMonitors({ query: { limit: 200, ...(cursor ? { cursor } : {}) } });
        all.push(...page.items.map((m) => ({ id: m.id, name: m.name, tags: m.tags })));
        cursor = page.nextCursor ?? undefined;
      } while (cursor && all.length < MAX_LISTED);
      return { monitors: all.slice(0, MAX_LISTED), more: Boolean(cursor) };
    },
    staleTime: 30_000,
  });
}

interface Props {
  monitorIds: string[];
  tags: string[];
  onChange: (cover: { monitorIds: string[]; tags: string[] }) => void;
  monitorError?: string | undefined;
  tagError?: string | undefined;
}

/**
 * What a window covers: monitors by name (filter, then "select all" of what the filter shows)
 * and tags (any monitor with one of them, including monitors tagged later).
 */
export function CoverPicker({ monitorIds, tags, onChange, monitorError, tagError }: Props) {
  const choices = useMonitorChoices();
  const [filter, setFilter] = useState("");
  const monitors = choices.data?.monitors ?? [];
  const shown = monitors.filter((m) => m.name.toLowerCase().includes(filter.trim().toLowerCase()));
  const allTags = [...new Set([...monitors.flatMap((m) => m.tags), ...tags])].sort();
  const chosen = new Set(monitorIds);
  const setMonitors = (ids: Iterable<string>) => onChange({ monitorIds: [...new Set(ids)], tags });
  const allShownChosen = shown.length > 0 && shown.every((m) => chosen.has(m.id));

  return (
    <fieldset className="stack cover-picker">
      <legend>{t("maintenance.covers")}</legend>
      <p className="muted">{t("maintenance.coversHint")}</p>
      <div className="cover-columns">
        <section className="stack" aria-labelledby="cover-monitors">
          <h3 id="cover-monitors">{t("maintenance.monitors", { n: monitorIds.length })}</h3>
          <label>
            {t("maintenance.filterMonitors")}
            <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
          </label>
          <div className="row">
            <button
              type="button"
              disabled={shown.length === 0 || allShownChosen}
              onClick={() => setMonitors([...monitorIds, ...shown.map((m) => m.id)])}
            >
              {filter
                ? t("maintenance.selectShown", { n: shown.length })
                : tn("maintenance.selectAll", shown.length)}
            </button>
            <button
              type="button"
              disabled={monitorIds.length === 0}
              onClick={() => setMonitors(monitorIds.filter((id) => !shown.some((m) => m.id === id)))}
            >
              {filter ? t("maintenance.clearShown") : t("maintenance.clearAll")}
            </button>
          </div>
          {choices.isPending ? (
            <div className="skeleton" style={{ height: "6rem" }} aria-busy="true" />
          ) : monitors.length === 0 ? (
            <p className="muted">{t("maintenance.noMonitors")}</p>
          ) : (
            <div className="checkbox-list cover-list">
              {shown.map((m) => (
                <label key={m.id} className="checkbox">
                  <input
                    type="checkbox"
                    checked={chosen.has(m.id)}
                    onChange={(e) =>
                      setMonitors(
                        e.target.checked ? [...monitorIds, m.id] : monitorIds.filter((x) => x !== m.id),
                      )
                    }
                  />
                  {m.name}
                </label>
              ))}
            </div>
          )}
          {choices.data?.more && <p className="muted">{t("maintenance.tooMany", { n: MAX_LISTED })}</p>}
          {monitorError && <span className="field-error">{monitorError}</span>}
        </section>
        <section className="stack" aria-labelledby="cover-tags">
          <h3 id="cover-tags">{t("maintenance.tags", { n: tags.length })}</h3>
          <div className="row">
            <button
              type="button"
              disabled={allTags.length === 0 || allTags.every((x) => tags.includes(x))}
              onClick={() => onChange({ monitorIds, tags: allTags })}
            >
              {tn("maintenance.selectAllTags", allTags.length)}
            </button>
          </div>
          {allTags.length === 0 ? (
            <p className="muted">{t("maintenance.noTags")}</p>
          ) : (
            <div className="checkbox-list cover-list">
              {allTags.map((tag) => (
                <label key={tag} className="checkbox">
                  <input
                    type="checkbox"
                    checked={tags.includes(tag)}
                    onChange={(e) =>
                      onChange({
                        monitorIds,
                        tags: e.target.checked ? [...tags, tag] : tags.filter((x) => x !== tag),
                      })
                    }
                  />
                  {tag}
                </label>
              ))}
            </div>
          )}
          {tagError && <span className="field-error">{tagError}</span>}
        </section>
      </div>
    </fieldset>
  );
}
