/**
 * STS rules: AssumeRoleWithOIDC. STS keeps no state of its own: it reads the IMS providers and
 * the RAM roles, and mints credentials in the emulator's credential store (persisted by the core).
 *
 * Checks, in order (each with Alibaba's code, see errors.ts):
 *  0. parameters (lengths, RoleSessionName pattern, RoleArn/OIDCProviderArn shape, Policy);
 *  a. the OIDC provider exists (IMS state, by ARN);
 *  b. the token is a JWT with a supported alg and a kid;
 *  c. `<IssuerUrl>/.well-known/openid-configuration` → jwks_uri; one of the provider's fingerprints
 *     must be the SHA-1 of a certificate of the chain that verified the jwks_uri host, from the
 *     intermediates it presents up to and including the trust anchor (docs/alibaba-api.md §6.6,
 *     inferred from field evidence: a root pin and an intermediate pin both pass, a leaf pin does
 *     not); the JWKS key with the token's kid must verify the signature;
 *  d. iss equals IssuerUrl exactly; aud contains a ClientId; exp in the future; iat at most
 *     IssuanceLimitTime hours ago;
 *  e. the role exists; DurationSeconds fits its MaxSessionDuration; its trust policy allows the
 *     token (../ram/trust.ts, the emulator's own reading of RAM's policy documentation); a policy
 *     the emulator cannot decide is refused, never allowed;
 *  f. credentials for the role are minted.
 */
import type { Credential, CredentialStore, StsCredentials } from "../../auth/credentials";
import { STS } from "../../limits";
import { fetchText, IssuerError, jwksUriOf, verifiedChainOf } from "../../outbound";
import { isoSeconds } from "../../util";
import type { ImsState, OidcProviderRecord } from "../ims/state";
import { noPermission } from "../ram/errors";
import { PermissionPolicyError, parsePermissionPolicy } from "../ram/permissions";
import type { RamState, RoleRecord } from "../ram/state";
import { decideTrust } from "../ram/trust";
import * as E from "./errors";
import { type CallerIdentity, callerIdentity } from "./identity";
import { parseJwt, verifyJwtSignature } from "./oidc";

export interface StsDependencies {
  accountId: string;
  ims: ImsState;
  ram: RamState;
  credentials: CredentialStore;
  now: () => number;
  /** Extra PEM roots for the outbound HTTPS/TLS calls (added to Node's roots). */
  trustedCertificates: string[];
  /** Issuer URL -> the local URL that answers for it (EmulatorOptions.issuerStandIns). */
  issuerStandIns: Record<string, string>;
  /** Per outbound step. */
  outboundTimeoutMs: number;
}

export interface AssumeRoleWithOidcInput {
  oidcProviderArn: string;
  roleArn: string;
  oidcToken: string;
  roleSessionName: string;
  policy?: string;
  durationSeconds?: number;
}

export interface AssumeRoleWithOidcResult {
  credentials: StsCredentials;
  role: RoleRecord;
  roleArn: string;
  sessionName: string;
  token: { sub: string; iss: string; aud: string[]; iat: number; exp: number };
}

const PROVIDER_ARN = /^acs:ram::(\d+):oidc-provider\/(.+)$/;
const ROLE_ARN = /^acs:ram::(\d+):role\/(.+)$/i;

const asStringList = (v: unknown): string[] | undefined => {
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  return undefined;
};

export class StsState {
  constructor(private readonly deps: StsDependencies) {}

  /** GetCallerIdentity's answer for a verified caller of this account. */
  callerIdentity(caller: Credential): CallerIdentity {
    return callerIdentity(caller, this.deps.accountId, this.deps.ram);
  }

  async assumeRoleWithOidc(input: AssumeRoleWithOidcInput): Promise<AssumeRoleWithOidcResult> {
    this.validate(input);
    const provider = this.provider(input.oidcProviderArn);
    const jwt = parseJwt(input.oidcToken);
    await this.verifyWithIssuer(provider, jwt);
    const token = this.checkClaims(provider, jwt.claims);

    const role = this.deps.ram.findRoleByArn(input.roleArn);
    if (!role) throw E.roleNotExist(input.roleArn);
    const durationSeconds = input.durationSeconds ?? STS.durationSeconds.default;
    const min = STS.durationSeconds.min;
    if (durationSeconds < min || durationSeconds > role.maxSessionDuration) {
      throw E.invalidDurationSeconds(durationSeconds, min, role.maxSessionDuration);
    }
    const providerArn = this.deps.ims.arn(provider.name);
    const decision = decideTrust(role.assumeRolePolicyDocument, {
      providerArn,
      claims: jwt.claims,
      action: "sts:AssumeRole",
    });
    if (decision.outcome !== "allow") {
      throw noPermission({
        authAction: "sts:AssumeRole",
        principal: `${providerArn} (sub ${token.sub})`,
        principalType: "OIDCProvider",
        accountId: this.deps.accountId,
        noPermissionType: decision.outcome === "explicit-deny" ? "ExplicitDeny" : "ImplicitDeny",
        policyType: "AssumeRolePolicy",
        reason:
          decision.outcome === "undetermined"
            ? `the emulator cannot decide the trust policy of role ${role.roleName} for this token, so it refuses it: ${decision.reason}`
            : `the trust policy of role ${role.roleName} refuses this token: ${decision.reason}`,
      });
    }
    const roleArn = this.deps.ram.roleArn(role.roleName);
    const credentials = this.deps.credentials.issueSts({
      durationSeconds,
      principal: roleArn,
      scoped: true,
      sessionName: input.roleSessionName,
      ...(input.policy === undefined ? {} : { sessionPolicy: input.policy }),
    });
    return { credentials, role, roleArn, sessionName: input.roleSessionName, token };
  }

