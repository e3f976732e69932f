import { describe, expect, it } from "vitest";
import { escapeHtml } from "../../lib/html.ts";
import {
  clip,
  clipBytes,
  clipMarkdown,
  escapeChatMarkdown,
  escapeMarkdown,
  escapeSlack,
  HttpUrl,
  joinUrl,
  linkUrl,
  oneLine,
  safeLink,
} from "./format.ts";

describe("formatting helpers", () => {
  it("escapes HTML text and attributes", () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;",
    );
  });

  it("escapes Slack's three control characters and breaks mentions", () => {
    expect(escapeSlack("<!channel> & <@U1> @here\n> quote")).toBe(
      "&lt;!channel&gt; &amp; &lt;@\u200bU1&gt; @\u200bhere &gt; quote",
    );
  });

  it("backslash-escapes every markdown punctuation character and flattens lines", () => {
    expect(escapeMarkdown("*a* _b_ `c` [d](e) # f\n- g")).toBe(
      "\\*a\\* \\_b\\_ \\`c\\` \\[d\\]\\(e\\) \\# f \\- g",
    );
    const punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    expect(escapeMarkdown(punctuation)).toBe([...punctuation].map((c) => `\\${c}`).join(""));
    expect(escapeMarkdown("a\n# b\r\n> c")).toBe("a \\# b \\> c");
    expect(escapeMarkdown("héllo wörld 123")).toBe("héllo wörld 123");
  });

  it("escapes chat markdown like markdown and also breaks mentions", () => {
    expect(escapeChatMarkdown("@everyone *x*\n<@123>")).toBe("\\@\u200beveryone \\*x\\* \\<\\@\u200b123\\>");
    expect(escapeMarkdown("@everyone")).toBe("\\@everyone");
  });

  it("turns control characters into single spaces", () => {
    expect(oneLine("a\r\n\tb\u0000c")).toBe("a b c");
  });

  it("links only http and https URLs, normalised by the URL parser", () => {
    expect(linkUrl("https://x.example/a b?q=<1>")).toBe("https://x.example/a%20b?q=%3C1%3E");
    expect(linkUrl("https://x.example/(a)|b")).toBe("https://x.example/(a)|b");
    expect(linkUrl("javascript:alert(1)")).toBeNull();
    expect(linkUrl("data:text/html,<b>x</b>")).toBeNull();
    expect(linkUrl("not a url")).toBeNull();
  });

  it("keeps only http(s) links and encodes characters that could end a link", () => {
    expect(safeLink("javascript:alert(1)")).toBeNull();
    expect(safeLink("data:text/html,x")).toBeNull();
    expect(safeLink("not a url")).toBeNull();
    expect(safeLink("https://x.example/a (b)|c<d>'e\"")).toBe(
      "https://x.example/a%20%28b%29%7Cc%3Cd%3E%27e%22",
    );
    expect(safeLink("HTTP://X.EXAMPLE/ok")).toBe("http://x.example/ok");
  });

  it("clips with an ellipsis without splitting a surrogate pair", () => {
    expect(clip("abcdef", 10)).toBe("abcdef");
    expect(clip("abcdef", 4)).toBe("abc…");
    expect(clip("ab😀cd", 4)).toBe("ab…");
  });

  it("clips to a UTF-8 byte budget", () => {
    const cut = clipBytes("é".repeat(100), 21);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(21);
    expect(cut).toBe(`${"é".repeat(9)}…`);
    expect(clipBytes("short", 21)).toBe("short");
  });

  it("joins base URLs with or without a trailing slash", () => {
    expect(joinUrl("https://x.example/", "/v2/enqueue")).toBe("https://x.example/v2/enqueue");
    expect(joinUrl("https://x.example/sub//", "/message")).toBe("https://x.example/sub/message");
  });

  it("clips escaped markdown without leaving a backslash before the ellipsis", () => {
    expect(clipMarkdown("ab\\*cd", 4)).toBe("ab…");
    expect(clipMarkdown("a\\\\bc", 4)).toBe("a\\\\…");
    expect(clipMarkdown("short", 10)).toBe("short");
  });

  it("accepts only http(s) URLs without credentials, at most 2048 characters", () => {
    expect(HttpUrl.safeParse("https://hooks.example.com/x").success).toBe(true);
    expect(HttpUrl.safeParse("http://10.0.0.5:8065/hooks/x").success).toBe(true);
    for (const bad of [
      "ftp://x.example/",
      "javascript:alert(1)",
      "https://user:pw@x.example/",
      "//x.example/",
      "file:///etc/passwd",
    ])
      expect(HttpUrl.safeParse(bad).success).toBe(false);
    expect(HttpUrl.safeParse(`https://x.example/${"a".repeat(2048)}`).success).toBe(false);
  });
});
