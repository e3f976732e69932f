import { z } from "zod";
import { PASSWORD_MAX, PASSWORD_MIN } from "../../../services/auth/passwords.ts";
import { HISTORY_DAYS, STATUS_PAGE_LIMITS, VISIBILITIES } from "../../../services/status-pages/types.ts";
import { safeText, UNSAFE_CHARS } from "../../text.ts";

/**
 * Status page input and output schemas (docs/status-pages.md). They validate requests, type the
 * handlers and generate the OpenAPI document; the service checks what needs the database
 * (slug uniqueness, the organization's monitors) and the colour contrast.
 */
export const PAGE_TEXT_LIMITS = { title: 100, description: 500, footerText: 500, name: 100, url: 2000 };

const Hex = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, "must be a colour as #rrggbb")
  .transform((s) => s.toLowerCase())
  .meta({ example: "#0b5cad" });

const Theme = z.strictObject({ background: Hex, text: Hex, accent: Hex });

const urlWith = (schemes: string[], message: string) =>
  z
    .string()
    .max(PAGE_TEXT_LIMITS.url)
    .refine((s) => !UNSAFE_CHARS.test(s) && !/\s/.test(s), "must not contain spaces or control characters")
    .refine((s) => {
      if (!URL.canParse(s)) return false;
      const u = new URL(s);
      return schemes.includes(u.protocol) && u.hostname.length > 0 && !u.username && !u.password;
    }, message);

const HttpsUrl = urlWith(["https:"], "must be an absolute https:// URL without credentials");
const LinkUrl = urlWith(
  ["http:", "https:"],
  "must be an absolute http:// or https:// URL without credentials",
);

const Component = z.strictObject({
  monitorId: z.string().min(1).max(40),
  displayName: safeText(PAGE_TEXT_LIMITS.name),
});

const Group = z.strictObject({
  name: safeText(PAGE_TEXT_LIMITS.name),
  components: z.array(Component).max(STATUS_PAGE_LIMITS.componentsPerPage),
});

const HistoryDays = z
  .union(HISTORY_DAYS.map((d) => z.literal(d)) as [z.ZodLiteral<30>, z.ZodLiteral<90>, z.ZodLiteral<365>])
  .meta({ description: "Days of uptime history shown: 30, 90 or 365" });

const settings = {
  slug: z
    .string()
    .min(3)
    .max(60)
    .meta({ description: "/status/{slug}: lowercase letters, digits, inner hyphens; not reserved" }),
  title: safeText(PAGE_TEXT_LIMITS.title),
  description: safeText(PAGE_TEXT_LIMITS.description).nullable(),
  logoUrl: HttpsUrl.nullable(),
  faviconUrl: HttpsUrl.nullable(),
  colors: z
    .strictObject({ light: Theme.optional(), dark: Theme.optional() })
    .meta({ description: "Background, text and accent per theme; text and accent need 4.5:1 contrast" }),
  footerText: safeText(PAGE_TEXT_LIMITS.footerText).nullable(),
  footerLinks: z
    .array(z.strictObject({ label: safeText(60), url: LinkUrl }))
    .max(STATUS_PAGE_LIMITS.footerLinks),
  historyDays: HistoryDays,
  visibility: z.enum(VISIBILITIES).meta({
    description: "`public`, `password` (visitors type the page's password) or `members` (signed-in members)",
  }),
  password: z
    .string()
    .min(PASSWORD_MIN)
    .max(PASSWORD_MAX)
    .meta({ description: "For visibility `password` only; stored as an argon2id hash, never returned" }),
  autoPublish: z.boolean().meta({
    description: "Publish the draft incident prepared when a component goes down at once",
  }),
  groups: z
    .array(Group)
    .max(STATUS_PAGE_LIMITS.groupsPerPage)
    .meta({ description: "Ordered groups of components; each monitor at most once per page" }),
};

export const CreateStatusPageBody = z.strictObject({
  slug: settings.slug,
  title: settings.title,
  description: settings.description.default(null),
  logoUrl: settings.logoUrl.default(null),
  faviconUrl: settings.faviconUrl.default(null),
  colors: settings.colors.default({}),
  footerText: settings.footerText.default(null),
  footerLinks: settings.footerLinks.default([]),
  historyDays: settings.historyDays.default(90),
  visibility: settings.visibility.default("public"),
  password: settings.password.optional(),
  autoPublish: settings.autoPublish.default(false),
  groups: settings.groups.default([]),
});

export const UpdateStatusPageBody = z.strictObject({
  slug: settings.slug.optional(),
  title: settings.title.optional(),
  description: settings.description.optional(),
  logoUrl: settings.logoUrl.optional(),
  faviconUrl: settings.faviconUrl.optional(),
  colors: settings.colors.optional(),
  footerText: settings.footerText.optional(),
  footerLinks: settings.footerLinks.optional(),
  historyDays: settings.historyDays.optional(),
  visibility: settings.visibility.optional(),
  password: settings.password.optional(),
  autoPublish: settings.autoPublish.optional(),
  groups: settings.groups.optional(),
});

const ThemeOut = z.object({ background: z.string(), text: z.string(), accent: z.string() });

export const StatusPageResponse = z
  .object({
    id: z.string(),
    slug: z.string(),
    url: z.string().meta({ description: "Where visitors find the page" }),
    title: z.string(),
    description: z.string().nullable(),
    logoUrl: z.string().nullable(),
    faviconUrl: z.string().nullable(),
    colors: z.object({ light: ThemeOut, dark: ThemeOut }),
    footerText: z.string().nullable(),
    footerLinks: z.array(z.object({ label: z.string(), url: z.string() })),
    historyDays: z.number(),
    visibility: z.enum(VISIBILITIES),
    hasPassword: z.boolean(),
    autoPublish: z.boolean(),
    groups: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        position: z.number(),
        components: z.array(
          z.object({ monitorId: z.string(), displayName: z.string(), position: z.number() }),
        ),
      }),
    ),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "StatusPage" });
