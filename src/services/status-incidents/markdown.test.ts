import { describe, expect, it } from "vitest";
import { MARKDOWN_MAX, renderMarkdown } from "./markdown.ts";

describe("renderMarkdown", () => {
  it("renders markdown and keeps safe formatting", () => {
    expect(renderMarkdown("**Fixed** in `v2`.\n\n- one\n- two")).toBe(
      "<p><strong>Fixed</strong> in <code>v2</code>.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>",
    );
    expect(renderMarkdown("# Title")).toBe("<h4>Title</h4>");
  });

  it.each([
    ["a script tag", "<script>alert(1)</script>hi", /<script|alert/],
    ["an onerror handler", '<img src=x onerror="alert(1)">', /onerror|<img/],
    ["a javascript: link", "[x](javascript:alert(1))", /javascript:/i],
    ["an entity-encoded javascript: link", '<a href="jav&#x61;script:alert(1)">x</a>', /script:|alert/i],
    ["a data: link", "[x](data:text/html,<script>alert(1)</script>)", /data:|<script/],
    ["an svg with onload", "<svg onload=alert(1)><circle/></svg>", /<svg|onload/],
    ["a style attribute", '<p style="position:fixed">x</p>', /style=/],
    ["an iframe", '<iframe src="https://evil.example"></iframe>', /<iframe/],
    ["a form", '<form action="https://evil.example"><button>go</button></form>', /<form|<button/],
  ])("removes %s", (_name, payload, forbidden) => {
    expect(renderMarkdown(payload)).not.toMatch(forbidden);
  });

  it("gives every link rel=nofollow noopener and keeps only http, https and mailto", () => {
    const out = renderMarkdown(
      '[a](https://a.example) [m](mailto:ops@a.example) <a href="http://b.example" rel="opener" target="_blank">b</a> [f](ftp://c.example)',
    );
    expect(out).toContain('<a href="https://a.example" rel="nofollow noopener">a</a>');
    expect(out).toContain('<a href="mailto:ops@a.example" rel="nofollow noopener">m</a>');
    expect(out).toContain('<a href="http://b.example" rel="nofollow noopener">b</a>');
    expect(out).not.toContain("ftp:");
    expect(out).not.toContain("target=");
  });

  it("renders at most the documented length", () => {
    expect(renderMarkdown("a".repeat(MARKDOWN_MAX + 50)).length).toBeLessThanOrEqual(MARKDOWN_MAX + 10);
  });
});
