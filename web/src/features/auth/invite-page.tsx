import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { sdk } from "../../api/client.ts";
import { useMe } from "../../app/session.ts";
import { Field } from "../../components/field.tsx";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { type MessageKey, t } from "../../i18n/index.ts";
import { AuthCard, submitWith } from "./auth-card.tsx";
import { MissingToken } from "./password-pages.tsx";

const INVITE_TOKEN_KEY = "upblit.inviteToken";

/** The invitation's token: from the link, or kept in this tab while the person signs in. */
function useInviteToken(): string | undefined {
  const [token] = useState(() => {
    const params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    const fromLink = params.get("token");
    if (fromLink) {
      sessionStorage.setItem(INVITE_TOKEN_KEY, fromLink);
      window.history.replaceState(window.history.state, "", window.location.pathname);
      return fromLink;
    }
    return sessionStorage.getItem(INVITE_TOKEN_KEY) ?? undefined;
  });
  return token;
}

/**
 * `/invite#token=…`: what the invitation offers, then either a new account (name and password)
 * or, for an email that has one, signing in and joining with it.
 */
export function InvitePage() {
  const token = useInviteToken();
  const me = useMe();
  const lookup = useQuery({
    queryKey: ["invitation", token],
    enabled: Boolean(token),
    retry: false,
    queryFn: async () => await sdk.op.lookUpInvitation({ body: { token: token ?? "" } }),
  });
  if (!token) return <MissingToken title={t("invite.title")} />;
  if (lookup.isPending || me.isPending) {
    return (
      <AuthCard title={t("invite.title")}>
        <p className="skeleton" style={{ height: "6rem" }} aria-busy="true">
          {t("loading")}
        </p>
      </AuthCard>
    );
  }
  if (lookup.isError) {
    return (
      <AuthCard title={t("invite.title")}>
        <p role="alert">{t("invite.gone")}</p>
        <Link to="/login" search={{ next: undefined }}>
          {t("auth.backToSignIn")}
        </Link>
      </AuthCard>
    );
  }
  const invitation = lookup.data;
  return (
    <AuthCard title={t("invite.title")}>
      <p>
        {t("invite.offer", {
          organization: invitation.organizationName,
          role: t(`role.${invitation.role}` as MessageKey),
          email: invitation.email,
        })}
      </p>
      {invitation.accountExists ? (
        <AcceptExisting token={token} email={invitation.email} signedInAs={me.data?.email} />
      ) : (
        <AcceptNew token={token} />
      )}
    </AuthCard>
  );
}

function AcceptNew({ token }: { token: string }) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const accept = useMutation({
    mutationFn: async () =>
      await sdk.op.acceptInvitation({
        body: { token, password, ...(name.trim() ? { name: name.trim() } : {}) },
      }),
    onSuccess: async () => {
      sessionStorage.removeItem(INVITE_TOKEN_KEY);
      await client.resetQueries({ queryKey: ["me"] });
      await navigate({ to: "/" });
    },
  });
  return (
    <form className="stack" onSubmit={submitWith(() => accept.mutate())} noValidate>
      <FormProblem error={accept.error} fields={["body.name", "body.password"]} />
      <Field
        label={t("invite.name")}
        autoComplete="name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={fieldError(accept.error, "body.name")}
      />
      <Field
        label={t("invite.password")}
        type="password"
        autoComplete="new-password"
        required
        hint={t("auth.passwordHint")}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={fieldError(accept.error, "body.password")}
      />
      <button className="primary" type="submit" disabled={accept.isPending}>
        {t("invite.create")}
      </button>
    </form>
  );
}

function AcceptExisting({ token, email, signedInAs }: { token: string; email: string; signedInAs?: string }) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const accept = useMutation({
    mutationFn: async () => {
      const joined = await sdk.op.acceptInvitationAsMember({ body: { token } });
      await sdk.op.switchOrganization({ body: { organizationId: joined.organizationId } });
      return joined;
    },
    onSuccess: async () => {
      sessionStorage.removeItem(INVITE_TOKEN_KEY);
      await client.resetQueries();
      await navigate({ to: "/" });
    },
  });
  if (!signedInAs) {
    return (
      <>
        <p>{t("invite.signInFirst", { email })}</p>
        <Link className="button primary" to="/login" search={{ next: "/invite" }}>
          {t("invite.signIn")}
        </Link>
      </>
    );
  }
  return (
    <form className="stack" onSubmit={submitWith(() => accept.mutate())} noValidate>
      {signedInAs.toLowerCase() !== email.toLowerCase() && (
        <p role="alert" className="form-error">
          {t("invite.otherAccount", { current: signedInAs, email })}
        </p>
      )}
      <FormProblem error={accept.error} />
      <button className="primary" type="submit" disabled={accept.isPending}>
        {t("invite.join")}
      </button>
    </form>
  );
}
