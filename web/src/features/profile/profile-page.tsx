import { useMe } from "../../app/session.ts";
import { t } from "../../i18n/index.ts";
import { EmailSection, PasswordSection } from "./account-forms.tsx";
import { SessionsSection } from "./sessions.tsx";
import { TwoFactorSection } from "./two-factor.tsx";

/** `/settings/profile`: one's own account — password, email, second factor, sessions. */
export function ProfilePage() {
  const me = useMe();
  if (!me.data) return <p className="muted">{t("loading")}</p>;
  return (
    <section className="stack settings-page">
      <h1>{t("profile.title")}</h1>
      <dl className="facts card">
        <dt>{t("profile.name")}</dt>
        <dd>{me.data.name}</dd>
        <dt>{t("profile.email")}</dt>
        <dd>{me.data.email}</dd>
      </dl>
      <PasswordSection />
      <EmailSection email={me.data.email} />
      <TwoFactorSection enabled={me.data.totpEnabled} />
      <SessionsSection />
    </section>
  );
}
