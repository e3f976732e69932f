// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { ApiError } from "../../api/client.ts";
import type { Monitor } from "../../app/session.ts";
import type { MonitorType } from "./assertion-model.ts";
import { emptyForm, type FormState, fromMonitor, toRequestBody } from "./form-model.ts";
import { MonitorFields } from "./monitor-fields.tsx";

afterEach(cleanup);

/** The fields with their state, showing the body the form would send. Queries stay idle. */
function Harness(props: { initial: FormState; error?: unknown; editing?: boolean }) {
  const [client] = useState(
    () => new QueryClient({ defaultOptions: { queries: { enabled: false, retry: false } } }),
  );
  const [state, setState] = useState(props.initial);
  return (
    <QueryClientProvider client={client}>
      <MonitorFields
        state={state}
        onChange={(patch) => setState((s) => ({ ...s, ...patch }))}
        error={props.error}
        showProblems={false}
        monitorId={props.editing ? "mon_1" : undefined}
      />
      <output data-testid="body">{JSON.stringify(toRequestBody(state, props.editing))}</output>
    </QueryClientProvider>
  );
}

const body = () => JSON.parse(screen.getByTestId("body").textContent ?? "{}");
const type = (label: string, value: string) =>
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
const describedText = (el: HTMLElement) =>
  (el.getAttribute("aria-describedby") ?? "")
    .split(" ")
    .map((id) => document.getElementById(id)?.textContent)
    .join(" ");

function renderType(t: MonitorType) {
  render(<Harness initial={emptyForm(t)} />);
  type("Name", `my ${t}`);
}

const COMMON = {
  quorum: null,
  intervalSeconds: 60,
  failuresBeforeDown: 1,
  successesBeforeUp: 1,
  tags: [],
  description: null,
  runbookUrl: null,
  certExpiryDays: null,
  paused: false,
  parents: [],
  assertions: [],
};
const HTTP_DEFAULTS = { method: "GET", headers: {}, followRedirects: true, maxRedirects: 5, verifyTls: true };

describe("monitor form fields per type", () => {
  it("http: method, headers, body and basic auth make the http block", () => {
    renderType("http");
    type("URL", "https://shop.example.com/health");
    type("Method", "POST");
    type("Request body", '{"ping":1}');
    fireEvent.click(screen.getByRole("button", { name: "Add a header" }));
    type("Header 1 name", "X-Probe");
    type("Header 1 value", "upblit");
    type("Authentication", "basic");
    type("User name", "probe");
    type("Password", "s3cret");
    fireEvent.click(screen.getByLabelText("Verify the TLS certificate"));
    type("Tags", "shop, critical");
    type("Check every (seconds)", "30");
    expect(body()).toEqual({
      ...COMMON,
      name: "my http",
      type: "http",
      target: "https://shop.example.com/health",
      intervalSeconds: 30,
      tags: ["shop", "critical"],
      http: {
        ...HTTP_DEFAULTS,
        method: "POST",
        headers: { "X-Probe": "upblit" },
        body: '{"ping":1}',
        verifyTls: false,
        auth: { type: "basic", username: "probe", password: "s3cret" },
      },
    });
  });

  it("keyword: the keyword block beside the http one", () => {
    renderType("keyword");
    type("URL", "https://example.com/");
    type("Keyword", "All systems go");
    type("The answer", "notContains");
    fireEvent.click(screen.getByLabelText("Match case"));
    expect(body()).toMatchObject({
      type: "keyword",
      keyword: { keyword: "All systems go", mode: "notContains", caseSensitive: true },
      http: HTTP_DEFAULTS,
    });
  });

  it("json: path, comparison and a typed expected value; exists hides the value", () => {
    renderType("json");
    type("URL", "https://example.com/api");
    type("JSON path", "$.db.connections");
    type("Comparison", "<");
    type("Expected value", "100");
    expect(body().json).toEqual({ path: "$.db.connections", op: "<", expected: 100 });
    type("Comparison", "exists");
    expect(screen.queryByLabelText("Expected value")).toBeNull();
    expect(body().json).toEqual({ path: "$.db.connections", op: "exists" });
  });

  it("tcp: host and port only, no HTTP settings", () => {
    renderType("tcp");
    type("Host and port", "db.internal:5432");
    expect(screen.queryByLabelText("Method")).toBeNull();
    expect(screen.queryByLabelText(/Warn before the certificate/)).toBeNull();
    expect(body()).toEqual({ ...COMMON, name: "my tcp", type: "tcp", target: "db.internal:5432" });
  });

  it("dns: record type, resolver and expected answers as a list", () => {
    renderType("dns");
    type("Hostname", "example.com");
    type("Record type", "TXT");
    type("Resolver", "127.0.0.1:5353");
    type("Expected answers", "v=spf1 -all, hello");
    expect(body()).toEqual({
      ...COMMON,
      name: "my dns",
      type: "dns",
      target: "example.com",
      dns: { recordType: "TXT", resolver: "127.0.0.1:5353", expected: ["v=spf1 -all", "hello"] },
    });
  });

  it("tls: host and port and the certificate warning days", () => {
    renderType("tls");
    type("Host and port", "example.com:443");
    type("Warn before the certificate expires (days)", "21, 7");
    expect(screen.queryByLabelText("Method")).toBeNull();
    expect(body()).toEqual({
      ...COMMON,
      name: "my tls",
      type: "tls",
      target: "example.com:443",
      certExpiryDays: [21, 7],
    });
  });

  it("switching the type keeps what was typed and sends only the new type's settings", () => {
    renderType("http");
    type("URL", "https://example.com/");
    type("Type", "keyword");
    type("Keyword", "ok");
    expect(body()).toMatchObject({
      type: "keyword",
      target: "https://example.com/",
      keyword: { keyword: "ok" },
    });
    type("Type", "tcp");
    expect(body().http).toBeUndefined();
    expect(body().keyword).toBeUndefined();
  });
});

