/**
 * `OidcRole`: a RAM role whose trust policy lets tokens from an OIDC provider
 * assume it, with typed conditions, semantic trust-policy comparison and
 * policy attachments.
 *
 * API: https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createrole
 * Trust: https://www.alibabacloud.com/help/en/ram/user-guide/create-a-ram-role-for-a-trusted-idp
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { accountBound, checkAccount, previewLookup } from "../account";
import * as ram from "../client/ram";
import { type Session, session, withOptions } from "../client/session";
import { warn } from "../diagnostics";
import { hasCode, hasCodePrefix, maskSecrets, UserError } from "../errors";
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
  unlessGoneBoth,
} from "../lifecycle";
import { RAM_ROLE } from "../limits";
import { canonicalSet, containsUnknown, normalizeIssuerUrl } from "../normalize";
import { isAmbiguous } from "../retry";
import { withSecretInputs } from "../secretInputs";
import { selfLockoutFailures } from "../selfLockout";
import { providerShim } from "../shim";
import { isWellKnownSystemPolicy, nearestSystemPolicies } from "../systemPolicies";
import { undecidableParts } from "../trust/evaluate";
import {
  AmbiguousPolicyError,
  buildOidcTrustPolicy,
  type ConditionValue,
  canonicalTrustPolicy,
  PolicyParseError,
} from "../trust/policy";
import type { TrustPreset } from "../trust/presets";
import { isAdministratorLevel } from "../trust/privilege";
import { admitsAnyWorkload, unpinnedSubjectReason } from "../trust/subjects";
import {
  type CheckFailure,
  type FieldRule,
  lazyRules,
  requireChecked,
  tooLong,
  validateFields,
} from "../validation";
import type { OidcProvider } from "./oidcProvider";
import { RamPolicy } from "./ramPolicy";

/** A policy to attach: a system policy by name (`AliyunOSSReadOnlyAccess`) or one of your custom policies. */
export interface PolicyRef {
  /** `System` or `Custom`. */
  type: "System" | "Custom";
  /** The policy's name: at most 128 characters. */
  name: string;
}

/** The arguments of an `OidcRole`. */
export interface OidcRoleArgs {
  /**
   * The role's name, unique in the account: 1 to 64 letters, digits, `.` and
   * `-`. Changing it replaces the role.
   * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createrole
   */
  roleName: pulumi.Input<string>;
  /**
   * The OIDC provider whose tokens may assume the role: an `OidcProvider` (its
   * issuer and client IDs are then checked against `audiences` at preview) or
   * its ARN `acs:ram::<account>:oidc-provider/<name>`.
   */
  provider: OidcProvider | pulumi.Input<string>;
  /**
   * A preset from `trustPresets` (GitHub Actions, GitLab CI, ACK RRSA,
   * Authing): fills in the issuer, audiences and subjects, validated. The
   * explicit arguments below, when given, take precedence.
   */
  trust?: TrustPreset;
  /**
   * `oidc:iss` must equal this. Default: the `OidcProvider`'s issuer, or the
   * preset's. Omitted with a bare ARN: no `oidc:iss` condition (STS checks the
   * issuer against the provider anyway).
   */
  issuerUrl?: pulumi.Input<string>;
  /**
   * Accepted `aud` values: at least 1; each must be one of the provider's
   * client IDs, or STS refuses every token. Default: the preset's.
   */
  audiences?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Exact `sub` values (StringEquals), e.g.
   * `repo:acme/app:ref:refs/heads/main`. Alternatives: any listed value passes.
   */
  subjects?: pulumi.Input<pulumi.Input<string>[]>;
  /** `sub` patterns with `*` and `?` (StringLike). Alternatives to `subjects`. */
  subjectPatterns?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Must be `true` to create a role that subjects beyond one workload may
   * assume: no `subjects` at all, or a pattern that does not pin the workload
   * the issuer identifies, however its wildcards are spelled (`repo:*`, `*:*`,
   * `repo:acme/*`, a wildcard owner, for GitHub, whose workload is the owner and
   * repository; the project path for GitLab; namespace and service account
   * for ACK RRSA; any wildcard for any other issuer, whose subjects are opaque
   * IDs, unless the pattern has a GitHub, GitLab or ACK subject's shape and is
   * judged by that grammar). Default `false`: such a role fails at preview.
   */
  allowAnySubject?: pulumi.Input<boolean>;
  /**
   * More conditions, ANDed into every statement of the trust policy, as RAM
   * writes them: operator → condition key → value or values, e.g.
   * `{ StringNotLike: { "oidc:sub": ["*:pull_request"] } }`. The operators are
   * RAM's (https://www.alibabacloud.com/help/en/ram/conditional-operator), the
   * keys `oidc:iss`, `oidc:aud`, `oidc:sub`. A key the other arguments already
   * set under the same operator is refused. Default none.
   */
  conditions?: pulumi.Input<Record<string, Record<string, ConditionValue | ConditionValue[]>>>;
  /**
   * Must be `true` to create a role whose trust policy has a part that cannot
   * be evaluated offline (an operator RAM does not document, a key an OIDC
   * token does not carry, a value the operator cannot read: see
   * `undecidableParts`). Default `false`: such a policy fails at preview,
   * naming the statement, operator and key, because nothing (`evaluateTrust`,
   * the emulator) could then say who may assume the role.
   */
  allowUndeterminedTrust?: pulumi.Input<boolean>;
  /**
   * Longest STS session, in seconds: 3600 to 43200. Default 3600.
   * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createrole
   */
  maxSessionDuration?: pulumi.Input<number>;
  /** Free text, at most 1024 characters. Default: none. */
  description?: pulumi.Input<string>;
  /**
   * Policies to attach: at most 20 system and 10 custom. Compared as a set. A `RamPolicy` is
   * attached as the custom policy it is (and its document is what the self-lockout check reads).
   * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-attachpolicytorole
   */
  policies?: Array<pulumi.Input<PolicyRef> | RamPolicy>;
  /**
   * Must be `true` to change this role's trust or policies in a way that would lock out the
   * pipeline deploying with it: when the stack runs as this role (`ALIBABA_CLOUD_ROLE_ARN`), a
   * trust that would refuse this run's OIDC token (`ALIBABA_CLOUD_OIDC_TOKEN_FILE`), or policies
   * that would no longer allow an action of the least-privilege table the role had, fail at
   * preview, naming what the next run would lose. Decided offline (trust simulator, table), no
   * call. Default `false`.
   */
  allowSelfLockout?: pulumi.Input<boolean>;
  /**
   * Take over a role of the same name that already exists, bringing its trust
   * policy, settings and attachments in line with these arguments. Default `false`.
   */
  adopt?: pulumi.Input<boolean>;
  /**
   * Must be `true` for an adoption (`adopt: true`) that detaches an administrator-level policy
   * (`AdministratorAccess`, `AliyunRAMFullAccess`) the existing role holds and `policies` does not
   * list. Default `false`: such an adoption fails at preview, naming the policy, because whatever
   * relies on the role would lose those permissions at `up`.
   */
  allowAdministratorDetach?: pulumi.Input<boolean>;
}

