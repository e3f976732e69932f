import { describe, expect, it } from "vitest";
import { escapeHtml } from "../../lib/html.ts";
import {
  emailChangeConfirmMail,
  emailChangeNoticeMail,
  invitationMail,
  oneLine,
  passwordResetMail,
  type RenderedMail,
} from "./templates.ts";

const HOSTILE = "Evil <script>alert(\"x\")</script> & 'co'\r\nBcc: victim@example.com\u0000\u202e";
const URL = "https://upblit.example.com/invite#token=abc_DEF-123";

/** Every template, fed the hostile value wherever a value goes in. */
const MAILS: Array<[string, RenderedMail]> = [
  [
    "invitation",
    invitationMail({
      organizationName: HOSTILE,
      inviter: HOSTILE,
      role: HOSTILE,
      url: URL,
      validForMs: 7 * 86_400_000,
    }),
  ],
  ["password reset", passwordResetMail({ url: URL, validForMs: 3_600_000 })],
  [
    "email change confirmation",
    emailChangeConfirmMail({ newEmail: HOSTILE, url: URL, validForMs: 3_600_000 }),
  ],
  ["email change notice", emailChangeNoticeMail({ newEmail: HOSTILE, resetUrl: URL })],
];

describe("mail templates", () => {
  it("escapeHtml escapes the five HTML metacharacters", () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;",
    );
  });

  it("oneLine removes line breaks, control and bidi characters, and caps the length", () => {
    expect(oneLine("a\r\nb\tc\u0000d\u2028e\u202ef\u0085g")).toBe("a b c d e f g");
    expect(oneLine("  spaced   out  ")).toBe("spaced out");
    expect(oneLine("x".repeat(300), 10)).toBe(`${"x".repeat(9)}…`);
  });

  it.each(MAILS)("%s: the subject is one line", (_name, mail) => {
    expect(mail.subject).not.toMatch(/[\p{Cc}\u202e]/u);
    expect(mail.subject.length).toBeGreaterThan(10);
  });

  it.each(MAILS)("%s: the HTML carries no markup from values, only escaped text", (_name, mail) => {
    expect(mail.html).not.toContain("<script");
    expect(mail.html).not.toContain("\u202e");
    if (mail.text.includes("Evil")) {
      expect(mail.html).toContain(
        "Evil &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39; Bcc:",
      );
    }
  });

  it.each(MAILS)("%s: the link is in both parts and no value breaks a text line", (_name, mail) => {
    expect(mail.text).toContain(URL);
    expect(mail.html).toContain(`href="${URL}"`);
    // No control character but the line feeds the template itself writes.
    expect(mail.text).not.toMatch(/[^\P{Cc}\n]|\u202e/u);
    expect(mail.text.split("\n").some((line) => line.startsWith("Bcc:"))).toBe(false);
  });

  it("states how long the link works", () => {
    expect(MAILS[0]?.[1].text).toContain("for 7 days");
    expect(MAILS[1]?.[1].text).toContain("for 1 hour");
    expect(
      invitationMail({
        organizationName: "A",
        inviter: "b",
        role: "viewer",
        url: URL,
        validForMs: 90 * 60_000,
      }).text,
    ).toContain("for 90 minutes");
  });

  it("the invitation names organization, inviter and role", () => {
    const mail = invitationMail({
      organizationName: "Acme",
      inviter: "ada@example.com",
      role: "editor",
      url: URL,
      validForMs: 7 * 86_400_000,
    });
    expect(mail.subject).toBe("You are invited to Acme on Upblit");
    expect(mail.text).toContain("ada@example.com invited you to join Acme on Upblit as editor.");
  });
});
