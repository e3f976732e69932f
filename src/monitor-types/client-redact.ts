/** Blanks every secret (password, token) out of a text before it can reach a result or a log. */
export const REDACTED = "[redacted]";

// Too short to blank without mangling ordinary words ("a", "ok"); such a secret is refused on input anyway.
const MIN_SECRET_LENGTH = 3;

export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** A server's answer as a short one-line text: results stay small and never carry control characters. */
export function shortText(value: string, max = 500): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  const clean = value.replace(/[\u0000-\u001f\u007f]+/g, " ");
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