/** Inputs after `check`. `trustPolicy` is the canonical text of the generated document. */
export interface OidcRoleInputs {
  roleName: string;
  providerArn: string;
  issuerUrl: string;
  audiences: string[];
  subjects: string[];
  subjectPatterns: string[];
  allowAnySubject: boolean;
  conditions: Record<string, Record<string, ConditionValue[]>>;
  allowUndeterminedTrust: boolean;
  maxSessionDuration: number;
  description: string;
  policies: PolicyRef[];
  adopt: boolean;
  /** Only when given: absent from state otherwise, so older state shows no difference. */
  allowAdministratorDetach?: boolean;
  allowSelfLockout: boolean;
  /** `Custom:<name>` → document of each attached `RamPolicy`, for the self-lockout check. */
  policyDocuments: Record<string, string>;
  /** The provider's client IDs when known (from an `OidcProvider`), for the audience check. */
  providerClientIds?: string[];
  /** The provider's issuer when known (from an `OidcProvider`), for the issuer check. */
  providerIssuerUrl?: string;
  trustPolicy: string;
}

export interface OidcRoleOutputs extends OidcRoleInputs {
  /** `acs:ram::<account>:role/<name>`: what `ALIBABA_CLOUD_ROLE_ARN` is set to. */
  arn: string;
  roleId: string;
  createDate: string;
  updateDate: string;
}

const PROVIDER_ARN = /^acs:ram::\d+:oidc-provider\/[A-Za-z0-9._-]+$/;

/** The zod rules per argument, built on the first call (zod is loaded only when inputs are checked). */
export const oidcRoleRules: () => Record<string, FieldRule> = lazyRules((z) => {
  const roleNameSchema = z.string({ error: "must be a string" }).superRefine((v, ctx) => {
    if (v.length === 0) ctx.addIssue({ code: "custom", message: "must not be empty" });
    else if (v.length > RAM_ROLE.name.maxLength)
      ctx.addIssue({
        code: "custom",
        message: tooLong(v.length, RAM_ROLE.name.maxLength, "a RAM role name"),
      });
    if (v.length > 0 && !RAM_ROLE.name.pattern.test(v))
      ctx.addIssue({ code: "custom", message: `'${v}' is not allowed: use ${RAM_ROLE.name.rule}` });
  });

  const nonEmptyStrings = (what: string) =>
    z
      .array(
        z
          .string({ error: "must be a string" })
          .refine((s) => s.trim() !== "", { message: `an empty ${what} matches nothing` }),
        { error: "must be a list of strings" },
      )
      .transform(canonicalSet);

  const policiesSchema = z
    .array(
      z.object(
        {
          type: z.enum(RAM_ROLE.policyTypes, { error: "type must be System or Custom" }),
          name: z
            .string({ error: "name must be a string" })
            .min(1, { message: "name must not be empty" })
            .max(RAM_ROLE.policyName.maxLength, {
              message: `name is longer than the ${RAM_ROLE.policyName.maxLength} characters a policy name allows`,
            })
            .refine((v) => v.length === 0 || RAM_ROLE.policyName.pattern.test(v), {
              message: `name: use ${RAM_ROLE.policyName.rule}`,
            }),
        },
        { error: "must be {type, name}" },
      ),
      { error: "must be a list of {type, name}" },
    )
    // Counted before the list is de-duplicated, so that one bad item does not hide the count.
    .superRefine((raw, ctx) => {
      const list = distinctPolicies(raw);
      const sys = list.filter((p) => p.type === "System").length;
      const custom = list.length - sys;
      if (sys > RAM_ROLE.maxSystemPolicies)
        ctx.addIssue({
          code: "custom",
          message: `has ${sys} system policies, but a RAM role allows at most ${RAM_ROLE.maxSystemPolicies}`,
        });
      if (custom > RAM_ROLE.maxCustomPolicies)
        ctx.addIssue({
          code: "custom",
          message: `has ${custom} custom policies, but a RAM role allows at most ${RAM_ROLE.maxCustomPolicies}`,
        });
    })
    .transform(distinctPolicies);

  const conditionValue = z.union([z.string(), z.number(), z.boolean()], {
    error: "each value must be a string, a number or a boolean",
  });
  /**
   * `__proto__` cannot be carried as an operator or key through a plain object (an assignment sets
   * the prototype and the condition vanishes, widening the trust), so it is refused by name.
   */
  const noProtoName = (v: unknown, ctx: z.RefinementCtx) => {
    if (!v || typeof v !== "object") return;
    const where = (key: string, op?: string) =>
      ctx.addIssue({
        code: "custom",
        message: `${op === undefined ? "operator" : `${op}: condition key`} '${key}' is not one RAM documents, and cannot be carried safely`,
      });
    for (const [op, keys] of Object.entries(v)) {
      if (op === "__proto__") where(op);
      else if (keys && typeof keys === "object" && Object.hasOwn(keys, "__proto__")) where("__proto__", op);
    }
  };
  const conditionsSchema = z
    .unknown()
    .superRefine(noProtoName)
    .pipe(
      z.record(
        z.string(),
        z.record(z.string(), z.union([conditionValue, z.array(conditionValue)]), {
          error: "must map condition keys to a value or a list of values",
        }),
        { error: "must map operators to {key: values}" },
      ),
    )
    .transform((ops) =>
      Object.fromEntries(
        Object.entries(ops).map(([op, keys]) => [
          op,
          Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])),
        ]),
      ),
    );
  return {
    roleName: { schema: roleNameSchema, required: true },
    providerArn: {
      schema: z.string({ error: "must be a string" }).refine((v) => PROVIDER_ARN.test(v), {
        message: "must be an OIDC provider ARN, acs:ram::<account id>:oidc-provider/<name>",
      }),
      required: true,
    },
    issuerUrl: {
      schema: z
        .string({ error: "must be a string" })
        .transform((v) => (v === "" ? "" : normalizeIssuerUrl(v))),
    },
    audiences: {
      schema: nonEmptyStrings("audience").refine((a) => a.length > 0, {
        message: "must have at least 1 audience: STS accepts a token only if its aud is listed",
      }),
      required: true,
    },
    subjects: { schema: nonEmptyStrings("subject") },
    subjectPatterns: { schema: nonEmptyStrings("subject pattern") },
    allowAnySubject: { schema: z.boolean({ error: "must be true or false" }) },
    conditions: { schema: conditionsSchema },
    allowUndeterminedTrust: { schema: z.boolean({ error: "must be true or false" }) },
    maxSessionDuration: {
      schema: z.number({ error: "must be a number of seconds" }).superRefine((v, ctx) => {
        const { min, max } = RAM_ROLE.maxSessionDuration;
        if (!Number.isInteger(v) || v < min || v > max)
          ctx.addIssue({
            code: "custom",
            message: `is ${v}, but must be a whole number of seconds from ${min} to ${max}`,
          });
      }),
    },
    description: {
      schema: z.string({ error: "must be a string" }).superRefine((v, ctx) => {
        if (v.length > RAM_ROLE.description.maxLength)
          ctx.addIssue({
            code: "custom",
            message: tooLong(v.length, RAM_ROLE.description.maxLength, "a role description"),
          });
      }),
    },
    policies: { schema: policiesSchema },
    adopt: { schema: z.boolean({ error: "must be true or false" }) },
    allowAdministratorDetach: { schema: z.boolean({ error: "must be true or false" }) },
    allowSelfLockout: { schema: z.boolean({ error: "must be true or false" }) },
    policyDocuments: { schema: z.record(z.string(), z.string()) },
    providerClientIds: { schema: z.array(z.string()).transform(canonicalSet) },
    providerIssuerUrl: { schema: z.string().transform(normalizeIssuerUrl) },
  };
});

