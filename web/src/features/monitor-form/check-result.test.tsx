// @vitest-environment happy-dom
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { CheckResultView, readOutcome, waterfall } from "./check-result.tsx";

afterEach(cleanup);

/** A result as `POST /monitors/test` and `POST /monitors/{id}/check?wait=true` answer it. */
const ANSWER = {
  monitorId: null,
  region: "local",
  slotAt: "2026-12-07T03:00:00.000Z",
  latenessMs: 0,
  manual: true,
  status: "degraded",
  statusCode: 200,
  timings: { dns: 4, connect: 10, tls: 30, firstByte: 90, total: 100 },
  error: null,
  verdicts: [
    { assertion: "status == 200", ok: true, severity: "hard", actual: 200 },
    { assertion: "latency.total < 50", ok: false, severity: "soft", actual: 100 },
  ],
};

describe("a check's result", () => {
  it("lays the phases end to end: set-up durations, then waiting until the first byte, then the body", () => {
    expect(waterfall(ANSWER.timings)).toEqual([
      { phase: "dns", start: 0, ms: 4 },
      { phase: "connect", start: 4, ms: 10 },
      { phase: "tls", start: 14, ms: 30 },
      { phase: "wait", start: 44, ms: 46 },
      { phase: "download", start: 90, ms: 10 },
    ]);
    // A plain-http check on an IP: no DNS, no TLS.
    expect(waterfall({ dns: null, connect: 2, tls: null, firstByte: 7, total: 7 })).toEqual([
      { phase: "connect", start: 0, ms: 2 },
      { phase: "wait", start: 2, ms: 5 },
    ]);
  });

  it("reads the answer, bare or wrapped, and shows outcome, status code, phases and each verdict", () => {
    const outcome = readOutcome({ result: ANSWER });
    expect(outcome).toBeDefined();
    expect(readOutcome({ monitorId: "m", slotAt: "2026-12-07T03:00:00.000Z" })).toBeUndefined();
    render(<CheckResultView outcome={outcome!} title="Test result" />);
    const region = screen.getByRole("region", { name: "Test result" });
    expect(within(region).getByText("Degraded")).toBeTruthy();
    expect(within(region).getByText("HTTP 200")).toBeTruthy();
    const rows = within(region)
      .getAllByRole("row")
      .map((r) => r.textContent);
    expect(rows).toEqual([
      "DNS4 ms",
      "Connect10 ms",
      "TLS30 ms",
      "First byte46 ms",
      "Download10 ms",
      "Total100 ms",
    ]);
    const verdicts = within(region)
      .getAllByRole("listitem")
      .map((li) => li.textContent);
    expect(verdicts).toEqual([
      "✓ passed status == 200 got 200",
      "✗ failed latency.total < 50 (soft) got 100",
    ]);
  });

  it("shows the error of a check that could not connect", () => {
    const outcome = readOutcome({
      ...ANSWER,
      status: "down",
      statusCode: null,
      timings: { dns: null, connect: null, tls: null, firstByte: null, total: 3 },
      error: { kind: "connection_refused", message: "connect ECONNREFUSED 127.0.0.1:9" },
      verdicts: [],
    });
    render(<CheckResultView outcome={outcome!} title="Check now" />);
    const region = screen.getByRole("region", { name: "Check now" });
    expect(within(region).getByText("connection_refused: connect ECONNREFUSED 127.0.0.1:9")).toBeTruthy();
    expect(within(region).getByText("No assertions were judged.")).toBeTruthy();
    expect(within(region).queryByText(/^HTTP/)).toBeNull();
  });

  it("keeps a failed browser check's screenshot path and shows what the caller adds under the verdicts", () => {
    const path = "/api/v1/monitors/mon_1/screenshots/local/2026-12-07T03:00:00.000Z";
    const outcome = readOutcome({ ...ANSWER, status: "down", screenshot: path });
    expect(outcome?.screenshot).toBe(path);
    expect(readOutcome({ ...ANSWER, screenshot: null })?.screenshot).toBeUndefined();
    render(
      <CheckResultView outcome={outcome!} title="Check now">
        <figure>the picture</figure>
      </CheckResultView>,
    );
    const region = screen.getByRole("region", { name: "Check now" });
    expect(within(region).getByRole("figure").textContent).toBe("the picture");
  });
});
