/**
 * IMS (2019-08-15) action map. Handlers are thin: parse parameters with zod, call the state,
 * shape the body exactly as the `@alicloud/ims20190815` response models read it.
 */
import { z } from "zod";
import { type ActionMap, type ActionSpec, parseParams } from "../../service";
import { isoSeconds } from "../../util";
import type { ImsState, OidcProviderRecord } from "./state";

/** The OIDCProvider object of Create, Get, Update, the Add and Remove actions, and each List item. */
export function oidcProviderBody(state: ImsState, p: OidcProviderRecord): Record<string, unknown> {
  return {
    OIDCProviderName: p.name,
    Arn: state.arn(p.name),
    IssuerUrl: p.issuerUrl,
    ClientIds: p.clientIds.join(","),
    Fingerprints: p.fingerprints.join(","),
    Description: p.description,
    IssuanceLimitTime: p.issuanceLimitTime,
    CreateDate: isoSeconds(p.createdMs),
    UpdateDate: isoSeconds(p.updatedMs),
    GmtCreate: String(p.createdMs),
    GmtModified: String(p.updatedMs),
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

const nameOnly = z.object({ OIDCProviderName: required });

const createParams = z.object({
  OIDCProviderName: required,
  IssuerUrl: required,
  Description: optional,
  ClientIds: optional,
  Fingerprints: optional,
  IssuanceLimitTime: integer,
});

const updateParams = z.object({
  OIDCProviderName: required,
  ClientIds: optional,
  NewDescription: optional,
  IssuanceLimitTime: integer,
});

const listParams = z.object({ Marker: optional, MaxItems: integer });
const clientIdParams = z.object({ OIDCProviderName: required, ClientId: required });
const fingerprintParams = z.object({ OIDCProviderName: required, Fingerprint: required });

export type ImsAction =
  | "CreateOIDCProvider"
  | "GetOIDCProvider"
  | "UpdateOIDCProvider"
  | "DeleteOIDCProvider"
  | "ListOIDCProviders"
  | "AddClientIdToOIDCProvider"
  | "RemoveClientIdFromOIDCProvider"
  | "AddFingerprintToOIDCProvider"
  | "RemoveFingerprintFromOIDCProvider";

export function imsActions(state: ImsState): ActionMap<ImsAction> {
  const one = (p: OidcProviderRecord) => ({ OIDCProvider: oidcProviderBody(state, p) });
  const mutation = (handle: ActionSpec["handle"]): ActionSpec => ({ mutates: true, handle });
  const query = (handle: ActionSpec["handle"]): ActionSpec => ({ mutates: false, handle });

  return {
    CreateOIDCProvider: mutation((params) => {
      const p = parseParams(createParams, params);
      return one(
        state.createOidcProvider({
          name: p.OIDCProviderName,
          issuerUrl: p.IssuerUrl,
          description: p.Description,
          clientIds: p.ClientIds,
          fingerprints: p.Fingerprints,
          issuanceLimitTime: p.IssuanceLimitTime,
        }),
      );
    }),
    GetOIDCProvider: query((params) =>
      one(state.getOidcProvider(parseParams(nameOnly, params).OIDCProviderName)),
    ),
    UpdateOIDCProvider: mutation((params) => {
      const p = parseParams(updateParams, params);
      return one(
        state.updateOidcProvider(p.OIDCProviderName, {
          clientIds: p.ClientIds,
          description: p.NewDescription,
          issuanceLimitTime: p.IssuanceLimitTime,
        }),
      );
    }),
    DeleteOIDCProvider: mutation((params) => {
      state.deleteOidcProvider(parseParams(nameOnly, params).OIDCProviderName);
      return {};
    }),
    ListOIDCProviders: query((params) => {
      const p = parseParams(listParams, params);
      const page = state.listOidcProviders({ marker: p.Marker, maxItems: p.MaxItems });
      return {
        IsTruncated: page.isTruncated,
        ...(page.marker === undefined ? {} : { Marker: page.marker }),
        OIDCProviders: { OIDCProvider: page.items.map((item) => oidcProviderBody(state, item)) },
      };
    }),
    AddClientIdToOIDCProvider: mutation((params) => {
      const p = parseParams(clientIdParams, params);
      return one(state.addClientId(p.OIDCProviderName, p.ClientId));
    }),
    RemoveClientIdFromOIDCProvider: mutation((params) => {
      const p = parseParams(clientIdParams, params);
      return one(state.removeClientId(p.OIDCProviderName, p.ClientId));
    }),
    AddFingerprintToOIDCProvider: mutation((params) => {
      const p = parseParams(fingerprintParams, params);
      return one(state.addFingerprint(p.OIDCProviderName, p.Fingerprint));
    }),
    RemoveFingerprintFromOIDCProvider: mutation((params) => {
      const p = parseParams(fingerprintParams, params);
      return one(state.removeFingerprint(p.OIDCProviderName, p.Fingerprint));
    }),
  };
}