/** Keys the generated policy sets itself, per operator: `conditions` must not override them. */
const GENERATED_KEYS: ReadonlyMap<string, readonly string[]> = new Map([
  ["StringEquals", ["oidc:iss", "oidc:aud", "oidc:sub"]],
  ["StringLike", ["oidc:sub"]],
]);

/** Each policy once, in a fixed order. */
function distinctPolicies(list: readonly { type: PolicyRef["type"]; name: string }[]): PolicyRef[] {
  const seen = new Map(list.map((p) => [`${p.type}:${p.name}`, { type: p.type, name: p.name } as PolicyRef]));
  return [...seen.values()].sort((a, b) => `${a.type}:${a.name}`.localeCompare(`${b.type}:${b.name}`));
}

/** The arguments the trust policy is built from. */
const TRUST_POLICY_INPUTS: ReadonlySet<string> = new Set([
  "providerArn",
  "issuerUrl",
  "audiences",
  "subjects",
  "subjectPatterns",
  "conditions",
]);

/** Validates, defaults and normalizes; computes the canonical trust policy when everything is known. */
export function checkOidcRoleInputs(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  const { values, failures } = validateFields(news, oidcRoleRules());
  // The arguments the trust policy is built from that are themselves invalid: the policy's own
  // checks (its length, its undecidable parts) run whenever none is, whatever else fails.
  const invalidPolicyInputs = failures.some((f) =>
    TRUST_POLICY_INPUTS.has(f.property.split(/[.[]/)[0] ?? ""),
  );
  const inputs: Record<string, unknown> = { ...news, ...values };
  fillDefaults(inputs, DEFAULTS);

  const known = (v: unknown): v is string[] => Array.isArray(v) && !containsUnknown(v);
  const { subjects, subjectPatterns, audiences, providerClientIds } = inputs;
  const issuerKnown = !containsUnknown(inputs.issuerUrl) && !containsUnknown(inputs.providerIssuerUrl);
  if (known(subjects) && known(subjectPatterns) && issuerKnown && inputs.allowAnySubject !== true) {
    const issuer = (inputs.issuerUrl as string) || (inputs.providerIssuerUrl as string | undefined);
    if (subjects.length === 0 && subjectPatterns.length === 0) {
      const any = admitsAnyWorkload({}, issuer);
      failures.push({
        property: "subjects",
        reason:
          "restrict subjects or subjectPatterns, or set allowAnySubject: true if that is really intended: " +
          `with no subject condition, any identity the IdP issues tokens to could assume this role (${any?.words ?? "any subject"} of the issuer)`,
      });
    }
    // Positions refer to the list as the user wrote it, not the sorted one.
    const written = Array.isArray(news.subjectPatterns)
      ? (news.subjectPatterns as unknown[])
      : subjectPatterns;
    written.forEach((p, i) => {
      const why = typeof p === "string" ? unpinnedSubjectReason(p, issuer) : undefined;
      if (why)
        failures.push({
          property: `subjectPatterns[${i}]`,
          reason: `restrict it, or set allowAnySubject: true if that is really intended: ${why}`,
        });
    });
  }
  const conditions = inputs.conditions;
  if (conditions && typeof conditions === "object" && !containsUnknown(conditions)) {
    for (const [op, keys] of Object.entries(conditions as Record<string, Record<string, unknown>>))
      for (const key of Object.keys(keys))
        if (GENERATED_KEYS.get(op)?.includes(key))
          failures.push({
            property: `conditions.${op}.${key}`,
            reason: `${op} ${key} is set by the other arguments (issuerUrl, audiences, subjects, subjectPatterns); use those`,
          });
  }
  if (known(audiences) && known(providerClientIds)) {
    // Positions refer to the list as the user wrote it, not the sorted one.
    const written = Array.isArray(news.audiences) ? (news.audiences as string[]) : audiences;
    const shown = providerClientIds.slice(0, 3).map((c) => `'${c}'`);
    if (providerClientIds.length > 3) shown.push(`${providerClientIds.length - 3} more`);
    written.forEach((aud, i) => {
      if (typeof aud === "string" && !providerClientIds.includes(aud))
        failures.push({
          property: `audiences[${i}]`,
          reason:
            `use one of the provider's client IDs, or add '${aud}' to the provider's clientIds: ` +
            `it is not one of them (${shown.join(", ") || "it has none"}), so STS would refuse every token`,
        });
    });
  }
  const { issuerUrl, providerIssuerUrl } = inputs;
  if (
    typeof issuerUrl === "string" &&
    issuerUrl !== "" &&
    typeof providerIssuerUrl === "string" &&
    !containsUnknown(issuerUrl) &&
    !containsUnknown(providerIssuerUrl) &&
    issuerUrl !== providerIssuerUrl
  ) {
    failures.push({
      property: "issuerUrl",
      reason: `set it to the provider's issuer '${providerIssuerUrl}', or leave it unset: '${issuerUrl}' is another issuer, so no token could ever match`,
    });
  }
  if (!invalidPolicyInputs && !containsUnknown(inputs)) {
    const doc = buildOidcTrustPolicy({
      providerArn: inputs.providerArn as string,
      issuerUrl: (inputs.issuerUrl as string) || undefined,
      audiences: inputs.audiences as string[],
      subjects: { equals: inputs.subjects as string[], like: inputs.subjectPatterns as string[] },
      conditions: inputs.conditions as Record<string, Record<string, ConditionValue[]>>,
    });
    if (inputs.allowUndeterminedTrust !== true)
      for (const part of undecidableParts(doc))
        failures.push({
          property: part.operator && part.key ? `conditions.${part.operator}.${part.key}` : "conditions",
          reason:
            "change this condition, or set allowUndeterminedTrust: true: " +
            `in trust policy statement ${part.statement}, ${part.reason}, so no one could say offline who may assume the role`,
        });
    // Measured on the text that CreateRole and UpdateRole send, the canonical one, which is longer
    // than the built one (single values become lists).
    const sent = canonicalTrustPolicy(doc);
    if (sent.length > RAM_ROLE.trustPolicyMaxLength)
      failures.push({
        property: "subjects",
        reason: `use fewer subjects or patterns: the trust policy would be ${sent.length} characters, but RAM allows at most ${RAM_ROLE.trustPolicyMaxLength}`,
      });
    inputs.trustPolicy = sent;
  }
  return { inputs, failures };
}

function requireInputs(raw: Record<string, unknown>): OidcRoleInputs {
  return requireChecked<OidcRoleInputs>("OidcRole", checkOidcRoleInputs, raw);
}

/** What `check` fills in and what old state falls back to. */
const DEFAULTS = {
  issuerUrl: "",
  subjects: [] as string[],
  subjectPatterns: [] as string[],
  allowAnySubject: false,
  conditions: {} as Record<string, Record<string, ConditionValue[]>>,
  allowUndeterminedTrust: false,
  maxSessionDuration: RAM_ROLE.maxSessionDuration.default,
  description: "",
  policies: [] as PolicyRef[],
  adopt: false,
  allowSelfLockout: false,
  policyDocuments: {} as Record<string, string>,
};

const STATE: OidcRoleOutputs = {
  ...DEFAULTS,
  roleName: "",
  providerArn: "",
  audiences: [],
  providerClientIds: undefined,
  providerIssuerUrl: undefined,
  trustPolicy: "",
  arn: "",
  roleId: "",
  createDate: "",
  updateDate: "",
};

function readOlds(olds: object, id: string): OidcRoleOutputs {
  const o = stateOf(olds, STATE);
  return { ...o, roleName: o.roleName || id };
}

/**
 * A live trust policy as it is compared with the desired one: its canonical text, or, when this
 * library cannot read it (a name given twice, hand-written elsewhere), the text RAM returned, which
 * never equals a generated policy: a drift that the next `up` rewrites, never a silent match.
 */
function liveTrustText(doc: string): string {
  try {
    return canonicalTrustPolicy(doc);
  } catch (err) {
    if (err instanceof PolicyParseError || err instanceof AmbiguousPolicyError) return doc;
    throw err;
  }
}

const policyKey = (p: PolicyRef) => `${p.type}:${p.name}`;
const samePolicies = (a: unknown, b: unknown) =>
  canonicalSet(((a as PolicyRef[]) ?? []).map(policyKey)).join("\n") ===
  canonicalSet(((b as PolicyRef[]) ?? []).map(policyKey)).join("\n");

/** Which arguments differ. Pure. The trust policy is compared by meaning (its canonical text), never by RAM's. */
export function diffOidcRole(
  olds: OidcRoleOutputs,
  news: Record<string, unknown>,
): { replaces: string[]; changes: string[] } {
  return diffFields(olds, news, {
    replace: ["roleName"],
    update: ["trustPolicy", "maxSessionDuration", "description", "policies"],
    // Not computed yet (a failure elsewhere in check): a change, to be safe. RAM role names ignore
    // case (`Deployer` is `deployer`): a change of case alone is no new role, and could not be one.
    equal: {
      policies: samePolicies,
      trustPolicy: (a, b) => b !== undefined && a === b,
      roleName: (a, b) => typeof b === "string" && String(a).toLowerCase() === b.toLowerCase(),
    },
  });
}

function toOutputs(role: ram.RoleRecord, policies: PolicyRef[], desired: OidcRoleInputs): OidcRoleOutputs {
  return {
    ...desired,
    roleName: role.roleName,
    description: role.description,
    maxSessionDuration: role.maxSessionDuration ?? desired.maxSessionDuration,
    policies: [...policies].sort((a, b) => policyKey(a).localeCompare(policyKey(b))),
    trustPolicy: liveTrustText(role.assumeRolePolicyDocument),
    arn: role.arn,
    roleId: role.roleId,
    createDate: role.createDate,
    updateDate: role.updateDate,
  };
}

/**
 * Attaches what is missing, then detaches what is extra: the fewest calls, permissions never all
 * gone. The attaches go out together, then the detaches (each is its own call on its own
 * attachment; docs/alibaba-api.md §6.2), so a role with several policies waits for one round trip
 * per phase, not one per policy. `done` sees the attachments after each call, so a failure half-way
 * reports what is attached; every call of a phase is settled before its first failure is thrown.
 */
async function convergePolicies(
  s: Session,
  roleName: string,
  current: PolicyRef[],
  desired: PolicyRef[],
  done: (now: PolicyRef[]) => void = () => undefined,
): Promise<void> {
  const now = new Map(current.map((p) => [policyKey(p), p]));
  const want = new Set(desired.map(policyKey));
  await settleAll(
    desired
      .filter((p) => !now.has(policyKey(p)))
      .map(async (p) => {
        try {
          await ram.attachPolicyToRole(s, roleName, toAttachment(p));
        } catch (err) {
          // Attached by an earlier, interrupted call: already the state we want.
          if (!hasCode(err, "EntityAlreadyExists.Role.Policy")) throw err;
        }
        now.set(policyKey(p), p);
        done([...now.values()]);
      }),
  );
  await settleAll(
    current
      .filter((p) => !want.has(policyKey(p)))
      .map(async (p) => {
        await detach(s, roleName, toAttachment(p));
        now.delete(policyKey(p));
        done([...now.values()]);
      }),
  );
}

/** Waits for every call, then throws the first failure, if any: nothing is left in flight. */
async function settleAll(calls: Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(calls)).find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
}

