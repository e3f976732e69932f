import { useState } from "react";
import type { Me } from "../../app/session.ts";
import { ConfirmButton } from "../../components/confirm-button.tsx";
import { FormProblem } from "../../components/problem.tsx";
import { type MessageKey, t } from "../../i18n/index.ts";
import {
  grantableRoles,
  type Member,
  type Role,
  useChangeRole,
  useLeave,
  useMemberPages,
  useRemoveMember,
  useTransferOwnership,
} from "./queries.ts";

const roleName = (role: string) => t(`role.${role}` as MessageKey);

/**
 * The members table: everyone sees who is in; admins change roles (up to their own) and remove
 * people; an owner also hands over the ownership; each person may leave.
 */
export function MembersSection({
  me,
  myRole,
  orgName,
}: {
  me: Me;
  myRole: string | undefined;
  orgName: string;
}) {
  const pages = useMemberPages();
  const changeRole = useChangeRole();
  const remove = useRemoveMember();
  const transfer = useTransferOwnership();
  const leave = useLeave();
  const [done, setDone] = useState("");
  const isAdmin = myRole === "admin" || myRole === "owner";
  const isOwner = myRole === "owner";
  const members = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const failure = changeRole.error ?? remove.error ?? transfer.error ?? leave.error;

  const mayManage = (m: Member) => isAdmin && m.userId !== me.id && (isOwner || m.role !== "owner");
  const who = (m: Member) => m.name || m.email;

  return (
    <section className="card stack" aria-labelledby="members-title">
      <h2 id="members-title">{t("team.members")}</h2>
      {!isAdmin && <p className="muted">{t("team.readOnly")}</p>}
      <FormProblem error={failure} />
      <output aria-live="polite">{done}</output>
      {pages.isError ? (
        <p role="alert" className="form-error">
          {t("team.loadFailed", { detail: pages.error.message })}
        </p>
      ) : pages.isPending ? (
        <div className="skeleton settings-skeleton" aria-busy="true">
          <span className="visually-hidden">{t("loading")}</span>
        </div>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t("team.member")}</th>
                <th scope="col">{t("team.role")}</th>
                <th scope="col">{t("team.joined")}</th>
                <th scope="col">{t("team.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.userId}>
                  <td>
                    <div>
                      {m.name} {m.userId === me.id && <span className="muted">{t("team.you")}</span>}
                    </div>
                    <div className="muted">{m.email}</div>
                  </td>
                  <td>
                    {mayManage(m) ? (
                      <select
                        aria-label={t("team.roleOf", { who: who(m) })}
                        value={m.role}
                        disabled={changeRole.isPending}
                        onChange={(e) => {
                          const role = e.target.value as Role;
                          setDone("");
                          changeRole.mutate(
                            { userId: m.userId, role },
                            {
                              onSuccess: () =>
                                setDone(t("team.roleSaved", { who: who(m), role: roleName(role) })),
                            },
                          );
                        }}
                      >
                        {grantableRoles(myRole).map((r) => (
                          <option key={r} value={r}>
                            {roleName(r)}
                          </option>
                        ))}
                      </select>
                    ) : (
                      roleName(m.role)
                    )}
                  </td>
                  <td>{new Date(m.joinedAt).toLocaleDateString()}</td>
                  <td>
                    <div className="row">
                      {m.userId === me.id ? (
                        <ConfirmButton
                          label={t("team.leave")}
                          question={t("team.leaveConfirm", { org: orgName })}
                          yes={t("team.leaveYes", { org: orgName })}
                          onConfirm={() => leave.mutate()}
                        />
                      ) : (
                        <>
                          {isOwner && m.role !== "owner" && (
                            <ConfirmButton
                              danger={false}
                              label={t("team.transfer")}
                              name={`${t("team.transfer")}: ${who(m)}`}
                              question={t("team.transferConfirm", { who: who(m) })}
                              yes={t("team.transferYes", { who: who(m) })}
                              onConfirm={() => transfer.mutate(m.userId)}
                            />
                          )}
                          {mayManage(m) && (
                            <ConfirmButton
                              label={t("team.remove")}
                              name={`${t("team.remove")}: ${who(m)}`}
                              question={t("team.removeConfirm", { who: who(m) })}
                              yes={t("team.removeYes", { who: who(m) })}
                              onConfirm={() => remove.mutate(m.userId)}
                            />
                          )}
                        </>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pages.hasNextPage && (
        <div>
          <button
            type="button"
            disabled={pages.isFetchingNextPage}
            onClick={() => void pages.fetchNextPage()}
          >
            {t("team.loadMore")}
          </button>
        </div>
      )}
    </section>
  );
}
