// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { ComponentsEditor } from "./components-editor.tsx";
import { type DraftGroup, moveComponent, moveItem, toBody } from "./editor-model.ts";

afterEach(cleanup);

const monitors = [
  { id: "mon_web", name: "web-prod" },
  { id: "mon_api", name: "api-prod" },
  { id: "mon_db", name: "db-primary" },
  { id: "mon_mq", name: "queue" },
];

function start(): DraftGroup[] {
  return [
    {
      key: "g1",
      name: "Applications",
      components: [
        { key: "c1", monitorId: "mon_web", displayName: "Website" },
        { key: "c2", monitorId: "mon_api", displayName: "API" },
      ],
    },
    { key: "g2", name: "Data", components: [{ key: "c3", monitorId: "mon_db", displayName: "Database" }] },
  ];
}

/** The editor with its state, exposing the latest groups for assertions. */
function renderEditor() {
  const seen: { groups: DraftGroup[] } = { groups: start() };
  function Harness() {
    const [groups, setGroups] = useState(start);
    seen.groups = groups;
    return <ComponentsEditor groups={groups} onChange={setGroups} monitors={monitors} error={null} />;
  }
  render(<Harness />);
  const order = () =>
    seen.groups.map((g) => `${g.name}: ${g.components.map((c) => c.displayName).join(", ")}`);
  return { seen, order };
}

describe("ComponentsEditor reordering", () => {
  it("moves a component with ↓ on its handle, keeps focus on it and announces the move", () => {
    const { order } = renderEditor();
    const handle = screen.getByRole("button", { name: "Move Website" });
    handle.focus();
    fireEvent.keyDown(handle, { key: "ArrowDown" });
    expect(order()).toEqual(["Applications: API, Website", "Data: Database"]);
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Move Website" }));
    expect(screen.getByText("Website moved to Applications, position 2 of 2.")).toBeTruthy();
  });

  it("moves over the edge of a group into the next one, and back with ↑", () => {
    const { order } = renderEditor();
    fireEvent.keyDown(screen.getByRole("button", { name: "Move API" }), { key: "ArrowDown" });
    expect(order()).toEqual(["Applications: Website", "Data: API, Database"]);
    fireEvent.keyDown(screen.getByRole("button", { name: "Move API" }), { key: "ArrowUp" });
    expect(order()).toEqual(["Applications: Website, API", "Data: Database"]);
  });

  it("reorders groups with the keyboard and with their Up/Down buttons", () => {
    const { order } = renderEditor();
    fireEvent.keyDown(screen.getByRole("button", { name: "Move group Data" }), { key: "ArrowUp" });
    expect(order()).toEqual(["Data: Database", "Applications: Website, API"]);
    fireEvent.click(screen.getByRole("button", { name: "Up Applications" }));
    expect(order()).toEqual(["Applications: Website, API", "Data: Database"]);
  });

  it("moves a component dropped on another one to that place", () => {
    const { order } = renderEditor();
    const dragged = screen.getByRole("button", { name: "Move Database" });
    const target = screen.getByRole("button", { name: "Move Website" }).closest("li") as HTMLElement;
    fireEvent.dragStart(dragged);
    fireEvent.dragOver(target);
    fireEvent.drop(target);
    expect(order()).toEqual(["Applications: Database, Website, API", "Data: "]);
  });

  it("adds a monitor under its own name and offers only monitors not on the page", () => {
    const { order } = renderEditor();
    const data = screen.getByLabelText("Add a monitor to Data") as HTMLSelectElement;
    const offered = within(data)
      .getAllByRole("option")
      .map((o) => o.textContent);
    expect(offered).toEqual(["Choose a monitor…", "queue"]);
    fireEvent.change(data, { target: { value: "mon_mq" } });
    fireEvent.click(screen.getByRole("button", { name: "Add Data" }));
    expect(order()).toEqual(["Applications: Website, API", "Data: Database, queue"]);
  });
});

describe("editor model", () => {
  it("moveItem and moveComponent keep every item once", () => {
    expect(moveItem(["a", "b", "c"], 0, 2)).toEqual(["b", "c", "a"]);
    expect(moveItem(["a", "b", "c"], 2, -5)).toEqual(["c", "a", "b"]);
    const moved = moveComponent(start(), { group: 0, index: 0 }, { group: 1, index: 1 });
    expect(moved.map((g) => g.components.map((c) => c.monitorId))).toEqual([
      ["mon_api"],
      ["mon_db", "mon_web"],
    ]);
  });

  it("sends groups and footer links in their order, empty texts as null, a password only for password pages", () => {
    const body = toBody({
      slug: " acme ",
      title: "Acme",
      description: "",
      logoUrl: "",
      faviconUrl: "",
      footerText: "Questions? support@acme.example ",
      footerLinks: [
        { key: "a", label: " Support ", url: " https://support.acme.example/ " },
        { key: "b", label: "Privacy", url: "https://acme.example/privacy" },
      ],
      historyDays: 30,
      visibility: "public",
      password: "typed but not used",
      autoPublish: false,
      colors: {
        light: { background: "#ffffff", text: "#000000", accent: "#0b5cad" },
        dark: { background: "#000000", text: "#ffffff", accent: "#6cb6ff" },
      },
      groups: moveItem(start(), 1, 0),
    });
    expect(body).toMatchObject({
      slug: "acme",
      description: null,
      logoUrl: null,
      faviconUrl: null,
      footerText: "Questions? support@acme.example",
      footerLinks: [
        { label: "Support", url: "https://support.acme.example/" },
        { label: "Privacy", url: "https://acme.example/privacy" },
      ],
      historyDays: 30,
    });
    expect(body).not.toHaveProperty("password");
    expect(body.groups.map((g) => g.name)).toEqual(["Data", "Applications"]);
    expect(body.groups[1]?.components).toEqual([
      { monitorId: "mon_web", displayName: "Website" },
      { monitorId: "mon_api", displayName: "API" },
    ]);
  });
});

describe("status pages messages", () => {
  it("have no empty text, fill parameters, and fall back to the shared catalogue", async () => {
    const { statusPages } = await import("../../i18n/en/status-pages.ts");
    const { t } = await import("./messages.ts");
    expect(Object.entries(statusPages).filter(([, text]) => text.trim() === "")).toEqual([]);
    expect(t("sp.days", { days: 90 })).toBe("90 days");
    expect(t("nav.statusPages")).toBe("Status pages");
  });
});
