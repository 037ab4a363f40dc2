/**
 * IMS 2019-08-15 official (external) applications and their assignments.
 * Provisioning: https://help.aliyun.com/zh/ram/developer-reference/api-ims-2019-08-15-provisionexternalapplication
 * Assignments: https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createapplicationassignment
 */
import * as $Ims from "@alicloud/ims20190815";
import { callApi } from "./call";
import { callImsRpc } from "./generic";
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

type RawExternal = {
  foreignAppId?: string;
  displayName?: string;
  appPrincipalName?: string;
  tenantId?: string;
  createDate?: string;
  updateDate?: string;
  delegatedScope?: { predefinedScopes?: { predefinedScope?: Array<{ name?: string }> } };
};

function toExternal(action: string, raw: RawExternal | undefined): ExternalApplicationRecord {
  if (!raw?.foreignAppId) throw new Error(`${action}: the response carried no ExternalApplication`);
  return {
    appId: raw.foreignAppId,
    displayName: raw.displayName ?? "",
    appPrincipalName: raw.appPrincipalName ?? "",
    tenantId: raw.tenantId ?? "",
    scopes: (raw.delegatedScope?.predefinedScopes?.predefinedScope ?? [])
      .map((p) => p.name ?? "")
      .filter(Boolean)
      .sort(),
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
  const res = await callApi(action, s, () =>
    s.ims.provisionExternalApplicationWithOptions(
      new $Ims.ProvisionExternalApplicationRequest({ appId, scopes: scopes.join(";") }),
      s.runtime,
    ),
  );
  return toExternal(action, res.body?.externalApplication as RawExternal | undefined);
}

export async function getExternalApplication(s: Session, appId: string): Promise<ExternalApplicationRecord> {
  const action = "GetExternalApplication";
  const res = await callApi(action, s, () =>
    s.ims.getExternalApplicationWithOptions(new $Ims.GetExternalApplicationRequest({ appId }), s.runtime),
  );
  return toExternal(action, res.body?.externalApplication as RawExternal | undefined);
}

export async function deprovisionExternalApplication(s: Session, appId: string): Promise<void> {
  await callApi("DeprovisionExternalApplication", s, () =>
    s.ims.deprovisionExternalApplicationWithOptions(
      new $Ims.DeprovisionExternalApplicationRequest({ appId }),
      s.runtime,
    ),
  );
}

/** The account's default domain, e.g. `1234567890123456.onaliyun.com` or `<alias>.onaliyun.com`. */
export async function getDefaultDomain(s: Session): Promise<string> {
  const res = await callApi("GetDefaultDomain", s, () => s.ims.getDefaultDomainWithOptions(s.runtime));
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
 * is not in any published reference we could read (alibaba-api.md §2.1): this
 * accepts both IMS paging (`Marker`/`IsTruncated`) and `NextToken`, and the
 * list under `ApplicationAssignments.ApplicationAssignment` or flat.
 */
export async function listApplicationAssignments(s: Session, appId: string): Promise<AssignmentRecord[]> {
  const out: AssignmentRecord[] = [];
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
      const type = String(r.PrincipalType ?? "").toLowerCase();
      if (type !== "user" && type !== "role") continue;
      out.push({
        appId: String(r.AppId ?? appId),
        principalType: type,
        principalName: String(r.PrincipalName ?? ""),
      });
    }
    marker = body.IsTruncated === true && typeof body.Marker === "string" ? body.Marker : undefined;
    nextToken = typeof body.NextToken === "string" && body.NextToken !== "" ? body.NextToken : undefined;
  } while (marker || nextToken);
  return out;
}
