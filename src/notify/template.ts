/**
 * The logic-less message templates of channels: `{{name}}` placeholders from a fixed list of flat
 * names, `{{#name}}…{{/name}}` shown when the value is present, `{{^name}}…{{/name}}` when absent.
 * Nothing else: no partials, no unescaped output, no dotted names, no delimiter changes, no
 * lambdas. Written here rather than taken from a mustache library because those allow more
 * (partials, property walks, lambdas), and a template is a code-execution surface (SECURITY.md).
 *
 * Parsing reports every unknown name with its position and stops at the first structural error
 * (an unclosed tag, an unbalanced section). Rendering escapes every substituted value with the
 * escaper the caller gives (the channel's dialect); the template's own text is kept as written.
 */

import type { TemplateSource } from "../domain/alert-message.ts";

export type { TemplateSource };

/** The placeholder names a template may use; each is a plain string value, or absent. */
export const TEMPLATE_NAMES = [
  "event",
  "title",
  "monitor",
  "monitor_id",
  "monitor_type",
  "target",
  "state",
  "previous_state",
  "since",
  "cause",
  "duration",
  "organization",
  "monitor_url",
  "incident_url",
  "runbook_url",
  "acknowledge_url",
  "incident_id",
  "notification_id",
  "drill",
  // Follow-up events: present only on the event that has the fact (docs/templates.md).
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
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** The values of one message; a name that is missing or empty is "absent" for sections. */
export type TemplateValues = Partial<Record<TemplateName, string>>;

export type TemplateNode =
  | { type: "text"; text: string }
  | { type: "value"; name: TemplateName }
  | { type: "section"; name: TemplateName; inverted: boolean; children: TemplateNode[] };

export interface TemplatePosition {
  /** 0-based offset in UTF-16 units. */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface TemplateIssue {
  message: string;
  position: TemplatePosition;
}

/** A template that cannot be used, with every problem found and where. */
export class TemplateError extends Error {
  constructor(readonly issues: TemplateIssue[]) {
    super(issues.map(describeIssue).join("; "));
    this.name = "TemplateError";
  }
}

/** `unknown name "x" at line 1, column 4`. */
export function describeIssue(issue: TemplateIssue): string {
  return `${issue.message} at line ${issue.position.line}, column ${issue.position.column}`;
}

/** Sections nest at most this deep: deeper is a mistake, and it bounds the renderer's recursion. */
export const MAX_SECTION_DEPTH = 8;

const KNOWN = new Set<string>(TEMPLATE_NAMES);

/** Why a tag kind other than value and section is refused, by its first character. */
const REFUSED_SIGILS: Record<string, string> = {
  "{": "unescaped output ({{{…}}}) is not supported: every value is escaped",
  "&": "unescaped output ({{&…}}) is not supported: every value is escaped",
  ">": "partials ({{>…}}) are not supported",
  "<": "partials and blocks ({{<…}}) are not supported",
  $: "blocks ({{$…}}) are not supported",
  "=": "changing the delimiters ({{=…=}}) is not supported",
  "!": "comments ({{!…}}) are not supported",
};

interface OpenSection {
  node: Extract<TemplateNode, { type: "section" }>;
  at: number;
  parent: TemplateNode[];
}

/** Parses a template; throws TemplateError listing every problem it could find. */
export function parseTemplate(source: string): TemplateNode[] {
  const issues: TemplateIssue[] = [];
  const issue = (message: string, offset: number) =>
    issues.push({ message, position: positionOf(source, offset) });
  const root: TemplateNode[] = [];
  const stack: OpenSection[] = [];
  let nodes = root;
  let textStart = 0;
  let at = source.indexOf("{{");
  while (at !== -1) {
    const close = source.indexOf("}}", at + 2);
    if (close === -1) {
      issue("a tag opened with {{ is never closed with }}", at);
      throw new TemplateError(issues);
    }
    const tagEnd = close + 2;
    const content = source.slice(at + 2, close);
    const sigil = content.trimStart().charAt(0);
    const isSection = sigil === "#" || sigil === "^" || sigil === "/";
    const standalone = isSection ? standaloneLine(source, at, tagEnd) : undefined;
    pushText(nodes, source.slice(textStart, standalone ? standalone.lineStart : at));
    textStart = standalone ? standalone.next : tagEnd;
    const name = isSection ? content.trimStart().slice(1).trim() : content.trim();
    const refused = REFUSED_SIGILS[sigil];
    if (refused) {
      issue(refused, at);
    } else if (!isSection) {
      if (checkName(name, at, issue)) nodes.push({ type: "value", name: name as TemplateName });
    } else if (sigil === "/") {
      const open = stack.pop();
      if (!open) {
        issue(`{{/${name}}} closes a section that was never opened`, at);
        throw new TemplateError(issues);
      }
      if (open.node.name !== name) {
        const where = positionOf(source, open.at);
        issue(
          `{{/${name}}} does not close {{${open.node.inverted ? "^" : "#"}${open.node.name}}} opened at line ${where.line}, column ${where.column}`,
          at,
        );
        throw new TemplateError(issues);
      }
      nodes = open.parent;
    } else {
      checkName(name, at, issue);
      if (stack.length >= MAX_SECTION_DEPTH) {
        issue(`sections nest at most ${MAX_SECTION_DEPTH} deep`, at);
        throw new TemplateError(issues);
      }
      const node = {
        type: "section" as const,
        name: name as TemplateName,
        inverted: sigil === "^",
        children: [],
      };
      nodes.push(node);
      stack.push({ node, at, parent: nodes });
      nodes = node.children;
    }
    at = source.indexOf("{{", textStart);
  }
  pushText(nodes, source.slice(textStart));
  const unclosed = stack.pop();
  if (unclosed) {
    const sign = unclosed.node.inverted ? "^" : "#";
    issue(`{{${sign}${unclosed.node.name}}} is never closed with {{/${unclosed.node.name}}}`, unclosed.at);
  }
  if (issues.length > 0) throw new TemplateError(issues);
  return root;
}

/** The problems of a template, or none: for validation at the API edge. */
export function checkTemplate(source: string): TemplateIssue[] {
  try {
    parseTemplate(source);
    return [];
  } catch (err) {
    if (err instanceof TemplateError) return err.issues;
    throw err;
  }
}

/**
 * Renders parsed nodes: text as written, each value through `escapeValue` (which knows the channel's
 * dialect and which names are links), sections by whether their value is present.
 */
export function renderTemplate(
  nodes: readonly TemplateNode[],
  values: TemplateValues,
  escapeValue: (value: string, name: TemplateName) => string,
): string {
  let out = "";
  for (const node of nodes) {
    if (node.type === "text") out += node.text;
    else if (node.type === "value") {
      const value = values[node.name];
      if (value) out += escapeValue(value, node.name);
    } else if (Boolean(values[node.name]) !== node.inverted) {
      out += renderTemplate(node.children, values, escapeValue);
    }
  }
  return out;
}

/** A value or section name must be flat and known; reports why not. */
function checkName(name: string, at: number, issue: (message: string, offset: number) => void): boolean {
  if (name === "") issue("empty tag {{}}: put a name inside", at);
  else if (name.includes(".")) issue(`"${name}": names are flat, there is no property access`, at);
  else if (!KNOWN.has(name)) issue(`unknown name "${name}" (known: ${TEMPLATE_NAMES.join(", ")})`, at);
  else return true;
  return false;
}

function pushText(nodes: TemplateNode[], text: string): void {
  if (text) nodes.push({ type: "text", text });
}

/**
 * As in mustache, a section tag alone on its line (only blanks around it) takes the whole line
 * with it, so sections on lines of their own leave no empty lines behind.
 */
function standaloneLine(
  source: string,
  tagStart: number,
  tagEnd: number,
): { lineStart: number; next: number } | undefined {
  const lineStart = source.lastIndexOf("\n", tagStart - 1) + 1;
  if (!/^[ \t]*$/.test(source.slice(lineStart, tagStart))) return undefined;
  const after = /^[ \t]*(\r?\n|$)/.exec(source.slice(tagEnd));
  return after ? { lineStart, next: tagEnd + after[0].length } : undefined;
}

function positionOf(source: string, offset: number): TemplatePosition {
  const before = source.slice(0, offset);
  const line = before.split("\n").length;
  return { offset, line, column: offset - (before.lastIndexOf("\n") + 1) + 1 };
}

/** A channel's template, parsed: what adapters receive in their send context. */
export interface MessageTemplate {
  title?: TemplateNode[];
  text?: TemplateNode[];
}

/** Parses both parts of a stored template; throws TemplateError (from the first part that fails). */
export function parseMessageTemplate(source: TemplateSource): MessageTemplate {
  return {
    ...(source.title ? { title: parseTemplate(source.title) } : {}),
    ...(source.text ? { text: parseTemplate(source.text) } : {}),
  };
}
