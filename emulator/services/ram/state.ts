/**
 * RAM state: roles (with their trust policy and attached policies), custom policies, a system
 * policy catalogue, and minimal users; every rule the service enforces.
 *
 * Modelled product behaviour: RAM reshapes the trust policy it stores (keys sorted, `Principal`
 * entries and condition values turned into lists, pretty-printed). `reshapeTrustPolicies`
 * (default true) keeps that, so callers must compare documents semantically; users of other
 * tools get perpetual diffs from exactly this (pulumi-alicloud issue 1176, https://github.com/pulumi/pulumi-alicloud/issues/1176).
 */
import { randomInt } from "node:crypto";
import { z } from "zod";
import { RAM_ROLE, RAM_USER } from "../../limits";
import { SYSTEM_POLICIES, systemPolicy } from "./catalogue";
import * as E from "./errors";
import { type PermissionPolicy, PermissionPolicyError, parsePermissionPolicy } from "./permissions";
import { checkTrustGrammar, TrustGrammarError } from "./trust";

/** The RAM limits an emulator may override (e.g. a small role quota in tests). */
export interface RamLimits {
  maxRolesPerAccount: number;
  maxSystemPolicies: number;
  maxCustomPolicies: number;
  /**
   * RAM users per account: 1000 by default, raised on request like a real account's (the RAM
   * limits page, https://www.alibabacloud.com/help/en/ram/product-overview/limits).
   */
  maxUsersPerAccount: number;
}

export const DEFAULT_RAM_LIMITS: RamLimits = {
  maxRolesPerAccount: RAM_ROLE.maxRolesPerAccount,
  maxSystemPolicies: RAM_ROLE.maxSystemPolicies,
  maxCustomPolicies: RAM_ROLE.maxCustomPolicies,
  maxUsersPerAccount: 1000,
};

/** Guess: custom policy description limit (RAM documents 1-1024 for descriptions). */
const POLICY_DESCRIPTION_MAX = 1024;
/** Custom policy document: 6144 characters (RAM limits page; the same number as for trust policies). */
const POLICY_DOCUMENT_MAX = RAM_ROLE.trustPolicyMaxLength;
/**
 * Versions per custom policy: 5; the default one cannot be deleted
 * (https://www.alibabacloud.com/help/en/ram/user-guide/manage-custom-policy-versions).
 */
export const MAX_POLICY_VERSIONS = 5;

export interface RamStateOptions {
  accountId: string;
  limits: RamLimits;
  reshapeTrustPolicies: boolean;
  now: () => number;
}

const attachment = z.object({
  policyName: z.string(),
  policyType: z.enum(["System", "Custom"]),
  attachedMs: z.number(),
});

export const roleRecord = z.object({
  roleId: z.string(),
  roleName: z.string(),
  description: z.string(),
  assumeRolePolicyDocument: z.string(),
  maxSessionDuration: z.number().int(),
  createdMs: z.number(),
  updatedMs: z.number(),
  policies: z.array(attachment),
});
export type RoleRecord = z.infer<typeof roleRecord>;

const policyVersion = z.object({ versionId: z.string(), policyDocument: z.string(), createdMs: z.number() });
export type PolicyVersionRecord = z.infer<typeof policyVersion>;

export const customPolicyRecord = z.object({
  policyName: z.string(),
  description: z.string(),
  /** The default version's document (kept beside `versions` so older state files load). */
  policyDocument: z.string(),
  createdMs: z.number(),
  updatedMs: z.number(),
  /** Every version, oldest first; state written before versions were modelled has `v1` only. */
  versions: z.array(policyVersion).optional(),
  defaultVersion: z.string().default("v1"),
  /** The next version's number: ids are never reused after a delete. */
  nextVersion: z.number().int().default(2),
});
export type CustomPolicyRecord = z.infer<typeof customPolicyRecord>;

export const userRecord = z.object({
  userId: z.string(),
  userName: z.string(),
  displayName: z.string(),
  comments: z.string(),
  email: z.string(),
  mobilePhone: z.string(),
  createdMs: z.number(),
  updatedMs: z.number(),
  /**
   * Policies attached with AttachPolicyToUser. They block DeleteUser (RAM and SCIM,
   * `DeleteConflict.User.Policy`), but do not scope the user's OAuth STS credentials (not
   * modelled). Access keys of users are not modelled at all. Defaults for older state files.
   */
  policies: z.array(attachment).default([]),
});
export type UserRecord = z.infer<typeof userRecord>;

export const ramSnapshot = z.object({
  roles: z.array(roleRecord),
  policies: z.array(customPolicyRecord),
  users: z.array(userRecord),
});
export type RamSnapshot = z.infer<typeof ramSnapshot>;