/** Detaches one policy; one already detached (an earlier call did it) is done. */
async function detach(s: Session, roleName: string, p: ram.PolicyAttachment): Promise<void> {
  await ram.detachPolicyFromRole(s, roleName, p).catch((e) => {
    if (!isDetached(e)) throw e;
  });
}

/** A detach that found nothing attached (an earlier call did it), but not a missing role. */
const isDetached = (err: unknown) =>
  hasCodePrefix(err, "EntityNotExist") && !hasCode(err, "EntityNotExist.Role");

const toRefs = (list: ram.PolicyAttachment[]): PolicyRef[] =>
  list.map((p) => ({ type: p.policyType, name: p.policyName }));
const toAttachment = (p: PolicyRef): ram.PolicyAttachment => ({ policyType: p.type, policyName: p.name });

/** The settings half of an update: one UpdateRole, or none. */
async function updateSettings(
  s: Session,
  olds: OidcRoleOutputs,
  news: OidcRoleInputs,
): Promise<ram.RoleRecord | undefined> {
  const input: ram.UpdateRoleInput = { roleName: olds.roleName };
  let needed = false;
  if (olds.trustPolicy !== news.trustPolicy) {
    input.assumeRolePolicyDocument = news.trustPolicy;
    needed = true;
  }
  if (olds.maxSessionDuration !== news.maxSessionDuration) {
    input.maxSessionDuration = news.maxSessionDuration;
    needed = true;
  }
  if (olds.description !== news.description) {
    input.description = news.description;
    needed = true;
  }
  return needed ? ram.updateRole(s, input) : undefined;
}

