import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";

export type LiveStatus = "connecting" | "open" | "closed";

/** One event of `GET /api/v1/events`, as JSON. */
export interface LiveMessage {
  type: string;
  data: Record<string, unknown>;
}

const TYPES = ["monitor.state", "check.result", "status_page.changed", "incident.changed", "session.ended"];

/**
 * Subscribes to the live event stream (cookies; same origin) and hands each event to `onEvent`.
 * EventSource reconnects by itself; the status lets the page show "live" or "reconnecting".
 */
export function useLiveEvents(onEvent: (msg: LiveMessage) => void): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>("connecting");
  useEffect(() => {
    const source = new EventSource("/api/v1/events");
    source.onopen = () => setStatus("open");
    source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? "closed" : "connecting");
    const listeners = TYPES.map((type) => {
      const listener = (e: MessageEvent<string>) => onEvent({ type, data: JSON.parse(e.data) });
      source.addEventListener(type, listener);
      return [type, listener] as const;
    });
    return () => {
      for (const [type, listener] of listeners) source.removeEventListener(type, listener);
      source.close();
    };
  }, [onEvent]);
  return status;
}

/** Live events invalidate the queries they make stale; the lists refetch what changed. */
export function useLiveInvalidation(): LiveStatus {
  const client = useQueryClient();
  const [handler] = useState(() => (msg: LiveMessage) => {
    if (msg.type === "monitor.state" || msg.type === "check.result") {
      void client.invalidateQueries({ queryKey: ["monitors"] });
      const id = msg.data.monitorId;
      if (typeof id === "string") void client.invalidateQueries({ queryKey: ["monitor", id] });
    }
    if (msg.type === "monitor.state" || msg.type.startsWith("incident")) {
      void client.invalidateQueries({ queryKey: ["incidents"] });
    }
  });
  return useLiveEvents(handler);
}
