/**
 * RAM 2015-05-01 role actions: one function per action, plain data out.
 * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createrole
 */
import type * as RamSdk from "@alicloud/ram20150501";
import { callModel } from "./generic";
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
  const res = await callModel<RamSdk.CreateRoleResponseBody, RamSdk.CreateRoleRequest>(s, "ram", action, {
    roleName: input.roleName,
    assumeRolePolicyDocument: input.assumeRolePolicyDocument,
    description: input.description === "" ? undefined : input.description,
    maxSessionDuration: input.maxSessionDuration,
  });
  return toRole(action, res.body?.role);
}

export async function getRole(s: Session, roleName: string): Promise<RoleRecord> {
  const action = "GetRole";
  const res = await callModel<RamSdk.GetRoleResponseBody, RamSdk.GetRoleRequest>(s, "ram", action, {
    roleName,
  });
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
  const res = await callModel<RamSdk.UpdateRoleResponseBody, RamSdk.UpdateRoleRequest>(s, "ram", action, {
    roleName: input.roleName,
    newAssumeRolePolicyDocument: input.assumeRolePolicyDocument,
    newDescription: input.description,
    newMaxSessionDuration: input.maxSessionDuration,
  });
  return toRole(action, res.body?.role);
}

export async function deleteRole(s: Session, roleName: string): Promise<void> {
  await callModel<RamSdk.DeleteRoleResponseBody, RamSdk.DeleteRoleRequest>(s, "ram", "DeleteRole", {
    roleName,
  });
}

export async function attachPolicyToRole(s: Session, roleName: string, p: PolicyAttachment): Promise<void> {
  await callModel<RamSdk.AttachPolicyToRoleResponseBody, RamSdk.AttachPolicyToRoleRequest>(
    s,
    "ram",
    "AttachPolicyToRole",
    {
      roleName,
      policyType: p.policyType,
      policyName: p.policyName,
    },
  );
}

export async function detachPolicyFromRole(s: Session, roleName: string, p: PolicyAttachment): Promise<void> {
  await callModel<RamSdk.DetachPolicyFromRoleResponseBody, RamSdk.DetachPolicyFromRoleRequest>(
    s,
    "ram",
    "DetachPolicyFromRole",
    {
      roleName,
      policyType: p.policyType,
      policyName: p.policyName,
    },
  );
}

export async function listPoliciesForRole(s: Session, roleName: string): Promise<PolicyAttachment[]> {
  const res = await callModel<RamSdk.ListPoliciesForRoleResponseBody, RamSdk.ListPoliciesForRoleRequest>(
    s,
    "ram",
    "ListPoliciesForRole",
    { roleName },
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
    const res = await callModel<RamSdk.ListRolesResponseBody, RamSdk.ListRolesRequest>(s, "ram", action, {
      marker,
      maxItems: pageSize,
    });
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
  const res = await callModel<RamSdk.CreatePolicyResponseBody, RamSdk.CreatePolicyRequest>(
    s,
    "ram",
    "CreatePolicy",
    {
      policyName: input.policyName,
      policyDocument: input.policyDocument,
      description: input.description === "" ? undefined : input.description,
    },
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
  const res = await callModel<RamSdk.GetPolicyResponseBody, RamSdk.GetPolicyRequest>(s, "ram", "GetPolicy", {
    policyName,
    policyType,
  });
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
  const res = await callModel<RamSdk.CreatePolicyVersionResponseBody, RamSdk.CreatePolicyVersionRequest>(
    s,
    "ram",
    "CreatePolicyVersion",
    {
      policyName,
      policyDocument,
      setAsDefault: true,
      rotateStrategy: "DeleteOldestNonDefaultVersionWhenLimitExceeded",
    },
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
  await callModel<RamSdk.UpdatePolicyDescriptionResponseBody, RamSdk.UpdatePolicyDescriptionRequest>(
    s,
    "ram",
    "UpdatePolicyDescription",
    { policyName, newDescription: description },
  );
}

/**
 * DeletePolicy with its non-default versions (`CascadingDelete`): one call. RAM refuses while the
 * policy is attached. https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-deletepolicy
 */
export async function deletePolicy(s: Session, policyName: string): Promise<void> {
  await callModel<RamSdk.DeletePolicyResponseBody, RamSdk.DeletePolicyRequest>(s, "ram", "DeletePolicy", {
    policyName,
    cascadingDelete: true,
  });
}
