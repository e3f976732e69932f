import { escapeHtml } from "../../lib/html.ts";
/**
 * Bodies of Upblit's own mail: plain text plus a small HTML part. Values are placeholders filled
 * from a plain data object, never a template language: every value is made one line (no CR/LF or
 * other control characters, so nothing can forge lines or headers) and HTML-escaped in the HTML.
 */

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/**
 * One line of at most `max` characters: control characters (CR, LF, tab, NUL, C1) and bidi
 * overrides become spaces, runs of spaces collapse. Used for subjects and every interpolated value.
 */
export function oneLine(value: string, max = 200): string {
  const flat = value
    .replace(/[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A mail with a greeting line, paragraphs, one button-like link and a closing note. */
function compose(input: {
  subject: string;
  paragraphs: string[];
  link?: { label: string; url: string };
  footer: string;
}): RenderedMail {
  const lines = [...input.paragraphs];
  if (input.link) lines.push(`${input.link.label}:\n${input.link.url}`);
  lines.push(input.footer);
  const text = `${lines.join("\n\n")}\n`;

  const p = (s: string) => `<p style="margin:0 0 16px">${escapeHtml(s)}</p>`;
  const link = input.link
    ? `<p style="margin:0 0 16px"><a href="${escapeHtml(input.link.url)}" style="display:inline-block;padding:10px 16px;background:#1f6feb;color:#ffffff;text-decoration:none;border-radius:6px">${escapeHtml(input.link.label)}</a></p>` +
      `<p style="margin:0 0 16px;font-size:13px;color:#555555">Or paste this address into your browser:<br>${escapeHtml(input.link.url)}</p>`
    : "";
  const html =
    `<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1b1f24;max-width:560px;margin:0 auto;padding:24px">` +
    input.paragraphs.map(p).join("") +
    link +
    `<p style="margin:24px 0 0;font-size:13px;color:#555555">${escapeHtml(input.footer)}</p>` +
    `</body></html>`;
  return { subject: oneLine(input.subject), text, html };
}

/** "7 days", "1 hour", "90 minutes": how long a link works, in words. */
function duration(ms: number): string {
  const plural = (n: number, unit: string) => (n === 1 ? `1 ${unit}` : `${n} ${unit}s`);
  if (ms >= 2 * 86_400_000 && ms % 86_400_000 === 0) return plural(ms / 86_400_000, "day");
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return plural(ms / 3_600_000, "hour");
  return plural(Math.max(1, Math.round(ms / 60_000)), "minute");
}

/** Invites someone into an organization with a role. */
export function invitationMail(v: {
  organizationName: string;
  inviter: string;
  role: string;
  url: string;
  validForMs: number;
}): RenderedMail {
  const org = oneLine(v.organizationName, 100);
  return compose({
    subject: `You are invited to ${org} on Upblit`,
    paragraphs: [
      `${oneLine(v.inviter, 100)} invited you to join ${org} on Upblit as ${oneLine(v.role, 20)}.`,
      `The link works once and for ${duration(v.validForMs)}. If you already have an Upblit account with this address, sign in first and then open the link.`,
    ],
    link: { label: "Accept the invitation", url: v.url },
    footer:
      "If you did not expect this invitation, ignore this mail: nothing happens unless you open the link.",
  });
}

/** A password reset link, mailed to the account's address. */
export function passwordResetMail(v: { url: string; validForMs: number }): RenderedMail {
  return compose({
    subject: "Reset your Upblit password",
    paragraphs: [
      "Someone (hopefully you) asked to reset the password of your Upblit account.",
      `The link works once and for ${duration(v.validForMs)}. Setting a new password signs you out everywhere.`,
    ],
    link: { label: "Choose a new password", url: v.url },
    footer: "If you did not ask for this, ignore this mail: your password stays as it is.",
  });
}

/** Sent to the NEW address: proves the person can read it before the account moves there. */
export function emailChangeConfirmMail(v: {
  newEmail: string;
  url: string;
  validForMs: number;
}): RenderedMail {
  return compose({
    subject: "Confirm your new Upblit email address",
    paragraphs: [
      `Confirm that ${oneLine(v.newEmail, 254)} should become the email address of your Upblit account.`,
      `The link works once and for ${duration(v.validForMs)}. Confirming signs you out everywhere; sign in again with the new address.`,
    ],
    link: { label: "Confirm the new address", url: v.url },
    footer: "If you did not ask for this, ignore this mail: the account keeps its current address.",
  });
}

/** Sent to the OLD address, so a person whose session was stolen learns of the change. */
export function emailChangeNoticeMail(v: { newEmail: string; resetUrl: string }): RenderedMail {
  return compose({
    subject: "Your Upblit email address is about to change",
    paragraphs: [
      `Someone signed in to your Upblit account asked to change its email address to ${oneLine(v.newEmail, 254)}. The change happens once the new address is confirmed.`,
      "If this was not you, reset your password now: that signs everyone out and cancels the pending change.",
    ],
    link: { label: "Reset your password", url: v.resetUrl },
    footer: "If this was you, there is nothing to do.",
  });
}

/** To an organization's owners and admins: a region its monitors use has no live probe (or has one again). */
export function regionSilentMail(v: {
  organizationName: string;
  region: string;
  change: "silent" | "back";
  lastSeen: Date | null;
  monitors: number;
  publicUrl: string;
}): RenderedMail {
  const org = oneLine(v.organizationName, 100);
  const region = oneLine(v.region, 40);
  const seen = v.lastSeen
    ? `A probe of it was last seen at ${v.lastSeen.toISOString()}.`
    : "No probe of it was ever seen.";
  if (v.change === "back") {
    return compose({
      subject: `Region ${region} has a live probe again (${org})`,
      paragraphs: [
        `Region ${region} of ${org} has a live probe again: its ${v.monitors} monitor(s) are checked from it as before.`,
      ],
      link: {
        label: "The regions in the API (GET /api/v1/regions)",
        url: `${v.publicUrl}/api/docs#/regions`,
      },
      footer: "You receive this as an owner or admin of the organization.",
    });
  }
  return compose({
    subject: `Region ${region} has no live probe (${org})`,
    paragraphs: [
      `Region ${region} of ${org} has no live probe. ${seen}`,
      `Its ${v.monitors} monitor(s) are not checked from it meanwhile: their quorum counts it as unknown (never as down), so a monitor that needs this region to reach its quorum cannot go down. Start a probe with REGION=${region}, or take the region out of these monitors.`,
    ],
    link: { label: "The regions in the API (GET /api/v1/regions)", url: `${v.publicUrl}/api/docs#/regions` },
    footer:
      "You receive this as an owner or admin of the organization; another mail follows when a probe is back.",
  });
}
