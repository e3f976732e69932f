import { type InfiniteData, QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { applyStateChanges } from "./live.ts";

type Page = { items: Array<{ id: string; state: string; stateSince: string }>; nextCursor: string | null };
const item = (id: string, state = "up") => ({ id, state, stateSince: "2026-01-01T00:00:00.000Z" });

describe("live state changes", () => {
  it("patch the cached lists in place: only the page holding the monitor changes", () => {
    const client = new QueryClient();
    const pages: InfiniteData<Page> = {
      pages: [
        { items: [item("m1"), item("m2")], nextCursor: "m2" },
        { items: [item("m3")], nextCursor: null },
      ],
      pageParams: [undefined, "m2"],
    };
    client.setQueryData(["monitors", "list", {}], pages);
    client.setQueryData(["monitors", "plain"], { items: [item("m3")], nextCursor: null });
    client.setQueryData(["monitor", "m3"], item("m3"));
    applyStateChanges(
      client,
      new Map([["m3", { state: "down" as const, since: "2026-01-02T00:00:00.000Z" }]]),
    );

    const after = client.getQueryData<InfiniteData<Page>>(["monitors", "list", {}])!;
    expect(after.pages[0]).toBe(pages.pages[0]);
    expect(after.pages[1]!.items[0]).toEqual({
      id: "m3",
      state: "down",
      stateSince: "2026-01-02T00:00:00.000Z",
    });
    expect(client.getQueryData<Page>(["monitors", "plain"])!.items[0]!.state).toBe("down");
    expect(client.getQueryData<{ state: string }>(["monitor", "m3"])!.state).toBe("down");
  });

  it("leave a list without the monitor untouched", () => {
    const client = new QueryClient();
    const data = { pages: [{ items: [item("m1")], nextCursor: null }], pageParams: [undefined] };
    client.setQueryData(["monitors", "list", {}], data);
    applyStateChanges(client, new Map([["m9", { state: "down" as const, since: "x" }]]));
    expect(client.getQueryData(["monitors", "list", {}])).toBe(data);
  });
});
