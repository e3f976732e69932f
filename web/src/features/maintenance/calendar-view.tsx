import { type MessageKey, t } from "../../i18n/index.ts";
import { buildCalendar, type Span } from "./calendar.ts";
import "../channels/messages.ts";

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

interface Props {
  spans: Span[];
  zone: string;
  fromMs: number;
  days: number;
  caption: string;
}

/** Weeks of the occurrences, Monday first, in `zone`; each day lists what is planned on it. */
export function CalendarView({ spans, zone, fromMs, days, caption }: Props) {
  const weeks = buildCalendar(spans, zone, fromMs, days);
  return (
    <div className="table-scroll">
      <table className="calendar">
        <caption>
          {caption} <span className="muted">{t("maintenance.timesIn", { zone })}</span>
        </caption>
        <thead>
          <tr>
            {WEEKDAYS.map((d) => (
              <th key={d} scope="col">
                <abbr title={t(`weekday.${d}` as MessageKey)}>{t(`weekdayShort.${d}` as MessageKey)}</abbr>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((week) => (
            <tr key={week[0]?.date}>
              {week.map((day) => (
                <td
                  key={day.date}
                  className={`${day.outside ? "calendar-outside" : ""}${day.entries.length ? " calendar-busy" : ""}`}
                >
                  <span className="calendar-date">
                    <time dateTime={day.date}>{day.day}</time>
                  </span>
                  {day.entries.length > 0 && (
                    <ul className="calendar-entries">
                      {day.entries.map((e) => (
                        <li key={`${e.span.windowId ?? ""}-${e.span.startsAt}`}>
                          <span className="calendar-time">{e.label}</span>
                          {e.span.title ? <span className="calendar-title"> {e.span.title}</span> : null}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