/** What GetPolicy and ListPoliciesForRole describe, for both kinds. */
export interface PolicyView {
  policyName: string;
  policyType: "System" | "Custom";
  description: string;
  policyDocument: string;
  defaultVersion: string;
  createdMs?: number;
  updatedMs?: number;
  attachmentCount: number;
}

export type PolicyType = "System" | "Custom";

/** A RAM identity that can be deleted out from under something that names it (an assignment). */
export type PrincipalKind = "user" | "role";
export type PrincipalDeletedListener = (kind: PrincipalKind, name: string) => void;
export type PrincipalRenamedListener = (kind: PrincipalKind, oldName: string, newName: string) => void;

export interface RoleListPage {
  items: RoleRecord[];
  isTruncated: boolean;
  marker?: string;
}

/**
 * ListRoles `MaxItems`: 1 to 1000, default 100 (RAM ListRoles, request parameters:
 * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-listroles).
 */
export const ROLE_LIST_MAX_ITEMS = { min: 1, max: 1000, default: 100 } as const;

/**
 * ListPolicies `MaxItems`: 1 to 1000, default 100 (RAM ListPolicies, request parameters:
 * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-listpolicies).
 */
export const POLICY_LIST_MAX_ITEMS = { min: 1, max: 1000, default: 100 } as const;

export interface PolicyListPage {
  items: PolicyView[];
  isTruncated: boolean;
  marker?: string;
}

export interface UserListPage {
  items: UserRecord[];
  isTruncated: boolean;
  marker?: string;
}

/**
 * RAM's reshaping of a stored trust policy: keys sorted at every level, `Statement` always a
 * list, `Principal` entries and condition values always lists, pretty-printed with 2 spaces.
 * `Action` keeps its shape (RAM's examples return `"Action": "sts:AssumeRole"`).
 */
export function reshapeTrustPolicy(doc: string): string {
  const asList = (v: unknown): unknown => (Array.isArray(v) ? v : [v]);
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([k, x]) => [k, sortKeys(x)]),
      );
    }
    return v;
  };
  const raw = JSON.parse(doc) as Record<string, unknown>;
  // Element names are case-insensitive (the grammar check allows one spelling of each).
  const stKey = Object.keys(raw).find((k) => k.toLowerCase() === "statement") ?? "Statement";
  const statements = asList(raw[stKey]) as Array<Record<string, unknown>>;
  const { [stKey]: _statements, ...rest } = raw;
  const shaped = {
    ...rest,
    Statement: statements.map((st) => {
      const out: Record<string, unknown> = { ...st };
      const principal = st.Principal;
      if (principal && typeof principal === "object") {
        out.Principal = Object.fromEntries(
          Object.entries(principal as Record<string, unknown>).map(([k, v]) => [k, asList(v)]),
        );
      }
      const condition = st.Condition;
      if (condition && typeof condition === "object") {
        out.Condition = Object.fromEntries(
          Object.entries(condition as Record<string, Record<string, unknown>>).map(([op, block]) => [
            op,
            Object.fromEntries(Object.entries(block ?? {}).map(([k, v]) => [k, asList(v)])),
          ]),
        );
      }
      return out;
    }),
  };
  return JSON.stringify(sortKeys(shaped), null, 2);
}

/** A 16-to-19-digit numeric id, like RAM's RoleId/UserId. */
function numericId(): string {
  return `3${String(randomInt(0, 1e9)).padStart(9, "0")}${String(randomInt(0, 1e7)).padStart(7, "0")}`;
}

const key = (name: string): string => name.toLowerCase();

export class RamState {
  private roles = new Map<string, RoleRecord>();
  private policies = new Map<string, CustomPolicyRecord>();
  private users = new Map<string, UserRecord>();
  /** The same records by UserId (SCIM addresses users by id; a directory holds thousands). */
  private usersById = new Map<string, UserRecord>();
  private ordered: UserRecord[] | undefined;
  private readonly principalDeletedListeners: PrincipalDeletedListener[] = [];
  private readonly principalRenamedListeners: PrincipalRenamedListener[] = [];

  constructor(private readonly opts: RamStateOptions) {}

  /**
   * Called after a user or role is deleted (by RAM or IMS), with its stored name. IMS uses it to
   * drop the application assignments that name the principal.
   */
  onPrincipalDeleted(listener: PrincipalDeletedListener): void {
    this.principalDeletedListeners.push(listener);
  }

  /** Called after a user is renamed (SCIM PUT), so what names it by name can follow. */
  onPrincipalRenamed(listener: PrincipalRenamedListener): void {
    this.principalRenamedListeners.push(listener);
  }

