import type { components } from "../../api/schema.d.ts";

type Provider = components["schemas"]["SsoProvider"];
export type SsoRole = "viewer" | "editor" | "admin";
export const SSO_ROLES: SsoRole[] = ["viewer", "editor", "admin"];

/** The form's state: text fields as typed; domains as one comma-separated line. */
export interface SsoForm {
  displayName: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  emailDomains: string;
  scopes: string;
  groupsClaim: string;
  roleMapping: Array<{ group: string; role: SsoRole }>;
  defaultRole: SsoRole | "";
  jit: boolean;
  enforce: boolean;
  enabled: boolean;
}

export const EMPTY_FORM: SsoForm = {
  displayName: "",
  issuer: "",
  clientId: "",
  clientSecret: "",
  emailDomains: "",
  scopes: "openid email profile",
  groupsClaim: "groups",
  roleMapping: [],
  defaultRole: "",
  jit: true,
  enforce: false,
  enabled: true,
};

export function formOf(p: Provider | null): SsoForm {
  if (!p) return EMPTY_FORM;
  return {
    displayName: p.displayName,
    issuer: p.issuer,
    clientId: p.clientId,
    clientSecret: "",
    emailDomains: p.emailDomains.join(", "),
    scopes: p.scopes,
    groupsClaim: p.groupsClaim,
    roleMapping: p.roleMapping.map((m) => ({ group: m.group, role: m.role })),
    defaultRole: p.defaultRole ?? "",
    jit: p.jit,
    enforce: p.enforce,
    enabled: p.enabled,
  };
}

/** The PUT body: an empty secret is left out (the stored one is kept); empty mapping rows dropped. */
export function bodyOf(form: SsoForm) {
  return {
    displayName: form.displayName,
    issuer: form.issuer.trim(),
    clientId: form.clientId,
    ...(form.clientSecret ? { clientSecret: form.clientSecret } : {}),
    emailDomains: form.emailDomains
      .split(",")
      .map((d) => d.trim())
      .filter(Boolean),
    scopes: form.scopes,
    groupsClaim: form.groupsClaim,
    roleMapping: form.roleMapping.filter((m) => m.group.trim() !== ""),
    defaultRole: form.defaultRole === "" ? null : form.defaultRole,
    jit: form.jit,
    enforce: form.enforce,
    enabled: form.enabled,
  };
}
