/**
 * RAM (2015-05-01) action map. Handlers are thin: parse parameters with zod, call the state,
 * shape the body exactly as the `@alicloud/ram20150501` response models read it.
 */
import { z } from "zod";
import { type ActionMap, type ActionSpec, parseParams } from "../../service";
import { isoSeconds } from "../../util";
import type { PolicyView, RamState, RoleRecord, UserRecord } from "./state";

function roleBody(state: RamState, r: RoleRecord): Record<string, unknown> {
  return {
    RoleId: r.roleId,
    RoleName: r.roleName,
    Arn: state.roleArn(r.roleName),
    Description: r.description,
    AssumeRolePolicyDocument: r.assumeRolePolicyDocument,
    MaxSessionDuration: r.maxSessionDuration,
    CreateDate: isoSeconds(r.createdMs),
    UpdateDate: isoSeconds(r.updatedMs),
  };
}

/** System policies have no dates of their own here: a fixed catalogue date is answered. */
const CATALOGUE_DATE = Date.UTC(2015, 3, 1);

function policyBody(p: PolicyView): Record<string, unknown> {
  return {
    PolicyName: p.policyName,
    PolicyType: p.policyType,
    Description: p.description,
    DefaultVersion: p.defaultVersion,
    PolicyDocument: p.policyDocument,
    AttachmentCount: p.attachmentCount,
    CreateDate: isoSeconds(p.createdMs ?? CATALOGUE_DATE),
    UpdateDate: isoSeconds(p.updatedMs ?? CATALOGUE_DATE),
  };
}

function versionBody(v: {
  versionId: string;
  policyDocument: string;
  createdMs: number;
  isDefault: boolean;
}) {
  return {
    VersionId: v.versionId,
    IsDefaultVersion: v.isDefault,
    PolicyDocument: v.policyDocument,
    CreateDate: isoSeconds(v.createdMs),
  };
}

function userBody(u: UserRecord): Record<string, unknown> {
  return {
    UserId: u.userId,
    UserName: u.userName,
    DisplayName: u.displayName,
    Comments: u.comments,
    Email: u.email,
    MobilePhone: u.mobilePhone,
    CreateDate: isoSeconds(u.createdMs),
    UpdateDate: isoSeconds(u.updatedMs),
  };
}

const required = z.string().min(1);
const optional = z.string().optional();
/** An integer sent as a decimal string. */
const integer = z
  .string()
  .regex(/^-?\d+$/, "expected an integer")
  .transform((s) => Number(s))
  .optional();

const roleName = z.object({ RoleName: required });
const listRoles = z.object({ Marker: optional, MaxItems: integer });
const listPolicies = z.object({ PolicyType: optional, Marker: optional, MaxItems: integer });
const createRole = z.object({
  RoleName: required,
  AssumeRolePolicyDocument: required,
  Description: optional,
  MaxSessionDuration: integer,
});
const updateRole = z.object({
  RoleName: required,
  NewAssumeRolePolicyDocument: optional,
  NewDescription: optional,
  NewMaxSessionDuration: integer,
});
const rolePolicy = z.object({ PolicyType: required, PolicyName: required, RoleName: required });
const createPolicy = z.object({ PolicyName: required, PolicyDocument: required, Description: optional });
const getPolicy = z.object({ PolicyType: required, PolicyName: required });
const policyName = z.object({ PolicyName: required });
const deletePolicy = z.object({ PolicyName: required, CascadingDelete: optional });
const createPolicyVersion = z.object({
  PolicyName: required,
  PolicyDocument: required,
  SetAsDefault: optional,
  RotateStrategy: z.enum(["None", "DeleteOldestNonDefaultVersionWhenLimitExceeded"]).optional(),
});
const policyVersion = z.object({ PolicyName: required, VersionId: required });
const updatePolicyDescription = z.object({ PolicyName: required, NewDescription: optional });
const createUser = z.object({
  UserName: required,
  DisplayName: optional,
  Comments: optional,
  Email: optional,
  MobilePhone: optional,
});
const userName = z.object({ UserName: required });
const updateUser = z.object({
  UserName: required,
  NewUserName: optional,
  NewDisplayName: optional,
  NewComments: optional,
  NewEmail: optional,
  NewMobilePhone: optional,
});
const userPolicy = z.object({ PolicyType: required, PolicyName: required, UserName: required });