  private principalDeleted(kind: PrincipalKind, name: string): void {
    for (const listener of this.principalDeletedListeners) listener(kind, name);
  }

  get accountId(): string {
    return this.opts.accountId;
  }

  /**
   * The ARN of a role. Alibaba lower-cases the role name in role ARNs (observed:
   * `acs:ram::<uid>:role/aliyuncsdefaultrole` for AliyunCSDefaultRole), while the SDK's examples
   * show the name as written; the emulator follows the observed behaviour.
   */
  roleArn(roleName: string): string {
    return `acs:ram::${this.opts.accountId}:role/${roleName.toLowerCase()}`;
  }

  /** The role an ARN names, if it exists in this account (case-insensitive name). */
  findRoleByArn(arn: string): RoleRecord | undefined {
    const m = /^acs:ram::(\d+):role\/(.+)$/i.exec(arn);
    if (!m || m[1] !== this.opts.accountId || !m[2]) return undefined;
    const r = this.roles.get(key(m[2]));
    return r ? structuredClone(r) : undefined;
  }

  // ---- Roles ---------------------------------------------------------------------------------

  createRole(input: {
    roleName: string;
    assumeRolePolicyDocument: string;
    description?: string;
    maxSessionDuration?: number;
  }): RoleRecord {
    this.validateRoleName(input.roleName);
    const document = this.checkTrustPolicy("AssumeRolePolicyDocument", input.assumeRolePolicyDocument);
    const description = input.description ?? "";
    this.validateDescription("Description", description);
    const maxSessionDuration = input.maxSessionDuration ?? RAM_ROLE.maxSessionDuration.default;
    this.validateSessionDuration("MaxSessionDuration", maxSessionDuration);
    if (this.roles.has(key(input.roleName))) throw E.roleAlreadyExists(input.roleName);
    if (this.roles.size >= this.opts.limits.maxRolesPerAccount) {
      throw E.roleLimitExceeded(this.opts.limits.maxRolesPerAccount);
    }
    const now = this.opts.now();
    const role: RoleRecord = {
      roleId: numericId(),
      roleName: input.roleName,
      description,
      assumeRolePolicyDocument: document,
      maxSessionDuration,
      createdMs: now,
      updatedMs: now,
      policies: [],
    };
    this.roles.set(key(role.roleName), role);
    return structuredClone(role);
  }

  getRole(roleName: string): RoleRecord {
    return structuredClone(this.mustGetRole(roleName));
  }

  updateRole(
    roleName: string,
    input: { assumeRolePolicyDocument?: string; description?: string; maxSessionDuration?: number },
  ): RoleRecord {
    const role = this.mustGetRole(roleName);
    const document =
      input.assumeRolePolicyDocument === undefined
        ? undefined
        : this.checkTrustPolicy("NewAssumeRolePolicyDocument", input.assumeRolePolicyDocument);
    if (input.description !== undefined) this.validateDescription("NewDescription", input.description);
    if (input.maxSessionDuration !== undefined) {
      this.validateSessionDuration("NewMaxSessionDuration", input.maxSessionDuration);
    }
    if (document !== undefined) role.assumeRolePolicyDocument = document;
    if (input.description !== undefined) role.description = input.description;
    if (input.maxSessionDuration !== undefined) role.maxSessionDuration = input.maxSessionDuration;
    role.updatedMs = Math.max(this.opts.now(), role.updatedMs);
    return structuredClone(role);
  }

  deleteRole(roleName: string): void {
    const role = this.mustGetRole(roleName);
    if (role.policies.length > 0) throw E.deleteConflictRolePolicy(role.roleName);
    this.roles.delete(key(roleName));
    this.principalDeleted("role", role.roleName);
  }

  /** The role with this name (case-insensitive), if any. */
  findRole(roleName: string): RoleRecord | undefined {
    const r = this.roles.get(key(roleName));
    return r ? structuredClone(r) : undefined;
  }

  attachPolicyToRole(policyType: string, policyName: string, roleName: string): void {
    const type = this.checkPolicyType(policyType);
    const role = this.mustGetRole(roleName);
    const policy = this.mustGetPolicy(type, policyName);
    if (role.policies.some((p) => p.policyType === type && key(p.policyName) === key(policy.policyName))) {
      throw E.rolePolicyAlreadyExists(policy.policyName, role.roleName);
    }
    const max = type === "System" ? this.opts.limits.maxSystemPolicies : this.opts.limits.maxCustomPolicies;
    if (role.policies.filter((p) => p.policyType === type).length >= max) {
      throw E.rolePolicyLimitExceeded(type.toLowerCase(), max);
    }
    role.policies.push({ policyName: policy.policyName, policyType: type, attachedMs: this.opts.now() });
  }

