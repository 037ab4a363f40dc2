/**
 * IMS 2019-08-15 official (external) applications and their assignments.
 * Provisioning: https://help.aliyun.com/zh/ram/developer-reference/api-ims-2019-08-15-provisionexternalapplication
 * Assignments: https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createapplicationassignment
 */
import type * as ImsSdk from "@alicloud/ims20190815";
import { callImsRpc, callModel } from "./generic";
import type { Session } from "./session";

/** An installed official application, as the service reports it. */
export interface ExternalApplicationRecord {
  appId: string;
  displayName: string;
  /** `<app name>@app.<account id>.onaliyun.com` */
  appPrincipalName: string;
  tenantId: string;
  scopes: string[];
  createDate: string;
  updateDate: string;
}

type DelegatedScope = { predefinedScopes?: { predefinedScope?: Array<{ name?: string }> } };

/** The sorted scope names of an application's `DelegatedScope`. */
function scopeNames(scope: DelegatedScope | undefined): string[] {
  return (scope?.predefinedScopes?.predefinedScope ?? [])
    .map((p) => p.name ?? "")
    .filter(Boolean)
    .sort();
}

type RawExternal = {
  foreignAppId?: string;
  displayName?: string;
  appPrincipalName?: string;
  tenantId?: string;
  createDate?: string;
  updateDate?: string;
  delegatedScope?: DelegatedScope;
};

function toExternal(action: string, raw: RawExternal | undefined): ExternalApplicationRecord {
  if (!raw?.foreignAppId) throw new Error(`${action}: the response carried no ExternalApplication`);
  return {
    appId: raw.foreignAppId,
    displayName: raw.displayName ?? "",
    appPrincipalName: raw.appPrincipalName ?? "",
    tenantId: raw.tenantId ?? "",
    scopes: scopeNames(raw.delegatedScope),
    createDate: raw.createDate ?? "",
    updateDate: raw.updateDate ?? "",
  };
}

/** Installs an official application with the given scopes (joined with `;`). */
export async function provisionExternalApplication(
  s: Session,
  appId: string,
  scopes: string[],
): Promise<ExternalApplicationRecord> {
  const action = "ProvisionExternalApplication";
  const res = await callModel<
    ImsSdk.ProvisionExternalApplicationResponseBody,
    ImsSdk.ProvisionExternalApplicationRequest
  >(s, "ims", action, { appId, scopes: scopes.join(";") });
  return toExternal(action, res.body?.externalApplication as RawExternal | undefined);
}

export async function getExternalApplication(s: Session, appId: string): Promise<ExternalApplicationRecord> {
  const action = "GetExternalApplication";
  const res = await callModel<
    ImsSdk.GetExternalApplicationResponseBody,
    ImsSdk.GetExternalApplicationRequest
  >(s, "ims", action, { appId });
  return toExternal(action, res.body?.externalApplication as RawExternal | undefined);
}

export async function deprovisionExternalApplication(s: Session, appId: string): Promise<void> {
  await callModel<
    ImsSdk.DeprovisionExternalApplicationResponseBody,
    ImsSdk.DeprovisionExternalApplicationRequest
  >(s, "ims", "DeprovisionExternalApplication", { appId });
}

/** The account's default domain, e.g. `1234567890123456.onaliyun.com` or `<alias>.onaliyun.com`. */
export async function getDefaultDomain(s: Session): Promise<string> {
  const res = await callModel<ImsSdk.GetDefaultDomainResponseBody>(s, "ims", "GetDefaultDomain");
  const domain = res.body?.defaultDomainName;
  if (!domain) throw new Error("GetDefaultDomain: the response carried no DefaultDomainName");
  return domain;
}

export type PrincipalType = "user" | "role";

/** One assignment of a principal to an application. */
export interface AssignmentRecord {
  appId: string;
  principalType: PrincipalType;
  principalName: string;
}