/** What state records of the settings an UpdateRole with a lost answer was changing. */
const UNKNOWN_AFTER_LOST_UPDATE =
  "(unknown: the answer to an UpdateRole was lost; the next up writes it again)";

function unknownSettings(olds: OidcRoleOutputs, news: OidcRoleInputs): Partial<OidcRoleOutputs> {
  const patch: Partial<OidcRoleOutputs> = {};
  if (olds.trustPolicy !== news.trustPolicy) patch.trustPolicy = UNKNOWN_AFTER_LOST_UPDATE;
  if (olds.description !== news.description) patch.description = UNKNOWN_AFTER_LOST_UPDATE;
  // No role has a session of 0 seconds: never equal to a declared one.
  if (olds.maxSessionDuration !== news.maxSessionDuration) patch.maxSessionDuration = 0;
  return patch;
}

function roleFromState(o: OidcRoleOutputs): ram.RoleRecord {
  return {
    roleId: o.roleId,
    roleName: o.roleName,
    arn: o.arn,
    description: o.description,
    assumeRolePolicyDocument: o.trustPolicy,
    maxSessionDuration: o.maxSessionDuration,
    createDate: o.createDate,
    updateDate: o.updateDate,
  };
}

const claimKey = (roleName: string) => `OidcRole:${roleName.toLowerCase()}`;

/**
 * The role named in `desired` if it is provably the one this operation created: same trust
 * policy, settings and no policies yet, created since `since`.
 */
async function findOwnRole(
  s: Session,
  desired: OidcRoleInputs,
  since: number,
): Promise<ram.RoleRecord | undefined> {
  const live = await unlessGone(
    (e) => hasCode(e, "EntityNotExist.Role"),
    () => ram.getRole(s, desired.roleName),
  );
  if (!live || !(timeOf(live.createDate) >= since)) return undefined;
  const same =
    liveTrustText(live.assumeRolePolicyDocument) === desired.trustPolicy &&
    live.description === desired.description &&
    (live.maxSessionDuration ?? desired.maxSessionDuration) === desired.maxSessionDuration;
  return same ? live : undefined;
}

// System policy names this process has asked RAM about: exists or not.
const systemPolicyExists = new Map<string, boolean>();

/**
 * At preview: each system policy `policies` adds (not already in the old state) that is not a
 * well-known name is looked up (GetPolicy) once per process; one RAM does not know is refused
 * with the nearest names, instead of failing AttachPolicyToRole at `up` after other objects exist.
 */