  detachPolicyFromRole(policyType: string, policyName: string, roleName: string): void {
    const type = this.checkPolicyType(policyType);
    const role = this.mustGetRole(roleName);
    const policy = this.mustGetPolicy(type, policyName);
    const i = role.policies.findIndex((p) => p.policyType === type && key(p.policyName) === key(policyName));
    if (i === -1) throw E.rolePolicyNotExist(policy.policyName, role.roleName);
    role.policies.splice(i, 1);
  }

  listPoliciesForRole(roleName: string): Array<PolicyView & { attachedMs: number }> {
    const role = this.mustGetRole(roleName);
    return role.policies.map((a) => ({
      ...this.mustGetPolicy(a.policyType, a.policyName),
      attachedMs: a.attachedMs,
    }));
  }

  /** The parsed permission policies attached to a role, for the scoping of its STS credentials. */
  rolePermissionPolicies(roleName: string): Array<{ name: string; policy: PermissionPolicy }> {
    const role = this.roles.get(key(roleName));
    if (!role) return [];
    return role.policies.map((a) => {
      const view = this.mustGetPolicy(a.policyType, a.policyName);
      return {
        name: `${a.policyType}:${view.policyName}`,
        policy: parsePermissionPolicy(view.policyDocument),
      };
    });
  }

  // ---- Policies ------------------------------------------------------------------------------

  createPolicy(input: { policyName: string; policyDocument: string; description?: string }): PolicyView {
    const { maxLength, pattern, rule } = RAM_ROLE.policyName;
    if (input.policyName.length < 1 || input.policyName.length > maxLength) {
      throw E.invalidLength("PolicyName", input.policyName.length, 1, maxLength);
    }
    if (!pattern.test(input.policyName)) throw E.invalidChars("PolicyName", rule);
    const description = input.description ?? "";
    if (description.length > POLICY_DESCRIPTION_MAX) {
      throw E.invalidLength("Description", description.length, 0, POLICY_DESCRIPTION_MAX);
    }
    this.checkPolicyDocument(input.policyDocument);
    if (this.policies.has(key(input.policyName))) throw E.policyAlreadyExists(input.policyName);
    const now = this.opts.now();
    const record: CustomPolicyRecord = {
      policyName: input.policyName,
      description,
      policyDocument: input.policyDocument,
      createdMs: now,
      updatedMs: now,
      versions: [{ versionId: "v1", policyDocument: input.policyDocument, createdMs: now }],
      defaultVersion: "v1",
      nextVersion: 2,
    };
    this.policies.set(key(record.policyName), record);
    return this.mustGetPolicy("Custom", record.policyName);
  }

  getPolicy(policyType: string, policyName: string): PolicyView {
    return this.mustGetPolicy(this.checkPolicyType(policyType), policyName);
  }

  private checkPolicyDocument(doc: string): void {
    if (Buffer.byteLength(doc) > POLICY_DOCUMENT_MAX) {
      throw E.invalidLength("PolicyDocument", Buffer.byteLength(doc), 1, POLICY_DOCUMENT_MAX);
    }
    try {
      parsePermissionPolicy(doc);
    } catch (e) {
      if (e instanceof PermissionPolicyError) throw E.malformedPolicyDocument(e.message);
      throw e;
    }
  }

  /** A custom policy's record with its versions (state from before versions: `v1` only). */
  private customPolicy(policyName: string): CustomPolicyRecord & { versions: PolicyVersionRecord[] } {
    const p = this.policies.get(key(policyName));
    if (!p) throw E.policyNotExist("Custom", policyName);
    p.versions ??= [
      { versionId: p.defaultVersion, policyDocument: p.policyDocument, createdMs: p.createdMs },
    ];
    return p as CustomPolicyRecord & { versions: PolicyVersionRecord[] };
  }

  /**
   * CreatePolicyVersion. At 5 versions it is `LimitExceeded.Policy.Version` (documented on the
   * API page), unless `rotate` (RotateStrategy DeleteOldestNonDefaultVersionWhenLimitExceeded)
   * lets the oldest non-default version go first.
   */
  createPolicyVersion(
    policyName: string,
    doc: string,
    setAsDefault: boolean,
    rotate: boolean,
  ): PolicyVersionRecord {
    const p = this.customPolicy(policyName);
    this.checkPolicyDocument(doc);
    if (p.versions.length >= MAX_POLICY_VERSIONS) {
      const oldest = p.versions.find((v) => v.versionId !== p.defaultVersion);
      if (!rotate || !oldest) throw E.policyVersionLimitExceeded(MAX_POLICY_VERSIONS);
      p.versions.splice(p.versions.indexOf(oldest), 1);
    }
    const now = this.opts.now();
    const version = { versionId: `v${p.nextVersion}`, policyDocument: doc, createdMs: now };
    p.nextVersion += 1;
    p.versions.push(version);
    if (setAsDefault) {
      p.defaultVersion = version.versionId;
      p.policyDocument = doc;
    }
    p.updatedMs = Math.max(now, p.updatedMs);
    return { ...version };
  }