/**
 * An assignment as the list shows it: `principalType` lower-cased as given. It is `user` or `role`
 * for every principal this library assigns; anything else (the list's shape is a guess) is kept,
 * not dropped, so that an inventory reports it instead of passing over a login it cannot read.
 */
export interface ListedAssignment {
  appId: string;
  principalType: string;
  principalName: string;
}

/** Whether a listed assignment is of a principal type this library can assign and remove. */
export const isKnownAssignment = (a: ListedAssignment): a is AssignmentRecord =>
  a.principalType === "user" || a.principalType === "role";

export async function createApplicationAssignment(s: Session, a: AssignmentRecord): Promise<void> {
  await callImsRpc(s, "CreateApplicationAssignment", {
    AppId: a.appId,
    PrincipalType: a.principalType,
    PrincipalName: a.principalName,
  });
}

export async function deleteApplicationAssignment(s: Session, a: AssignmentRecord): Promise<void> {
  await callImsRpc(s, "DeleteApplicationAssignment", {
    AppId: a.appId,
    PrincipalType: a.principalType,
    PrincipalName: a.principalName,
  });
}

/**
 * Every assignment of an application. The list's request and response shape
 * is not in any published reference we could read (docs/alibaba-api.md §2.1): this
 * accepts both IMS paging (`Marker`/`IsTruncated`) and `NextToken`, and the
 * list under `ApplicationAssignments.ApplicationAssignment` or flat.
 */
export async function listApplicationAssignments(s: Session, appId: string): Promise<ListedAssignment[]> {
  const out: ListedAssignment[] = [];
  let marker: string | undefined;
  let nextToken: string | undefined;
  do {
    const body = await callImsRpc(s, "ListApplicationAssignments", {
      AppId: appId,
      MaxItems: 100,
      Marker: marker,
      NextToken: nextToken,
    });
    const wrapped = body.ApplicationAssignments as
      | { ApplicationAssignment?: unknown }
      | unknown[]
      | undefined;
    const items = Array.isArray(wrapped)
      ? wrapped
      : ((wrapped as { ApplicationAssignment?: unknown })?.ApplicationAssignment ?? []);
    for (const item of Array.isArray(items) ? items : []) {
      const r = item as Record<string, unknown>;
      out.push({
        appId: String(r.AppId ?? appId),
        principalType: String(r.PrincipalType ?? "").toLowerCase(),
        principalName: String(r.PrincipalName ?? ""),
      });
    }
    marker = body.IsTruncated === true && typeof body.Marker === "string" ? body.Marker : undefined;
    nextToken = typeof body.NextToken === "string" && body.NextToken !== "" ? body.NextToken : undefined;
  } while (marker || nextToken);
  return out;
}

/** An OAuth application of the account (IMS CreateApplication). */
export interface OAuthApplicationRecord {
  appId: string;
  appName: string;
  displayName: string;
  appType: string;
  accessTokenValidity: number | undefined;
  scopes: string[];
  createDate: string;
  updateDate: string;
}

type RawApp = {
  appId?: string;
  appName?: string;
  displayName?: string;
  appType?: string;
  accessTokenValidity?: number;
  createDate?: string;
  updateDate?: string;
  delegatedScope?: DelegatedScope;
};

function toApp(action: string, raw: RawApp | undefined): OAuthApplicationRecord {
  if (!raw?.appId) throw new Error(`${action}: the response carried no Application`);
  return {
    appId: raw.appId,
    appName: raw.appName ?? "",
    displayName: raw.displayName ?? "",
    appType: raw.appType ?? "",
    accessTokenValidity: raw.accessTokenValidity,
    scopes: scopeNames(raw.delegatedScope),
    createDate: raw.createDate ?? "",
    updateDate: raw.updateDate ?? "",
  };
}

export interface CreateServerAppInput {
  appName: string;
  displayName: string;
  accessTokenValidity: number;
  scopes: string[];
}

