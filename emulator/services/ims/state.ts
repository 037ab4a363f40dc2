/**
 * IMS state: OIDC identity providers of one account, and every rule the service enforces.
 *
 * Limits come from an `OidcLimits` object (default `DEFAULT_OIDC_LIMITS` from emulator/limits.ts),
 * so an emulator can be started with the older documented values (e.g. 20 client IDs).
 */
import { z } from "zod";
import type { AlibabaError } from "../../errors";
import { OIDC, type OidcLimits } from "../../limits";
import * as E from "./errors";

/**
 * How fingerprints are echoed back. Public docs do not say whether IMS keeps the case it was
 * given, so the default is "preserve"; tests of case-sensitive code can pick "lower"/"upper".
 * Comparisons (duplicates, removal) are case-insensitive either way: a fingerprint is a hex digest.
 */
export type FingerprintCase = "preserve" | "lower" | "upper";

export interface ImsStateOptions {
  accountId: string;
  limits: OidcLimits;
  fingerprintCase: FingerprintCase;
  now: () => number;
}

export const oidcProviderRecord = z.object({
  name: z.string(),
  issuerUrl: z.string(),
  description: z.string(),
  clientIds: z.array(z.string()),
  fingerprints: z.array(z.string()),
  issuanceLimitTime: z.number().int(),
  createdMs: z.number(),
  updatedMs: z.number(),
  /** Creation sequence number: list order and the Marker both use it. */
  seq: z.number().int(),
});
export type OidcProviderRecord = z.infer<typeof oidcProviderRecord>;

export const imsSnapshot = z.object({
  nextSeq: z.number().int(),
  oidcProviders: z.array(oidcProviderRecord),
});
export type ImsSnapshot = z.infer<typeof imsSnapshot>;

export interface CreateOidcProviderInput {
  name: string;
  issuerUrl: string;
  description?: string;
  clientIds?: string;
  fingerprints?: string;
  issuanceLimitTime?: number;
}

export interface UpdateOidcProviderInput {
  clientIds?: string;
  description?: string;
  issuanceLimitTime?: number;
}

export interface ListPage {
  items: OidcProviderRecord[];
  isTruncated: boolean;
  marker?: string;
}