  listPolicyVersions(policyName: string): Array<PolicyVersionRecord & { isDefault: boolean }> {
    const p = this.customPolicy(policyName);
    return p.versions.map((v) => ({ ...v, isDefault: v.versionId === p.defaultVersion }));
  }

  getPolicyVersion(policyName: string, versionId: string): PolicyVersionRecord & { isDefault: boolean } {
    const v = this.listPolicyVersions(policyName).find((x) => x.versionId === versionId);
    if (!v) throw E.policyVersionNotExist(policyName, versionId);
    return v;
  }

  setDefaultPolicyVersion(policyName: string, versionId: string): void {
    const p = this.customPolicy(policyName);
    const v = p.versions.find((x) => x.versionId === versionId);
    if (!v) throw E.policyVersionNotExist(policyName, versionId);
    p.defaultVersion = v.versionId;
    p.policyDocument = v.policyDocument;
    p.updatedMs = Math.max(this.opts.now(), p.updatedMs);
  }

  deletePolicyVersion(policyName: string, versionId: string): void {
    const p = this.customPolicy(policyName);
    const i = p.versions.findIndex((x) => x.versionId === versionId);
    if (i === -1) throw E.policyVersionNotExist(policyName, versionId);
    if (versionId === p.defaultVersion) throw E.deleteConflictPolicyVersionDefault(policyName);
    p.versions.splice(i, 1);
  }

  updatePolicyDescription(policyName: string, description: string): PolicyView {
    const p = this.customPolicy(policyName);
    if (description.length > POLICY_DESCRIPTION_MAX) {
      throw E.invalidLength("NewDescription", description.length, 0, POLICY_DESCRIPTION_MAX);
    }
    p.description = description;
    p.updatedMs = Math.max(this.opts.now(), p.updatedMs);
    return this.mustGetPolicy("Custom", p.policyName);
  }

  /**
   * DeletePolicy. Non-default versions block it (`DeleteConflict.Policy.Version`, guess) unless
   * `cascading` (CascadingDelete, in the SDK's DeletePolicyRequest) deletes them too.
   */
  deletePolicy(policyName: string, cascading = false): void {
    const policy = this.mustGetPolicy("Custom", policyName);
    if (policy.attachmentCount > 0) {
      const onRole = [...this.roles.values()].some((r) =>
        r.policies.some((p) => p.policyType === "Custom" && key(p.policyName) === key(policyName)),
      );
      throw onRole
        ? E.deleteConflictPolicyRole(policy.policyName)
        : E.deleteConflictPolicyUser(policy.policyName);
    }
    if (!cascading && this.customPolicy(policyName).versions.length > 1) {
      throw E.deleteConflictPolicyVersion(policy.policyName);
    }
    this.policies.delete(key(policyName));
  }

  // ---- Users ---------------------------------------------------------------------------------

  createUser(input: {
    userName: string;
    displayName?: string;
    comments?: string;
    email?: string;
    mobilePhone?: string;
  }): UserRecord {
    const { maxLength, pattern, rule } = RAM_USER.name;
    if (input.userName.length < 1 || input.userName.length > maxLength) {
      throw E.invalidLength("UserName", input.userName.length, 1, maxLength);
    }
    if (!pattern.test(input.userName)) throw E.invalidChars("UserName", rule);
    const displayName = input.displayName ?? input.userName;
    if (displayName.length > RAM_USER.displayName.maxLength) {
      throw E.invalidLength("DisplayName", displayName.length, 1, RAM_USER.displayName.maxLength);
    }
    if (this.users.has(key(input.userName))) throw E.userAlreadyExists(input.userName);
    if (this.users.size >= this.opts.limits.maxUsersPerAccount) {
      throw E.userLimitExceeded(this.opts.limits.maxUsersPerAccount);
    }
    const now = this.opts.now();
    const user: UserRecord = {
      userId: numericId(),
      userName: input.userName,
      displayName,
      comments: input.comments ?? "",
      email: input.email ?? "",
      mobilePhone: input.mobilePhone ?? "",
      createdMs: now,
      updatedMs: now,
      policies: [],
    };
    this.users.set(key(user.userName), user);
    this.usersById.set(user.userId, user);
    this.ordered = undefined;
    return structuredClone(user);
  }

