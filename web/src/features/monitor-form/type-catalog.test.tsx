// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { monitorDefinitionSchema } from "../../../../src/api/routes/monitors/schemas.ts";
import { describeMonitorType } from "../../../../src/monitor-types/describe.ts";
import { MONITOR_TYPE_LIST } from "../../../../src/monitor-types/registry.ts";
import type { Monitor } from "../../app/session.ts";
import { emptyForm, type FormState, fromMonitor, toRequestBody } from "./form-model.ts";
import { MonitorFields } from "./monitor-fields.tsx";
import { describeType, setTypeCatalog, typeNames } from "./type-catalog.ts";

/**
 * The form of the types without hand-made fields, generated from what `GET /monitor-types`
 * sends: here the server's own description of its registry, so a type added there is tested too.
 */
beforeAll(() => setTypeCatalog(MONITOR_TYPE_LIST.map((t) => describeMonitorType(t)) as never));
afterEach(cleanup);

function Harness(props: { initial: FormState; editing?: boolean }) {
  const [client] = useState(
    () => new QueryClient({ defaultOptions: { queries: { enabled: false, retry: false } } }),
  );
  const [state, setState] = useState(props.initial);
  return (
    <QueryClientProvider client={client}>
      <MonitorFields
        state={state}
        onChange={(patch) => setState((s) => ({ ...s, ...patch }))}
        error={undefined}
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

describe("monitor form of every registered type", () => {
  it("offers every type of the server's registry", () => {
    render(<Harness initial={emptyForm()} />);
    const options = [...(screen.getByLabelText("Type") as HTMLSelectElement).options].map((o) => o.value);
    expect(options).toEqual(MONITOR_TYPE_LIST.map((t) => t.type));
    expect(typeNames()).toEqual(options);
  });

  it("postgres: fields from its schema, the password write-only, defaults sent", () => {
    render(<Harness initial={emptyForm("postgres")} />);
    type("Name", "orders db");
    type("Host and port", "db.internal:5432");
    type("User name", "monitor");
    const password = screen.getByLabelText("Password") as HTMLInputElement;
    expect(password.type).toBe("password");
    expect(describedText(password)).toContain("Write-only");
    type("Password", "pg-s3cret");
    type("Query (read-only)", "SELECT 1");
    expect(screen.getByLabelText("Query (read-only)").tagName).toBe("TEXTAREA");
    fireEvent.click(screen.getByLabelText("Connect with TLS"));
    const sent = body();
    expect(sent).toMatchObject({ type: "postgres", target: "db.internal:5432" });
    expect(sent.postgres).toEqual({
      database: "postgres",
      username: "monitor",
      password: "pg-s3cret",
      query: "SELECT 1",
      tls: true,
      verifyTls: true,
    });
    // The assertion builder offers the type's own facts.
    fireEvent.click(screen.getByRole("button", { name: "Add an assertion" }));
    const subjects = [...(screen.getByLabelText("Assertion 1: what") as HTMLSelectElement).options];
    expect(subjects.map((o) => o.value)).toContain("postgres.result");
  });

  it("redis: a choice of commands and a list of arguments", () => {
    render(<Harness initial={emptyForm("redis")} />);
    type("Command", "GET");
    type("Arguments", "queue:length, other");
    expect(body().redis).toMatchObject({ command: "GET", args: ["queue:length", "other"], database: 0 });
  });

  it("editing: a stored password is not shown, kept when left empty, replaced when typed", () => {
    const stored = {
      ...(emptyForm("redis") as unknown as Record<string, unknown>),
      id: "mon_1",
      type: "redis",
      target: "127.0.0.1:6379",
      intervalSeconds: 60,
      timeoutMs: 10000,
      regions: ["local"],
      tags: [],
      description: null,
      runbookUrl: null,
      certExpiryDays: null,
      paused: false,
      parents: [],
      assertions: [],
      redis: { username: "probe", password: "[redacted]", database: 0, command: "PING", args: [] },
    } as unknown as Monitor;
    render(<Harness initial={fromMonitor(stored)} editing />);
    const password = screen.getByLabelText("Password") as HTMLInputElement;
    expect(password.value).toBe("");
    expect(describedText(password)).toContain("Stored and hidden");
    expect(body().redis.password).toBeUndefined();
    expect(body().redis.username).toBe("probe");
    type("Password", "new-one");
    expect(body().redis.password).toBe("new-one");
  });

  it("heartbeat: no target, schedule fields", () => {
    render(<Harness initial={emptyForm("heartbeat")} />);
    expect(screen.queryByLabelText("Host and port")).toBeNull();
    type("Cron expression", "0 3 * * *");
    type("Time zone", "Europe/Berlin");
    expect(body()).toMatchObject({ type: "heartbeat", target: "" });
    expect(body().heartbeat).toMatchObject({
      cron: "0 3 * * *",
      timezone: "Europe/Berlin",
      graceSeconds: 3600,
    });
  });

  it.each(MONITOR_TYPE_LIST.map((t) => t.type))(
    "%s: the form's body is valid as soon as its required fields are filled",
    (name) => {
      const desc = describeType(name);
      const state = emptyForm(name);
      state.name = `a ${name}`;
      state.target = desc.noTarget ? "" : desc.targetPlaceholder || "example.com";
      for (const f of desc.fields) {
        if (!f.optional && (f.kind === "text" || f.kind === "textarea") && f.initial === "")
          state.settings[f.key] = "x";
      }
      // Structured settings typed as JSON.
      if (name === "multistep") state.settings["multistep.steps"] = '[{ "name": "home", "url": "/" }]';
      // The hand-made types' own required settings.
      if (name === "keyword") state.settings["keyword.keyword"] = "ok";
      if (name === "json") state.settings["json.path"] = "$.status";
      const parsed = monitorDefinitionSchema({ minIntervalSeconds: 1 }, "local").safeParse(
        toRequestBody(state),
      );
      expect(parsed.error?.issues ?? []).toEqual([]);
    },
  );
});
