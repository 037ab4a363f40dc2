/**
 * RAM 2015-05-01 role actions: one function per action, plain data out.
 * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createrole
 */
import { callApi } from "./call";
import { ramSdk } from "./sdk";
import type { Session } from "./session";

/** A role as the service reports it. The trust policy is RAM's text, reshaped or not. */
export interface RoleRecord {
  roleId: string;
  roleName: string;
  arn: string;
  description: string;
  assumeRolePolicyDocument: string;
  maxSessionDuration: number | undefined;
  createDate: string;
  updateDate: string;
}

export type PolicyType = "System" | "Custom";

/** A policy attached to a role. */
export interface PolicyAttachment {
  policyType: PolicyType;
  policyName: string;
}

type RawRole = {
  roleId?: string;
  roleName?: string;
  arn?: string;
  description?: string;
  assumeRolePolicyDocument?: string;
  maxSessionDuration?: number;
  createDate?: string;
  updateDate?: string;
};

function toRole(action: string, raw: RawRole | undefined): RoleRecord {
  if (!raw?.roleName) throw new Error(`${action}: the response carried no Role`);
  return {
    roleId: raw.roleId ?? "",
    roleName: raw.roleName,
    arn: raw.arn ?? "",
    description: raw.description ?? "",
    assumeRolePolicyDocument: raw.assumeRolePolicyDocument ?? "",
    maxSessionDuration: raw.maxSessionDuration,
    createDate: raw.createDate ?? "",
    updateDate: raw.updateDate ?? "",
  };
}

export interface CreateRoleInput {
  roleName: string;
  assumeRolePolicyDocument: string;
  description: string;
  maxSessionDuration: number;
}

export async function createRole(s: Session, input: CreateRoleInput): Promise<RoleRecord> {
  const action = "CreateRole";
  const res = await callApi(action, s, () =>
    s.ram.createRoleWithOptions(
      new (ramSdk().CreateRoleRequest)({
        roleName: input.roleName,
        assumeRolePolicyDocument: input.assumeRolePolicyDocument,
        description: input.description === "" ? undefined : input.description,
        maxSessionDuration: input.maxSessionDuration,
      }),
      s.runtime,
    ),
  );
  return toRole(action, res.body?.role);
}

export async function getRole(s: Session, roleName: string): Promise<RoleRecord> {
  const action = "GetRole";
  const res = await callApi(action, s, () =>
    s.ram.getRoleWithOptions(new (ramSdk().GetRoleRequest)({ roleName }), s.runtime),
  );
  return toRole(action, res.body?.role);
}

export interface UpdateRoleInput {
  roleName: string;
  assumeRolePolicyDocument?: string;
  description?: string;
  maxSessionDuration?: number;
}

export async function updateRole(s: Session, input: UpdateRoleInput): Promise<RoleRecord> {
  const action = "UpdateRole";
  const res = await callApi(action, s, () =>
    s.ram.updateRoleWithOptions(
      new (ramSdk().UpdateRoleRequest)({
        roleName: input.roleName,
        newAssumeRolePolicyDocument: input.assumeRolePolicyDocument,
        newDescription: input.description,
        newMaxSessionDuration: input.maxSessionDuration,
      }),
      s.runtime,
    ),
  );
  return toRole(action, res.body?.role);
}

export async function deleteRole(s: Session, roleName: string): Promise<void> {
  await callApi("DeleteRole", s, () =>
    s.ram.deleteRoleWithOptions(new (ramSdk().DeleteRoleRequest)({ roleName }), s.runtime),
  );
}

export async function attachPolicyToRole(s: Session, roleName: string, p: PolicyAttachment): Promise<void> {
  await callApi("AttachPolicyToRole", s, () =>
    s.ram.attachPolicyToRoleWithOptions(
      new (ramSdk().AttachPolicyToRoleRequest)({
        roleName,
        policyType: p.policyType,
        policyName: p.policyName,
      }),
      s.runtime,
    ),
  );
}

export async function detachPolicyFromRole(s: Session, roleName: string, p: PolicyAttachment): Promise<void> {
  await callApi("DetachPolicyFromRole", s, () =>
    s.ram.detachPolicyFromRoleWithOptions(
      new (ramSdk().DetachPolicyFromRoleRequest)({
        roleName,
        policyType: p.policyType,
        policyName: p.policyName,
      }),
      s.runtime,
    ),
  );
}

export async function listPoliciesForRole(s: Session, roleName: string): Promise<PolicyAttachment[]> {
  const res = await callApi("ListPoliciesForRole", s, () =>
    s.ram.listPoliciesForRoleWithOptions(new (ramSdk().ListPoliciesForRoleRequest)({ roleName }), s.runtime),
  );
  return (res.body?.policies?.policy ?? []).map((p) => ({
    policyType: p.policyType === "System" ? "System" : "Custom",
    policyName: p.policyName ?? "",
  }));
}

/** A role as ListRoles reports it: no trust policy (the list items carry none). */
export interface RoleSummary {
  roleName: string;
  roleId: string;
  arn: string;
  createDate: string;
  updateDate: string;
}

/**
 * Every role of the account, following `Marker` until `IsTruncated` is false.
 * `MaxItems` 1 to 1000 (default 100):
 * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-listroles
 */