  getUser(userName: string): UserRecord {
    const u = this.users.get(key(userName));
    if (!u) throw E.userNotExist(userName);
    return structuredClone(u);
  }

  /**
   * RAM 2015 UpdateUser (also SCIM PUT). Same name rules as CreateUser; a rename to another
   * user's name (case-insensitive) is `EntityAlreadyExists.User`, a change of case only is allowed.
   */
  updateUser(
    userName: string,
    input: {
      newUserName?: string;
      newDisplayName?: string;
      newComments?: string;
      newEmail?: string;
      newMobilePhone?: string;
    },
  ): UserRecord {
    const u = this.users.get(key(userName));
    if (!u) throw E.userNotExist(userName);
    const { maxLength, pattern, rule } = RAM_USER.name;
    const newName = input.newUserName;
    if (newName !== undefined) {
      if (newName.length < 1 || newName.length > maxLength) {
        throw E.invalidLength("NewUserName", newName.length, 1, maxLength);
      }
      if (!pattern.test(newName)) throw E.invalidChars("NewUserName", rule);
      const other = this.users.get(key(newName));
      if (other && other !== u) throw E.userAlreadyExists(newName);
    }
    const dn = input.newDisplayName;
    if (dn !== undefined && (dn.length < 1 || dn.length > RAM_USER.displayName.maxLength)) {
      throw E.invalidLength("NewDisplayName", dn.length, 1, RAM_USER.displayName.maxLength);
    }
    const comments = input.newComments;
    if (comments !== undefined && comments.length > RAM_USER.comments.maxLength) {
      throw E.invalidLength("NewComments", comments.length, 1, RAM_USER.comments.maxLength);
    }
    const oldName = u.userName;
    if (dn !== undefined) u.displayName = dn;
    if (comments !== undefined) u.comments = comments;
    if (input.newEmail !== undefined) u.email = input.newEmail;
    if (input.newMobilePhone !== undefined) u.mobilePhone = input.newMobilePhone;
    if (newName !== undefined && newName !== oldName) {
      this.users.delete(key(oldName));
      u.userName = newName;
      this.users.set(key(newName), u);
    }
    u.updatedMs = Math.max(this.opts.now(), u.updatedMs);
    if (newName !== undefined && newName !== oldName) {
      for (const listener of this.principalRenamedListeners) listener("user", oldName, newName);
    }
    return structuredClone(u);
  }

  /** Refused while policies are attached (documented code, §5.5); access keys are not modelled. */
  deleteUser(userName: string): void {
    const u = this.users.get(key(userName));
    if (!u) throw E.userNotExist(userName);
    if (u.policies.length > 0) throw E.deleteConflictUserPolicy(u.userName);
    this.users.delete(key(userName));
    this.usersById.delete(u.userId);
    this.ordered = undefined;
    this.principalDeleted("user", u.userName);
  }

  /** The user with this name (case-insensitive), if any. */
  findUser(userName: string): UserRecord | undefined {
    const u = this.users.get(key(userName));
    return u ? structuredClone(u) : undefined;
  }

  findUserById(userId: string): UserRecord | undefined {
    const u = this.usersById.get(userId);
    return u ? structuredClone(u) : undefined;
  }

  /** Whether a user with this id exists (no copy: SCIM sweeps its externalIds with it). */
  hasUserId(userId: string): boolean {
    return this.usersById.has(userId);
  }

  /** Every user, in creation order (SCIM lists them). */
  allUsers(): UserRecord[] {
    return this.usersInOrder().map((u) => structuredClone(u));
  }

  /**
   * The stored records in creation order, not copied: a caller that returns them copies what it
   * returns. Cached until a user is created or deleted, so SCIM can page through ten thousand
   * users without sorting and copying all of them for every page.
   */
  usersInOrder(): readonly Readonly<UserRecord>[] {
    // Stable: users made in the same millisecond keep the order they were made in (the map's
    // insertion order), not one drawn from their random ids.
    this.ordered ??= [...this.users.values()].sort((a, b) => a.createdMs - b.createdMs);
    return this.ordered;
  }

  /**
   * AttachPolicyToUser. Guess: the per-user quotas are the role ones (`limits.ram`), and the
   * duplicate/missing codes mirror the role ones (`EntityAlreadyExists.User.Policy`,
   * `EntityNotExist.User.Policy`).
   */
  attachPolicyToUser(policyType: string, policyName: string, userName: string): void {
    const type = this.checkPolicyType(policyType);
    const u = this.users.get(key(userName));
    if (!u) throw E.userNotExist(userName);
    const policy = this.mustGetPolicy(type, policyName);
    if (u.policies.some((p) => p.policyType === type && key(p.policyName) === key(policy.policyName))) {
      throw E.userPolicyAlreadyExists(policy.policyName, u.userName);
    }
    const max = type === "System" ? this.opts.limits.maxSystemPolicies : this.opts.limits.maxCustomPolicies;
    if (u.policies.filter((p) => p.policyType === type).length >= max) {
      throw E.rolePolicyLimitExceeded(type.toLowerCase(), max);
    }
    u.policies.push({ policyName: policy.policyName, policyType: type, attachedMs: this.opts.now() });
  }