async function unknownSystemPolicies(
  olds: Record<string, unknown>,
  inputs: Record<string, unknown>,
): Promise<CheckFailure[]> {
  if (containsUnknown(inputs.policies)) return [];
  const had = new Set(((olds.policies ?? []) as PolicyRef[]).map((p) => policyKey(p)));
  const asked = ((inputs.policies ?? []) as PolicyRef[]).filter(
    (p) => p.type === "System" && !had.has(policyKey(p)) && !isWellKnownSystemPolicy(p.name),
  );
  const failures: CheckFailure[] = [];
  for (const p of asked) {
    const key = p.name.toLowerCase();
    if (!systemPolicyExists.has(key)) {
      await checkAccount(
        "OidcRole",
        typeof inputs.roleName === "string" ? inputs.roleName : undefined,
        "create",
        undefined,
      );
      const found = await unlessGone(
        (e) => hasCodePrefix(e, "EntityNotExist"),
        () => ram.getPolicy(session(), p.name, "System"),
      );
      systemPolicyExists.set(key, found !== undefined);
    }
    if (systemPolicyExists.get(key) === false)
      failures.push({
        property: "policies",
        reason: `system policy '${p.name}' does not exist in RAM; the nearest names: ${nearestSystemPolicies(p.name).join(", ")}. Correct the name (names of custom policies take type: "Custom").`,
      });
  }
  return failures;
}

/** The policies `current` holds and `desired` does not that are administrator-level. */
function adminDetaches(current: readonly PolicyRef[], desired: readonly PolicyRef[]): PolicyRef[] {
  const want = new Set(desired.map(policyKey));
  return current.filter((p) => !want.has(policyKey(p)) && isAdministratorLevel(p));
}

// What to do first: a role name and a list of policies follow, of any length.
const adminRefusal = (roleName: string, detached: readonly PolicyRef[]) =>
  "List it in `policies` to keep it, or set `allowAdministratorDetach: true` to detach it: " +
  `adopting the existing role '${roleName}' would detach ${detached.map((p) => p.name).join(" and ")}, ` +
  "an administrator-level policy it holds and `policies` does not list: whatever uses the role would lose it.";

/** A trust document for a message: masked before it is cut, so no cut leaves part of a secret. */
const clipDoc = (doc: string) => {
  const masked = maskSecrets(doc);
  return masked.length > 400 ? `${masked.slice(0, 399)}…` : masked;
};

/**
 * At preview, for a new `OidcRole` with `adopt: true`: looks the role up and shows, as a warning,
 * the role and every change `up` will make to it (trust policy, settings, policies attached and
 * detached); refuses detaching an administrator-level policy without `allowAdministratorDetach`.
 * Two reads (GetRole, ListPoliciesForRole), after the account check every operation makes.
 */
async function adoptionPlan(inputs: Record<string, unknown>): Promise<CheckFailure[]> {
  const name = inputs.roleName;
  if (typeof name !== "string" || containsUnknown(inputs.policies)) return [];
  await checkAccount("OidcRole", name, "create", undefined);
  const s = session();
  const gone = (e: unknown) => hasCode(e, "EntityNotExist.Role");
  const live = await unlessGone(gone, () => ram.getRole(s, name));
  if (!live) {
    await warn(`OidcRole '${name}' (adopt: true): no role of that name exists; up will create it.`);
    return [];
  }
  const current = toRefs(await ram.listPoliciesForRole(s, name));
  const desired = (inputs.policies ?? []) as PolicyRef[];
  const changes: string[] = [];
  const liveTrust = liveTrustText(live.assumeRolePolicyDocument);
  if (containsUnknown(inputs.trustPolicy))
    changes.push("trust policy: rewritten to the one generated (known at up)");
  else if (liveTrust !== inputs.trustPolicy)
    changes.push(
      `trust policy: rewritten\n      now:   ${clipDoc(liveTrust)}\n      after: ${clipDoc(String(inputs.trustPolicy))}`,
    );
  if ((live.maxSessionDuration ?? inputs.maxSessionDuration) !== inputs.maxSessionDuration)
    changes.push(`maxSessionDuration: ${live.maxSessionDuration} -> ${String(inputs.maxSessionDuration)}`);
  if ((live.description ?? "") !== inputs.description)
    changes.push(`description: '${live.description ?? ""}' -> '${String(inputs.description)}'`);
  const has = new Set(current.map(policyKey));
  const want = new Set(desired.map(policyKey));
  for (const p of desired) if (!has.has(policyKey(p))) changes.push(`attach ${p.type} policy ${p.name}`);
  for (const p of current)
    if (!want.has(policyKey(p)))
      changes.push(
        `detach ${p.type} policy ${p.name}${isAdministratorLevel(p) ? " (administrator-level)" : ""}`,
      );
  await warn(adoptionNotice(`OidcRole '${name}'`, `role ${live.arn}`, changes));
  const detached = adminDetaches(current, desired);
  return detached.length > 0 && inputs.allowAdministratorDetach !== true
    ? [{ property: "adopt", reason: adminRefusal(name, detached) }]
    : [];
}

/**
 * At preview, for a new `OidcRole` without `adopt`: a role of that name that this stack does not
 * manage is refused, naming it, instead of failing CreateRole at `up` after other objects were
 * made. A create whose outcome was lost is resumed with old inputs (partial state), so it never
 * gets here. One GetRole, through the account binding; when it cannot be made, nothing is said
 * here (`previewLookup`).
 */
async function nameTaken(inputs: Record<string, unknown>): Promise<CheckFailure[]> {
  const name = inputs.roleName;
  if (typeof name !== "string" || containsUnknown(name) || isHeld(claimKey(name))) return [];
  const live = await previewLookup(() =>
    unlessGone(
      (e) => hasCode(e, "EntityNotExist.Role"),
      () => ram.getRole(session(), name),
    ),
  );
  return live
    ? [
        takenFailure(
          "roleName",
          `The RAM role '${live.roleName}' (${live.arn})`,
          "up then rewrites its trust policy, settings and attached policies to this declaration (a preview with adopt: true lists each change), and deleting the resource later deletes the role.",
        ),
      ]
    : [];
}