describe("editing and cloning", () => {
  const stored = {
    id: "mon_1",
    name: "API",
    type: "http",
    target: "https://api.example.com/",
    intervalSeconds: 60,
    timeoutMs: 5000,
    regions: ["local"],
    assertions: [{ subject: "status", op: "==", value: 200, severity: "hard" }],
    failuresBeforeDown: 2,
    successesBeforeUp: 1,
    tags: ["api"],
    description: null,
    runbookUrl: null,
    paused: false,
    parents: [],
    certExpiryDays: null,
    http: { ...HTTP_DEFAULTS, headers: { Authorization: "[redacted]" }, auth: { type: "bearer" } },
  } as unknown as Monitor;

  it("an edit leaves stored credentials out unless retyped", () => {
    render(<Harness initial={fromMonitor(stored)} editing />);
    expect(body().http.auth).toBeUndefined();
    expect(body().http.headers).toEqual({ Authorization: "[redacted]" });
    expect(body().assertions).toEqual([{ subject: "status", op: "==", value: 200, severity: "hard" }]);
    expect(describedText(screen.getByLabelText("Bearer token"))).toContain("Leave empty to keep it");
    type("Bearer token", "new-token");
    expect(body().http.auth).toEqual({ type: "bearer", token: "new-token" });
    // "None" cannot remove stored credentials through PATCH (blocks merge): the form says so.
    type("Authentication", "none");
    expect(body().http.auth).toBeUndefined();
    expect(describedText(screen.getByLabelText("Authentication"))).toContain("The stored credentials stay");
  });

  it("a clone is named as a copy, not paused, and must be given the credentials again", () => {
    render(<Harness initial={fromMonitor({ ...stored, paused: true }, [], { name: "Copy of API" })} />);
    expect((screen.getByLabelText("Name") as HTMLInputElement).value).toBe("Copy of API");
    expect(body()).toMatchObject({
      name: "Copy of API",
      paused: false,
      failuresBeforeDown: 2,
      timeoutMs: 5000,
    });
    expect(body().http.auth).toEqual({ type: "bearer", token: "" });
  });
});

