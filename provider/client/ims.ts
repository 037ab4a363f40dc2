/**
 * IMS 2019-08-15 OIDC identity provider actions: one function per action,
 * each returning plain data. Request and response shapes:
 * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createoidcprovider
 */
import type * as ImsSdk from "@alicloud/ims20190815";
import { callModel } from "./generic";
import type { Session } from "./session";

/** An OIDC provider as the service reports it, lists already split. */
export interface OidcProviderRecord {
  name: string;
  arn: string;
  issuerUrl: string;
  clientIds: string[];
  fingerprints: string[];
  description: string;
  issuanceLimitTime: number | undefined;
  createDate: string;
  updateDate: string;
}

/** The service joins lists with commas; an empty or missing list is "". */
export function splitList(value: string | undefined | null): string[] {
  if (!value) return [];
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

type RawProvider = {
  OIDCProviderName?: string;
  arn?: string;
  issuerUrl?: string;
  clientIds?: string;
  fingerprints?: string;
  description?: string;
  issuanceLimitTime?: number;
  createDate?: string;
  updateDate?: string;
};

function toRecord(action: string, raw: RawProvider | undefined): OidcProviderRecord {
  if (!raw?.OIDCProviderName) throw new Error(`${action}: the response carried no OIDCProvider`);
  return {
    name: raw.OIDCProviderName,
    arn: raw.arn ?? "",
    issuerUrl: raw.issuerUrl ?? "",
    clientIds: splitList(raw.clientIds),
    fingerprints: splitList(raw.fingerprints),
    description: raw.description ?? "",
    issuanceLimitTime: typeof raw.issuanceLimitTime === "number" ? raw.issuanceLimitTime : undefined,
    createDate: raw.createDate ?? "",
    updateDate: raw.updateDate ?? "",
  };
}

export interface CreateOidcProviderInput {
  name: string;
  issuerUrl: string;
  clientIds: string[];
  fingerprints: string[];
  issuanceLimitTime: number;
  description: string;
}

export async function createOidcProvider(
  s: Session,
  input: CreateOidcProviderInput,
): Promise<OidcProviderRecord> {
  const action = "CreateOIDCProvider";
  const res = await callModel<ImsSdk.CreateOIDCProviderResponseBody, ImsSdk.CreateOIDCProviderRequest>(
    s,
    "ims",
    action,
    {
      OIDCProviderName: input.name,
      issuerUrl: input.issuerUrl,
      clientIds: input.clientIds.join(","),
      fingerprints: input.fingerprints.join(","),
      issuanceLimitTime: input.issuanceLimitTime,
      // An empty description is simply not sent: the service keeps none.
      description: input.description === "" ? undefined : input.description,
    },
  );
  return toRecord(action, res.body?.OIDCProvider);
}

export async function getOidcProvider(s: Session, name: string): Promise<OidcProviderRecord> {
  const action = "GetOIDCProvider";
  const res = await callModel<ImsSdk.GetOIDCProviderResponseBody, ImsSdk.GetOIDCProviderRequest>(
    s,
    "ims",
    action,
    { OIDCProviderName: name },
  );
  return toRecord(action, res.body?.OIDCProvider);
}

export interface UpdateOidcProviderInput {
  name: string;
  /** Replaces the whole list when given. */
  clientIds?: string[];
  issuanceLimitTime?: number;
  description?: string;
}

export async function updateOidcProvider(
  s: Session,
  input: UpdateOidcProviderInput,
): Promise<OidcProviderRecord> {
  const action = "UpdateOIDCProvider";
  const res = await callModel<ImsSdk.UpdateOIDCProviderResponseBody, ImsSdk.UpdateOIDCProviderRequest>(
    s,
    "ims",
    action,
    {
      OIDCProviderName: input.name,
      clientIds: input.clientIds?.join(","),
      issuanceLimitTime: input.issuanceLimitTime,
      newDescription: input.description,
    },
  );
  return toRecord(action, res.body?.OIDCProvider);
}

export async function deleteOidcProvider(s: Session, name: string): Promise<void> {
  await callModel<ImsSdk.DeleteOIDCProviderResponseBody, ImsSdk.DeleteOIDCProviderRequest>(
    s,
    "ims",
    "DeleteOIDCProvider",
    { OIDCProviderName: name },
  );
}

export async function addClientId(s: Session, name: string, clientId: string): Promise<OidcProviderRecord> {
  const action = "AddClientIdToOIDCProvider";
  const res = await callModel<
    ImsSdk.AddClientIdToOIDCProviderResponseBody,
    ImsSdk.AddClientIdToOIDCProviderRequest
  >(s, "ims", action, { OIDCProviderName: name, clientId });
  return toRecord(action, res.body?.OIDCProvider);
}

export async function removeClientId(
  s: Session,
  name: string,
  clientId: string,
): Promise<OidcProviderRecord> {
  const action = "RemoveClientIdFromOIDCProvider";
  const res = await callModel<
    ImsSdk.RemoveClientIdFromOIDCProviderResponseBody,
    ImsSdk.RemoveClientIdFromOIDCProviderRequest
  >(s, "ims", action, { OIDCProviderName: name, clientId });
  return toRecord(action, res.body?.OIDCProvider);
}

export async function addFingerprint(
  s: Session,
  name: string,
  fingerprint: string,
): Promise<OidcProviderRecord> {
  const action = "AddFingerprintToOIDCProvider";
  const res = await callModel<
    ImsSdk.AddFingerprintToOIDCProviderResponseBody,
    ImsSdk.AddFingerprintToOIDCProviderRequest
  >(s, "ims", action, { OIDCProviderName: name, fingerprint });
  return toRecord(action, res.body?.OIDCProvider);
}

export async function removeFingerprint(
  s: Session,
  name: string,
  fingerprint: string,
): Promise<OidcProviderRecord> {
  const action = "RemoveFingerprintFromOIDCProvider";
  const res = await callModel<
    ImsSdk.RemoveFingerprintFromOIDCProviderResponseBody,
    ImsSdk.RemoveFingerprintFromOIDCProviderRequest
  >(s, "ims", action, { OIDCProviderName: name, fingerprint });
  return toRecord(action, res.body?.OIDCProvider);
}

/** All providers in the account, following `Marker` until the list ends. */
export async function listOidcProviders(s: Session, pageSize = 100): Promise<OidcProviderRecord[]> {
  const action = "ListOIDCProviders";
  const out: OidcProviderRecord[] = [];
  let marker: string | undefined;
  do {
    const res = await callModel<ImsSdk.ListOIDCProvidersResponseBody, ImsSdk.ListOIDCProvidersRequest>(
      s,
      "ims",
      action,
      { marker, maxItems: pageSize },
    );
    for (const p of res.body?.OIDCProviders?.OIDCProvider ?? []) out.push(toRecord(action, p as RawProvider));
    marker = res.body?.isTruncated ? res.body.marker : undefined;
  } while (marker);
  return out;
}
