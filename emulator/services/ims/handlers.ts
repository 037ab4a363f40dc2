/**
 * IMS (2019-08-15) action map. Handlers are thin: parse parameters with zod, call the state,
 * shape the body exactly as the `@alicloud/ims20190815` response models read it.
 */
import { z } from "zod";
import { type ActionMap, type ActionSpec, parseParams } from "../../service";
import { isoSeconds } from "../../util";
import type { UserRecord } from "../ram/state";
import type { ApplicationView, AssignmentView, ImsApplications } from "./applications";
import type { AppSecretRecord, ImsOAuthApps, OAuthAppRecord } from "./oauthApps";
import type { ImsState, OidcProviderRecord } from "./state";
import type { ImsUsers } from "./users";

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

/** The ExternalApplication object of Get/Provision and each ListExternalApplications item. */
export function externalApplicationBody(apps: ImsApplications, a: ApplicationView): Record<string, unknown> {
  return {
    ForeignAppId: a.appId,
    DisplayName: a.app.displayName,
    AppPrincipalName: apps.appPrincipalName(a.app),
    TenantId: apps.accountId,
    // Epoch milliseconds as strings (the SDK's examples: "1737534146000").
    CreateDate: String(a.createdMs),
    UpdateDate: String(a.updatedMs),
    DelegatedScope: {
      PredefinedScopes: {
        PredefinedScope: a.app.scopes
          .filter((s) => a.scopes.includes(s.name))
          .map((s) => ({ Name: s.name, Description: s.description })),
      },
    },
  };
}

/**
 * One ListApplicationAssignments item. No SDK model exists and the docs stored here show no
 * response table (docs/alibaba-api.md §2.1), so this shape is CHOSEN, in one place: the list is wrapped
 * like every IMS list (`ApplicationAssignments.ApplicationAssignment[]`, with `IsTruncated` and
 * `Marker` only when truncated); each item echoes the request's three names plus `CreateDate`
 * (ISO-8601 seconds, like IMS user dates). CreateApplicationAssignment and Delete answer
 * `RequestId` only (documented for Create, by symmetry for Delete).
 */
export function assignmentBody(a: AssignmentView): Record<string, unknown> {
  return {
    AppId: a.appId,
    PrincipalType: a.principalType,
    PrincipalName: a.displayName,
    CreateDate: isoSeconds(a.createdMs),
  };
}

/** The IMS User object; `extra` adds the fields only some models have (GetUser's UserName, ListUsers' Status). */
export function imsUserBody(
  users: ImsUsers,
  u: UserRecord,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    UserPrincipalName: users.userPrincipalName(u),
    UserId: u.userId,
    DisplayName: u.displayName,
    Comments: u.comments,
    Email: u.email,
    MobilePhone: u.mobilePhone,
    CreateDate: isoSeconds(u.createdMs),
    UpdateDate: isoSeconds(u.updatedMs),
    // Guess: every emulated user is made by hand (not SCIM or CloudSSO).
    ProvisionType: "Manual",
    ...extra,
  };
}

/** The Application object of Create/Get/UpdateApplication and each ListApplications item. */
export function oauthApplicationBody(apps: ImsOAuthApps, a: OAuthAppRecord): Record<string, unknown> {
  return {
    AppId: a.appId,
    AppName: a.appName,
    DisplayName: a.displayName,
    AppType: a.appType,
    AccountId: apps.accountId,
    AccessTokenValidity: a.accessTokenValidity,
    RefreshTokenValidity: a.refreshTokenValidity,
    SecretRequired: a.secretRequired,
    IsMultiTenant: a.isMultiTenant,
    ProtocolVersion: a.protocolVersion,
    RedirectUris: { RedirectUri: [...a.redirectUris] },
    DelegatedScope: {
      PredefinedScopes: {
        PredefinedScope: a.scopes.map((s) => ({
          Name: s.name,
          Description: apps.scopeDescription(s.name),
          Required: s.required,
        })),
      },
    },
    // ISO-8601 seconds (the SDK's examples: "2020-10-23T08:06:57Z").
    CreateDate: isoSeconds(a.createdMs),
    UpdateDate: isoSeconds(a.updatedMs),
  };
}

