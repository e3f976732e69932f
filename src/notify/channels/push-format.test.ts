import { describe, expect, it } from "vitest";
import {
  clip,
  clipBytes,
  escapeHtml,
  escapeMarkdown,
  joinUrl,
  linkUrl,
  markdownUrl,
  oneLine,
  ServiceUrl,
} from "./push-format.ts";

describe("push-format helpers", () => {
  it("escapes the HTML specials, ampersand first", () => {
    expect(escapeHtml(`<a href="x">&amp;</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;amp;&lt;/a&gt;");
  });

  it("backslash-escapes every ASCII punctuation character for markdown and flattens lines", () => {
    const punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    expect(escapeMarkdown(punctuation)).toBe([...punctuation].map((c) => `\\${c}`).join(""));
    expect(escapeMarkdown("a\n# b\r\n> c")).toBe("a \\# b \\> c");
    expect(escapeMarkdown("héllo wörld 123")).toBe("héllo wörld 123");
  });

  it("turns control characters into single spaces", () => {
    expect(oneLine("a\r\n\tb\u0000c")).toBe("a b c");
  });

  it("links only http and https URLs, normalised", () => {
    expect(linkUrl("https://x.example/a b?q=<1>")).toBe("https://x.example/a%20b?q=%3C1%3E");
    expect(linkUrl("javascript:alert(1)")).toBeNull();
    expect(linkUrl("data:text/html,<b>x</b>")).toBeNull();
    expect(linkUrl("not a url")).toBeNull();
    expect(markdownUrl("https://x.example/(a)")).toBe("https://x.example/%28a%29");
    expect(markdownUrl("mailto:x@example.com")).toBeNull();
  });

  it("clips to a length with an ellipsis and never splits a surrogate pair", () => {
    expect(clip("abcdef", 6)).toBe("abcdef");
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

  it("accepts only http(s) service URLs", () => {
    expect(ServiceUrl.safeParse("https://api.example.com").success).toBe(true);
    expect(ServiceUrl.safeParse("file:///etc/passwd").success).toBe(false);
    expect(ServiceUrl.safeParse(`https://x.example/${"a".repeat(2100)}`).success).toBe(false);
  });
});