/** Create; a CreateRole whose outcome is unknown is recorded as pending, which `update` resumes. */
async function createRole(
  raw: Record<string, unknown>,
  desired: OidcRoleInputs,
): Promise<{ id: string; outs: OidcRoleOutputs }> {
  const s = session();
  const started = Date.now();
  let role: ram.RoleRecord;
  let current: PolicyRef[] = [];
  try {
    ({ value: role } = await createOnce(s, {
      create: (o) =>
        ram.createRole(withOptions(s, o), {
          roleName: desired.roleName,
          assumeRolePolicyDocument: desired.trustPolicy,
          description: desired.description,
          maxSessionDuration: desired.maxSessionDuration,
        }),
      find: (t) => findOwnRole(s, desired, t),
      alreadyExists: (e) => hasCode(e, "EntityAlreadyExists.Role"),
    }));
    unclaim(claimKey(desired.roleName));
  } catch (err) {
    if (err instanceof OutcomeUnknownError) throw pendingCreate(raw, desired.roleName, desired, started, err);
    if (!hasCode(err, "EntityAlreadyExists.Role")) throw err;
    if (!desired.adopt) {
      throw new Error(
        `roleName: a RAM role named '${desired.roleName}' already exists in this account. To manage it from this ` +
          "stack, set `adopt: true` (Pulumi cannot import dynamic resources); otherwise choose another name.",
      );
    }
    const live = await ram.getRole(s, desired.roleName);
    current = toRefs(await ram.listPoliciesForRole(s, desired.roleName));
    // Checked at preview too; again here, on what the role holds now, before anything changes.
    const detached = adminDetaches(current, desired.policies);
    if (detached.length > 0 && desired.allowAdministratorDetach !== true)
      throw new UserError(`roleName: ${adminRefusal(desired.roleName, detached)} Nothing was changed.`);
    claim(claimKey(desired.roleName));
    role =
      (await updateSettings(s, readOlds(toOutputs(live, current, desired), desired.roleName), desired)) ??
      live;
  }
  // The role exists from here on: a failure attaching a policy (a misspelt name) keeps it in state.
  const progress = new Progress(raw, role.roleName, toOutputs(role, current, desired), true);
  const outs = await progress.run(async (p) => {
    await convergePolicies(s, desired.roleName, current, desired.policies, (now) =>
      p.set({ policies: toOutputs(role, now, desired).policies }),
    );
    return undefined;
  });
  return { id: role.roleName, outs };
}

