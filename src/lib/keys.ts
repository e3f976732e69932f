import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * The keys Upblit derives from one master secret: one signs access tokens, one encrypts stored
 * secrets (TOTP seeds now, channel tokens later), one signs links. Each is derived with HKDF under
 * its own label, so a leak of one use never hands over another.
 */
export interface Keys {
  /** HMAC key of the HS256 access tokens. */
  jwt: Uint8Array;
  /** AES-256-GCM key for secrets at rest. */
  encryption: Buffer;
  /** HMAC key for signed links (acknowledge links in alerts). */
  links: Buffer;
}

const KEY_FILE = "secret.key";

export function deriveKeys(master: Buffer): Keys {
  const derive = (label: string) => Buffer.from(hkdfSync("sha256", master, "upblit", label, 32));
  return {
    jwt: new Uint8Array(derive("upblit access tokens v1")),
    encryption: derive("upblit secrets at rest v1"),
    links: derive("upblit signed links v1"),
  };
}

/**
 * The master secret: SECRET_KEY when set; otherwise `DATA_DIR/secret.key`, created with 32 random
 * bytes (mode 0600) on first use; for an in-memory data folder (tests), a random key per process.
 */
export function loadMasterSecret(secretKey: string | undefined, dataDir: string | undefined): Buffer {
  if (secretKey) return Buffer.from(secretKey, "utf8");
  if (!dataDir || dataDir === "memory://") return randomBytes(32);
  const file = path.join(dataDir, KEY_FILE);
  try {
    return Buffer.from(readFileSync(file, "utf8").trim(), "base64url");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  // `wx`: if another process wrote it first, fail here and read theirs on the next start.
  writeFileSync(file, `${key.toString("base64url")}\n`, { flag: "wx", mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}

/** AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
export function encryptSecret(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), body]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

export function decryptSecret(key: Buffer, sealed: string): string {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || body === undefined) throw new Error("not an encrypted secret");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}
