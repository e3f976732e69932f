import { z } from "zod";

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** The documented limits of the `http` block (docs/api.md). */
export const HTTP_LIMITS = {
  headers: 50,
  headerValueChars: 4096,
  requestBodyChars: 65_536,
  maxRedirects: 10,
} as const;

const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, "must be an HTTP header name");
const HeaderValue = z
  .string()
  .max(HTTP_LIMITS.headerValueChars)
  .refine((s) => !/[\r\n\0]/.test(s), "must not contain CR, LF or NUL");

export const HttpSettingsInput = z.strictObject({
  method: z.enum(HTTP_METHODS).default("GET"),
  headers: z
    .record(HeaderName, HeaderValue)
    .refine((h) => Object.keys(h).length <= HTTP_LIMITS.headers, `at most ${HTTP_LIMITS.headers} headers`)
    .default({}),
  body: z.string().max(HTTP_LIMITS.requestBodyChars).optional(),
  followRedirects: z.boolean().default(true),
  maxRedirects: z.number().int().min(0).max(HTTP_LIMITS.maxRedirects).default(5),
  verifyTls: z.boolean().default(true),
  auth: z
    .discriminatedUnion("type", [
      z.strictObject({
        type: z.literal("basic"),
        username: z.string().max(256),
        password: z.string().max(1024).meta({ writeOnly: true }),
      }),
      z.strictObject({
        type: z.literal("bearer"),
        token: z.string().min(1).max(4096).meta({ writeOnly: true }),
      }),
    ])
    .optional(),
});

/** The `http` block, all defaults when absent. */
export const HttpBlock = HttpSettingsInput.default(HttpSettingsInput.parse({}));

export type HttpAuth =
  | { type: "basic"; username: string; password: string }
  | { type: "bearer"; token: string };

export interface HttpSettings {
  method: HttpMethod;
  headers: Record<string, string>;
  body?: string;
  followRedirects: boolean;
  maxRedirects: number;
  verifyTls: boolean;
  auth?: HttpAuth;
}
