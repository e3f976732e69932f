import { useMutation } from "@tanstack/react-query";
import { sdk } from "../../api/client.ts";
import { FormProblem } from "../../components/problem.tsx";
import { type MessageKey, t } from "../../i18n/index.ts";

const REASONS: Record<string, MessageKey> = {
  expired: "sso.refused.expired",
  provider: "sso.refused.provider",
  email: "sso.refused.email",
  "no-access": "sso.refused.noAccess",
  unavailable: "sso.refused.unavailable",
};

/** Why the provider's way back ended on /login?sso=<reason>, in words. */
export function SsoRefusal({ reason }: { reason: string | undefined }) {
  if (!reason) return null;
  return (
    <div role="alert" className="form-error">
      {t(REASONS[reason] ?? "sso.refused.provider")}
    </div>
  );
}

/**
 * "Sign in with SSO": the email's domain finds the organizations whose provider allows it
 * (GET /auth/sso/providers); each is a link that leaves for the provider (a full navigation).
 */
export function SsoSignIn({ email }: { email: string }) {
  const lookup = useMutation({
    mutationFn: async () => await sdk.op.listSsoChoices({ query: { email: email.trim() } }),
  });
  const items = lookup.data?.items;
  return (
    <section className="stack sso-sign-in" aria-labelledby="sso-heading">
      <h2 id="sso-heading">{t("sso.signIn.title")}</h2>
      <p className="muted">{t("sso.signIn.hint")}</p>
      <button
        type="button"
        onClick={() => lookup.mutate()}
        disabled={lookup.isPending || !email.includes("@")}
      >
        {t("sso.signIn.find")}
      </button>
      <FormProblem error={lookup.error} fields={[]} />
      {items && items.length === 0 && (
        <p className="muted" role="status">
          {t("sso.signIn.none")}
        </p>
      )}
      {items && items.length > 0 && (
        <ul className="plain-list stack" aria-live="polite">
          {items.map((item) => (
            <li key={item.providerId}>
              <a className="button primary" href={item.startUrl}>
                {t("sso.signIn.with", { name: item.displayName, organization: item.organizationName })}
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
