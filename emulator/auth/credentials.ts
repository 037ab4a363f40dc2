/**
 * The access keys the emulator accepts: one long-term key for the account, plus
 * STS temporary credentials (`STS.` ids with a security token and an expiry).
 *
 * STS credentials are minted today by the control route `POST /__emulator/sts-credentials`;
 * STS `AssumeRoleWithOIDC` will mint them through `issueSts` too. Each credential carries the
 * `principal` it acts as (the account root, or e.g. a role ARN) so that later services can
 * scope what a caller may do.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { invalidSecurityTokenExpired, invalidSecurityTokenMismatch } from "../errors";
import { isoSeconds, randomAlphanumeric } from "../util";

export interface Credential {
  accessKeyId: string;
  accessKeySecret: string;
  kind: "access-key" | "sts";
  /** Who the key acts as: `acs:ram::<account>:root`, or a role ARN for STS credentials. */
  principal: string;
  /** STS only. */
  securityToken?: string;
  /** STS only: epoch ms after which the token is refused. */
  expiresAtMs?: number;
  /** STS only: the `Policy` passed to AssumeRoleWithOIDC, which narrows the role's permissions. */
  sessionPolicy?: string;
  /**
   * STS only: true for credentials minted by STS AssumeRoleWithOIDC, whose calls are checked
   * against the role's attached policies. Credentials from the control route are not scoped: their
   * principal is a label only (as before roles existed).
   */
  scoped?: boolean;
  /** STS only: the RoleSessionName of AssumeRoleWithOIDC (GetCallerIdentity's assumed-role ARN). */
  sessionName?: string;
}

export interface StsCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  /** `YYYY-MM-DDTHH:mm:ssZ` */
  expiration: string;
}

export const stsCredentialSnapshot = z.object({
  accessKeyId: z.string(),
  accessKeySecret: z.string(),
  principal: z.string(),
  securityToken: z.string(),
  expiresAtMs: z.number(),
  sessionPolicy: z.string().optional(),
  scoped: z.boolean().optional(),
  sessionName: z.string().optional(),
});
export type StsCredentialSnapshot = z.infer<typeof stsCredentialSnapshot>;

export class CredentialStore {
  private readonly sts = new Map<string, StsCredentialSnapshot>();

  constructor(
    private readonly root: Credential,
    private readonly now: () => number,
  ) {}

  find(accessKeyId: string): Credential | undefined {
    if (accessKeyId === this.root.accessKeyId) return this.root;
    const s = this.sts.get(accessKeyId);
    return s ? { ...s, kind: "sts" } : undefined;
  }

  /** Mints STS credentials; `durationSeconds` defaults to 3600 as in STS. */
  issueSts(
    opts: {
      durationSeconds?: number;
      principal?: string;
      sessionPolicy?: string;
      scoped?: boolean;
      sessionName?: string;
    } = {},
  ): StsCredentials {
    const durationSeconds = opts.durationSeconds ?? 3600;
    if (!Number.isFinite(durationSeconds) || durationSeconds <= 0) {
      throw new RangeError(`durationSeconds must be a positive number, got ${durationSeconds}`);
    }
    const record: StsCredentialSnapshot = {
      accessKeyId: `STS.${randomAlphanumeric(25)}`,
      accessKeySecret: randomAlphanumeric(44),
      securityToken: `CAIS${randomBytes(120).toString("base64")}`,
      principal: opts.principal ?? this.root.principal,
      expiresAtMs: Math.floor(this.now() / 1000) * 1000 + durationSeconds * 1000,
      ...(opts.sessionPolicy === undefined ? {} : { sessionPolicy: opts.sessionPolicy }),
      ...(opts.scoped ? { scoped: true } : {}),
      ...(opts.sessionName === undefined ? {} : { sessionName: opts.sessionName }),
    };
    this.sts.set(record.accessKeyId, record);
    return {
      accessKeyId: record.accessKeyId,
      accessKeySecret: record.accessKeySecret,
      securityToken: record.securityToken,
      expiration: isoSeconds(record.expiresAtMs),
    };
  }

  /**
   * Checks the security token sent with a signed call. An STS key must carry its own token and
   * be unexpired; a long-term key must not carry one (guess: the real service may ignore it).
   */
  checkSecurityToken(credential: Credential, token: string | undefined): void {
    if (credential.kind === "access-key") {
      if (token !== undefined && token !== "") throw invalidSecurityTokenMismatch();
      return;
    }
    if (token === undefined || token !== credential.securityToken) throw invalidSecurityTokenMismatch();
    if (credential.expiresAtMs !== undefined && this.now() >= credential.expiresAtMs) {
      throw invalidSecurityTokenExpired();
    }
  }

  snapshot(): StsCredentialSnapshot[] {
    return [...this.sts.values()].map((s) => ({ ...s }));
  }

  restore(list: StsCredentialSnapshot[]): void {
    this.sts.clear();
    for (const s of list) this.sts.set(s.accessKeyId, { ...s });
  }

  reset(): void {
    this.sts.clear();
  }
}