export async function listRoles(s: Session, pageSize = 1000): Promise<RoleSummary[]> {
  const action = "ListRoles";
  const out: RoleSummary[] = [];
  let marker: string | undefined;
  do {
    const res = await callApi(action, s, () =>
      s.ram.listRolesWithOptions(new (ramSdk().ListRolesRequest)({ marker, maxItems: pageSize }), s.runtime),
    );
    for (const r of res.body?.roles?.role ?? []) {
      if (!r.roleName) continue;
      out.push({
        roleName: r.roleName,
        roleId: r.roleId ?? "",
        arn: r.arn ?? "",
        createDate: r.createDate ?? "",
        updateDate: r.updateDate ?? "",
      });
    }
    marker = res.body?.isTruncated ? res.body.marker : undefined;
  } while (marker);
  return out;
}

// ---------------------------------------------------------------- custom policies

/** A custom policy with its default version's document, as GetPolicy reports it. */
export interface PolicyRecord {
  policyName: string;
  description: string;
  defaultVersion: string;
  /** The default version's document, RAM's text. */
  policyDocument: string;
  /** When the default version was made (a new version is our update's only trace). */
  defaultVersionDate: string;
  createDate: string;
  updateDate: string;
  attachmentCount: number;
}

/**
 * CreatePolicy: a custom policy, its document the first version (`v1`, default).
 * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createpolicy
 */
export async function createPolicy(
  s: Session,
  input: { policyName: string; policyDocument: string; description: string },
): Promise<PolicyRecord> {
  const res = await callApi("CreatePolicy", s, () =>
    s.ram.createPolicyWithOptions(
      new (ramSdk().CreatePolicyRequest)({
        policyName: input.policyName,
        policyDocument: input.policyDocument,
        description: input.description === "" ? undefined : input.description,
      }),
      s.runtime,
    ),
  );
  const p = res.body?.policy;
  if (!p?.policyName) throw new Error("CreatePolicy: the response carried no Policy");
  return {
    policyName: p.policyName,
    description: p.description ?? "",
    defaultVersion: p.defaultVersion ?? "v1",
    policyDocument: input.policyDocument,
    defaultVersionDate: p.createDate ?? "",
    createDate: p.createDate ?? "",
    updateDate: p.createDate ?? "",
    attachmentCount: 0,
  };
}

/** GetPolicy (custom by default): https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-getpolicy */
export async function getPolicy(
  s: Session,
  policyName: string,
  policyType: "Custom" | "System" = "Custom",
): Promise<PolicyRecord> {
  const res = await callApi("GetPolicy", s, () =>
    s.ram.getPolicyWithOptions(new (ramSdk().GetPolicyRequest)({ policyName, policyType }), s.runtime),
  );
  const p = res.body?.policy;
  const v = res.body?.defaultPolicyVersion;
  if (!p?.policyName) throw new Error("GetPolicy: the response carried no Policy");
  return {
    policyName: p.policyName,
    description: p.description ?? "",
    defaultVersion: p.defaultVersion ?? v?.versionId ?? "",
    policyDocument: v?.policyDocument ?? p.policyDocument ?? "",
    defaultVersionDate: v?.createDate ?? p.updateDate ?? "",
    createDate: p.createDate ?? "",
    updateDate: p.updateDate ?? "",
    attachmentCount: p.attachmentCount ?? 0,
  };
}

/**
 * CreatePolicyVersion, made the default at once. `DeleteOldestNonDefaultVersionWhenLimitExceeded`
 * keeps the policy within RAM's five versions in the same call (RotateStrategy, documented on
 * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createpolicyversion).
 */
export async function createPolicyVersion(
  s: Session,
  policyName: string,
  policyDocument: string,
): Promise<{ versionId: string; createDate: string }> {
  const res = await callApi("CreatePolicyVersion", s, () =>
    s.ram.createPolicyVersionWithOptions(
      new (ramSdk().CreatePolicyVersionRequest)({
        policyName,
        policyDocument,
        setAsDefault: true,
        rotateStrategy: "DeleteOldestNonDefaultVersionWhenLimitExceeded",
      }),
      s.runtime,
    ),
  );
  const v = res.body?.policyVersion;
  return { versionId: v?.versionId ?? "", createDate: v?.createDate ?? "" };
}

/** UpdatePolicyDescription: https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-updatepolicydescription */
export async function updatePolicyDescription(
  s: Session,
  policyName: string,
  description: string,
): Promise<void> {
  await callApi("UpdatePolicyDescription", s, () =>
    s.ram.updatePolicyDescriptionWithOptions(
      new (ramSdk().UpdatePolicyDescriptionRequest)({ policyName, newDescription: description }),
      s.runtime,
    ),
  );
}

/**
 * DeletePolicy with its non-default versions (`CascadingDelete`): one call. RAM refuses while the
 * policy is attached. https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-deletepolicy
 */
export async function deletePolicy(s: Session, policyName: string): Promise<void> {
  await callApi("DeletePolicy", s, () =>
    s.ram.deletePolicyWithOptions(
      new (ramSdk().DeletePolicyRequest)({ policyName, cascadingDelete: true }),
      s.runtime,
    ),
  );
}
