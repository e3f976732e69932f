// @vitest-environment happy-dom
import { cleanup, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { components } from "../../api/schema";
import { fakeNetwork, renderPage } from "../../test/render-page.tsx";
import { MonitorDetailPage } from "./monitor-detail-page.tsx";
import { runDurationSeries } from "./run-durations.tsx";

let net: ReturnType<typeof fakeNetwork>;
afterEach(() => {
  cleanup();
  net?.restore();
});

type Ping = components["schemas"]["Ping"];

const ping = (at: string, kind: Ping["kind"], durationMs: number | null): Ping => ({
  id: `png_${at}`,
  kind,
  exitStatus: null,
  at,
  rid: null,
  method: "POST",
  sourceIp: "127.0.0.1",
  userAgent: "curl",
  bodyBytes: 0,
  durationMs,
  excerpt: "",
});

const monitor = (type: string, certExpiryDays: number[] | null = null) => ({
  id: "mon_1",
  name: `A ${type} monitor`,
  type,
  target: type === "heartbeat" ? "" : "https://example.com",
  state: "up",
  stateSince: "2026-12-07T10:00:00Z",
  tags: [],
  regions: ["local"],
  description: null,
  runbookUrl: null,
  paused: false,
  certExpiryDays,
  ...(type === "heartbeat" ? { heartbeat: { token: "tok" } } : {}),
});

/** The page at /monitors/mon_1 against a stand-in API: the monitor, its pings, empty lists elsewhere. */
function show(type: string, pings: Ping[] = [], certExpiryDays: number[] | null = null) {
  net = fakeNetwork((req) => {
    if (req.path === "/api/v1/monitors/mon_1") return { status: 200, body: monitor(type, certExpiryDays) };
    if (req.path === "/api/v1/monitors/mon_1/pings")
      return { status: 200, body: { items: pings, nextCursor: null } };
    if (req.path.endsWith("/results")) return { status: 200, body: { items: [], nextCursor: null } };
    return undefined;
  });
  renderPage("/monitors/mon_1", "/monitors/$id", () => <MonitorDetailPage />);
}

describe("the monitor page's chart", () => {
  it("a heartbeat shows its runs' durations, not response times it cannot have", async () => {
    show("heartbeat");
    await screen.findByRole("heading", { level: 2, name: "Run durations" });
    await screen.findByText(/No timed runs yet/);
    expect(screen.queryByRole("heading", { name: "Response times" })).toBeNull();
    expect(net.sent.some((r) => r.path === "/api/v1/monitors/mon_1/pings")).toBe(true);
    expect(net.sent.some((r) => r.path === "/api/v1/monitors/mon_1/results")).toBe(true);
  });

  it("a checked monitor shows response times and asks for no pings", async () => {
    show("http");
    await screen.findByRole("heading", { level: 2, name: "Response times" });
    await screen.findByText(/No checks in this range yet/);
    expect(screen.queryByRole("heading", { name: "Run durations" })).toBeNull();
    expect(net.sent.some((r) => r.path.endsWith("/pings"))).toBe(false);
  });
});

describe("the monitor page's certificate warnings", () => {
  const cases: Array<[number[] | null, string]> = [
    [[1], "Warns at 1 day left."],
    [[30, 14, 7], "Warns at 30, 14 and 7 days left."],
    [[14, 1], "Warns at 14 and 1 day left."],
    [[], "Never warns: no thresholds are set."],
    [null, "Warns at the server's default thresholds."],
  ];
  for (const [days, text] of cases) {
    it(`${JSON.stringify(days)}: ${text}`, async () => {
      show("tls", [], days);
      await screen.findByRole("heading", { level: 2, name: "Certificate" });
      expect(screen.getByText(text)).toBeTruthy();
    });
  }
});

describe("runDurationSeries", () => {
  const now = Date.parse("2026-12-07T12:00:00Z");

  it("keeps the pings that ended a timed run, oldest first, on an axis up to now", () => {
    const s = runDurationSeries(
      [
        ping("2026-12-07T11:00:00Z", "success", 4_000),
        ping("2026-12-07T10:59:56Z", "start", null),
        ping("2026-12-07T10:00:00Z", "fail", 2_500),
        ping("2026-12-07T09:00:00Z", "success", null),
      ],
      now,
    );
    expect(s.x).toEqual([
      Date.parse("2026-12-07T10:00:00Z") / 1000,
      Date.parse("2026-12-07T11:00:00Z") / 1000,
    ]);
    expect(s.lines).toHaveLength(1);
    expect(s.lines[0]?.values).toEqual([2_500, 4_000]);
    expect(s.range).toEqual([Date.parse("2026-12-07T10:00:00Z") / 1000, now / 1000]);
  });

  it("one run alone sits in the last hour at least, not on an axis of years", () => {
    const s = runDurationSeries([ping("2026-12-07T11:59:00Z", "success", 1_000)], now);
    expect(s.range).toEqual([now / 1000 - 3600, now / 1000]);
  });

  it("no timed run: nothing to draw", () => {
    expect(runDurationSeries([ping("2026-12-07T11:59:00Z", "success", null)], now).x).toEqual([]);
  });
});