export type RamAction =
  | "CreateRole"
  | "GetRole"
  | "ListRoles"
  | "UpdateRole"
  | "DeleteRole"
  | "AttachPolicyToRole"
  | "DetachPolicyFromRole"
  | "ListPoliciesForRole"
  | "CreatePolicy"
  | "GetPolicy"
  | "ListPolicies"
  | "DeletePolicy"
  | "CreatePolicyVersion"
  | "GetPolicyVersion"
  | "ListPolicyVersions"
  | "SetDefaultPolicyVersion"
  | "DeletePolicyVersion"
  | "UpdatePolicyDescription"
  | "CreateUser"
  | "GetUser"
  | "UpdateUser"
  | "DeleteUser"
  | "AttachPolicyToUser"
  | "DetachPolicyFromUser";

export function ramActions(state: RamState): ActionMap<RamAction> {
  const mutation = (handle: ActionSpec["handle"]): ActionSpec => ({ mutates: true, handle });
  const query = (handle: ActionSpec["handle"]): ActionSpec => ({ mutates: false, handle });
  const role = (r: RoleRecord) => ({ Role: roleBody(state, r) });

  return {
    CreateRole: mutation((params) => {
      const p = parseParams(createRole, params);
      const r = state.createRole({
        roleName: p.RoleName,
        assumeRolePolicyDocument: p.AssumeRolePolicyDocument,
        description: p.Description,
        maxSessionDuration: p.MaxSessionDuration,
      });
      // CreateRole's model has no UpdateDate (GetRole's has).
      const { UpdateDate: _, ...body } = roleBody(state, r);
      return { Role: body };
    }),
    GetRole: query((params) => role(state.getRole(parseParams(roleName, params).RoleName))),
    // ListRoles' Role items carry no AssumeRolePolicyDocument (the SDK's ListRolesResponseBodyRolesRole
    // has none): reading a role's trust takes a GetRole.
    ListRoles: query((params) => {
      const p = parseParams(listRoles, params);
      const page = state.listRoles({ marker: p.Marker, maxItems: p.MaxItems });
      return {
        IsTruncated: page.isTruncated,
        ...(page.marker === undefined ? {} : { Marker: page.marker }),
        Roles: {
          Role: page.items.map((r) => {
            const { AssumeRolePolicyDocument: _doc, ...item } = roleBody(state, r);
            return item;
          }),
        },
      };
    }),
    UpdateRole: mutation((params) => {
      const p = parseParams(updateRole, params);
      return role(
        state.updateRole(p.RoleName, {
          assumeRolePolicyDocument: p.NewAssumeRolePolicyDocument,
          description: p.NewDescription,
          maxSessionDuration: p.NewMaxSessionDuration,
        }),
      );
    }),
    DeleteRole: mutation((params) => {
      state.deleteRole(parseParams(roleName, params).RoleName);
      return {};
    }),
    AttachPolicyToRole: mutation((params) => {
      const p = parseParams(rolePolicy, params);
      state.attachPolicyToRole(p.PolicyType, p.PolicyName, p.RoleName);
      return {};
    }),
    DetachPolicyFromRole: mutation((params) => {
      const p = parseParams(rolePolicy, params);
      state.detachPolicyFromRole(p.PolicyType, p.PolicyName, p.RoleName);
      return {};
    }),
    ListPoliciesForRole: query((params) => {
      const list = state.listPoliciesForRole(parseParams(roleName, params).RoleName);
      return {
        Policies: {
          Policy: list.map((p) => ({
            PolicyName: p.policyName,
            PolicyType: p.policyType,
            Description: p.description,
            DefaultVersion: p.defaultVersion,
            AttachDate: isoSeconds(p.attachedMs),
          })),
        },
      };
    }),
    CreatePolicy: mutation((params) => {
      const p = parseParams(createPolicy, params);
      const v = state.createPolicy({
        policyName: p.PolicyName,
        policyDocument: p.PolicyDocument,
        description: p.Description,
      });
      const body = policyBody(v);
      return {
        Policy: {
          PolicyName: body.PolicyName,
          PolicyType: body.PolicyType,
          Description: body.Description,
          DefaultVersion: body.DefaultVersion,
          CreateDate: body.CreateDate,
        },
      };
    }),
    GetPolicy: query((params) => {
      const p = parseParams(getPolicy, params);
      const v = state.getPolicy(p.PolicyType, p.PolicyName);
      const body = policyBody(v);
      return {
        Policy: body,
        DefaultPolicyVersion:
          v.policyType === "Custom"
            ? versionBody(state.getPolicyVersion(v.policyName, v.defaultVersion))
            : {
                VersionId: v.defaultVersion,
                IsDefaultVersion: true,
                PolicyDocument: v.policyDocument,
                CreateDate: body.CreateDate,
              },
      };
    }),
    // ListPolicies' items are GetPolicy's Policy without the document (the SDK's
    // ListPoliciesResponseBodyPoliciesPolicy has no PolicyDocument).
    ListPolicies: query((params) => {
      const p = parseParams(listPolicies, params);
      const page = state.listPolicies({ policyType: p.PolicyType, marker: p.Marker, maxItems: p.MaxItems });
      return {
        IsTruncated: page.isTruncated,
        ...(page.marker === undefined ? {} : { Marker: page.marker }),
        Policies: {
          Policy: page.items.map((v) => {
            const { PolicyDocument: _doc, ...item } = policyBody(v);
            return item;
          }),
        },
      };
    }),
    DeletePolicy: mutation((params) => {
      const p = parseParams(deletePolicy, params);
      state.deletePolicy(p.PolicyName, p.CascadingDelete === "true");
      return {};
    }),
    CreatePolicyVersion: mutation((params) => {
      const p = parseParams(createPolicyVersion, params);
      const setAsDefault = p.SetAsDefault === "true";
      const v = state.createPolicyVersion(
        p.PolicyName,
        p.PolicyDocument,
        setAsDefault,
        p.RotateStrategy === "DeleteOldestNonDefaultVersionWhenLimitExceeded",
      );
      return { PolicyVersion: versionBody({ ...v, isDefault: setAsDefault }) };
    }),
    GetPolicyVersion: query((params) => {
      const p = parseParams(policyVersion, params);
      return { PolicyVersion: versionBody(state.getPolicyVersion(p.PolicyName, p.VersionId)) };
    }),
    ListPolicyVersions: query((params) => {
      const list = state.listPolicyVersions(parseParams(policyName, params).PolicyName);
      return { PolicyVersions: { PolicyVersion: list.map(versionBody) } };
    }),
    SetDefaultPolicyVersion: mutation((params) => {
      const p = parseParams(policyVersion, params);
      state.setDefaultPolicyVersion(p.PolicyName, p.VersionId);
      return {};
    }),
    DeletePolicyVersion: mutation((params) => {
      const p = parseParams(policyVersion, params);
      state.deletePolicyVersion(p.PolicyName, p.VersionId);
      return {};
    }),
    UpdatePolicyDescription: mutation((params) => {
      const p = parseParams(updatePolicyDescription, params);
      const body = policyBody(state.updatePolicyDescription(p.PolicyName, p.NewDescription ?? ""));
      const { PolicyDocument: _doc, AttachmentCount: _count, ...policy } = body;
      return { Policy: policy };
    }),
    CreateUser: mutation((params) => {
      const p = parseParams(createUser, params);
      // CreateUserResponseBodyUser has no UpdateDate (GetUser's and UpdateUser's do).
      const { UpdateDate: _updated, ...created } = userBody(
        state.createUser({
          userName: p.UserName,
          displayName: p.DisplayName,
          comments: p.Comments,
          email: p.Email,
          mobilePhone: p.MobilePhone,
        }),
      );
      return { User: created };
    }),
    GetUser: query((params) => ({ User: userBody(state.getUser(parseParams(userName, params).UserName)) })),
    UpdateUser: mutation((params) => {
      const p = parseParams(updateUser, params);
      return {
        User: userBody(
          state.updateUser(p.UserName, {
            newUserName: p.NewUserName,
            newDisplayName: p.NewDisplayName,
            newComments: p.NewComments,
            newEmail: p.NewEmail,
            newMobilePhone: p.NewMobilePhone,
          }),
        ),
      };
    }),
    AttachPolicyToUser: mutation((params) => {
      const p = parseParams(userPolicy, params);
      state.attachPolicyToUser(p.PolicyType, p.PolicyName, p.UserName);
      return {};
    }),
    DetachPolicyFromUser: mutation((params) => {
      const p = parseParams(userPolicy, params);
      state.detachPolicyFromUser(p.PolicyType, p.PolicyName, p.UserName);
      return {};
    }),
    DeleteUser: mutation((params) => {
      state.deleteUser(parseParams(userName, params).UserName);
      return {};
    }),
  };
}
