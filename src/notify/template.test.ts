import { describe, expect, it } from "vitest";
import {
  checkTemplate,
  describeIssue,
  MAX_SECTION_DEPTH,
  parseMessageTemplate,
  parseTemplate,
  renderTemplate,
  TemplateError,
  type TemplateName,
  type TemplateValues,
} from "./template.ts";

const VALUES: TemplateValues = { monitor: "Checkout API", state: "down", cause: "status is 503" };
const asIs = (value: string) => value;
const render = (
  source: string,
  values: TemplateValues = VALUES,
  escapeValue: (value: string, name: TemplateName) => string = asIs,
) => renderTemplate(parseTemplate(source), values, escapeValue);

/** The issues of a template that must fail, as `message @line:column`. */
function issuesOf(source: string): string[] {
  try {
    parseTemplate(source);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    return err.issues.map((i) => `${i.message} @${i.position.line}:${i.position.column}`);
  }
  throw new Error(`"${source}" parsed without error`);
}

describe("template placeholders", () => {
  it("replaces each placeholder with its value and keeps the literal text", () => {
    expect(render("{{monitor}} is {{state}}: {{cause}}!")).toBe("Checkout API is down: status is 503!");
  });

  it("allows blanks inside the braces", () => {
    expect(render("{{ monitor }} / {{#  cause }}{{ cause}}{{/ cause }}")).toBe(
      "Checkout API / status is 503",
    );
  });

  it("renders an absent or empty value as nothing", () => {
    expect(render("[{{runbook_url}}][{{cause}}]", { cause: "" })).toBe("[][]");
  });

  it("passes every value, and only values, through the escaper with its name", () => {
    const seen: string[] = [];
    const out = render(
      "<b>{{monitor}}</b> {{monitor_url}}",
      { monitor: "A<B", monitor_url: "https://x/" },
      (v, n) => {
        seen.push(n);
        return `«${v}»`;
      },
    );
    expect(out).toBe("<b>«A<B»</b> «https://x/»");
    expect(seen).toEqual(["monitor", "monitor_url"]);
  });

  it("never renders a value's own braces as a template (values are data)", () => {
    expect(render("{{monitor}}", { monitor: "{{cause}} {{#state}}x{{/state}}", cause: "secret" })).toBe(
      "{{cause}} {{#state}}x{{/state}}",
    );
  });

  it("keeps text without tags, and stray closing braces, as written", () => {
    expect(render("no tags here }} at all")).toBe("no tags here }} at all");
    expect(render("")).toBe("");
  });
});

describe("template sections", () => {
  it("shows a section when its value is present, and hides it when absent", () => {
    const source =
      "{{#cause}}Cause: {{cause}}.{{/cause}}{{#runbook_url}} Runbook: {{runbook_url}}{{/runbook_url}}";
    expect(render(source)).toBe("Cause: status is 503.");
    expect(render(source, { runbook_url: "https://wiki/x" })).toBe(" Runbook: https://wiki/x");
  });

  it("shows an inverted section only when the value is absent or empty", () => {
    const source = "{{^cause}}no cause given{{/cause}}";
    expect(render(source, {})).toBe("no cause given");
    expect(render(source, { cause: "" })).toBe("no cause given");
    expect(render(source)).toBe("");
  });

  it("nests sections, each deciding on its own value (no context change, no iteration)", () => {
    const source =
      "{{#drill}}[DRILL {{#cause}}{{cause}}{{/cause}}{{^cause}}-{{/cause}}] {{/drill}}{{monitor}}";
    expect(render(source, { drill: "DRILL", monitor: "M" })).toBe("[DRILL -] M");
    expect(render(source, { drill: "DRILL", monitor: "M", cause: "c" })).toBe("[DRILL c] M");
    expect(render(source, { monitor: "M", cause: "c" })).toBe("M");
  });

  it("drops the lines of section tags that stand alone, as mustache does", () => {
    const source =
      "Down: {{monitor}}\n  {{#cause}}\nCause: {{cause}}\n  {{/cause}}\r\n{{^runbook_url}}\nNo runbook\n{{/runbook_url}}\nEnd";
    expect(render(source)).toBe("Down: Checkout API\nCause: status is 503\nNo runbook\nEnd");
    expect(render(source, { monitor: "M", runbook_url: "u" })).toBe("Down: M\nEnd");
  });

  it("keeps the line of a section tag that shares it with text", () => {
    expect(render("A {{#cause}}\nB\n{{/cause}} C")).toBe("A \nB\n C");
  });

  it(`nests at most ${MAX_SECTION_DEPTH} deep`, () => {
    const deep = (n: number) => `${"{{#state}}".repeat(n)}x${"{{/state}}".repeat(n)}`;
    expect(render(deep(MAX_SECTION_DEPTH))).toBe("x");
    expect(issuesOf(deep(MAX_SECTION_DEPTH + 1))).toEqual([
      `sections nest at most ${MAX_SECTION_DEPTH} deep @1:${MAX_SECTION_DEPTH * 10 + 1}`,
    ]);
  });
});

