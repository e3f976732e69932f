// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import * as domain from "../../../../src/domain/assertion.ts";
import { AssertionBuilder } from "./assertion-builder.tsx";
import {
  ASSERTION_OPS,
  ASSERTION_SUBJECTS,
  type AssertionRow,
  fromApiAssertion,
  type MonitorType,
  SUBJECTS,
  toApiAssertion,
} from "./assertion-model.ts";

afterEach(cleanup);

/** The builder with its rows in state, exposing what it would send. */
function Harness(props: {
  type?: MonitorType;
  initial?: AssertionRow[];
  apiErrors?: Record<string, string>;
  showProblems?: boolean;
}) {
  const [rows, setRows] = useState<AssertionRow[]>(props.initial ?? []);
  return (
    <>
      <AssertionBuilder
        type={props.type ?? "http"}
        rows={rows}
        onChange={setRows}
        apiError={(path) => props.apiErrors?.[path]}
        showProblems={props.showProblems ?? false}
      />
      <output data-testid="sent">{JSON.stringify(rows.map(toApiAssertion))}</output>
    </>
  );
}

const sent = () => JSON.parse(screen.getByTestId("sent").textContent ?? "[]");
const change = (label: string, value: string) =>
  fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe("assertion builder", () => {
  it("offers exactly the subjects and operators the API takes", () => {
    expect([...ASSERTION_SUBJECTS]).toEqual([...domain.ASSERTION_SUBJECTS]);
    expect([...ASSERTION_OPS]).toEqual([...domain.ASSERTION_OPS]);
    for (const s of ASSERTION_SUBJECTS) {
      for (const op of SUBJECTS[s].ops) expect(domain.ASSERTION_OPS).toContain(op);
    }
  });

  it("adds rows and builds each assertion the API way", () => {
    render(<Harness />);
    fireEvent.click(screen.getByRole("button", { name: "Add an assertion" }));
    change("Assertion 1: what", "status");
    change("Assertion 1: comparison", "in");
    change("Assertion 1: value", "200, 204");
    fireEvent.click(screen.getByRole("button", { name: "Add an assertion" }));
    change("Assertion 2: what", "latency.total");
    change("Assertion 2: comparison", "<");
    change("Assertion 2: value", "500");
    change("Assertion 2: when it fails", "soft");
    fireEvent.click(screen.getByRole("button", { name: "Add an assertion" }));
    change("Assertion 3: what", "json");
    change("Assertion 3: JSON path", "$.db.ok");
    change("Assertion 3: comparison", "==");
    change("Assertion 3: value", "true");
    fireEvent.click(screen.getByRole("button", { name: "Add an assertion" }));
    change("Assertion 4: what", "header");
    change("Assertion 4: header name", "content-type");
    change("Assertion 4: comparison", "contains");
    change("Assertion 4: value", "JSON");
    fireEvent.click(screen.getByLabelText("Assertion 4: match case"));
    expect(sent()).toEqual([
      { subject: "status", op: "in", value: [200, 204], severity: "hard" },
      { subject: "latency.total", op: "<", value: 500, severity: "soft" },
      { subject: "json", path: "$.db.ok", op: "==", value: true, severity: "hard" },
      {
        subject: "header",
        path: "content-type",
        op: "contains",
        value: "JSON",
        caseSensitive: true,
        severity: "hard",
      },
    ]);
  });

  it("removes the row asked for and keeps the others", () => {
    const initial = [
      fromApiAssertion({ subject: "status", op: "==", value: 200, severity: "hard" }),
      fromApiAssertion({ subject: "body", op: "contains", value: "ok", severity: "hard" }),
      fromApiAssertion({ subject: "latency.total", op: "<", value: 800, severity: "soft" }),
    ];
    render(<Harness initial={initial} />);
    fireEvent.click(screen.getByRole("button", { name: "Remove assertion 2" }));
    expect(sent()).toEqual([
      { subject: "status", op: "==", value: 200, severity: "hard" },
      { subject: "latency.total", op: "<", value: 800, severity: "soft" },
    ]);
    expect(screen.queryByRole("button", { name: "Remove assertion 3" })).toBeNull();
  });

  it("hides the value for exists and uses true/false for certificate checks", () => {
    render(<Harness type="tls" />);
    fireEvent.click(screen.getByRole("button", { name: "Add an assertion" }));
    change("Assertion 1: what", "cert.chainValid");
    expect((screen.getByLabelText("Assertion 1: value") as HTMLSelectElement).value).toBe("true");
    change("Assertion 1: value", "false");
    expect(sent()).toEqual([{ subject: "cert.chainValid", op: "==", value: false, severity: "hard" }]);
    // A tls check has no status code or body to assert on.
    const subjects = [...(screen.getByLabelText("Assertion 1: what") as HTMLSelectElement).options].map(
      (o) => o.value,
    );
    expect(subjects).not.toContain("status");
    expect(subjects).not.toContain("body");
    fireEvent.click(screen.getByRole("button", { name: "Add an assertion" }));
    change("Assertion 2: what", "latency.tls");
    change("Assertion 2: comparison", "exists");
    expect(screen.queryByLabelText("Assertion 2: value")).toBeNull();
    expect(sent()[1]).toEqual({ subject: "latency.tls", op: "exists", severity: "hard" });
  });

  it("says what is missing in a row before anything is sent", () => {
    const initial = [
      fromApiAssertion({ subject: "json", op: "==", value: "", severity: "hard" }),
      fromApiAssertion({ subject: "latency.total", op: "<", value: "fast" as never, severity: "hard" }),
    ];
    render(<Harness initial={initial} showProblems />);
    const path = screen.getByLabelText("Assertion 1: JSON path");
    expect(path.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(path.getAttribute("aria-describedby") ?? "")?.textContent).toBe(
      "Needs a path.",
    );
    const value = screen.getByLabelText("Assertion 2: value");
    expect(document.getElementById(value.getAttribute("aria-describedby") ?? "")?.textContent).toBe(
      "Needs a number.",
    );
  });

  it("puts the API's message for assertions.N.value next to that row's value", () => {
    const initial = [
      fromApiAssertion({ subject: "status", op: "==", value: 200, severity: "hard" }),
      fromApiAssertion({ subject: "status", op: "in", value: [200], severity: "hard" }),
    ];
    render(<Harness initial={initial} apiErrors={{ "assertions.1.value": "in needs an array value" }} />);
    const second = screen.getByLabelText("Assertion 2: value");
    expect(second.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(second.getAttribute("aria-describedby") ?? "")?.textContent).toBe(
      "in needs an array value",
    );
    expect(screen.getByLabelText("Assertion 1: value").hasAttribute("aria-invalid")).toBe(false);
  });
});
