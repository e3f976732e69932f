import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { textWidth } from "./badge-widths.ts";
import { renderBadge, uptimeColor } from "./badges.ts";
import { escapeMarkup, html, raw } from "./escape.ts";

describe("badges", () => {
  it("measures text with the width table", () => {
    expect(textWidth("")).toBe(0);
    expect(textWidth("1")).toBe(7);
    expect(textWidth("iii")).toBeCloseTo(9.18, 5);
    expect(textWidth("WWW")).toBeGreaterThan(textWidth("iii") * 3);
    expect(textWidth("é")).toBe(7);
    expect(textWidth("監視")).toBe(22);
  });

  it("sizes both halves from the texts and stays well-formed SVG", () => {
    const short = renderBadge("api", "up", "brightgreen");
    const long = renderBadge("a much longer component name", "partial outage", "orange");
    for (const svg of [short, long]) expect(XMLValidator.validate(svg)).toBe(true);
    const width = (svg: string) =>
      Number(new XMLParser({ ignoreAttributes: false }).parse(svg).svg["@_width"]);
    expect(width(short)).toBe(Math.ceil(textWidth("api")) + 10 + Math.ceil(textWidth("up")) + 10);
    expect(width(long)).toBeGreaterThan(width(short) + 100);
    expect(short).toContain('fill="#4c1"');
    expect(short).toContain("<title>api: up</title>");
  });

  it("escapes labels and values, and cuts labels that are too long", () => {
    const svg = renderBadge(`<script>x</script>"'&`, "<b>", "red");
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).not.toContain("<script>");
    expect(svg).not.toContain("<b>");
    expect(svg).toContain("&lt;script&gt;x&lt;/script&gt;&quot;&#39;&amp;");
    const cut = renderBadge("x".repeat(100), "up", "grey");
    expect(cut).toContain(`${"x".repeat(39)}…`);
    expect(cut).not.toContain("x".repeat(40));
  });

  it("colours uptime like shields does", () => {
    expect([null, 1, 0.999, 0.995, 0.96, 0.5].map(uptimeColor)).toEqual([
      "grey",
      "brightgreen",
      "brightgreen",
      "green",
      "yellow",
      "red",
    ]);
  });
});

describe("markup escaping", () => {
  it("escapes the five characters that matter in text and quoted attributes", () => {
    expect(escapeMarkup(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
    expect(escapeMarkup(42)).toBe("42");
  });

  it("escapes interpolated values, keeps nested markup and skips empty values", () => {
    const name = "<i>";
    const out = html`<p title="${name}">${name}${html`<b>${name}</b>`}${[name, raw("<br>")]}${null}${undefined}${false}</p>`;
    expect(out.value).toBe('<p title="&lt;i&gt;">&lt;i&gt;<b>&lt;i&gt;</b>&lt;i&gt;<br></p>');
  });
});
