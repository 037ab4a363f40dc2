/**
 * `OidcProvider`: a RAM OIDC identity provider (IMS 2019-08-15), the anchor of
 * a federation with GitHub Actions, GitLab CI, ACK RRSA or any OIDC IdP.
 *
 * API: https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createoidcprovider
 */
import * as pulumi from "@pulumi/pulumi";
import { accountBound, checkAccount, previewLookup } from "../account";
import * as ims from "../client/ims";
import { type Session, session } from "../client/session";
import { warn } from "../diagnostics";
import { AlicloudApiError, hasCode, hasCodePrefix } from "../errors";
import {
  adoptionNotice,
  claim,
  configure,
  createOnce,
  deleteUnlessGone,
  diffFields,
  diffResult,
  fillDefaults,
  GONE,
  holdKeys,
  isHeld,
  OutcomeUnknownError,
  Progress,
  pendingCreate,
  pendingSince,
  resumePendingCreate,
  stateOf,
  takeClaim,
  takenFailure,
  timeOf,
  unclaim,
  unlessGone,
} from "../lifecycle";
import { OIDC } from "../limits";
import {
  canonicalSet,
  containsUnknown,
  normalizeFingerprint,
  normalizeIssuerUrl,
  sameSet,
} from "../normalize";
import { type FingerprintStep, planFingerprintSteps } from "../plan";
import { withSecretInputs } from "../secretInputs";
import { runtimeSettings } from "../settings";
import { providerShim } from "../shim";
import { type DiscoveredFingerprint, discoverOidcFingerprint } from "../trust/discovery";
import { judgePins } from "../trust/pins";
import { discoveryTarget } from "../trust/standIns";
import {
  type CheckFailure,
  type FieldRule,
  httpsUrlProblem,
  lazyRules,
  requireChecked,
  tooLong,
  validateFields,
} from "../validation";

