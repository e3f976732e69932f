import { UpblitProblem } from "./problem.ts";

/** One event of the live stream (docs/api.md#live-events): its name, its JSON and its id if sent. */
export interface LiveEvent {
  type: string;
  data: unknown;
  id?: string;
}

export interface LiveEventsOptions {
  signal?: AbortSignal;
  /** Resume after this event id (sent as `Last-Event-ID`). */
  lastEventId?: string;
  /** Wait before reconnecting, unless the server set `retry:` (default 1 s). */
  reconnectDelayMs?: number;
  /** Called after each reconnection (the stream ended or the network failed). */
  onReconnect?: (attempt: number) => void;
}

interface Source {
  url: string;
  headers: () => Record<string, string>;
  fetch: typeof fetch;
  credentials: RequestCredentials;
}

/**
 * Server-Sent Events over fetch (EventSource cannot send `Authorization`), so it works the same
 * in Node and browsers. A dropped stream is reopened with the last seen id as `Last-Event-ID`;
 * a refused one (401, 403, 404) ends the iteration with an `UpblitProblem`; `session.ended` ends it.
 */
export async function* liveEvents(source: Source, options: LiveEventsOptions): AsyncGenerator<LiveEvent> {
  let lastId = options.lastEventId;
  let delay = options.reconnectDelayMs ?? 1000;
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) {
      await wait(delay, options.signal);
      options.onReconnect?.(attempt);
    }
    let res: Response;
    try {
      res = await source.fetch(source.url, {
        headers: {
          accept: "text/event-stream",
          ...source.headers(),
          ...(lastId ? { "last-event-id": lastId } : {}),
        },
        credentials: source.credentials,
        signal: options.signal,
      });
    } catch (err) {
      if (options.signal?.aborted) return;
      if (attempt === 0 && !(err instanceof TypeError)) throw err;
      continue;
    }
    if (!res.ok || !res.body) {
      if (res.status >= 400 && res.status < 500 && res.status !== 429) throw await UpblitProblem.from(res);
      continue;
    }
    try {
      for await (const event of parse(res.body)) {
        if (event.retry !== undefined) delay = event.retry;
        if (event.id !== undefined) lastId = event.id;
        if (event.type === undefined) continue;
        yield { type: event.type, data: json(event.data), ...(event.id ? { id: event.id } : {}) };
        if (event.type === "session.ended") return;
      }
    } catch (err) {
      if (options.signal?.aborted) return;
      if (
        !(err instanceof TypeError) &&
        !(err instanceof Error && /terminated|aborted|closed/i.test(err.message))
      )
        throw err;
    }
    if (options.signal?.aborted) return;
  }
}

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

interface RawEvent {
  type?: string;
  data: string;
  id?: string;
  retry?: number;
}

/** The event-stream format (HTML Living Standard, 9.2.6): fields until a blank line. */
async function* parse(body: ReadableStream<Uint8Array>): AsyncGenerator<RawEvent> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = "";
  let event: RawEvent = { data: "" };
  let hasData = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let newline = buffer.search(/\r\n|\r|\n/);
      while (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith("\r\n", newline) ? 2 : 1));
        newline = buffer.search(/\r\n|\r|\n/);
        if (line === "") {
          if (hasData || event.retry !== undefined)
            yield { ...event, type: hasData ? (event.type ?? "message") : undefined };
          event = { data: "" };
          hasData = false;
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event.type = value;
        else if (field === "data") {
          event.data = hasData ? `${event.data}\n${value}` : value;
          hasData = true;
        } else if (field === "id" && !value.includes("\0")) event.id = value;
        else if (field === "retry" && /^\d+$/.test(value)) event.retry = Number(value);
      }
    }
  } finally {
    reader.releaseLock();
  }
}

function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
