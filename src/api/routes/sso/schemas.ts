import { z } from "zod";
import { SSO_ROLES } from "../../../domain/sso.ts";
import { safeText } from "../../text.ts";

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export const SsoProviderBody = z.strictObject({
  displayName: safeText(60).meta({
    description: "Shown on the button: Sign in with …",
    example: "Acme Okta",
  }),
  issuer: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .refine((u) => !new URL(u).search && !new URL(u).hash, "must not have a query or fragment")
    .meta({
      description: "The provider's issuer identifier, exactly as in its discovery document",
      example: "https://acme.okta.com",
    }),
  clientId: z.string().trim().min(1).max(200),
  clientSecret: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .meta({ description: "Write-only; required the first time, left out to keep the stored one" }),
  emailDomains: z
    .array(z.string().trim().toLowerCase().regex(DOMAIN, "must be a domain name such as example.com"))
    .min(1)
    .max(20)
    .refine((d) => new Set(d).size === d.length, "must not repeat a domain")
    .meta({
      description:
        "A person's verified email must be in one of these; the sign-in page finds the provider by them",
      example: ["acme.com"],
    }),
  scopes: z
    .string()
    .trim()
    .max(300)
    .regex(
      /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/,
      "must be scopes separated by single spaces",
    )
    .refine((s) => s.split(" ").includes("openid"), "must include openid")
    .default("openid email profile"),
  groupsClaim: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .default("groups")
    .meta({ description: "The claim (ID token or userinfo) that lists the person's groups" }),
  roleMapping: z
    .array(z.strictObject({ group: z.string().trim().min(1).max(200), role: z.enum(SSO_ROLES) }))
    .max(100)
    .default([])
    .meta({
      description: "Group → role; the strongest role of a person's groups wins. Owners are never changed.",
    }),
  defaultRole: z
    .enum(SSO_ROLES)
    .nullable()
    .default(null)
    .meta({ description: "Role of a person in none of the mapped groups; null: no access" }),
  jit: z.boolean().default(true).meta({ description: "Make a member of a person who is not one yet" }),
  enforce: z
    .boolean()
    .default(false)
    .meta({ description: "Members other than owners may not sign in with a password" }),
  enabled: z.boolean().default(true),
});
export type SsoProviderBody = z.infer<typeof SsoProviderBody>;

export const SsoProviderResponse = z
  .object({
    id: z.string(),
    displayName: z.string(),
    issuer: z.string(),
    clientId: z.string(),
    clientSecretSet: z.literal(true),
    emailDomains: z.array(z.string()),
    scopes: z.string(),
    groupsClaim: z.string(),
    roleMapping: z.array(z.object({ group: z.string(), role: z.enum(SSO_ROLES) })),
    defaultRole: z.enum(SSO_ROLES).nullable(),
    jit: z.boolean(),
    enforce: z.boolean(),
    enabled: z.boolean(),
    redirectUri: z.string().meta({ description: "Register this as the redirect URI at the provider" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "SsoProvider" });

export const SsoProviderState = z
  .object({
    provider: SsoProviderResponse.nullable(),
    redirectUri: z.string().meta({ description: "Register this as the redirect URI at the provider" }),
  })
  .meta({ id: "SsoProviderState" });

export const SsoDiscoverQuery = z.strictObject({
  email: z.email().max(254).meta({ example: "ada@acme.com" }),
});

export const SsoChoices = z
  .object({
    items: z.array(
      z.object({
        providerId: z.string(),
        displayName: z.string(),
        organizationName: z.string(),
        startUrl: z.string().meta({ description: "Open this in the browser to sign in" }),
      }),
    ),
  })
  .meta({ id: "SsoChoices" });

export const SsoStartParams = z.object({ providerId: z.string().max(40) });

/** The provider's redirect: every parameter is optional here, openid-client judges them. */
export const SsoCallbackQuery = z.record(z.string().max(100), z.string().max(4096));