/** A ServerApp (no user login) with the given scopes predefined and required. */
export async function createServerApp(
  s: Session,
  input: CreateServerAppInput,
): Promise<OAuthApplicationRecord> {
  const action = "CreateApplication";
  const res = await callModel<ImsSdk.CreateApplicationResponseBody, ImsSdk.CreateApplicationRequest>(
    s,
    "ims",
    action,
    {
      appName: input.appName,
      displayName: input.displayName,
      appType: "ServerApp",
      secretRequired: true,
      accessTokenValidity: input.accessTokenValidity,
      predefinedScopes: input.scopes.join(";"),
      requiredScopes: input.scopes.join(";"),
    },
  );
  return toApp(action, res.body?.application as RawApp | undefined);
}

export async function getApplication(s: Session, appId: string): Promise<OAuthApplicationRecord> {
  const action = "GetApplication";
  const res = await callModel<ImsSdk.GetApplicationResponseBody, ImsSdk.GetApplicationRequest>(
    s,
    "ims",
    action,
    { appId },
  );
  return toApp(action, res.body?.application as RawApp | undefined);
}

/** Every OAuth application of the account (ListApplications has no paging). */
export async function listApplications(s: Session): Promise<OAuthApplicationRecord[]> {
  const action = "ListApplications";
  const res = await callModel<ImsSdk.ListApplicationsResponseBody>(s, "ims", action);
  return (res.body?.applications?.application ?? []).map((a) => toApp(action, a as RawApp));
}

export async function updateApplication(
  s: Session,
  appId: string,
  changes: { displayName?: string; accessTokenValidity?: number },
): Promise<OAuthApplicationRecord> {
  const action = "UpdateApplication";
  const res = await callModel<ImsSdk.UpdateApplicationResponseBody, ImsSdk.UpdateApplicationRequest>(
    s,
    "ims",
    action,
    {
      appId,
      newDisplayName: changes.displayName,
      newAccessTokenValidity: changes.accessTokenValidity,
    },
  );
  return toApp(action, res.body?.application as RawApp | undefined);
}

export async function deleteApplication(s: Session, appId: string): Promise<void> {
  await callModel<ImsSdk.DeleteApplicationResponseBody, ImsSdk.DeleteApplicationRequest>(
    s,
    "ims",
    "DeleteApplication",
    { appId },
  );
}

/** The admin consent an internal ServerApp needs before it can get tokens. */
export async function provisionApplication(s: Session, appId: string, scopes: string[]): Promise<void> {
  await callModel<ImsSdk.ProvisionApplicationResponseBody, ImsSdk.ProvisionApplicationRequest>(
    s,
    "ims",
    "ProvisionApplication",
    {
      appId,
      scopes: scopes.join(";"),
    },
  );
}

/** A new client secret; its value is shown this once. */
export async function createAppSecret(
  s: Session,
  appId: string,
): Promise<{ appSecretId: string; value: string }> {
  const res = await callModel<ImsSdk.CreateAppSecretResponseBody, ImsSdk.CreateAppSecretRequest>(
    s,
    "ims",
    "CreateAppSecret",
    { appId },
  );
  const secret = res.body?.appSecret;
  if (!secret?.appSecretId || !secret.appSecretValue)
    throw new Error("CreateAppSecret: the response carried no secret");
  return { appSecretId: secret.appSecretId, value: secret.appSecretValue };
}

export async function listAppSecretIds(s: Session, appId: string): Promise<string[]> {
  const res = await callModel<ImsSdk.ListAppSecretIdsResponseBody, ImsSdk.ListAppSecretIdsRequest>(
    s,
    "ims",
    "ListAppSecretIds",
    { appId },
  );
  return (res.body?.appSecrets?.appSecret ?? []).map((x) => x.appSecretId ?? "").filter(Boolean);
}

export async function deleteAppSecret(s: Session, appId: string, appSecretId: string): Promise<void> {
  await callModel<ImsSdk.DeleteAppSecretResponseBody, ImsSdk.DeleteAppSecretRequest>(
    s,
    "ims",
    "DeleteAppSecret",
    { appId, appSecretId },
  );
}