  detachPolicyFromUser(policyType: string, policyName: string, userName: string): void {
    const type = this.checkPolicyType(policyType);
    const u = this.users.get(key(userName));
    if (!u) throw E.userNotExist(userName);
    const policy = this.mustGetPolicy(type, policyName);
    const i = u.policies.findIndex((p) => p.policyType === type && key(p.policyName) === key(policyName));
    if (i === -1) throw E.userPolicyNotExist(policy.policyName, u.userName);
    u.policies.splice(i, 1);
  }

  /** `acs:ram::<account>:user/<UserName>`, the principal of a user's STS credentials. */
  userArn(userName: string): string {
    return `acs:ram::${this.opts.accountId}:user/${userName}`;
  }

  /**
   * Roles ordered by lower-cased name, as ListRoles pages them. The Marker is opaque to callers;
   * here it encodes the key of the next role, so a deletion between pages skips nothing.
   */
  listRoles(opts: { marker?: string; maxItems?: number }): RoleListPage {
    const { min, max, default: def } = ROLE_LIST_MAX_ITEMS;
    const maxItems = opts.maxItems ?? def;
    if (!Number.isInteger(maxItems) || maxItems < min || maxItems > max) {
      throw E.invalidRange("MaxItems", maxItems, min, max);
    }
    let from = "";
    if (opts.marker !== undefined && opts.marker !== "") {
      const decoded = Buffer.from(opts.marker, "base64url").toString("utf8");
      if (!decoded.startsWith("role:")) throw E.invalidMarker();
      from = decoded.slice("role:".length);
    }
    const all = [...this.roles.entries()]
      .filter(([k]) => k >= from)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const items = all.slice(0, maxItems).map(([, r]) => structuredClone(r));
    const next = all[maxItems];
    if (next === undefined) return { items, isTruncated: false };
    return { items, isTruncated: true, marker: Buffer.from(`role:${next[0]}`).toString("base64url") };
  }

  /**
   * Policies of one type (`System` or `Custom`) or both (type omitted, system ones first), each
   * type ordered by lower-cased name, as ListPolicies pages them. The order is not documented;
   * the Marker is opaque to callers and here encodes the next policy, so a deletion between pages
   * skips nothing.
   */
  listPolicies(opts: { policyType?: string; marker?: string; maxItems?: number }): PolicyListPage {
    const { min, max, default: def } = POLICY_LIST_MAX_ITEMS;
    const maxItems = opts.maxItems ?? def;
    if (!Number.isInteger(maxItems) || maxItems < min || maxItems > max) {
      throw E.invalidRange("MaxItems", maxItems, min, max);
    }
    const types: PolicyType[] =
      opts.policyType === undefined || opts.policyType === ""
        ? ["System", "Custom"]
        : [this.checkPolicyType(opts.policyType)];
    let from = "";
    if (opts.marker !== undefined && opts.marker !== "") {
      const decoded = Buffer.from(opts.marker, "base64url").toString("utf8");
      if (!decoded.startsWith("policy:")) throw E.invalidMarker();
      from = decoded.slice("policy:".length);
    }
    // "0:" sorts System before "1:" Custom; within a type, by lower-cased name.
    const all = types
      .flatMap((type) =>
        (type === "System"
          ? SYSTEM_POLICIES.map((p) => p.name)
          : [...this.policies.values()].map((p) => p.policyName)
        ).map((name) => ({ sortKey: `${type === "System" ? 0 : 1}:${key(name)}`, type, name })),
      )
      .filter((p) => p.sortKey >= from)
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    const items = all.slice(0, maxItems).map((p) => this.mustGetPolicy(p.type, p.name));
    const next = all[maxItems];
    if (next === undefined) return { items, isTruncated: false };
    return { items, isTruncated: true, marker: Buffer.from(`policy:${next.sortKey}`).toString("base64url") };
  }