/** The arguments of an `OidcProvider`. */
export interface OidcProviderArgs {
  /**
   * The provider's name, unique in the account. Letters, digits, `.`, `-` and
   * `_`, not starting or ending with `.`, `-` or `_`; 1 to 128 characters.
   * Changing it replaces the provider.
   * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createoidcprovider
   */
  oidcProviderName: pulumi.Input<string>;
  /**
   * The IdP's issuer: the exact `iss` claim of its tokens. An `https` URL with
   * no query, fragment or user info, at most 255 characters, unique in the
   * account. Scheme and host case and a `:443` port are normalized; the path,
   * trailing slash included, is kept exactly. Changing it replaces the provider.
   * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createoidcprovider
   */
  issuerUrl: pulumi.Input<string>;
  /**
   * SHA-1 fingerprints of CA certificates in the chain that verifies the IdP's
   * `jwks_uri` host: 1 to 5, each 40 hex digits (colons and case do not
   * matter). Pin the trust anchor (the root CA, which the console asks for and
   * which survives intermediate rotations) and the current intermediate.
   * Compared as a set. Changing them updates in place, adding new ones before
   * removing old ones and never leaving fewer than 1 or more than 5.
   *
   * Omitted: the recommended set (anchor and current intermediate) is
   * discovered from the issuer at every preview and up, so an intermediate
   * rotation shows up as a fingerprint change while the anchor pin keeps
   * logins working. Given: each preview checks them against the live chain;
   * it fails when none matches (logins fail today) and warns when none is the
   * anchor or a pinned certificate expires within 30 days. The machine running
   * Pulumi must reach the issuer over HTTPS (extra roots: the
   * `alicloud-federation:caCertificates` config or `NODE_EXTRA_CA_CERTS`); when
   * it cannot, given fingerprints are kept with a warning.
   * @see https://www.alibabacloud.com/help/en/ram/manage-an-oidc-idp
   * @see https://www.alibabacloud.com/help/en/ram/obtain-oidc-idp-fingerprints-through-openssl
   */
  fingerprints?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The audiences (`aud`) accepted from the IdP, e.g. `sts.aliyuncs.com` for
   * GitHub Actions: 1 to 50, each at most 128 characters of letters, digits,
   * `.`, `-`, `_`, `:` and `/`, starting with a letter or digit. Compared as a
   * set (case-sensitive, as `aud` is).
   * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-addclientidtooidcprovider
   */
  clientIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Hours a token stays usable after its `iat`: a whole number from 1 to 168.
   * Default 12 (the console's default).
   * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createoidcprovider
   */
  issuanceLimitTime?: pulumi.Input<number>;
  /**
   * Free text, at most 256 characters. Default: none.
   * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-updateoidcprovider
   */
  description?: pulumi.Input<string>;
  /**
   * Take over a provider of the same name that already exists in the account
   * instead of failing. Pulumi cannot `import` dynamic resources, so adoption
   * is this explicit opt-in. The existing provider must have the same issuer
   * URL; its other settings are then brought in line with these arguments, and
   * destroying the stack deletes it (use the `retainOnDelete` resource option
   * to keep it). Default `false`.
   */
  adopt?: pulumi.Input<boolean>;
}

/** Inputs after `check`: every field present and normalized. */
export interface OidcProviderInputs {
  oidcProviderName: string;
  issuerUrl: string;
  fingerprints: string[];
  clientIds: string[];
  issuanceLimitTime: number;
  description: string;
  adopt: boolean;
}

/** What is stored in state. Newer code must keep reading older shapes of this. */
export interface OidcProviderOutputs extends OidcProviderInputs {
  /** `acs:ram::<accountId>:oidc-provider/<name>` */
  arn: string;
  /** ISO-8601 UTC, as the service reports it. */
  createDate: string;
  /** ISO-8601 UTC, as the service reports it. */
  updateDate: string;
}

// ---------------------------------------------------------------------------
// Validation: every documented limit, all problems at once.

/** Why an issuer URL is refused, or undefined when it is acceptable. */
export function issuerUrlProblem(v: string): string | undefined {
  if (v.length === 0) return "must not be empty";
  if (v.length > OIDC.issuerUrl.maxLength)
    return tooLong(v.length, OIDC.issuerUrl.maxLength, "an issuer URL");
  return httpsUrlProblem(v, { allowQuery: false, example: "https://token.actions.githubusercontent.com" });
}

/** The zod rules per argument, built on the first call (zod is loaded only when inputs are checked). */
export const oidcProviderRules: () => Record<string, FieldRule> = lazyRules((z) => {
  const nameSchema = z.string({ error: "must be a string" }).superRefine((v, ctx) => {
    if (v.length === 0) ctx.addIssue({ code: "custom", message: "must not be empty" });
    else if (v.length > OIDC.name.maxLength)
      ctx.addIssue({
        code: "custom",
        message: tooLong(v.length, OIDC.name.maxLength, "a RAM OIDC provider name"),
      });
    if (v.length > 0 && !OIDC.name.pattern.test(v))
      ctx.addIssue({ code: "custom", message: `'${v}' is not allowed: use ${OIDC.name.rule}` });
  });

  const issuerSchema = z
    .string({ error: "must be a string" })
    .superRefine((v, ctx) => {
      const problem = issuerUrlProblem(v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .transform(normalizeIssuerUrl);

  const fingerprintItem = z.string({ error: "must be a string" }).superRefine((v, ctx) => {
    const n = normalizeFingerprint(v);
    if (!/^[0-9a-f]*$/.test(n)) {
      ctx.addIssue({
        code: "custom",
        message: "must be hex digits (colons allowed), the SHA-1 of a certificate",
      });
    } else if (n.length !== OIDC.fingerprint.sha1HexLength) {
      const hint = n.length === 64 ? " (that is a SHA-256 fingerprint; Alibaba compares SHA-1)" : "";
      ctx.addIssue({
        code: "custom",
        message: `has ${n.length} hex digits, but a SHA-1 fingerprint has exactly ${OIDC.fingerprint.sha1HexLength}${hint}`,
      });
    }
  });

  // Counted before the items are normalized, so that one bad item does not hide the count.
  const fingerprintsSchema = z
    .array(fingerprintItem, { error: "must be a list of strings" })
    .superRefine((list, ctx) => {
      const set = canonicalSet(list.map(normalizeFingerprint));
      if (set.length < OIDC.minFingerprints)
        ctx.addIssue({ code: "custom", message: `must have at least ${OIDC.minFingerprints} fingerprint` });
      if (set.length > OIDC.maxFingerprints)
        ctx.addIssue({
          code: "custom",
          message: `has ${set.length} distinct items, but a RAM OIDC provider allows at most ${OIDC.maxFingerprints}`,
        });
    })
    .transform((list) => canonicalSet(list.map(normalizeFingerprint)));

  const clientIdItem = z.string({ error: "must be a string" }).superRefine((v, ctx) => {
    if (v.length === 0) ctx.addIssue({ code: "custom", message: "must not be empty" });
    else if (v.length > OIDC.clientId.maxLength)
      ctx.addIssue({ code: "custom", message: tooLong(v.length, OIDC.clientId.maxLength, "a client ID") });
    if (v.length > 0 && !OIDC.clientId.pattern.test(v))
      ctx.addIssue({ code: "custom", message: `'${v}' is not allowed: use ${OIDC.clientId.rule}` });
  });

  const clientIdsSchema = z
    .array(clientIdItem, { error: "must be a list of strings" })
    .superRefine((list, ctx) => {
      const set = canonicalSet(list);
      if (set.length === 0)
        ctx.addIssue({
          code: "custom",
          message: "must have at least 1 client ID: a token is accepted only if its aud is one of them",
        });
      if (set.length > OIDC.maxClientIds)
        ctx.addIssue({
          code: "custom",
          message: `has ${set.length} distinct items, but a RAM OIDC provider allows at most ${OIDC.maxClientIds}`,
        });
    })
    .transform(canonicalSet);

  const issuanceSchema = z.number({ error: "must be a number of hours" }).superRefine((v, ctx) => {
    const { min, max } = OIDC.issuanceLimitTime;
    if (!Number.isInteger(v) || v < min || v > max)
      ctx.addIssue({
        code: "custom",
        message: `is ${v}, but must be a whole number of hours from ${min} to ${max}`,
      });
  });

  const descriptionSchema = z.string({ error: "must be a string" }).superRefine((v, ctx) => {
    if (v.length > OIDC.description.maxLength)
      ctx.addIssue({
        code: "custom",
        message: tooLong(v.length, OIDC.description.maxLength, "a description"),
      });
  });

  /** The zod rules per argument, exported for users' own pre-flight checks. */
  return {
    oidcProviderName: { schema: nameSchema, required: true },
    issuerUrl: { schema: issuerSchema, required: true },
    // Optional: when omitted, the provider's check() discovers it.
    fingerprints: { schema: fingerprintsSchema },
    clientIds: { schema: clientIdsSchema, required: true },
    issuanceLimitTime: { schema: issuanceSchema },
    description: { schema: descriptionSchema },
    adopt: { schema: z.boolean({ error: "must be true or false" }) },
  };
});

/** Validates and normalizes raw inputs. Unknown (preview) values pass through. */
export function checkOidcProviderInputs(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  const { values, failures } = validateFields(news, oidcProviderRules());
  const inputs: Record<string, unknown> = { ...news, ...values };
  fillDefaults(inputs, DEFAULTS);
  return { inputs, failures };
}

/** What `check` fills in and what old state falls back to. */
const DEFAULTS = { issuanceLimitTime: OIDC.issuanceLimitTime.default, description: "", adopt: false };

// ---------------------------------------------------------------------------
// Lifecycle.

/** Turns a live record into stored outputs, normalized like inputs. */
function toOutputs(rec: ims.OidcProviderRecord, desired: OidcProviderInputs): OidcProviderOutputs {
  return {
    oidcProviderName: rec.name,
    issuerUrl: normalizeIssuerUrl(rec.issuerUrl),
    fingerprints: canonicalSet(rec.fingerprints.map(normalizeFingerprint)),
    clientIds: canonicalSet(rec.clientIds),
    issuanceLimitTime: rec.issuanceLimitTime ?? desired.issuanceLimitTime,
    description: rec.description,
    adopt: desired.adopt,
    arn: rec.arn,
    createDate: rec.createDate,
    updateDate: rec.updateDate,
  };
}

function requireInputs(raw: Record<string, unknown>): OidcProviderInputs {
  return requireChecked<OidcProviderInputs>("OidcProvider", checkOidcProviderInputs, raw);
}

const STATE: OidcProviderOutputs = {
  ...DEFAULTS,
  oidcProviderName: "",
  issuerUrl: "",
  fingerprints: [],
  clientIds: [],
  arn: "",
  createDate: "",
  updateDate: "",
};

/** Fills fields missing from state written by older versions. */
function readOlds(olds: object, id: string): OidcProviderOutputs {
  const o = stateOf(olds, STATE);
  return {
    ...o,
    oidcProviderName: o.oidcProviderName || id,
    fingerprints: canonicalSet(o.fingerprints.map(normalizeFingerprint)),
    clientIds: canonicalSet(o.clientIds),
  };
}

const asSet = (v: unknown, norm: (x: string) => string = (x) => x) =>
  Array.isArray(v) ? (v as string[]).map(norm) : v;

/** Which arguments differ between stored outputs and new inputs. Pure. */
export function diffOidcProvider(
  olds: OidcProviderOutputs,
  news: Record<string, unknown>,
): { replaces: string[]; changes: string[] } {
  const set = (norm?: (x: string) => string) => (a: unknown, b: unknown) => {
    const bb = asSet(b, norm);
    return Array.isArray(bb) && sameSet(asSet(a, norm) as string[], bb);
  };
  return diffFields(olds, news, {
    replace: ["oidcProviderName", "issuerUrl"],
    update: ["fingerprints", "clientIds", "issuanceLimitTime", "description"],
    equal: {
      issuerUrl: (a, b) => typeof b === "string" && normalizeIssuerUrl(a as string) === normalizeIssuerUrl(b),
      fingerprints: set(normalizeFingerprint),
      clientIds: set(),
      issuanceLimitTime: (a, b) => a === (b ?? DEFAULTS.issuanceLimitTime),
      description: (a, b) => a === (b ?? DEFAULTS.description),
    },
  });
}

/** Runs fingerprint steps; returns the last record seen, if any call was made. `done` sees each. */
async function applyFingerprintSteps(
  s: Session,
  name: string,
  steps: FingerprintStep[],
  done: (rec: ims.OidcProviderRecord) => void,
): Promise<ims.OidcProviderRecord | undefined> {
  let last: ims.OidcProviderRecord | undefined;
  for (const step of steps) {
    last =
      step.op === "add"
        ? await ims.addFingerprint(s, name, step.fingerprint)
        : await ims.removeFingerprint(s, name, step.fingerprint);
    done(last);
  }
  return last;
}

/**
 * Brings the fingerprints from `current` to `desired`. On a conflict that says
 * the live set is not what state believed (a step already done by a failed
 * earlier run, or an out-of-band edit), reads the live provider once and plans
 * again from what is really there: the common path costs no extra call.
 */
async function convergeFingerprints(
  s: Session,
  name: string,
  current: string[],
  desired: string[],
  done: (rec: ims.OidcProviderRecord) => void = () => undefined,
): Promise<ims.OidcProviderRecord | undefined> {
  const limits = { min: OIDC.minFingerprints, max: OIDC.maxFingerprints };
  try {
    return await applyFingerprintSteps(s, name, planFingerprintSteps(current, desired, limits), done);
  } catch (err) {
    const stale =
      AlicloudApiError.is(err) &&
      (err.code.startsWith("EntityAlreadyExists") ||
        err.code.startsWith("LimitExceeded") ||
        (err.code.startsWith("EntityNotExist") && err.code !== "EntityNotExist.OIDCProvider"));
    if (!stale) throw err;
    const live = await ims.getOidcProvider(s, name);
    // Remove by the live spelling: the service may echo a different case.
    const liveByNorm = new Map(live.fingerprints.map((f) => [normalizeFingerprint(f), f]));
    const steps = planFingerprintSteps([...liveByNorm.keys()], desired, limits).map((st) =>
      st.op === "remove" ? { ...st, fingerprint: liveByNorm.get(st.fingerprint) ?? st.fingerprint } : st,
    );
    return (await applyFingerprintSteps(s, name, steps, done)) ?? live;
  }
}

/** The settings half of an update: one UpdateOIDCProvider call, or none. */
async function updateSettings(
  s: Session,
  olds: OidcProviderOutputs,
  news: OidcProviderInputs,
): Promise<ims.OidcProviderRecord | undefined> {
  const update: ims.UpdateOidcProviderInput = { name: olds.oidcProviderName };
  let needed = false;
  if (!sameSet(olds.clientIds, news.clientIds)) {
    update.clientIds = news.clientIds;
    needed = true;
  }
  if (olds.description !== news.description) {
    update.description = news.description;
    needed = true;
  }
  if (olds.issuanceLimitTime !== news.issuanceLimitTime) {
    update.issuanceLimitTime = news.issuanceLimitTime;
    needed = true;
  }
  return needed ? ims.updateOidcProvider(s, update) : undefined;
}

/** Settings, then fingerprints; a failure half-way records what was applied as partial state. */
async function converge(
  raw: Record<string, unknown>,
  s: Session,
  current: OidcProviderOutputs,
  desired: OidcProviderInputs,
): Promise<OidcProviderOutputs> {
  const name = current.oidcProviderName;
  const progress = new Progress(raw, name, current, false);
  return progress.run(async (p) => {
    const afterSettings = await updateSettings(s, current, desired);
    if (afterSettings) p.set(toOutputs(afterSettings, desired));
    const afterFingerprints = await convergeFingerprints(
      s,
      name,
      current.fingerprints,
      desired.fingerprints,
      (r) => p.set(toOutputs(r, desired)),
    );
    const last = afterFingerprints ?? afterSettings ?? (await ims.getOidcProvider(s, name));
    return toOutputs(last, desired);
  });
}

async function adoptExisting(
  raw: Record<string, unknown>,
  s: Session,
  desired: OidcProviderInputs,
): Promise<ims.OidcProviderRecord> {
  const live = await ims.getOidcProvider(s, desired.oidcProviderName);
  if (normalizeIssuerUrl(live.issuerUrl) !== desired.issuerUrl) {
    throw new Error(
      `oidcProviderName: the existing provider '${desired.oidcProviderName}' has issuer ${live.issuerUrl}, ` +
        `not ${desired.issuerUrl}; an issuer cannot change in place, so it cannot be adopted with these arguments`,
    );
  }
  const outs = await converge(raw, s, toOutputs(live, desired), desired);
  return { ...live, ...recordOf(outs) };
}

/** The record fields the outputs carry. */
function recordOf(o: OidcProviderOutputs): Partial<ims.OidcProviderRecord> {
  return {
    name: o.oidcProviderName,
    issuerUrl: o.issuerUrl,
    fingerprints: o.fingerprints,
    clientIds: o.clientIds,
    issuanceLimitTime: o.issuanceLimitTime,
    description: o.description,
    arn: o.arn,
    createDate: o.createDate,
    updateDate: o.updateDate,
  };
}

/** Explains a name or issuer clash, naming the provider that holds the issuer. */
async function explainConflict(
  s: Session,
  err: AlicloudApiError,
  desired: OidcProviderInputs,
): Promise<Error> {
  if (err.code === "EntityAlreadyExists.OIDCProvider") {
    return new Error(
      `oidcProviderName: an OIDC provider named '${desired.oidcProviderName}' already exists in this account. ` +
        "To manage it from this stack, set `adopt: true` (Pulumi cannot import dynamic resources); " +
        `otherwise choose another name. (${err.message})`,
    );
  }
  let holder = "another provider";
  try {
    const all = await ims.listOidcProviders(s);
    const owner = all.find((p) => normalizeIssuerUrl(p.issuerUrl) === desired.issuerUrl);
    if (owner) holder = `the provider '${owner.name}'`;
  } catch {
    // The explanation is a courtesy; the original error still stands.
  }
  return new Error(
    `issuerUrl: ${holder} already uses ${desired.issuerUrl}, and an issuer URL is unique per account. ` +
      `Adopt that provider under its own name (adopt: true), or delete it first. (${err.message})`,
  );
}

/** The issuer's live, verified chain and the fingerprints recommended from it. */
async function discoverChain(issuer: string): Promise<DiscoveredFingerprint> {
  const { caCertificates: ca, allowPrivateIssuer, endpoint } = runtimeSettings();
  return discoverOidcFingerprint(discoveryTarget(issuer, endpoint), {
    ...(ca ? { ca } : {}),
    allowPrivateIssuer,
  });
}

/**
 * `check` for the fingerprints: omitted, the recommended set is discovered; given, they are
 * judged against the live chain (a failure when none matches, warnings otherwise).
 */
async function checkFingerprints(inputs: Record<string, unknown>, failures: CheckFailure[]): Promise<void> {
  const issuer = inputs.issuerUrl;
  if (
    typeof issuer !== "string" ||
    containsUnknown(issuer) ||
    failures.some((f) => f.property === "issuerUrl")
  )
    return;
  const given = inputs.fingerprints;
  if (given === undefined || given === null) {
    try {
      inputs.fingerprints = canonicalSet((await discoverChain(issuer)).recommended.map(normalizeFingerprint));
    } catch (err) {
      failures.push({
        property: "fingerprints",
        reason: `Give fingerprints explicitly, or make the issuer reachable: they were not given, and discovering them from ${issuer} failed: ${(err as Error).message}`,
      });
    }
    return;
  }
  if (!Array.isArray(given) || containsUnknown(given) || failures.some((f) => f.property === "fingerprints"))
    return;
  const who = `OidcProvider '${String(inputs.oidcProviderName)}' (${issuer})`;
  let live: DiscoveredFingerprint;
  try {
    live = await discoverChain(issuer);
  } catch (err) {
    // Undetermined, so reported as such; the pins stay as given (the issuer may be reachable
    // from Alibaba but not from this machine).
    await warn(
      `${who}: the fingerprints could not be checked against the issuer's live chain: ${(err as Error).message}`,
    );
    return;
  }
  const verdict = judgePins(given as string[], live, Date.now());
  if (verdict.failure) failures.push({ property: "fingerprints", reason: verdict.failure });
  for (const w of verdict.warnings) await warn(`${who}: ${w}`);
}

const claimKey = (name: string) => `OidcProvider:${name.toLowerCase()}`;
/** The natural key of an issuer URL, as `holdKeys` records it. */
const issuerKey = (issuer: string) => `OidcProvider:issuer:${normalizeIssuerUrl(issuer)}`;
const isGone = (e: unknown) => hasCode(e, "EntityNotExist.OIDCProvider");

/** The provider named in `desired` if it is provably the one this operation created. */
async function findOwnProvider(
  s: Session,
  desired: OidcProviderInputs,
  since: number,
): Promise<ims.OidcProviderRecord | undefined> {
  const live = await unlessGone(isGone, () => ims.getOidcProvider(s, desired.oidcProviderName));
  if (!live || !(timeOf(live.createDate) >= since)) return undefined;
  const mine = toOutputs(live, desired);
  const same =
    mine.issuerUrl === desired.issuerUrl &&
    sameSet(mine.clientIds, desired.clientIds) &&
    sameSet(mine.fingerprints, desired.fingerprints) &&
    mine.issuanceLimitTime === desired.issuanceLimitTime &&
    mine.description === desired.description;
  return same ? live : undefined;
}

/** Create; a create whose outcome is unknown is recorded as pending, which `update` resumes. */
async function createProvider(
  raw: Record<string, unknown>,
  desired: OidcProviderInputs,
): Promise<{ id: string; outs: OidcProviderOutputs }> {
  const s = session();
  const started = Date.now();
  let rec: ims.OidcProviderRecord;
  try {
    ({ value: rec } = await createOnce(s, {
      create: (o) =>
        ims.createOidcProvider(
          { ...s, ...o },
          {
            name: desired.oidcProviderName,
            issuerUrl: desired.issuerUrl,
            clientIds: desired.clientIds,
            fingerprints: desired.fingerprints,
            issuanceLimitTime: desired.issuanceLimitTime,
            description: desired.description,
          },
        ),
      find: (t) => findOwnProvider(s, desired, t),
      alreadyExists: (e) => hasCodePrefix(e, "EntityAlreadyExists.OIDCProvider"),
    }));
    unclaim(claimKey(desired.oidcProviderName));
  } catch (err) {
    if (err instanceof OutcomeUnknownError)
      throw pendingCreate(raw, desired.oidcProviderName, desired, started, err);
    if (!AlicloudApiError.is(err) || !err.code.startsWith("EntityAlreadyExists.OIDCProvider")) throw err;
    if (!desired.adopt || err.code !== "EntityAlreadyExists.OIDCProvider")
      throw await explainConflict(s, err, desired);
    claim(claimKey(desired.oidcProviderName));
    rec = await adoptExisting(raw, s, desired);
  }
  return { id: rec.name, outs: toOutputs(rec, desired) };
}

/**
 * At preview, for a new `OidcProvider` with `adopt: true`: looks the provider up and shows, as a
 * warning, the provider and each change `up` will make to it; a different issuer (which cannot be
 * changed in place) is refused here rather than at `up`. One GetOIDCProvider, after the account check.
 */
async function adoptionPlan(inputs: Record<string, unknown>): Promise<CheckFailure[]> {
  const name = inputs.oidcProviderName;
  if (typeof name !== "string" || containsUnknown(inputs)) return [];
  await checkAccount("OidcProvider", name, "create", undefined);
  const live = await unlessGone(isGone, () => ims.getOidcProvider(session(), name));
  if (!live) {
    await warn(`OidcProvider '${name}' (adopt: true): no provider of that name exists; up will create it.`);
    return [];
  }
  if (normalizeIssuerUrl(live.issuerUrl) !== inputs.issuerUrl)
    return [
      {
        property: "issuerUrl",
        reason: `the existing provider '${name}' has the issuer ${live.issuerUrl}; an issuer cannot change in place, so it cannot be adopted with ${String(inputs.issuerUrl)}`,
      },
    ];
  const changes: string[] = [];
  const setChanges = (field: string, now: string[], want: string[]) => {
    for (const v of want) if (!now.includes(v)) changes.push(`${field}: add ${v}`);
    for (const v of now) if (!want.includes(v)) changes.push(`${field}: remove ${v}`);
  };
  setChanges("clientIds", live.clientIds, inputs.clientIds as string[]);
  setChanges(
    "fingerprints",
    live.fingerprints.map((f) => f.toLowerCase()),
    (inputs.fingerprints as string[]).map((f) => f.toLowerCase()),
  );
  if ((live.issuanceLimitTime ?? inputs.issuanceLimitTime) !== inputs.issuanceLimitTime)
    changes.push(`issuanceLimitTime: ${live.issuanceLimitTime} -> ${String(inputs.issuanceLimitTime)}`);
  if (live.description !== inputs.description)
    changes.push(`description: '${live.description}' -> '${String(inputs.description)}'`);
  await warn(adoptionNotice(`OidcProvider '${name}'`, `provider ${live.arn}`, changes));
  return [];
}

/**
 * At preview, for a new `OidcProvider` without `adopt`: a provider this stack does not manage that
 * has the name, or the issuer URL (unique per account: "同一个阿里云账号下必须唯一" on
 * https://help.aliyun.com/document_detail/327135.html), is refused, naming it, instead of failing
 * CreateOIDCProvider at `up` after other objects were made. A create whose outcome was lost is
 * resumed with old inputs (partial state), so it never gets here. One ListOIDCProviders (an account
 * holds at most 100 providers, one page) answers both, through the account binding; when it cannot
 * be made, nothing is said here (`previewLookup`).
 */
async function nameOrIssuerTaken(inputs: Record<string, unknown>): Promise<CheckFailure[]> {
  const { oidcProviderName: name, issuerUrl: issuer } = inputs;
  if (typeof name !== "string" || typeof issuer !== "string") return [];
  if (containsUnknown(name) || containsUnknown(issuer)) return [];
  if (isHeld(claimKey(name)) && isHeld(issuerKey(issuer))) return [];
  const all = await previewLookup(() => ims.listOidcProviders(session()));
  const failures: CheckFailure[] = [];
  const named = isHeld(claimKey(name)) ? undefined : all?.find((p) => p.name === name);
  if (named)
    failures.push(
      takenFailure(
        "oidcProviderName",
        `The OIDC provider '${named.name}' (${named.arn}, issuer ${named.issuerUrl})`,
        "up then sets its client ids, fingerprints, issuance limit and description to this declaration (a preview with adopt: true lists each change; the issuer must be the same), and deleting the resource later deletes the provider.",
      ),
    );
  const holder = isHeld(issuerKey(issuer))
    ? undefined
    : all?.find((p) => p.name !== name && normalizeIssuerUrl(p.issuerUrl) === issuer);
  if (holder)
    failures.push({
      property: "issuerUrl",
      reason:
        `Take over the OIDC provider '${holder.name}' with oidcProviderName '${holder.name}' and \`adopt: true\`, or delete it first: ` +
        `it (${holder.arn}) already uses the issuer ${issuer}, an issuer URL is unique in an account, and it is not managed by this stack. ` +
        "With `adopt: true`, up sets its client ids, fingerprints, issuance limit and description to this declaration.",
    });
  return failures;
}

/** The provider implementation: what the engine drives through the shim. */
export const OidcProviderProvider = accountBound(
  {
    kind: "OidcProvider",
    secretDerived: { oidcProviderName: ["arn"] },
    identity: ["oidcProviderName", "issuerUrl"],
    stable: ["arn", "createDate"],
    volatile: ["updateDate"],
  },
  {
    configure,

    async check(
      _olds: Record<string, unknown>,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.CheckResult> {
      const { inputs, failures } = checkOidcProviderInputs(news);
      holdKeys([
        _olds.oidcProviderName && claimKey(String(_olds.oidcProviderName)),
        _olds.issuerUrl && issuerKey(String(_olds.issuerUrl)),
      ]);
      const isNew = Object.keys(_olds).length === 0;
      // The name look-up goes out with the issuer's chain check, both reads: the engine checks one
      // resource after another, so each round trip here delays the whole plan. Its answer counts
      // only if the inputs pass. (An adoption's plan compares fingerprints, which the chain check
      // may discover: it waits.)
      const taken =
        failures.length === 0 && isNew && inputs.adopt !== true ? nameOrIssuerTaken(inputs) : undefined;
      taken?.catch(() => undefined);
      await checkFingerprints(inputs, failures);
      // The plan of an adoption, at preview: what `up` will change in the existing provider.
      if (failures.length === 0 && isNew) failures.push(...(await (taken ?? adoptionPlan(inputs))));
      return { inputs, failures };
    },

    async diff(id: string, olds: object, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
      // Name and issuer are both unique per account: the new provider cannot
      // exist beside the old one, so the old one goes first.
      return diffResult(diffOidcProvider(readOlds(olds, id), news), true);
    },

    create(raw: Record<string, unknown>): Promise<{ id: string; outs: OidcProviderOutputs }> {
      return createProvider(raw, requireInputs(raw));
    },

    async read(
      id: string,
      props?: object,
    ): Promise<{ id: string; props: Partial<OidcProviderOutputs>; inputs?: OidcProviderInputs }> {
      // Deleted out of band: drop it from state, so the next up creates it again.
      // The name recorded in state, not the id: the id of a provider named by a secret is opaque.
      const olds = readOlds(props ?? {}, id);
      const rec = await unlessGone(isGone, () => ims.getOidcProvider(session(), olds.oidcProviderName));
      if (!rec) return GONE;
      const outs = toOutputs(rec, olds);
      const { arn: _a, createDate: _c, updateDate: _u, ...inputs } = outs;
      return { id: rec.name, props: outs, inputs };
    },

    async update(
      id: string,
      rawOlds: object,
      rawNews: Record<string, unknown>,
    ): Promise<{ outs: OidcProviderOutputs }> {
      const news = requireInputs(rawNews);
      const pending = pendingSince(rawOlds);
      if (pending === undefined)
        return { outs: await converge(rawNews, session(), readOlds(rawOlds, id), news) };
      const before = readOlds(rawOlds, id);
      const s = session();
      return resumePendingCreate(
        rawNews,
        id,
        pending,
        (t) => findOwnProvider(s, before, t),
        (made) => toOutputs(made, before),
        async (state) => ({ outs: await converge(rawNews, s, state, news) }),
        async () => ({ outs: (await createProvider(rawNews, news)).outs }),
      );
    },

    async delete(id: string, props: object): Promise<void> {
      const name = readOlds(props, id).oidcProviderName;
      // Adopted by its replacement in this deployment: the provider is the new resource's now.
      if (takeClaim(claimKey(name))) return;
      await deleteUnlessGone(isGone, () => ims.deleteOidcProvider(session(), name));
    },
  },
);

/**
 * A RAM OIDC identity provider.
 *
 * ```ts
 * const github = new OidcProvider("github", {
 *   oidcProviderName: "github-actions",
 *   issuerUrl: "https://token.actions.githubusercontent.com",
 *   clientIds: ["sts.aliyuncs.com"],
 *   // omitted: the trust anchor and the current intermediate, discovered
 *   // fingerprints: ["<sha1 of the root CA>", "<sha1 of the current intermediate>"],
 * });
 * ```
 * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createoidcprovider
 */
export class OidcProvider extends pulumi.dynamic.Resource {
  declare readonly oidcProviderName: pulumi.Output<string>;
  declare readonly issuerUrl: pulumi.Output<string>;
  /** Normalized: lower-case hex without colons, sorted. */
  declare readonly fingerprints: pulumi.Output<string[]>;
  /** Sorted. */
  declare readonly clientIds: pulumi.Output<string[]>;
  declare readonly issuanceLimitTime: pulumi.Output<number>;
  declare readonly description: pulumi.Output<string>;
  declare readonly adopt: pulumi.Output<boolean>;
  /** `acs:ram::<accountId>:oidc-provider/<name>`: what a role's trust policy names. */
  declare readonly arn: pulumi.Output<string>;
  declare readonly createDate: pulumi.Output<string>;
  declare readonly updateDate: pulumi.Output<string>;

  constructor(name: string, args: OidcProviderArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("OidcProviderProvider"),
      name,
      withSecretInputs({ ...args, arn: undefined, createDate: undefined, updateDate: undefined }),
      opts,
      "alicloud-federation",
      "OidcProvider",
    );
  }
}
