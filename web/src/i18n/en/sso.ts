/** Single sign-on: the sign-in page's part and the settings screen (web/src/features/sso). */
export const sso = {
  "sso.signIn.title": "Single sign-on",
  "sso.signIn.hint":
    "If your organization signs in through its identity provider, type your work email above.",
  "sso.signIn.find": "Sign in with SSO",
  "sso.signIn.none": "No organization signs in with single sign-on for this email. Use your password.",
  "sso.signIn.with": "Sign in with {name} ({organization})",
  "sso.refused.expired": "The single sign-on took too long or began in another browser. Try again.",
  "sso.refused.provider":
    "The identity provider's answer could not be verified, so you were not signed in. Try again, or ask an admin to check the audit log.",
  "sso.refused.email":
    "Your identity provider did not give a verified email of a domain this organization allows.",
  "sso.refused.noAccess":
    "None of your groups at the identity provider gives access to this organization. Ask an admin.",
  "sso.refused.unavailable": "The identity provider cannot be reached. Try again later.",
  "nav.sso": "Single sign-on",
  "sso.settings.title": "Single sign-on (OpenID Connect)",
  "sso.settings.intro":
    "Members sign in through your identity provider. Each sign-in maps their groups to a role again, so removing someone from a group at the provider demotes them here.",
  "sso.settings.forbidden": "Only admins and owners of this organization can set up single sign-on.",
  "sso.settings.empty": "No identity provider yet. Fill in the form to add one.",
  "sso.settings.redirectUri": "Redirect URI to register at your provider",
  "sso.settings.displayName": "Name on the sign-in button",
  "sso.settings.issuer": "Issuer URL",
  "sso.settings.issuerHint": "Exactly as in the provider's discovery document, e.g. https://acme.okta.com",
  "sso.settings.clientId": "Client ID",
  "sso.settings.clientSecret": "Client secret",
  "sso.settings.clientSecretKeep": "Stored encrypted and never shown. Leave empty to keep it.",
  "sso.settings.emailDomains": "Allowed email domains",
  "sso.settings.emailDomainsHint":
    "Comma-separated, e.g. acme.com, acme.co.uk. The sign-in page finds you by them.",
  "sso.settings.scopes": "Scopes",
  "sso.settings.groupsClaim": "Groups claim",
  "sso.settings.mapping": "Group → role",
  "sso.settings.mappingHint":
    "The strongest role of a person's groups wins. Owners are never changed by single sign-on.",
  "sso.settings.group": "Group",
  "sso.settings.role": "Role",
  "sso.settings.addMapping": "Add a group",
  "sso.settings.removeMapping": "Remove group {group}",
  "sso.settings.defaultRole": "Role for people in none of these groups",
  "sso.settings.noAccess": "No access",
  "sso.settings.jit": "Make members of people who sign in for the first time (just-in-time)",
  "sso.settings.enforce": "Require single sign-on: members other than owners cannot use a password",
  "sso.settings.enforceHint":
    "Turning this on signs out every member other than owners who signed in with a password (not you).",
  "sso.settings.enabled": "Single sign-on is on",
  "sso.settings.save": "Save",
  "sso.settings.saved": "Saved.",
  "sso.settings.remove": "Remove the provider",
  "sso.settings.removeConfirm":
    "Remove single sign-on? Members keep their membership but need a password to sign in.",
} as const;
