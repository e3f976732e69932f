/**
 * A real OpenID provider (the `oidc-provider` package) on 127.0.0.1 for single sign-on tests;
 * not a test file itself. People sign in without a form: the interaction endpoint logs in
 * `nextLogin` and grants what was asked. Hooks change what the provider sends, to test that
 * Upblit refuses it: `tamperIdToken` re-signs the ID token with changed claims (or with a key
 * the provider's JWKS does not hold); `rotateKeys()` replaces the signing key.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  SignJWT,
} from "jose";
import Provider from "oidc-provider";

export interface OidcPerson {
  sub: string;
  email: string;
  emailVerified?: boolean;
  name?: string;
  groups: string[];
}

export interface OidcFixture {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The person the next authorization logs in (changeable between logins). */
  nextLogin: OidcPerson;
  /** Changes the ID token's claims, re-signed with the provider's key (or `signingKey`). */
  tamperIdToken?: {
    claims?: (c: Record<string, unknown>) => Record<string, unknown>;
    signingKey?: SigningKey;
  };
  /** New signing key; the old one leaves the JWKS. Returns the new key's id. */
  rotateKeys(): Promise<string>;
  /** The key ids of the JWKS answers served so far, in order. */
  jwksServed: string[][];
  /** A key the provider does not publish. */
  strangerKey(): Promise<SigningKey>;
  close(): Promise<void>;
}

export interface SigningKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

async function newKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: "RS256", use: "sig" };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  return { kid, privateJwk, publicJwk };
}

/** Starts the provider; `redirectUri` is Upblit's callback, registered for the client. */
export async function startOidcProvider(options: { redirectUri: string }): Promise<OidcFixture> {
  let provider: Provider | undefined;
  let keyCount = 0;
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fixture: OidcFixture = {
    issuer,
    clientId: "upblit",
    clientSecret: "a-client-secret-of-the-test-provider",
    nextLogin: { sub: "nobody", email: "nobody@example.com", groups: [] },
    jwksServed: [],
    async rotateKeys() {
      const key = await newKey(`key-${++keyCount}`);
      provider = makeProvider(key);
      return key.kid;
    },
    strangerKey: () => newKey("stranger"),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  let current: SigningKey;

  function makeProvider(key: SigningKey): Provider {
    current = key;
    const p = new Provider(issuer, {
      clients: [
        {
          client_id: fixture.clientId,
          client_secret: fixture.clientSecret,
          redirect_uris: [options.redirectUri],
          grant_types: ["authorization_code"],
          response_types: ["code"],
        },
      ],
      jwks: { keys: [key.privateJwk as never] },
      claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
      scopes: ["openid", "email", "profile", "groups"],
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      pkce: { required: () => true },
      cookies: { keys: ["oidc-fixture-cookie-key"] },
      findAccount: async (_ctx, sub) => {
        const person = fixture.nextLogin;
        if (person.sub !== sub) return undefined;
        return {
          accountId: sub,
          claims: async () => ({
            sub,
            email: person.email,
            email_verified: person.emailVerified ?? true,
            name: person.name ?? sub,
            groups: person.groups,
          }),
        };
      },
    });
    return p;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const p = provider!;
    const path = new URL(req.url ?? "/", issuer).pathname;
    if (path.startsWith("/interaction/")) {
      const details = await p.interactionDetails(req, res);
      const accountId = fixture.nextLogin.sub;
      const grant = new p.Grant({ accountId, clientId: String(details.params.client_id) });
      grant.addOIDCScope(String(details.params.scope));
      const grantId = await grant.save();
      await p.interactionFinished(
        req,
        res,
        { login: { accountId }, consent: { grantId } },
        {
          mergeWithLastSubmission: false,
        },
      );
      return;
    }
    if (path === "/jwks") {
      fixture.jwksServed.push([current.kid]);
    }
    if (path === "/token" && fixture.tamperIdToken) {
      await tamperedToken(p, req, res);
      return;
    }
    p.callback()(req, res);
  }

  /** Lets the provider answer the token request, then re-signs its ID token as asked. */
  async function tamperedToken(p: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const end = res.end.bind(res) as (chunk?: string | Buffer) => ServerResponse;
    // Koa sends a JSON body with one end() call before any header is flushed: replace it there.
    res.end = ((chunk?: string | Buffer) => {
      retoken(String(chunk ?? "")).then(
        (body) => {
          res.setHeader("content-length", Buffer.byteLength(body));
          end(body);
        },
        (err: unknown) => end(JSON.stringify({ error: String(err) })),
      );
      return res;
    }) as typeof res.end;
    p.callback()(req, res);
  }

  async function retoken(raw: string): Promise<string> {
    const body = JSON.parse(raw) as Record<string, unknown>;
    const tamper = fixture.tamperIdToken!;
    if (typeof body.id_token !== "string") return raw;
    const claims = decodeJwt(body.id_token) as Record<string, unknown>;
    const header = decodeProtectedHeader(body.id_token);
    const key = tamper.signingKey ?? current;
    const changed = tamper.claims ? tamper.claims(claims) : claims;
    body.id_token = await new SignJWT(changed)
      .setProtectedHeader({ alg: header.alg ?? "RS256", kid: key.kid, typ: header.typ })
      .sign(await importJWK(key.privateJwk, "RS256"));
    return JSON.stringify(body);
  }

  await fixture.rotateKeys();
  return fixture;
}
