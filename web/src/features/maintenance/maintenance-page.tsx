import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { sdk } from "../../api/client.ts";
import { type MessageKey, t, tn } from "../../i18n/index.ts";
import "../channels/alerting.css";
import { formatAt } from "../incidents/format.ts";
import { browserZone } from "./calendar.ts";
import { CalendarView } from "./calendar-view.tsx";
import { WindowForm } from "./window-form.tsx";
import type { MaintenanceWindow } from "./window-model.ts";
import "../channels/messages.ts";

const CALENDAR_DAYS = 28;

/** "Weekly on Sun, Wed at 02:30 for 90 min (Europe/Berlin)" or "Once, 10 May 22:00 → 11 May 00:30". */
export function scheduleSummary(w: MaintenanceWindow): string {
  const s = w.schedule;
  if (s.type === "once")
    return t("maintenance.summaryOnce", { from: formatAt(s.startsAt), to: formatAt(s.endsAt) });
  const repeat = s.weekly
    ? t("maintenance.summaryWeekly", {
        days: s.weekly.days.map((d) => t(`weekdayShort.${d}` as MessageKey)).join(", "),
      })
    : s.monthly
      ? t("maintenance.summaryMonthly", { day: s.monthly.dayOfMonth })
      : t("maintenance.summaryDaily");
  return t("maintenance.summaryRecurring", {
    repeat,
    time: s.startTime,
    minutes: s.durationMinutes,
    zone: s.timezone,
  });
}

/**
 * `/maintenance`: the calendar of the next four weeks, then every window (one-off or recurring
 * in a time zone) with what it covers, created and edited in place.
 */
export function MaintenancePage() {
  const client = useQueryClient();
  const [editing, setEditing] = useState<string | "new" | null>(null);
  const [fromMs] = useState(() => Date.now());
  const windows = useQuery({
    queryKey: ["maintenance", "windows"],
    queryFn: async () => (await sdk.op.listMaintenanceWindows({ query: { limit: 200 } })).items,
  });
  const calendar = useQuery({
    queryKey: ["maintenance", "calendar", fromMs],
    queryFn: async () =>
      (
        await sdk.op.listMaintenanceOccurrences({
          query: {
            from: new Date(fromMs).toISOString(),
            until: new Date(fromMs + CALENDAR_DAYS * 86_400_000).toISOString(),
          },
        })
      ).items,
  });
  const remove = useMutation({
    mutationFn: async (id: string) => await sdk.op.deleteMaintenanceWindow({ path: { id } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ["maintenance"] }),
  });

  return (
    <section className="stack">
      <div className="page-head row">
        <h1 className="grow">{t("maintenance.title")}</h1>
        <button
          type="button"
          className="primary"
          disabled={editing === "new"}
          onClick={() => setEditing("new")}
        >
          {t("maintenance.new")}
        </button>
      </div>
      <p className="muted">{t("maintenance.intro")}</p>
      {editing === "new" && <WindowForm onDone={() => setEditing(null)} />}
      <section className="card stack" aria-labelledby="calendar-heading">
        <h2 id="calendar-heading">{t("maintenance.calendar")}</h2>
        {calendar.isError ? (
          <p className="form-error">{calendar.error.message}</p>
        ) : calendar.isPending ? (
          <div className="skeleton calendar-skeleton" aria-busy="true" />
        ) : (
          <CalendarView
            spans={calendar.data}
            zone={browserZone()}
            fromMs={fromMs}
            days={CALENDAR_DAYS}
            caption={t("maintenance.calendarCaption")}
          />
        )}
      </section>
      {windows.isError ? (
        <p role="alert" className="form-error">
          {t("error.generic", { detail: windows.error.message })}
        </p>
      ) : windows.isPending ? (
        <div className="skeleton list-skeleton" aria-busy="true">
          <span className="visually-hidden">{t("loading")}</span>
        </div>
      ) : windows.data.length === 0 ? (
        <p className="empty">{t("maintenance.empty")}</p>
      ) : (
        <ul className="plain-list window-list">
          {windows.data.map((w) =>
            editing === w.id ? (
              <li key={w.id}>
                <WindowForm window={w} onDone={() => setEditing(null)} />
              </li>
            ) : (
              <li key={w.id} className="card stack" aria-label={w.title}>
                <div className="row">
                  <h2 className="grow">
                    {w.title} {w.active && <span className="pill pill-open">{t("maintenance.active")}</span>}
                  </h2>
                  <button
                    type="button"
                    onClick={() => setEditing(w.id)}
                    aria-label={t("maintenance.editNamed", { name: w.title })}
                  >
                    {t("maintenance.edit")}
                  </button>
                  <button
                    type="button"
                    className="danger"
                    aria-label={t("maintenance.deleteNamed", { name: w.title })}
                    onClick={() => remove.mutate(w.id)}
                  >
                    {t("maintenance.delete")}
                  </button>
                </div>
                <p>{scheduleSummary(w)}</p>
                <p className="muted">
                  {t("maintenance.coverSummary", {
                    monitors: tn("maintenance.monitors", w.monitorIds.length),
                    tags: w.tags.join(", ") || "—",
                  })}
                  {" · "}
                  {w.nextOccurrences[0]
                    ? t("maintenance.next", { at: formatAt(w.nextOccurrences[0].startsAt) })
                    : t("maintenance.over")}
                </p>
                {w.description && <p>{w.description}</p>}
              </li>
            ),
          )}
        </ul>
      )}
      {remove.isError && <p className="form-error">{remove.error.message}</p>}
    </section>
  );
}
