// @vitest-environment happy-dom
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { describeBar, HeartbeatBar, Sparkline, sparkPoints } from "./heartbeat-bar.tsx";

afterEach(cleanup);

const slot = (minute: number, status: string, totalMs: number | null = 100) => ({
  at: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
  status,
  totalMs,
});

describe("HeartbeatBar", () => {
  it("draws one tick per check, oldest left, padded to 30, and says what it shows", () => {
    const recent = [slot(1, "up"), slot(2, "down", null), slot(3, "up"), slot(4, "degraded")];
    render(<HeartbeatBar recent={recent} />);
    const bar = screen.getByRole("img");
    expect(bar.getAttribute("aria-label")).toBe("Last 4 checks: 2 up, 1 degraded, 1 down; latest degraded");
    const ticks = [...bar.querySelectorAll("rect")];
    expect(ticks).toHaveLength(30);
    expect(ticks.slice(0, 26).every((t) => t.getAttribute("class")?.includes("tick-empty"))).toBe(true);
    expect(ticks.slice(26).map((t) => t.getAttribute("data-status"))).toEqual([
      "up",
      "down",
      "up",
      "degraded",
    ]);
    expect(Number(ticks[27]!.getAttribute("x"))).toBeLessThan(Number(ticks[28]!.getAttribute("x")));
  });

  it("keeps only the newest 30 of a longer history", () => {
    const recent = Array.from({ length: 35 }, (_, i) => slot(i, i === 34 ? "down" : "up"));
    render(<HeartbeatBar recent={recent} />);
    const ticks = [...screen.getByRole("img").querySelectorAll("rect")];
    expect(ticks).toHaveLength(30);
    expect(ticks.at(-1)?.getAttribute("data-status")).toBe("down");
  });

  it("shows a skeleton of the same width while loading, and says when there are no checks", () => {
    const { container } = render(<HeartbeatBar recent={undefined} />);
    const skeleton = container.querySelector(".bar-skeleton") as HTMLElement;
    expect(skeleton.getAttribute("aria-hidden")).toBe("true");
    expect(skeleton.style.width).toBe(`${30 * 8 - 2}px`);
    expect(describeBar([])).toBe("No checks yet");
  });
});

describe("Sparkline", () => {
  it("scales latencies into the box and skips checks without an answer", () => {
    const points = sparkPoints([100, null, 300], 90, 24).split(" ");
    expect(points).toEqual(["0.0,22.0", "90.0,2.0"]);
    render(<Sparkline recent={[slot(1, "up", 100), slot(2, "down", null), slot(3, "up", 300)]} />);
    expect(screen.getByRole("img").getAttribute("aria-label")).toBe(
      "Latency of the last checks: 100 to 300 ms, latest 300 ms",
    );
  });

  it("draws nothing for a monitor that never got an answer", () => {
    const { container } = render(<Sparkline recent={[slot(1, "down", null)]} />);
    expect(container.querySelector("svg")).toBeNull();
    expect(container.textContent).toBe("–");
  });
});
