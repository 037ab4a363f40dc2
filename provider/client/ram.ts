/**
 * RAM 2015-05-01 role actions: one function per action, plain data out.
 * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createrole
 */
import * as $Ram from "@alicloud/ram20150501";
import { callApi } from "./call";
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
      new $Ram.CreateRoleRequest({
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
    s.ram.getRoleWithOptions(new $Ram.GetRoleRequest({ roleName }), s.runtime),
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
      new $Ram.UpdateRoleRequest({
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
    s.ram.deleteRoleWithOptions(new $Ram.DeleteRoleRequest({ roleName }), s.runtime),
  );
}

export async function attachPolicyToRole(s: Session, roleName: string, p: PolicyAttachment): Promise<void> {
  await callApi("AttachPolicyToRole", s, () =>
    s.ram.attachPolicyToRoleWithOptions(
      new $Ram.AttachPolicyToRoleRequest({ roleName, policyType: p.policyType, policyName: p.policyName }),
      s.runtime,
    ),
  );
}

export async function detachPolicyFromRole(s: Session, roleName: string, p: PolicyAttachment): Promise<void> {
  await callApi("DetachPolicyFromRole", s, () =>
    s.ram.detachPolicyFromRoleWithOptions(
      new $Ram.DetachPolicyFromRoleRequest({ roleName, policyType: p.policyType, policyName: p.policyName }),
      s.runtime,
    ),
  );
}

export async function listPoliciesForRole(s: Session, roleName: string): Promise<PolicyAttachment[]> {
  const res = await callApi("ListPoliciesForRole", s, () =>
    s.ram.listPoliciesForRoleWithOptions(new $Ram.ListPoliciesForRoleRequest({ roleName }), s.runtime),
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
      s.ram.listRolesWithOptions(new $Ram.ListRolesRequest({ marker, maxItems: pageSize }), s.runtime),
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