/** The provider implementation the engine drives through the shim. */
export const OidcRoleProvider = accountBound(
  {
    kind: "OidcRole",
    // RAM writes the name into the ARN (in lower case): a secret name, a secret ARN.
    // The trust policy is written from the issuer, audiences, subjects and conditions: a short
    // secret subject (`ci`) is a part of it no whole-value test finds.
    secretDerived: {
      roleName: ["arn"],
      providerArn: ["trustPolicy"],
      issuerUrl: ["trustPolicy"],
      providerIssuerUrl: ["trustPolicy"],
      audiences: ["trustPolicy"],
      subjects: ["trustPolicy"],
      subjectPatterns: ["trustPolicy"],
      conditions: ["trustPolicy"],
    },
    identity: ["roleName"],
    namesIgnoringCase: ["roleName"],
    stable: ["arn", "roleId", "createDate"],
    volatile: ["updateDate"],
  },
  {
    configure,

    async check(
      olds: Record<string, unknown>,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.CheckResult> {
      const checked = checkOidcRoleInputs(news);
      holdKeys([olds.roleName && claimKey(String(olds.roleName))]);
      if (checked.inputs.allowSelfLockout !== true)
        checked.failures.push(...selfLockoutFailures(olds, checked.inputs));
      // What only the account can tell, said at preview: system policies that do not exist, and
      // the plan of an adoption.
      if (checked.failures.length === 0)
        checked.failures.push(...(await unknownSystemPolicies(olds, checked.inputs)));
      if (checked.failures.length === 0 && Object.keys(olds).length === 0)
        checked.failures.push(
          ...(await (checked.inputs.adopt === true
            ? adoptionPlan(checked.inputs)
            : nameTaken(checked.inputs))),
        );
      return checked;
    },

    async diff(id: string, olds: object, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
      const d = diffOidcRole(readOlds(olds, id), news);
      // The name is unique: the same name cannot exist twice, so its replacement goes delete-first;
      // a new name can be created beside the old one.
      return diffResult(d, !d.replaces.includes("roleName"));
    },

    create(raw: Record<string, unknown>): Promise<{ id: string; outs: OidcRoleOutputs }> {
      return createRole(raw, requireInputs(raw));
    },

    async read(
      id: string,
      props?: object,
    ): Promise<{ id: string; props: Partial<OidcRoleOutputs>; inputs?: object }> {
      const s = session();
      const gone = (e: unknown) => hasCode(e, "EntityNotExist.Role");
      // The name recorded in state, not the id: the id of a role named by a secret is opaque.
      const olds = readOlds(props ?? {}, id);
      const both = await unlessGoneBoth(
        gone,
        () => ram.getRole(s, olds.roleName),
        () => ram.listPoliciesForRole(s, olds.roleName),
      );
      if (!both) return GONE;
      const [role, policies] = both;
      const outs = toOutputs(role, toRefs(policies), olds);
      const { arn: _a, roleId: _r, createDate: _c, updateDate: _u, ...inputs } = outs;
      return { id: role.roleName, props: outs, inputs };
    },

    async update(
      id: string,
      rawOlds: object,
      rawNews: Record<string, unknown>,
    ): Promise<{ outs: OidcRoleOutputs }> {
      const news = requireInputs(rawNews);
      const pending = pendingSince(rawOlds);
      if (pending === undefined) return updateRole(rawNews, id, readOlds(rawOlds, id), news);
      const before = readOlds(rawOlds, id);
      return resumePendingCreate(
        rawNews,
        id,
        pending,
        (t) => findOwnRole(session(), before, t),
        // Made by CreateRole alone: no policy was attached yet.
        (made) => toOutputs(made, [], before),
        (state) => updateRole(rawNews, id, state, news),
        async () => ({ outs: (await createRole(rawNews, news)).outs }),
      );
    },

    async delete(id: string, props: object): Promise<void> {
      return deleteRole(id, props);
    },
  },
);

/** An update from `olds`, what exists: settings in one UpdateRole, then the attachments. */
async function updateRole(
  rawNews: Record<string, unknown>,
  id: string,
  olds: OidcRoleOutputs,
  news: OidcRoleInputs,
): Promise<{ outs: OidcRoleOutputs }> {
  const s = session();
  const progress = new Progress(rawNews, id, olds, false);
  const outs = await progress.run(async (p) => {
    const updated = await updateSettings(s, olds, news).catch((err: unknown) => {
      // The answer was lost: the role may hold the new settings or still the old ones. State says
      // neither, so whatever is declared next, the old settings included, is written again: a
      // revert to a narrower trust must not pass as "no changes" while the wider one is live.
      if (isAmbiguous(err)) p.set(unknownSettings(olds, news));
      throw err;
    });
    // Settings applied: state says so, whatever the attachments do next.
    if (updated) p.set({ ...toOutputs(updated, olds.policies, news), policies: olds.policies });
    await convergePolicies(s, olds.roleName, olds.policies, news.policies, (now) =>
      p.set({ policies: toOutputs(roleFromState(olds), now, news).policies }),
    );
    // No UpdateRole means the role itself is as state says: no read needed.
    return toOutputs(updated ?? roleFromState(olds), news.policies, news);
  });
  return { outs };
}

async function deleteRole(id: string, props: object): Promise<void> {
  const old = readOlds(props, id);
  const name = old.roleName;
  // Adopted by its replacement in this deployment: the role is the new resource's now.
  if (takeClaim(claimKey(name))) return;
  const s = session();
  await deleteUnlessGone(
    (e) => hasCode(e, "EntityNotExist.Role"),
    async () => {
      // What state says is attached goes first, together, then the delete. A policy attached
      // in the console makes DeleteRole fail with DeleteConflict.Role.Policy (docs/alibaba-api.md
      // §6.2): then the list, the rest, and the delete again. Usually two round trips, not 2+N.
      const detachAll = (list: ram.PolicyAttachment[]) => settleAll(list.map((p) => detach(s, name, p)));
      const inState = Array.isArray(old.policies) ? old.policies : [];
      await detachAll(inState.map(toAttachment));
      try {
        await ram.deleteRole(s, name);
      } catch (err) {
        if (!hasCode(err, "DeleteConflict.Role.Policy")) throw err;
        await detachAll(await ram.listPoliciesForRole(s, name));
        await ram.deleteRole(s, name);
      }
    },
  );
}

/** `Custom:<name>` → document of the `RamPolicy`s among `policies`. */
function policyDocumentsOf(policies: Array<pulumi.Input<PolicyRef> | RamPolicy>) {
  const own = policies.filter((p): p is RamPolicy => p instanceof RamPolicy);
  return pulumi
    .all(own.map((p) => pulumi.all([p.policyName, p.policyDocument])))
    .apply((pairs) => Object.fromEntries(pairs.map(([name, doc]) => [`Custom:${name}`, doc])));
}

function isOidcProvider(value: unknown): value is OidcProvider {
  return (
    pulumi.dynamic.Resource.isInstance(value) &&
    "issuerUrl" in (value as object) &&
    "clientIds" in (value as object)
  );
}

/**
 * A RAM role that tokens from an OIDC provider may assume, under typed,
 * preview-checked conditions.
 *
 * ```ts
 * const deployer = new OidcRole("deployer", {
 *   roleName: "github-deployer",
 *   provider: github, // an OidcProvider
 *   trust: trustPresets.githubActions({ repository: "acme/app", branches: ["main"] }),
 *   policies: [{ type: "System", name: "AliyunOSSFullAccess" }],
 * });
 * ```
 */
export class OidcRole extends pulumi.dynamic.Resource {
  declare readonly roleName: pulumi.Output<string>;
  /** `acs:ram::<account>:role/<name>` */
  declare readonly arn: pulumi.Output<string>;
  declare readonly roleId: pulumi.Output<string>;
  declare readonly providerArn: pulumi.Output<string>;
  declare readonly audiences: pulumi.Output<string[]>;
  declare readonly subjects: pulumi.Output<string[]>;
  declare readonly subjectPatterns: pulumi.Output<string[]>;
  /** The trust policy in canonical form (what is compared; RAM's stored text may be shaped differently). */
  declare readonly trustPolicy: pulumi.Output<string>;
  declare readonly maxSessionDuration: pulumi.Output<number>;
  declare readonly description: pulumi.Output<string>;
  declare readonly policies: pulumi.Output<PolicyRef[]>;
  declare readonly createDate: pulumi.Output<string>;
  declare readonly updateDate: pulumi.Output<string>;

  constructor(name: string, args: OidcRoleArgs, opts?: pulumi.CustomResourceOptions) {
    const preset = args.trust;
    const provider = args.provider;
    const fromResource = isOidcProvider(provider);
    const props = {
      roleName: args.roleName,
      providerArn: fromResource ? provider.arn : provider,
      providerClientIds: fromResource ? provider.clientIds : undefined,
      providerIssuerUrl: fromResource ? provider.issuerUrl : undefined,
      issuerUrl: args.issuerUrl ?? preset?.issuerUrl ?? (fromResource ? provider.issuerUrl : undefined),
      audiences: args.audiences ?? preset?.audiences,
      subjects: args.subjects ?? preset?.subjects.equals,
      subjectPatterns: args.subjectPatterns ?? preset?.subjects.like,
      allowAnySubject: args.allowAnySubject ?? preset?.allowAnySubject,
      conditions: args.conditions,
      allowUndeterminedTrust: args.allowUndeterminedTrust,
      maxSessionDuration: args.maxSessionDuration,
      description: args.description,
      policies: args.policies?.map((p) =>
        p instanceof RamPolicy ? { type: "Custom" as const, name: p.policyName } : p,
      ),
      policyDocuments: policyDocumentsOf(args.policies ?? []),
      allowSelfLockout: args.allowSelfLockout,
      adopt: args.adopt,
      allowAdministratorDetach: args.allowAdministratorDetach,
      arn: undefined,
      roleId: undefined,
      trustPolicy: undefined,
      createDate: undefined,
      updateDate: undefined,
    };
    super(
      providerShim("OidcRoleProvider"),
      name,
      withSecretInputs(props),
      opts,
      "alicloud-federation",
      "OidcRole",
    );
    // Loud, at preview: a preset that trusts more than one workload says so.
    for (const warning of preset?.warnings ?? []) pulumi.log.warn(`${name}: ${warning}`, this);
  }
}