  private validate(input: AssumeRoleWithOidcInput): void {
    const t = STS.oidcToken;
    if (input.oidcToken.length < t.minLength || input.oidcToken.length > t.maxLength) {
      throw E.invalidParameter("OIDCToken", `it must be ${t.minLength} to ${t.maxLength} characters`);
    }
    const s = STS.roleSessionName;
    if (
      input.roleSessionName.length < s.minLength ||
      input.roleSessionName.length > s.maxLength ||
      !s.pattern.test(input.roleSessionName)
    ) {
      throw E.invalidParameter(
        "RoleSessionName",
        `it must be ${s.minLength} to ${s.maxLength} letters, digits, '.', '@', '-' or '_'`,
      );
    }
    if (!PROVIDER_ARN.test(input.oidcProviderArn)) {
      throw E.invalidParameter("OIDCProviderArn", "expected acs:ram::<account>:oidc-provider/<name>");
    }
    if (!ROLE_ARN.test(input.roleArn))
      throw E.invalidParameter("RoleArn", "expected acs:ram::<account>:role/<name>");
    if (input.policy !== undefined) {
      if (input.policy.length > STS.policy.maxLength) throw E.policySize(STS.policy.maxLength);
      try {
        parsePermissionPolicy(input.policy);
      } catch (e) {
        if (e instanceof PermissionPolicyError) throw E.policyGrammar(e.message);
        throw e;
      }
    }
  }

  private provider(arn: string): OidcProviderRecord {
    const m = PROVIDER_ARN.exec(arn);
    if (!m || m[1] !== this.deps.accountId || !m[2]) throw E.oidcProviderNotExist(arn);
    try {
      return this.deps.ims.getOidcProvider(m[2]);
    } catch {
      throw E.oidcProviderNotExist(arn);
    }
  }

  private async verifyWithIssuer(
    provider: OidcProviderRecord,
    jwt: ReturnType<typeof parseJwt>,
  ): Promise<void> {
    const options = { ca: this.deps.trustedCertificates, timeoutMs: this.deps.outboundTimeoutMs };
    let jwksUri: string;
    try {
      const standIn = Object.hasOwn(this.deps.issuerStandIns, provider.issuerUrl)
        ? this.deps.issuerStandIns[provider.issuerUrl]
        : undefined;
      jwksUri = await jwksUriOf(standIn ?? provider.issuerUrl, options);
      const { host, port, chain } = await verifiedChainOf(jwksUri, options);
      // Everything above the leaf counts: the service accepted a root pin for a server that does
      // not send its root, and an intermediate pin until that intermediate rotated.
      const pinnable = chain.filter((c) => c.role !== "leaf");
      const pins = new Set(provider.fingerprints.map((f) => f.toLowerCase()));
      if (!pinnable.some((c) => pins.has(c.sha1))) throw E.fingerprintMismatch(host, port, pinnable);
    } catch (e) {
      // Guess: an issuer STS cannot reach is reported as an invalid token, naming the failed step.
      if (e instanceof IssuerError)
        throw E.tokenInvalid(`could not verify it with its issuer (${e.message})`);
      throw e;
    }
    let jwksText: string;
    try {
      jwksText = await fetchText(jwksUri, options);
    } catch (e) {
      throw E.tokenInvalid(
        `could not fetch the JWKS at ${jwksUri} (${e instanceof Error ? e.message : String(e)})`,
      );
    }
    verifyJwtSignature(jwt, jwksText, jwksUri);
  }

  private checkClaims(
    provider: OidcProviderRecord,
    claims: Record<string, unknown>,
  ): AssumeRoleWithOidcResult["token"] {
    const iss = claims.iss;
    if (iss !== provider.issuerUrl) {
      throw E.tokenInvalid(
        `its iss ${JSON.stringify(iss)} is not the provider's issuer ${provider.issuerUrl}`,
      );
    }
    const aud = asStringList(claims.aud);
    if (!aud || aud.length === 0) throw E.tokenInvalid("it has no aud claim");
    if (!aud.some((a) => provider.clientIds.includes(a))) throw E.audienceNotMatch(aud, provider.clientIds);
    const exp = claims.exp;
    const iat = claims.iat;
    if (typeof exp !== "number") throw E.tokenInvalid("it has no numeric exp claim");
    if (typeof iat !== "number") throw E.tokenInvalid("it has no numeric iat claim");
    const nowSec = this.deps.now() / 1000;
    if (exp <= nowSec) throw E.tokenExpired(`It expired at ${isoSeconds(exp * 1000)}.`);
    const age = nowSec - iat;
    if (age > provider.issuanceLimitTime * 3600) throw E.tokenTooOld(age, provider.issuanceLimitTime);
    const sub = typeof claims.sub === "string" ? claims.sub : "";
    return { sub, iss, aud, iat, exp };
  }
}