/** Splits a comma-joined parameter; entries are trimmed and empty ones dropped (guess). */
export function splitList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** Drops repeats, keeping the first occurrence (guess: the service's handling of repeats is unknown). */
function unique(values: string[], key: (v: string) => string = (v) => v): string[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = key(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const fpKey = (fp: string): string => fp.toLowerCase();

/**
 * The key under which issuer URLs must be unique. Scheme and host are case-insensitive in URLs,
 * so they are lower-cased (and the default port dropped); the path is compared exactly, since an
 * OIDC issuer is matched as an exact string against the token's `iss` (so `https://a.com` and
 * `https://a.com/` are different issuers). Guess: the service's own comparison is not documented.
 */
export function issuerKey(issuerUrl: string): string {
  const url = new URL(issuerUrl);
  const afterScheme = issuerUrl.slice(issuerUrl.indexOf("//") + 2);
  const slash = afterScheme.indexOf("/");
  const rawPath = slash === -1 ? "" : afterScheme.slice(slash);
  return `https://${url.host.toLowerCase()}${rawPath}`;
}

export class ImsState {
  private providers = new Map<string, OidcProviderRecord>();
  private nextSeq = 1;

  constructor(private readonly opts: ImsStateOptions) {}

  get limits(): OidcLimits {
    return this.opts.limits;
  }

  arn(name: string): string {
    return `acs:ram::${this.opts.accountId}:oidc-provider/${name}`;
  }

  // ---- Operations ----------------------------------------------------------------------------

  createOidcProvider(input: CreateOidcProviderInput): OidcProviderRecord {
    this.validateName(input.name);
    this.validateIssuerUrl(input.issuerUrl);
    const description = input.description ?? "";
    this.validateDescription("Description", description);
    const clientIds = this.parseClientIds(input.clientIds);
    const fingerprints = this.parseFingerprints(input.fingerprints);
    this.checkFingerprintCount(fingerprints.length);
    // Guess: the API documents no default; the console shows 12 hours (see OIDC.issuanceLimitTime).
    const issuanceLimitTime = input.issuanceLimitTime ?? OIDC.issuanceLimitTime.default;
    this.validateIssuanceLimitTime(issuanceLimitTime);

    if (this.providers.has(input.name)) throw E.oidcProviderAlreadyExists(input.name);
    const key = issuerKey(input.issuerUrl);
    for (const p of this.providers.values()) {
      if (issuerKey(p.issuerUrl) === key) throw E.oidcProviderUrlAlreadyExists(input.issuerUrl);
    }
    if (this.providers.size >= this.opts.limits.maxProvidersPerAccount) {
      throw E.oidcProviderLimitExceeded(this.opts.limits.maxProvidersPerAccount);
    }

    const now = this.opts.now();
    const record: OidcProviderRecord = {
      name: input.name,
      issuerUrl: input.issuerUrl,
      description,
      clientIds,
      fingerprints,
      issuanceLimitTime,
      createdMs: now,
      updatedMs: now,
      seq: this.nextSeq++,
    };
    this.providers.set(record.name, record);
    return { ...record };
  }

  getOidcProvider(name: string): OidcProviderRecord {
    return { ...this.mustGet(name) };
  }

  /** `clientIds` replaces the whole list; fingerprints, issuer and name cannot change here. */
  updateOidcProvider(name: string, input: UpdateOidcProviderInput): OidcProviderRecord {
    const p = this.mustGet(name);
    const clientIds = input.clientIds === undefined ? undefined : this.parseClientIds(input.clientIds);
    if (input.description !== undefined) this.validateDescription("NewDescription", input.description);
    if (input.issuanceLimitTime !== undefined) this.validateIssuanceLimitTime(input.issuanceLimitTime);
    if (clientIds !== undefined) p.clientIds = clientIds;
    if (input.description !== undefined) p.description = input.description;
    if (input.issuanceLimitTime !== undefined) p.issuanceLimitTime = input.issuanceLimitTime;
    return this.touch(p);
  }

  /** No precondition is documented (roles trusting the provider keep their policy). */
  deleteOidcProvider(name: string): void {
    this.mustGet(name);
    this.providers.delete(name);
  }

  /**
   * Providers in creation order. The Marker is opaque to callers; here it is the creation
   * sequence number of the next provider, so deletions between pages skip nothing.
   */
  listOidcProviders(opts: { marker?: string; maxItems?: number }): ListPage {
    const { min, max, default: def } = OIDC.listMaxItems;
    const maxItems = opts.maxItems ?? def;
    if (!Number.isInteger(maxItems) || maxItems < min || maxItems > max) {
      throw E.invalidRange("MaxItems", maxItems, min, max);
    }
    let fromSeq = 0;
    if (opts.marker !== undefined && opts.marker !== "") {
      const decoded = Buffer.from(opts.marker, "base64url").toString("utf8");
      const m = /^oidc:(\d+)$/.exec(decoded);
      if (!m?.[1]) throw E.invalidMarker();
      fromSeq = Number(m[1]);
    }
    const all = [...this.providers.values()].filter((p) => p.seq >= fromSeq).sort((a, b) => a.seq - b.seq);
    const items = all.slice(0, maxItems).map((p) => ({ ...p }));
    const next = all[maxItems];
    if (next === undefined) return { items, isTruncated: false };
    return { items, isTruncated: true, marker: Buffer.from(`oidc:${next.seq}`).toString("base64url") };
  }

  addClientId(name: string, clientId: string): OidcProviderRecord {
    const p = this.mustGet(name);
    this.validateClientId(clientId);
    if (p.clientIds.includes(clientId)) throw E.clientIdAlreadyExists(clientId);
    const max = this.opts.limits.maxClientIds;
    if (p.clientIds.length + 1 > max) throw E.clientIdLimitExceeded(p.clientIds.length + 1, max);
    p.clientIds = [...p.clientIds, clientId];
    return this.touch(p);
  }

  removeClientId(name: string, clientId: string): OidcProviderRecord {
    const p = this.mustGet(name);
    if (!p.clientIds.includes(clientId)) throw E.clientIdNotExist(clientId);
    p.clientIds = p.clientIds.filter((c) => c !== clientId);
    return this.touch(p);
  }

  addFingerprint(name: string, fingerprint: string): OidcProviderRecord {
    const p = this.mustGet(name);
    this.validateFingerprint(fingerprint);
    if (p.fingerprints.some((f) => fpKey(f) === fpKey(fingerprint)))
      throw E.fingerprintAlreadyExists(fingerprint);
    this.checkFingerprintCount(p.fingerprints.length + 1);
    p.fingerprints = [...p.fingerprints, this.echoFingerprint(fingerprint)];
    return this.touch(p);
  }

  removeFingerprint(name: string, fingerprint: string): OidcProviderRecord {
    const p = this.mustGet(name);
    if (!p.fingerprints.some((f) => fpKey(f) === fpKey(fingerprint)))
      throw E.fingerprintNotExist(fingerprint);
    this.checkFingerprintCount(p.fingerprints.length - 1);
    p.fingerprints = p.fingerprints.filter((f) => fpKey(f) !== fpKey(fingerprint));
    return this.touch(p);
  }

  // ---- Snapshot ------------------------------------------------------------------------------

  snapshot(): ImsSnapshot {
    return {
      nextSeq: this.nextSeq,
      oidcProviders: [...this.providers.values()].map((p) => ({
        ...p,
        clientIds: [...p.clientIds],
        fingerprints: [...p.fingerprints],
      })),
    };
  }

  restore(snapshot: unknown): void {
    const s = imsSnapshot.parse(snapshot);
    this.providers = new Map(s.oidcProviders.map((p) => [p.name, p]));
    this.nextSeq = s.nextSeq;
  }

  reset(): void {
    this.providers.clear();
    this.nextSeq = 1;
  }

  // ---- Rules ---------------------------------------------------------------------------------

  private mustGet(name: string): OidcProviderRecord {
    const p = this.providers.get(name);
    if (!p) throw E.oidcProviderNotExist(name);
    return p;
  }

  /** Every mutation moves UpdateDate/GmtModified forward (never backwards, even with a fake clock). */
  private touch(p: OidcProviderRecord): OidcProviderRecord {
    p.updatedMs = Math.max(this.opts.now(), p.updatedMs);
    return { ...p };
  }

  private validateName(name: string): void {
    if (name.length > OIDC.name.maxLength)
      throw E.invalidLength("OIDCProviderName", name.length, OIDC.name.maxLength);
    if (!OIDC.name.pattern.test(name)) throw E.invalidChars("OIDCProviderName", OIDC.name.rule);
  }

  private validateIssuerUrl(issuerUrl: string): void {
    const max = OIDC.issuerUrl.maxLength;
    if (issuerUrl.length > max) throw E.invalidLength("IssuerUrl", issuerUrl.length, max);
    const bad = (detail: string): AlibabaError => E.invalidFormat("IssuerUrl", detail);
    if (!/^https:\/\//i.test(issuerUrl)) throw bad("it must start with https://");
    if (/\s/.test(issuerUrl)) throw bad("it must not contain whitespace");
    if (issuerUrl.includes("?")) throw bad("it must not contain a query");
    if (issuerUrl.includes("#")) throw bad("it must not contain a fragment");
    const authority = issuerUrl.slice("https://".length).split("/")[0] ?? "";
    if (authority.includes("@")) throw bad("it must not contain user information");
    let url: URL;
    try {
      url = new URL(issuerUrl);
    } catch {
      throw bad("it is not a valid URL");
    }
    if (url.protocol !== "https:" || url.hostname === "") throw bad("it is not a valid https URL");
  }

  private validateDescription(param: string, description: string): void {
    const max = this.opts.limits.descriptionMaxLength;
    if (description.length > max) throw E.invalidLength(param, description.length, max);
  }

  private validateIssuanceLimitTime(hours: number): void {
    const { min, max } = OIDC.issuanceLimitTime;
    if (!Number.isInteger(hours) || hours < min || hours > max) {
      throw E.invalidRange("IssuanceLimitTime", hours, min, max);
    }
  }

  private validateClientId(clientId: string): void {
    const max = this.opts.limits.clientIdMaxLength;
    if (clientId.length > max) throw E.invalidLength("ClientId", clientId.length, max);
    if (!OIDC.clientId.pattern.test(clientId)) throw E.invalidChars("ClientId", OIDC.clientId.rule);
  }

  private validateFingerprint(fingerprint: string): void {
    const max = this.opts.limits.fingerprintMaxLength;
    if (fingerprint.length > max) throw E.invalidLength("Fingerprint", fingerprint.length, max);
    if (!OIDC.fingerprint.pattern.test(fingerprint))
      throw E.invalidChars("Fingerprint", "letters and digits");
  }

  private parseClientIds(value: string | undefined): string[] {
    const ids = unique(splitList(value));
    for (const id of ids) this.validateClientId(id);
    const max = this.opts.limits.maxClientIds;
    if (ids.length > max) throw E.clientIdLimitExceeded(ids.length, max);
    return ids;
  }

  private parseFingerprints(value: string | undefined): string[] {
    const fps = unique(splitList(value), fpKey);
    for (const fp of fps) this.validateFingerprint(fp);
    return fps.map((fp) => this.echoFingerprint(fp));
  }

  private checkFingerprintCount(count: number): void {
    const { minFingerprints: min, maxFingerprints: max } = this.opts.limits;
    if (count < min || count > max) throw E.fingerprintLimitExceeded(count, min, max);
  }

  private echoFingerprint(fp: string): string {
    switch (this.opts.fingerprintCase) {
      case "lower":
        return fp.toLowerCase();
      case "upper":
        return fp.toUpperCase();
      default:
        return fp;
    }
  }
}
