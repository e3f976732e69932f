import type { StatusPage } from "../../../services/status-pages/types.ts";

/** A page as the API returns it: dates as ISO strings, its public address, never the password hash. */
export function presentStatusPage(page: StatusPage, publicUrl: string) {
  return {
    id: page.id,
    slug: page.slug,
    url: `${publicUrl.replace(/\/$/, "")}/status/${page.slug}`,
    title: page.title,
    description: page.description,
    logoUrl: page.logoUrl,
    faviconUrl: page.faviconUrl,
    colors: page.colors,
    footerText: page.footerText,
    footerLinks: page.footerLinks,
    historyDays: page.historyDays,
    visibility: page.visibility,
    hasPassword: page.hasPassword,
    autoPublish: page.autoPublish,
    groups: page.groups,
    createdAt: page.createdAt.toISOString(),
    updatedAt: page.updatedAt.toISOString(),
  };
}
