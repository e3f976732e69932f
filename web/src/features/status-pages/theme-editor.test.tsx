// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { contrastRatio as serverRatio } from "../../../../src/services/status-pages/colors.ts";
import { ApiError } from "../../api/client.ts";
import { contrastRatio, formatRatio } from "./contrast.ts";
import type { Draft } from "./editor-model.ts";
import { ThemeEditor } from "./theme-editor.tsx";

afterEach(cleanup);

const COLORS: Draft["colors"] = {
  light: { background: "#ffffff", text: "#1f2328", accent: "#0b5cad" },
  dark: { background: "#0d1117", text: "#e6edf3", accent: "#6cb6ff" },
};

function renderTheme(error: unknown = null) {
  function Harness() {
    const [colors, setColors] = useState(COLORS);
    return <ThemeEditor colors={colors} onChange={setColors} error={error} />;
  }
  return render(<Harness />);
}

describe("ThemeEditor contrast", () => {
  it("shows each ratio and that it passes, then that it fails once a colour is too light", () => {
    renderTheme();
    const lightText = screen.getAllByTestId("contrast-text")[0] as HTMLElement;
    expect(lightText.textContent).toContain("Text on background: 15.79:1, readable (needs 4.5:1)");
    fireEvent.change(screen.getAllByLabelText("Text")[0] as HTMLElement, { target: { value: "#aaaaaa" } });
    const after = screen.getAllByTestId("contrast-text")[0] as HTMLElement;
    expect(after.textContent).toContain("Text on background: 2.32:1, too low: needs 4.5:1");
    expect(after.className).toContain("sp-contrast-bad");
    // The dark theme is untouched and still passes.
    expect((screen.getAllByTestId("contrast-text")[1] as HTMLElement).className).toContain("sp-contrast-ok");
  });

  it("waits for a whole colour rather than judging a half-typed one", () => {
    renderTheme();
    fireEvent.change(screen.getAllByLabelText("Accent (links, focus)")[0] as HTMLElement, {
      target: { value: "#0b5" },
    });
    expect(screen.getByText("Accent on background: waiting for a valid colour")).toBeTruthy();
    expect(screen.getByText("Write a colour as #rrggbb.")).toBeTruthy();
  });

  it("puts the server's refusal beside the colour it names", () => {
    const refused = new ApiError(400, {
      type: "https://upblit.dev/problems/validation",
      title: "Invalid request",
      status: 400,
      errors: [
        {
          path: "body.colors.dark.accent",
          message: "contrast with the background is 2.10:1; WCAG AA needs 4.5:1",
        },
      ],
    });
    renderTheme(refused);
    const input = screen.getAllByLabelText("Accent (links, focus)")[1] as HTMLElement;
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const described = document.getElementById(input.getAttribute("aria-describedby") ?? "");
    expect(described?.textContent).toBe("contrast with the background is 2.10:1; WCAG AA needs 4.5:1");
  });

  it("computes the same ratio as the server, and never shows a failing one as passing", () => {
    const pairs = [
      ["#ffffff", "#000000"],
      ["#0b5cad", "#ffffff"],
      ["#777777", "#ffffff"],
      ["#6cb6ff", "#0d1117"],
      ["#123456", "#fedcba"],
    ] as const;
    for (const [a, b] of pairs) expect(contrastRatio(a, b)).toBeCloseTo(serverRatio(a, b), 10);
    // #767676 on white is 4.54:1 (passes); #777777 is 4.48:1 and must not round up to 4.5.
    expect(formatRatio(contrastRatio("#777777", "#ffffff") as number)).toBe("4.47:1");
  });
});
