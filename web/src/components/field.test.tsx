// @vitest-environment happy-dom
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { Field } from "./field.tsx";

afterEach(cleanup);

describe("Field", () => {
  it("shows the API's message beside the field and marks it invalid", () => {
    render(<Field label="Name" error="must not be empty" />);
    const input = screen.getByLabelText("Name");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const describedBy = input.getAttribute("aria-describedby") ?? "";
    expect(document.getElementById(describedBy)?.textContent).toBe("must not be empty");
  });

  it("is not invalid without an error", () => {
    render(<Field label="Name" />);
    expect(screen.getByLabelText("Name").hasAttribute("aria-invalid")).toBe(false);
  });
});
