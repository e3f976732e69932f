import { currentRole, useMe } from "../../app/session.ts";
import { t } from "../../i18n/index.ts";
import { InvitationsSection } from "./invitations.tsx";
import { MembersSection } from "./members.tsx";
import { NewOrganizationSection, OrganizationSection } from "./organization.tsx";
import { PingKeySection } from "./ping-key.tsx";

/**
 * `/settings/team`: the members of the organization this session acts in, invitations (admins),
 * the organization itself (rename; delete for owners), its heartbeat ping key and a new organization.
 */
export function TeamPage() {
  const me = useMe();
  if (!me.data) return <p className="muted">{t("loading")}</p>;
  const org = me.data.organizations.find((o) => o.id === me.data?.currentOrganizationId);
  const myRole = currentRole(me.data);
  const isAdmin = myRole === "admin" || myRole === "owner";
  return (
    <section className="stack settings-page">
      <h1>{t("team.title")}</h1>
      {org ? (
        <>
          <MembersSection me={me.data} myRole={myRole} orgName={org.name} />
          {isAdmin && <InvitationsSection myRole={myRole} />}
          <OrganizationSection name={org.name} myRole={myRole} />
          <PingKeySection canWrite={isAdmin || myRole === "editor"} />
        </>
      ) : (
        <p className="empty">{t("org.none")}</p>
      )}
      <NewOrganizationSection />
    </section>
  );
}