  /**
   * Users ordered by lower-cased name. The Marker is opaque to callers; here it encodes the key of
   * the next user, so a deletion between pages skips nothing. Range checks are the caller's.
   */
  listUsers(opts: { marker?: string; maxItems: number }): UserListPage {
    let from = "";
    if (opts.marker !== undefined && opts.marker !== "") {
      const decoded = Buffer.from(opts.marker, "base64url").toString("utf8");
      if (!decoded.startsWith("user:")) throw E.invalidMarker();
      from = decoded.slice("user:".length);
    }
    const all = [...this.users.entries()]
      .filter(([k]) => k >= from)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const items = all.slice(0, opts.maxItems).map(([, u]) => structuredClone(u));
    const next = all[opts.maxItems];
    if (next === undefined) return { items, isTruncated: false };
    return { items, isTruncated: true, marker: Buffer.from(`user:${next[0]}`).toString("base64url") };
  }

  // ---- Snapshot ------------------------------------------------------------------------------

  snapshot(): RamSnapshot {
    return {
      roles: [...this.roles.values()].map((r) => structuredClone(r)),
      policies: [...this.policies.values()].map((p) => ({ ...p })),
      users: [...this.users.values()].map((u) => structuredClone(u)),
    };
  }

  restore(snapshot: unknown): void {
    const s = ramSnapshot.parse(snapshot);
    this.roles = new Map(s.roles.map((r) => [key(r.roleName), r]));
    this.policies = new Map(s.policies.map((p) => [key(p.policyName), p]));
    this.users = new Map(s.users.map((u) => [key(u.userName), u]));
    this.usersById = new Map(s.users.map((u) => [u.userId, u]));
    this.ordered = undefined;
  }

  reset(): void {
    this.roles.clear();
    this.policies.clear();
    this.users.clear();
    this.usersById.clear();
    this.ordered = undefined;
  }

  // ---- Rules ---------------------------------------------------------------------------------

  private mustGetRole(roleName: string): RoleRecord {
    const r = this.roles.get(key(roleName));
    if (!r) throw E.roleNotExist(roleName);
    return r;
  }

  private checkPolicyType(value: string): PolicyType {
    if (value !== "System" && value !== "Custom") throw E.invalidPolicyType(value);
    return value;
  }

  private attachmentCount(type: PolicyType, policyName: string): number {
    let n = 0;
    for (const r of [...this.roles.values(), ...this.users.values()]) {
      if (r.policies.some((p) => p.policyType === type && key(p.policyName) === key(policyName))) n++;
    }
    return n;
  }

  private mustGetPolicy(type: PolicyType, policyName: string): PolicyView {
    if (type === "System") {
      const p = systemPolicy(policyName);
      if (!p) throw E.policyNotExist(type, policyName);
      return {
        policyName: p.name,
        policyType: "System",
        description: p.description,
        policyDocument: p.document,
        defaultVersion: "v1",
        attachmentCount: this.attachmentCount("System", p.name),
      };
    }
    const p = this.policies.get(key(policyName));
    if (!p) throw E.policyNotExist(type, policyName);
    return {
      policyName: p.policyName,
      policyType: "Custom",
      description: p.description,
      policyDocument: p.policyDocument,
      defaultVersion: p.defaultVersion,
      createdMs: p.createdMs,
      updatedMs: p.updatedMs,
      attachmentCount: this.attachmentCount("Custom", p.policyName),
    };
  }

  private validateRoleName(name: string): void {
    const { maxLength, pattern, rule } = RAM_ROLE.name;
    if (name.length < 1 || name.length > maxLength)
      throw E.invalidLength("RoleName", name.length, 1, maxLength);
    if (!pattern.test(name)) throw E.invalidChars("RoleName", rule);
  }

  private validateDescription(param: string, description: string): void {
    const max = RAM_ROLE.description.maxLength;
    if (description.length > max) throw E.invalidLength(param, description.length, 1, max);
  }

  private validateSessionDuration(param: string, value: number): void {
    const { min, max } = RAM_ROLE.maxSessionDuration;
    if (!Number.isInteger(value) || value < min || value > max)
      throw E.invalidSessionDuration(param, value, min, max);
  }

  /** Length, then grammar (./trust.ts); returns what RAM stores. */
  private checkTrustPolicy(param: string, doc: string): string {
    const max = RAM_ROLE.trustPolicyMaxLength;
    if (doc.length > max) throw E.invalidLength(param, doc.length, 1, max);
    try {
      checkTrustGrammar(doc);
    } catch (e) {
      if (e instanceof TrustGrammarError) throw E.malformedPolicyDocument(e.message);
      throw e;
    }
    return this.opts.reshapeTrustPolicies ? reshapeTrustPolicy(doc) : doc;
  }
}

/** Every system policy name, for documentation and tests. */
export const SYSTEM_POLICY_NAMES: readonly string[] = SYSTEM_POLICIES.map((p) => p.name);
