/** Calls and shapes for the invitation tests; not a test file itself. */
import { expect } from "vitest";
import type { TestUser } from "./accounts.ts";
import { API, call } from "./api-helpers.ts";
import { linkToken, type SmtpFixture } from "./smtp.ts";
import type { TestUpblit } from "./upblit.ts";

export interface Invitation {
  id: string;
  email: string;
  role: string;
  status: string;
  invitedBy: string | null;
  expiresAt: string;
  acceptedBy: string | null;
}
export interface Sent extends Invitation {
  mail: "sent" | "failed" | "disabled";
  acceptUrl?: string;
}

/** Headers that send no credential at all (the public invitation routes). */
export const NOBODY = { authorization: "" };

/** POST /invitations with the given credential headers, whatever the answer. */
export function invite(up: TestUpblit, by: Record<string, string>, email: string, role: string) {
  return call(up, "POST", `${API}/invitations`, { email, role }, by);
}

/** Invites `email` as `by` and insists on 201. */
export async function invited(up: TestUpblit, by: TestUser, email: string, role = "editor"): Promise<Sent> {
  const res = await invite(up, by.headers, email, role);
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Sent>();
}

/** Accepts an invitation as a new person, without signing in. */
export function acceptNew(up: TestUpblit, token: string, password = "a fresh passphrase 42") {
  return call(up, "POST", `${API}/invitations/accept`, { token, password, name: "New Person" }, NOBODY);
}

/** Invites `email` as `by` and returns the invitation with its mail and the token from the mail. */
export async function invitedByMail(
  up: TestUpblit,
  smtp: SmtpFixture,
  by: TestUser,
  email: string,
  role: string,
) {
  const sent = await invited(up, by, email, role);
  const mail = await smtp.waitForMail(email);
  return { sent, mail, token: linkToken(mail, "invite") };
}