describe("template errors, with their positions", () => {
  it("refuses an unknown name and lists the known ones", () => {
    const issues = checkTemplate("Hi {{monitor}},\n  {{hostname}} is down");
    expect(issues).toHaveLength(1);
    expect(issues[0]!.position).toEqual({ offset: 18, line: 2, column: 3 });
    expect(issues[0]!.message).toMatch(/^unknown name "hostname" \(known: event, title, monitor,/);
    expect(describeIssue(issues[0]!)).toMatch(/ at line 2, column 3$/);
  });

  it("reports every unknown name, not only the first", () => {
    expect(issuesOf("{{a}} {{#b}}{{/b}} {{^c}}{{/c}}").map((i) => i.replace(/ \(known.*\)/, ""))).toEqual([
      'unknown name "a" @1:1',
      'unknown name "b" @1:7',
      'unknown name "c" @1:20',
    ]);
  });

  it("refuses property walks: names are flat", () => {
    expect(issuesOf("{{monitor.name}}")).toEqual([
      '"monitor.name": names are flat, there is no property access @1:1',
    ]);
    expect(issuesOf("{{#monitor.constructor}}x{{/monitor.constructor}}")[0]).toMatch(/names are flat.*@1:1$/);
    expect(issuesOf("{{.}}")[0]).toMatch(/names are flat/);
  });

  it("refuses what logic-less means to leave out: unescaped output, partials, delimiters, comments", () => {
    expect(issuesOf("x {{{monitor}}}")).toEqual([
      "unescaped output ({{{…}}}) is not supported: every value is escaped @1:3",
    ]);
    expect(issuesOf("{{&monitor}}")[0]).toMatch(/^unescaped output/);
    expect(issuesOf("{{> header}}")[0]).toMatch(/^partials/);
    expect(issuesOf("{{<layout}}{{/layout}}")[0]).toMatch(/^partials and blocks/);
    expect(issuesOf("{{$block}}{{/block}}")[0]).toMatch(/^blocks/);
    expect(issuesOf("{{=<% %>=}}")[0]).toMatch(/^changing the delimiters/);
    expect(issuesOf("{{! note }}")[0]).toMatch(/^comments/);
    expect(issuesOf("{{}}")).toEqual(["empty tag {{}}: put a name inside @1:1"]);
  });

  it("refuses a tag that is never closed", () => {
    expect(issuesOf("line one\nDown: {{monitor")).toEqual([
      "a tag opened with {{ is never closed with }} @2:7",
    ]);
  });

  it("refuses unbalanced sections, naming where the opening was", () => {
    expect(issuesOf("a\n{{#cause}}x")).toEqual(["{{#cause}} is never closed with {{/cause}} @2:1"]);
    expect(issuesOf("x{{/cause}}")).toEqual(["{{/cause}} closes a section that was never opened @1:2"]);
    expect(issuesOf("{{#cause}}\n{{^state}}x{{/cause}}{{/state}}")).toEqual([
      "{{/cause}} does not close {{^state}} opened at line 2, column 1 @2:12",
    ]);
  });

  it("throws a TemplateError whose message carries every issue", () => {
    expect(() => parseTemplate("{{nope}} {{#cause}}")).toThrow(
      /unknown name "nope".* at line 1, column 1; \{\{#cause\}\} is never closed with \{\{\/cause\}\} at line 1, column 10/,
    );
  });
});

describe("follow-up names", () => {
  it("knows the names of reminders, escalations, acknowledgements and certificate warnings", () => {
    const names = [
      "reminder_count",
      "down_for",
      "escalation_level",
      "escalation_after",
      "acknowledged_by",
      "acknowledged_at",
      "acknowledge_note",
      "certificate_days_left",
      "certificate_expires",
      "certificate_subject",
      "certificate_threshold",
    ];
    const source = names.map((n) => `{{#${n}}}${n}={{${n}}};{{/${n}}}`).join("");
    expect(checkTemplate(source)).toEqual([]);
    const values = Object.fromEntries(names.map((n) => [n, `v-${n}`])) as TemplateValues;
    expect(render(source, values)).toBe(names.map((n) => `${n}=v-${n};`).join(""));
    expect(render(source, {})).toBe("");
  });

  it("still refuses near misses of them", () => {
    expect(issuesOf("{{acknowledgedBy}} {{certificate.days_left}}")).toEqual([
      expect.stringMatching(/^unknown name "acknowledgedBy" .*@1:1$/),
      expect.stringMatching(/names are flat.*@1:20$/),
    ]);
  });
});

describe("message templates", () => {
  it("parses the parts that are set and leaves the others to the default wording", () => {
    const parsed = parseMessageTemplate({ title: "{{monitor}}" });
    expect(parsed.title).toEqual([{ type: "value", name: "monitor" }]);
    expect(parsed).not.toHaveProperty("text");
    expect(parseMessageTemplate({})).toEqual({});
    expect(() => parseMessageTemplate({ text: "{{bad}}" })).toThrow(TemplateError);
  });
});