/**
 * The ApplicationProvisionInfo object. ProvisionApplication's model has AppPrincipalName and
 * TenantId, GetApplicationProvisionInfo's does not; dates are epoch-ms strings in both models'
 * examples ("1603693518000").
 */
export function provisionInfoBody(
  apps: ImsOAuthApps,
  a: OAuthAppRecord & { provision: NonNullable<OAuthAppRecord["provision"]> },
  withPrincipal: boolean,
): Record<string, unknown> {
  return {
    AccountId: apps.accountId,
    AppId: a.appId,
    AppName: a.appName,
    DisplayName: a.displayName,
    ...(withPrincipal ? { AppPrincipalName: apps.appPrincipalName(a), TenantId: apps.accountId } : {}),
    CreateDate: String(a.provision.createdMs),
    UpdateDate: String(a.provision.updatedMs),
    DelegatedScope: {
      PredefinedScopes: {
        PredefinedScope: a.provision.scopes.map((name) => ({
          Name: name,
          Description: apps.scopeDescription(name),
        })),
      },
    },
  };
}

/** The AppSecret object; `value` only from CreateAppSecret (GetAppSecret answers "", see oauthApps.ts). */
function appSecretBody(s: AppSecretRecord, value: string): Record<string, unknown> {
  return {
    AppId: s.appId,
    AppSecretId: s.appSecretId,
    AppSecretValue: value,
    CreateDate: isoSeconds(s.createdMs),
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

/**
 * A boolean: "true" / "false" in any case. The Python SDKs send `str(True)`, "True"; the
 * Node and Go SDKs "true". Guess: IMS reads both (as Java's Boolean.parseBoolean does).
 */
const bool = z
  .string()
  .refine((v) => /^(true|false)$/i.test(v), { message: "expected true or false" })
  .transform((v) => v.toLowerCase() === "true")
  .optional();

const createAppParams = z.object({
  AppName: required,
  DisplayName: required,
  AppType: required,
  RedirectUris: optional,
  SecretRequired: bool,
  AccessTokenValidity: integer,
  RefreshTokenValidity: integer,
  PredefinedScopes: optional,
  RequiredScopes: optional,
  IsMultiTenant: bool,
  ProtocolVersion: optional,
});
const updateAppParams = z.object({
  AppId: required,
  NewDisplayName: optional,
  NewRedirectUris: optional,
  NewPredefinedScopes: optional,
  NewRequiredScopes: optional,
  NewSecretRequired: bool,
  NewAccessTokenValidity: integer,
  NewRefreshTokenValidity: integer,
  NewIsMultiTenant: bool,
});
const appSecretParams = z.object({ AppId: required, AppSecretId: required });
const listScopesParams = z.object({
  AppType: z
    .string()
    .optional()
    .transform((s) => (s === "" ? undefined : s)),
});

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
const appIdParams = z.object({ AppId: required });
const provisionParams = z.object({ AppId: required, Scopes: optional });
const assignmentParams = z.object({ AppId: required, PrincipalType: required, PrincipalName: required });
const listAssignmentParams = z.object({ AppId: required, Marker: optional, MaxItems: integer });
/** Absent and empty mean the same: "not given". */
const optionalId = z
  .string()
  .optional()
  .transform((s) => (s === "" ? undefined : s));
const createUserParams = z.object({
  UserPrincipalName: required,
  DisplayName: required,
  Comments: optional,
  Email: optional,
  MobilePhone: optional,
});
const getUserParams = z.object({
  UserPrincipalName: optionalId,
  UserId: optionalId,
  UserAccessKeyId: optionalId,
});
const deleteUserParams = z.object({ UserPrincipalName: optionalId, UserId: optionalId });

export type ImsAction =
  | "CreateOIDCProvider"
  | "GetOIDCProvider"
  | "UpdateOIDCProvider"
  | "DeleteOIDCProvider"
  | "ListOIDCProviders"
  | "AddClientIdToOIDCProvider"
  | "RemoveClientIdFromOIDCProvider"
  | "AddFingerprintToOIDCProvider"
  | "RemoveFingerprintFromOIDCProvider"
  | "ListExternalApplications"
  | "GetExternalApplication"
  | "ProvisionExternalApplication"
  | "DeprovisionExternalApplication"
  | "CreateApplicationAssignment"
  | "ListApplicationAssignments"
  | "DeleteApplicationAssignment"
  | "CreateUser"
  | "GetUser"
  | "DeleteUser"
  | "ListUsers"
  | "GetDefaultDomain"
  | "CreateApplication"
  | "GetApplication"
  | "UpdateApplication"
  | "DeleteApplication"
  | "ListApplications"
  | "ListPredefinedScopes"
  | "ProvisionApplication"
  | "DeprovisionApplication"
  | "GetApplicationProvisionInfo"
  | "CreateAppSecret"
  | "GetAppSecret"
  | "ListAppSecretIds"
  | "DeleteAppSecret";

export function imsActions(
  state: ImsState,
  apps: ImsApplications,
  users: ImsUsers,
  oauthApps: ImsOAuthApps,
): ActionMap<ImsAction> {
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

    // ---- External applications (the SDK has no ListExternalApplicationsRequest: no parameters) --
    ListExternalApplications: query(() => ({
      IsTruncated: false,
      ExternalApplications: {
        ExternalApplication: apps.list().map((a) => externalApplicationBody(apps, a)),
      },
    })),
    GetExternalApplication: query((params) => ({
      ExternalApplication: externalApplicationBody(apps, apps.get(parseParams(appIdParams, params).AppId)),
    })),
    ProvisionExternalApplication: mutation((params) => {
      const p = parseParams(provisionParams, params);
      return { ExternalApplication: externalApplicationBody(apps, apps.provision(p.AppId, p.Scopes)) };
    }),
    DeprovisionExternalApplication: mutation((params) => {
      apps.deprovision(parseParams(appIdParams, params).AppId);
      return {};
    }),

    // ---- Application assignments (no SDK operation: called through callApi) --------------------
    CreateApplicationAssignment: mutation((params) => {
      const p = parseParams(assignmentParams, params);
      apps.createAssignment(p.AppId, p.PrincipalType, p.PrincipalName);
      return {};
    }),
    ListApplicationAssignments: query((params) => {
      const p = parseParams(listAssignmentParams, params);
      const page = apps.listAssignments(p.AppId, { marker: p.Marker, maxItems: p.MaxItems });
      return {
        IsTruncated: page.isTruncated,
        ...(page.marker === undefined ? {} : { Marker: page.marker }),
        ApplicationAssignments: { ApplicationAssignment: page.items.map(assignmentBody) },
      };
    }),
    DeleteApplicationAssignment: mutation((params) => {
      const p = parseParams(assignmentParams, params);
      apps.deleteAssignment(p.AppId, p.PrincipalType, p.PrincipalName);
      return {};
    }),

    // ---- Users (the RAM user store) ------------------------------------------------------------
    CreateUser: mutation((params) => {
      const p = parseParams(createUserParams, params);
      const u = users.create({
        userPrincipalName: p.UserPrincipalName,
        displayName: p.DisplayName,
        comments: p.Comments,
        email: p.Email,
        mobilePhone: p.MobilePhone,
      });
      return { User: imsUserBody(users, u) };
    }),
    GetUser: query((params) => {
      const p = parseParams(getUserParams, params);
      const u = users.get({
        userPrincipalName: p.UserPrincipalName,
        userId: p.UserId,
        userAccessKeyId: p.UserAccessKeyId,
      });
      return { User: imsUserBody(users, u, { UserName: u.userName }) };
    }),
    DeleteUser: mutation((params) => {
      const p = parseParams(deleteUserParams, params);
      users.delete({ userPrincipalName: p.UserPrincipalName, userId: p.UserId });
      return {};
    }),
    // ---- OAuth applications of the account (§4) --------------------------------------------------
    CreateApplication: mutation((params) => {
      const p = parseParams(createAppParams, params);
      const a = oauthApps.create({
        appName: p.AppName,
        displayName: p.DisplayName,
        appType: p.AppType,
        redirectUris: p.RedirectUris,
        secretRequired: p.SecretRequired,
        accessTokenValidity: p.AccessTokenValidity,
        refreshTokenValidity: p.RefreshTokenValidity,
        predefinedScopes: p.PredefinedScopes,
        requiredScopes: p.RequiredScopes,
        isMultiTenant: p.IsMultiTenant,
        protocolVersion: p.ProtocolVersion,
      });
      return { Application: oauthApplicationBody(oauthApps, a) };
    }),
    GetApplication: query((params) => ({
      Application: oauthApplicationBody(oauthApps, oauthApps.get(parseParams(appIdParams, params).AppId)),
    })),
    UpdateApplication: mutation((params) => {
      const p = parseParams(updateAppParams, params);
      const a = oauthApps.update(p.AppId, {
        displayName: p.NewDisplayName,
        redirectUris: p.NewRedirectUris,
        predefinedScopes: p.NewPredefinedScopes,
        requiredScopes: p.NewRequiredScopes,
        secretRequired: p.NewSecretRequired,
        accessTokenValidity: p.NewAccessTokenValidity,
        refreshTokenValidity: p.NewRefreshTokenValidity,
        isMultiTenant: p.NewIsMultiTenant,
      });
      return { Application: oauthApplicationBody(oauthApps, a) };
    }),
    DeleteApplication: mutation((params) => {
      oauthApps.delete(parseParams(appIdParams, params).AppId);
      return {};
    }),
    // No parameters and no paging fields (§4.1).
    ListApplications: query(() => ({
      Applications: { Application: oauthApps.list().map((a) => oauthApplicationBody(oauthApps, a)) },
    })),
    ListPredefinedScopes: query((params) => ({
      PredefinedScopes: {
        PredefinedScope: oauthApps
          .predefinedScopes(parseParams(listScopesParams, params).AppType)
          .map((s) => ({ Name: s.name, Description: s.description })),
      },
    })),
    ProvisionApplication: mutation((params) => {
      const p = parseParams(provisionParams, params);
      const a = oauthApps.provision(p.AppId, p.Scopes);
      return {
        ApplicationProvisionInfo: provisionInfoBody(oauthApps, oauthApps.provisionInfo(a.appId), true),
      };
    }),
    DeprovisionApplication: mutation((params) => {
      oauthApps.deprovision(parseParams(appIdParams, params).AppId);
      return {};
    }),
    GetApplicationProvisionInfo: query((params) => ({
      ApplicationProvisionInfo: provisionInfoBody(
        oauthApps,
        oauthApps.provisionInfo(parseParams(appIdParams, params).AppId),
        false,
      ),
    })),
    CreateAppSecret: mutation((params) => {
      const s = oauthApps.createSecret(parseParams(appIdParams, params).AppId);
      return { AppSecret: appSecretBody(s, s.value) };
    }),
    // The value is shown only at creation (§4.2): the field is answered empty.
    GetAppSecret: query((params) => {
      const p = parseParams(appSecretParams, params);
      return { AppSecret: appSecretBody(oauthApps.getSecret(p.AppId, p.AppSecretId), "") };
    }),
    ListAppSecretIds: query((params) => ({
      AppSecrets: {
        AppSecret: oauthApps.listSecrets(parseParams(appIdParams, params).AppId).map((s) => ({
          AppId: s.appId,
          AppSecretId: s.appSecretId,
          CreateDate: isoSeconds(s.createdMs),
        })),
      },
    })),
    DeleteAppSecret: mutation((params) => {
      const p = parseParams(appSecretParams, params);
      oauthApps.deleteSecret(p.AppId, p.AppSecretId);
      return {};
    }),

    // The emulated account has no alias: its default domain is `<account-id>.onaliyun.com`.
    GetDefaultDomain: query(() => ({ DefaultDomainName: users.defaultDomain })),
    ListUsers: query((params) => {
      const p = parseParams(listParams, params);
      const page = users.list({ marker: p.Marker, maxItems: p.MaxItems });
      return {
        IsTruncated: page.isTruncated,
        ...(page.marker === undefined ? {} : { Marker: page.marker }),
        Users: { User: page.items.map((u) => imsUserBody(users, u, { Status: "active" })) },
      };
    }),
  };
}
