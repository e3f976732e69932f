import { type MessageKey, t, tn } from "../../i18n/index.ts";
import { formatAt } from "./format.ts";
import { type TimelineItem, WORKFLOW } from "./queries.ts";

/**
 * What happened on its own (down, regions, dependents, notifications, recovery) and what people
 * did (acknowledgement, notes, status, assignee, postmortem), oldest first. Note bodies are the
 * server's sanitised HTML; nothing typed by a person is ever set as HTML here.
 */
export function Timeline({ items, truncated }: { items: TimelineItem[]; truncated: boolean }) {
  if (items.length === 0) return <p className="muted">{t("timeline.empty")}</p>;
  return (
    <>
      {truncated && <p className="muted">{t("incident.timelineTruncated")}</p>}
      <ol className="timeline">
        {items.map((item, index) => (
          <li
            // Entries have no common id; their order never changes, only more are appended.
            // biome-ignore lint/suspicious/noArrayIndexKey: append-only list, see above
            key={index}
            className={`timeline-item timeline-${item.kind} ${"by" in item ? "timeline-person" : "timeline-auto"}`}
          >
            <time dateTime={item.at}>{formatAt(item.at)}</time>
            <div className="timeline-body">
              <span>{describe(item)}</span>
              {!("by" in item) && <span className="timeline-tag">{t("timeline.automatic")}</span>}
              {item.kind === "note" && (
                <div
                  className="markdown"
                  // biome-ignore lint/security/noDangerouslySetInnerHtml: `html` is rendered and sanitised by the server (docs/incidents.md)
                  dangerouslySetInnerHTML={{ __html: item.html }}
                />
              )}
              {item.kind === "notification" && item.lastError && (
                <span className="muted timeline-error">{item.lastError}</span>
              )}
              {item.kind === "acknowledged" && item.note && <span className="muted">“{item.note}”</span>}
            </div>
          </li>
        ))}
      </ol>
    </>
  );
}

const STATES = ["up", "down", "degraded", "pending", "paused", "maintenance", "affected"];

/** A state or workflow status in words; one the catalogue does not know stays as it is. */
function word(prefix: "state" | "workflow", value: string): string {
  const known = prefix === "state" ? STATES : (WORKFLOW as string[]);
  return known.includes(value) ? t(`${prefix}.${value}` as MessageKey) : value;
}

/** One sentence per entry, from the catalogue. */
export function describe(item: TimelineItem): string {
  switch (item.kind) {
    case "opened":
      return t("timeline.opened", { cause: item.cause ? `: ${item.cause}` : "" });
    case "state":
      return t("timeline.state", { from: word("state", item.from), to: word("state", item.to) });
    case "region_failing":
      return t("timeline.region_failing", { region: item.region, status: item.error ?? item.status });
    case "region_recovered":
      return t("timeline.region_recovered", { region: item.region });
    case "dependent_affected":
      return t("timeline.dependent_affected", { name: item.name });
    case "notification":
      return t("timeline.notification", {
        event: item.event,
        channel: item.channel.name,
        kind: item.channel.kind,
        status: item.status,
        attempts: tn("timeline.attempts", item.attempts),
      });
    case "acknowledged":
      return t("timeline.acknowledged", { by: item.by.name });
    case "resolved":
      return t("timeline.resolved");
    case "note":
      return t("timeline.note", { by: item.by.name });
    case "workflow_status":
      return t("timeline.workflow_status", {
        by: item.by.name,
        from: word("workflow", item.from),
        to: word("workflow", item.to),
      });
    case "assignee":
      return item.to
        ? t("timeline.assignee", { by: item.by.name, to: item.to.name ?? item.to.id })
        : t("timeline.unassigned", { by: item.by.name, from: item.from?.name ?? item.from?.id ?? "" });
    case "postmortem":
      return t("timeline.postmortem", { by: item.by.name, action: item.action });
    case "status_page_incident":
      return t("timeline.status_page_incident", {
        state: item.published ? t("timeline.published") : t("timeline.draft"),
      });
  }
}
