import type { SsoProvider } from "../../../services/sso/providers.ts";

/** The provider as the API shows it: everything but the client secret, which is write-only. */
export function presentSsoProvider(p: SsoProvider, redirectUri: string) {
  return {
    id: p.id,
    displayName: p.displayName,
    issuer: p.issuer,
    clientId: p.clientId,
    clientSecretSet: true as const,
    emailDomains: p.emailDomains,
    scopes: p.scopes,
    groupsClaim: p.groupsClaim,
    roleMapping: p.roleMapping,
    defaultRole: p.defaultRole,
    jit: p.jit,
    enforce: p.enforce,
    enabled: p.enabled,
    redirectUri,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