describe("problems from the API", () => {
  it("land next to the field they name, nested paths included; the rest at the top", () => {
    const error = new ApiError(400, {
      type: "about:blank",
      title: "Invalid request",
      status: 400,
      detail: "4 invalid fields in the body",
      errors: [
        { path: "body.target", message: "must be host:port" },
        { path: "body.dns.resolver", message: "must be an IP address, optionally with :port" },
        { path: "body.intervalSeconds", message: "Too small: expected number to be >=30" },
        { path: "body.somethingElse", message: "unknown field" },
      ],
    });
    const state = { ...emptyForm("dns"), name: "x" };
    render(<Harness initial={state} error={error} />);
    const target = screen.getByLabelText("Hostname");
    expect(target.getAttribute("aria-invalid")).toBe("true");
    expect(describedText(target)).toContain("must be host:port");
    expect(describedText(screen.getByLabelText("Resolver"))).toContain("must be an IP address");
    expect(describedText(screen.getByLabelText("Check every (seconds)"))).toContain(
      "expected number to be >=30",
    );
    expect(screen.getByLabelText("Name").hasAttribute("aria-invalid")).toBe(false);
    const top = screen.getByRole("alert");
    expect(within(top).getByText("4 invalid fields in the body")).toBeTruthy();
    expect(top.textContent).toContain("body.somethingElse");
    expect(top.textContent).not.toContain("must be host:port");
  });

  it("header problems show under the headers", () => {
    const error = new ApiError(400, {
      type: "about:blank",
      title: "Invalid request",
      status: 400,
      errors: [{ path: "body.http.headers.Bad Name", message: "must be an HTTP header name" }],
    });
    render(<Harness initial={emptyForm("http")} error={error} />);
    const headers = screen.getByRole("group", { name: "Request headers" });
    expect(within(headers).getByText("must be an HTTP header name")).toBeTruthy();
  });
});

describe("quorum", () => {
  it("shows from two regions on, sends null (a majority) when empty and the number when typed", () => {
    render(<Harness initial={emptyForm("http")} />);
    expect(screen.queryByLabelText("Quorum")).toBeNull();
    expect(body().quorum).toBeNull();
    type("Regions", "eu-west, us-east, ap-south");
    const quorum = screen.getByLabelText("Quorum");
    expect(describedText(quorum)).toContain("of the 3 regions");
    expect(body().quorum).toBeNull();
    type("Quorum", "2");
    expect(body()).toMatchObject({ regions: ["eu-west", "us-east", "ap-south"], quorum: 2 });
    type("Quorum", "");
    expect(body().quorum).toBeNull();
  });

  it("an edit shows the stored quorum, and the API's problem beside the field", () => {
    const stored = {
      ...emptyForm("tcp"),
      name: "db",
      target: "db.internal:5432",
      regions: "eu-west, us-east",
      quorum: "3",
    };
    const error = new ApiError(400, {
      type: "about:blank",
      title: "Invalid request",
      status: 400,
      errors: [{ path: "body.quorum", message: "must be at most the number of regions (2)" }],
    });
    render(<Harness initial={stored} error={error} editing />);
    const quorum = screen.getByLabelText("Quorum") as HTMLInputElement;
    expect(quorum.value).toBe("3");
    expect(quorum.getAttribute("aria-invalid")).toBe("true");
    expect(describedText(quorum)).toContain("must be at most the number of regions (2)");
    expect(body().quorum).toBe(3);
  });

  it("says region, not regions, when one is listed", () => {
    render(<Harness initial={{ ...emptyForm("http"), regions: "eu-west", quorum: "2" }} />);
    const hint = describedText(screen.getByLabelText("Quorum"));
    expect(hint).toContain("only 1 region is listed");
    expect(hint).not.toContain("1 regions");
  });

  it("is read from a stored monitor: null as empty", () => {
    const m = { ...({} as Monitor), quorum: 2, regions: ["a", "b"] };
    expect(fromMonitor({ ...baseMonitor(), ...m }).quorum).toBe("2");
    expect(fromMonitor({ ...baseMonitor(), quorum: null }).quorum).toBe("");
  });
});

function baseMonitor(): Monitor {
  return {
    id: "mon_q",
    name: "q",
    type: "tcp",
    target: "db:5432",
    intervalSeconds: 60,
    timeoutMs: 5000,
    regions: ["local"],
    quorum: null,
    assertions: [],
    failuresBeforeDown: 1,
    successesBeforeUp: 1,
    tags: [],
    description: null,
    runbookUrl: null,
    paused: false,
    parents: [],
    certExpiryDays: null,
  } as unknown as Monitor;
}
