/**
 * EIAM (2021-12-01) action map. Handlers are thin: read the (unflattened) parameters, check the
 * instance, call the state, and shape the body as the `alibabacloud-eiam20211201` 3.0.1 response
 * models read it (wire names; times as epoch-ms integers; lists as plain arrays). Optional
 * fields without a value (a permanent secret's ExpirationTime, a LastUsedTime never set) are left
 * out.
 */
import { EIAM } from "../../limits";
import type { ActionMap, ActionSpec } from "../../service";
import * as E from "./errors";
import {
  type CredentialRecord,
  certificateView,
  type EiamFederation,
  type ProviderRecord,
} from "./federation";
import { Reader, unflatten } from "./params";
import type { ApplicationRecord, ClientSecretRecord, EiamState, PublicKeyRecord, ScopeRecord } from "./state";

const status = (enabled: boolean): "enabled" | "disabled" => (enabled ? "enabled" : "disabled");
const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

// ---- Bodies --------------------------------------------------------------------------------------

export function applicationBody(state: EiamState, a: ApplicationRecord): Record<string, unknown> {
  return {
    ApplicationId: a.applicationId,
    ApplicationName: a.name,
    ClientId: a.clientId,
    Status: "enabled",
    SsoType: state.ssoType(a),
    M2MClientStatus: status(a.m2mClientEnabled),
    ResourceServerStatus: status(a.resourceServerEnabled),
    ...optional("ResourceServerIdentifier", a.resourceServerIdentifier),
    ApplicationSourceType: a.sourceType,
    ...optional("ApplicationTemplateId", a.templateId),
    ApplicationIdentityType: a.identityType,
    // Guess: applications made through the API are "user_custom" (ListApplications' default filter).
    ApplicationCreationType: "user_custom",
    Description: a.description,
    LogoUrl: a.logoUrl,
    Features: state.features(a),
    InstanceId: state.instanceId,
    CreateTime: a.createdMs,
    UpdateTime: a.updatedMs,
  };
}

/** Guess: the mask of a listed secret: its first 4 characters, then six asterisks. */
export function maskSecret(value: string): string {
  return `${value.slice(0, 4)}******`;
}

function secretBody(state: EiamState, s: ClientSecretRecord, plaintext: boolean): Record<string, unknown> {
  return {
    ApplicationId: s.applicationId,
    ClientId: state.getApplication(s.applicationId).clientId,
    ClientSecret: plaintext ? s.value : maskSecret(s.value),
    SecretId: s.secretId,
    Status: status(s.enabled),
    ...optional("ExpirationTime", s.expirationMs),
    ...optional("LastUsedTime", s.lastUsedMs),
    InstanceId: state.instanceId,
  };
}

function publicKeyBody(state: EiamState, k: PublicKeyRecord): Record<string, unknown> {
  return {
    ClientPublicKeyId: k.publicKeyId,
    ApplicationId: k.applicationId,
    AlgorithmType: k.algorithmType,
    PublicKey: k.pem,
    Primary: k.primary,
    Status: status(k.enabled),
    CreateTime: k.createdMs,
    ...optional("LastUsedTime", k.lastUsedMs),
    InstanceId: state.instanceId,
  };
}

function scopeBody(state: EiamState, s: ScopeRecord): Record<string, unknown> {
  return {
    ResourceServerScopeId: s.scopeId,
    ApplicationId: s.applicationId,
    ResourceServerScopeName: s.name,
    ResourceServerScopeValue: s.value,
    ResourceServerScopeType: s.type,
    ...optional("AuthorizationType", s.authorizationType),
    InstanceId: state.instanceId,
  };
}

function certificatesBody(pems: string[]): Array<Record<string, unknown>> {
  return pems.map((pem) => {
    const v = certificateView(pem);
    return {
      Content: v.content,
      Fingerprint: v.fingerprint,
      CertificateMetadata: { NotBefore: v.notBeforeMs, NotAfter: v.notAfterMs },
    };
  });
}

export function providerBody(state: EiamState, x: ProviderRecord): Record<string, unknown> {
  const body: Record<string, unknown> = {
    FederatedCredentialProviderId: x.providerId,
    FederatedCredentialProviderName: x.name,
    FederatedCredentialProviderType: x.type,
    Description: x.description,
    Status: status(x.enabled),
    ...optional("NetworkAccessEndpointId", x.networkAccessEndpointId),
    InstanceId: state.instanceId,
    CreateTime: x.createdMs,
    UpdateTime: x.updatedMs,
  };
  if (x.oidc) {
    const o = x.oidc;
    body.OidcProviderConfig = {
      Issuer: o.issuer,
      JwksSource: o.jwksSource,
      ...optional("JwksUri", o.jwksUri),
      ...optional("StaticJwks", o.staticJwks),
      ...optional("DynamicJwks", o.dynamicJwks),
      ...optional("JwksLastObtainedTime", o.jwksLastObtainedMs),
      Audiences: [...o.audiences],
      ...optional("TrustCondition", o.trustCondition),
    };
  }
  if (x.certs) {
    const c = x.certs;
    const common = {
      Certificates: certificatesBody(c.certificates),
      TrustAnchorSource: c.trustAnchorSource,
      ...optional("TrustCondition", c.trustCondition),
    };
    if (x.type === "pkcs7") {
      body.Pkcs7ProviderConfig = {
        ...common,
        ...optional("CmsVerificationMode", c.cmsVerificationMode),
        ...optional("SignatureEffectiveTime", c.signatureEffectiveTime),
        ...optional("SigningTimeValueExpression", c.signingTimeValueExpression),
      };
    } else body.PrivateCaProviderConfig = common;
  }
  return body;
}

/** `withMappings`: GetApplicationFederatedCredential has AttributeMappings, the list models do not. */
export function credentialBody(
  state: EiamState,
  c: CredentialRecord,
  withMappings: boolean,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    ApplicationFederatedCredentialId: c.credentialId,
    ApplicationFederatedCredentialName: c.name,
    ApplicationFederatedCredentialType: c.type,
    ApplicationId: c.applicationId,
    FederatedCredentialProviderId: c.providerId,
    Description: c.description,
    Status: status(c.enabled),
    VerificationMode: c.mode,
    ...optional("VerificationCondition", c.verificationCondition),
    ...optional("LastUsedTime", c.lastUsedMs),
    InstanceId: state.instanceId,
    CreateTime: c.createdMs,
    UpdateTime: c.updatedMs,
  };
  const v = c.oidcVerification;
  if (v) {
    body.OidcVerificationConfig = {
      Profile: v.profile,
      ...(v.generic ? { GenericConfig: { Subject: v.generic.subject } } : {}),
      ...(v.kubernetes
        ? {
            KubernetesConfig: {
              Namespace: v.kubernetes.namespace,
              ServiceAccountName: v.kubernetes.serviceAccountName,
              ...optional("PodNamePrefix", v.kubernetes.podNamePrefix),
            },
          }
        : {}),
      ...(v.gcpVm
        ? {
            GcpVmConfig: {
              ...optional("ProjectId", v.gcpVm.projectId),
              ...optional("ServiceAccountId", v.gcpVm.serviceAccountId),
              ...optional("InstanceIds", v.gcpVm.instanceIds),
            },
          }
        : {}),
      ...(v.azureVm
        ? {
            AzureVmConfig: {
              ...optional("PrincipalId", v.azureVm.principalId),
              ...optional("ResourceGroupName", v.azureVm.resourceGroupName),
              ...optional("SubscriptionId", v.azureVm.subscriptionId),
              ...optional("VmNames", v.azureVm.vmNames),
            },
          }
        : {}),
    };
  }
  if (c.pkcs7InstanceIds) body.Pkcs7VerificationConfig = { InstanceIds: [...c.pkcs7InstanceIds] };
  if (withMappings) {
    body.AttributeMappings = c.attributeMappings.map((m) => ({
      SourceValueExpression: m.sourceValueExpression,
      TargetField: m.targetField,
    }));
  }
  return body;
}

// ---- Paging ----------------------------------------------------------------------------------------

/**
 * Guess: NextToken/PreviousToken are opaque; here base64url of `NTK:<offset>`. An unknown token is
 * `InvalidParameter.NextToken` (or `.PreviousToken`). NextToken wins when both are sent.
 */
function encodeToken(offset: number): string {
  return Buffer.from(`NTK:${offset}`).toString("base64url");
}

function decodeToken(param: string, token: string): number {
  const m = /^NTK:(\d{1,9})$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  if (!m?.[1]) throw E.invalidParameter(param, "not a token this list returned");
  return Number(m[1]);
}

/** The MaxResults/NextToken/PreviousToken page of `items` and the body's paging fields. */
export function tokenPage<T>(items: T[], p: Reader): { page: T[]; paging: Record<string, unknown> } {
  const { min, max, default: def } = EIAM.listMaxResults;
  const size = p.int("MaxResults", { min, max }) ?? def;
  const next = p.str("NextToken");
  const previous = p.str("PreviousToken");
  const offset = next
    ? decodeToken("NextToken", next)
    : previous
      ? decodeToken("PreviousToken", previous)
      : 0;
  const page = items.slice(offset, offset + size);
  return {
    page,
    paging: {
      TotalCount: items.length,
      MaxResults: size,
      ...(offset + size < items.length ? { NextToken: encodeToken(offset + size) } : {}),
      ...(offset > 0 ? { PreviousToken: encodeToken(Math.max(0, offset - size)) } : {}),
    },
  };
}

// ---- Actions ---------------------------------------------------------------------------------------

export type EiamAction =
  | "GetInstance"
  | "CreateApplication"
  | "GetApplication"
  | "ListApplications"
  | "DeleteApplication"
  | "UpdateApplicationInfo"
  | "UpdateApplicationDescription"
  | "EnableApplicationM2MClient"
  | "DisableApplicationM2MClient"
  | "EnableApplicationResourceServer"
  | "DisableApplicationResourceServer"
  | "SetApplicationResourceServerIdentifier"
  | "CreateResourceServerScope"
  | "GetResourceServerScope"
  | "UpdateResourceServerScope"
  | "DeleteResourceServerScope"
  | "ListResourceServerScopes"
  | "AuthorizeResourceServerScopesToClient"
  | "RevokeResourceServerScopesFromClient"
  | "AuthorizeResourceServerToClient"
  | "RevokeResourceServerFromClient"
  | "CreateApplicationClientSecret"
  | "ListApplicationClientSecrets"
  | "ObtainApplicationClientSecret"
  | "EnableApplicationClientSecret"
  | "DisableApplicationClientSecret"
  | "DeleteApplicationClientSecret"
  | "CreateClientPublicKey"
  | "GetClientPublicKey"
  | "ListClientPublicKeys"
  | "EnableClientPublicKey"
  | "DisableClientPublicKey"
  | "SetPrimaryClientPublicKey"
  | "DeleteClientPublicKey"
  | "CreateFederatedCredentialProvider"
  | "GetFederatedCredentialProvider"
  | "UpdateFederatedCredentialProvider"
  | "UpdateFederatedCredentialProviderDescription"
  | "EnableFederatedCredentialProvider"
  | "DisableFederatedCredentialProvider"
  | "DeleteFederatedCredentialProvider"
  | "ListFederatedCredentialProviders"
  | "CreateApplicationFederatedCredential"
  | "GetApplicationFederatedCredential"
  | "UpdateApplicationFederatedCredential"
  | "UpdateApplicationFederatedCredentialDescription"
  | "EnableApplicationFederatedCredential"
  | "DisableApplicationFederatedCredential"
  | "DeleteApplicationFederatedCredential"
  | "ListApplicationFederatedCredentials"
  | "ListApplicationFederatedCredentialsForProvider";

export interface EiamInstanceView {
  /** `host:port` of the DefaultDomain, computed when answered. */
  domain: () => string;
}

export function eiamActions(
  state: EiamState,
  federation: EiamFederation,
  instance: EiamInstanceView,
): ActionMap<EiamAction> {
  /** Every action names the instance first. */
  const act = (mutates: boolean, handle: (p: Reader) => Record<string, unknown>): ActionSpec => ({
    mutates,
    handle: (params) => {
      const p = new Reader(unflatten(params));
      state.checkInstance(p.str("InstanceId", { required: true }));
      return handle(p);
    },
  });
  const appId = (p: Reader, field = "ApplicationId"): string => p.str(field, { required: true });
  const done = {};

  return {
    GetInstance: act(false, () => ({
      Instance: {
        InstanceId: state.instanceId,
        Status: "running",
        Description: "Emulated IDaaS EIAM instance",
        CreateTime: state.instanceCreateTime,
        DomainConfig: { DefaultDomain: instance.domain(), InitDomain: instance.domain() },
      },
    })),

    // ---- Applications ----
    CreateApplication: act(true, (p) => {
      const a = state.createApplication({
        name: p.str("ApplicationName", { required: true }),
        sourceType: p.str("ApplicationSourceType", { required: true }),
        ssoType: p.str("SsoType", { required: true }),
        templateId: p.str("ApplicationTemplateId") || undefined,
        identityType: p.str("ApplicationIdentityType") || undefined,
        description: p.str("Description"),
        logoUrl: p.str("LogoUrl"),
      });
      return { ApplicationId: a.applicationId };
    }),
    GetApplication: act(false, (p) => ({
      Application: applicationBody(state, state.getApplication(appId(p))),
    })),
    ListApplications: act(false, (p) => {
      const { min, max, default: def } = EIAM.listPageSize;
      const pageNumber = p.int("PageNumber", { min: 1 }) ?? 1;
      const pageSize = p.int("PageSize", { min, max }) ?? def;
      const ssoTypes = p.str("SsoType");
      const byStatus = (field: string): string | undefined =>
        p.str(field, { oneOf: ["enabled", "disabled"] }) || undefined;
      const all = state.listApplications({
        ...optional("name", p.str("ApplicationName") || undefined),
        ...optional("status", byStatus("Status")),
        ...optional("ssoTypes", ssoTypes ? ssoTypes.split(",").map((s) => s.trim()) : undefined),
        ...optional("applicationIds", p.strList("ApplicationIds")),
        ...optional("m2mClientStatus", byStatus("M2MClientStatus")),
        ...optional("resourceServerStatus", byStatus("ResourceServerStatus")),
      });
      const page = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
      // ListApplications' model (alibabacloud-eiam20211201 3.0.1) has no M2MClientStatus: only
      // GetApplication answers it.
      const listed = page.map((a) => {
        const { M2MClientStatus: _, ...rest } = applicationBody(state, a);
        return rest;
      });
      return { Applications: listed, TotalCount: all.length };
    }),
    DeleteApplication: act(true, (p) => {
      state.deleteApplication(appId(p));
      return done;
    }),
    // Not in the contract's list: the provider renames and re-describes applications with these.
    UpdateApplicationInfo: act(true, (p) => {
      const name = p.str("ApplicationName");
      state.updateApplicationInfo(appId(p), {
        ...optional("name", name === "" ? undefined : name),
        ...optional("logoUrl", p.str("LogoUrl")),
      });
      return done;
    }),
    UpdateApplicationDescription: act(true, (p) => {
      state.updateApplicationDescription(appId(p), p.str("Description") ?? "");
      return done;
    }),

    // ---- M2M client, resource server ----
    EnableApplicationM2MClient: act(true, (p) => {
      state.setM2MClient(appId(p), true);
      return done;
    }),
    DisableApplicationM2MClient: act(true, (p) => {
      state.setM2MClient(appId(p), false);
      return done;
    }),
    EnableApplicationResourceServer: act(true, (p) => {
      state.setResourceServer(appId(p), true);
      return done;
    }),
    DisableApplicationResourceServer: act(true, (p) => {
      state.setResourceServer(appId(p), false);
      return done;
    }),
    SetApplicationResourceServerIdentifier: act(true, (p) => {
      state.setResourceServerIdentifier(appId(p), p.str("ResourceServerIdentifier", { required: true }));
      return done;
    }),

    // ---- Scopes ----
    CreateResourceServerScope: act(true, (p) => {
      const s = state.createScope(appId(p), {
        name: p.str("ResourceServerScopeName", { required: true }),
        value: p.str("ResourceServerScopeValue", { required: true }),
        type: p.str("ResourceServerScopeType", { required: true }),
        authorizationType: p.str("AuthorizationType") || undefined,
      });
      return { ResourceServerScopeId: s.scopeId };
    }),
    GetResourceServerScope: act(false, (p) => ({
      ResourceServerScope: scopeBody(
        state,
        state.getScope(appId(p), p.str("ResourceServerScopeId", { required: true })),
      ),
    })),
    UpdateResourceServerScope: act(true, (p) => {
      state.updateScopeName(
        appId(p),
        p.str("ResourceServerScopeId", { required: true }),
        p.str("ResourceServerScopeName", { required: true }),
      );
      return done;
    }),
    DeleteResourceServerScope: act(true, (p) => {
      state.deleteScope(appId(p), p.str("ResourceServerScopeId", { required: true }));
      return done;
    }),
    ListResourceServerScopes: act(false, (p) => {
      const ids = p.strList("ResourceServerScopeIds");
      const eq = (field: string): string | undefined => p.str(field) || undefined;
      const authorizationType = eq("AuthorizationType");
      const name = eq("ResourceServerScopeName");
      const type = eq("ResourceServerScopeType");
      const value = eq("ResourceServerScopeValue");
      const all = state
        .listScopes(appId(p))
        .filter((s) => ids === undefined || ids.includes(s.scopeId))
        .filter((s) => authorizationType === undefined || s.authorizationType === authorizationType)
        .filter((s) => name === undefined || s.name === name)
        .filter((s) => type === undefined || s.type === type)
        .filter((s) => value === undefined || s.value === value);
      const { page, paging } = tokenPage(all, p);
      return { ResourceServerScopes: page.map((s) => scopeBody(state, s)), ...paging };
    }),

    // ---- Grants ----
    AuthorizeResourceServerScopesToClient: act(true, (p) => {
      state.authorize(appId(p, "ClientApplicationId"), appId(p, "ResourceServerApplicationId"), scopeIds(p));
      return done;
    }),
    RevokeResourceServerScopesFromClient: act(true, (p) => {
      state.revoke(appId(p, "ClientApplicationId"), appId(p, "ResourceServerApplicationId"), scopeIds(p));
      return done;
    }),
    AuthorizeResourceServerToClient: act(true, (p) => {
      state.authorize(appId(p, "ClientApplicationId"), appId(p, "ResourceServerApplicationId"));
      return done;
    }),
    RevokeResourceServerFromClient: act(true, (p) => {
      state.revoke(appId(p, "ClientApplicationId"), appId(p, "ResourceServerApplicationId"));
      return done;
    }),

    // ---- Client secrets ----
    CreateApplicationClientSecret: act(true, (p) => {
      const id = appId(p);
      const s = state.createSecret(id, p.int("ExpirationTime"));
      return {
        ApplicationClientSecret: {
          ClientId: state.getApplication(id).clientId,
          ClientSecret: s.value,
          SecretId: s.secretId,
        },
      };
    }),
    ListApplicationClientSecrets: act(false, (p) => {
      const list = state.listSecrets(appId(p));
      return {
        ApplicationClientSecrets: list.map((s) => secretBody(state, s, false)),
        TotalCount: list.length,
      };
    }),
    ObtainApplicationClientSecret: act(false, (p) => ({
      ApplicationClientSecret: secretBody(
        state,
        state.getSecret(appId(p), p.str("SecretId", { required: true })),
        true,
      ),
    })),
    EnableApplicationClientSecret: act(true, (p) => {
      state.setSecretEnabled(appId(p), p.str("SecretId", { required: true }), true);
      return done;
    }),
    DisableApplicationClientSecret: act(true, (p) => {
      state.setSecretEnabled(appId(p), p.str("SecretId", { required: true }), false);
      return done;
    }),
    DeleteApplicationClientSecret: act(true, (p) => {
      state.deleteSecret(appId(p), p.str("SecretId", { required: true }));
      return done;
    }),

    // ---- Client public keys ----
    CreateClientPublicKey: act(true, (p) => {
      const k = state.createPublicKey(appId(p), {
        algorithmType: p.str("AlgorithmType", { required: true }),
        pem: p.str("PublicKey", { required: true }),
        clientToken: p.str("ClientToken") || undefined,
      });
      return { ClientPublicKeyId: k.publicKeyId };
    }),
    GetClientPublicKey: act(false, (p) => ({
      ClientPublicKey: publicKeyBody(state, state.getPublicKey(appId(p), keyId(p))),
    })),
    ListClientPublicKeys: act(false, (p) => {
      const { page, paging } = tokenPage(state.listPublicKeys(appId(p)), p);
      return { ClientPublicKeys: page.map((k) => publicKeyBody(state, k)), ...paging };
    }),
    EnableClientPublicKey: act(true, (p) => {
      state.setPublicKeyEnabled(appId(p), keyId(p), true);
      return done;
    }),
    DisableClientPublicKey: act(true, (p) => {
      state.setPublicKeyEnabled(appId(p), keyId(p), false);
      return done;
    }),
    SetPrimaryClientPublicKey: act(true, (p) => {
      state.setPrimaryPublicKey(appId(p), keyId(p));
      return done;
    }),
    DeleteClientPublicKey: act(true, (p) => {
      state.deletePublicKey(appId(p), keyId(p));
      return done;
    }),

    // ---- Federated credential providers ----
    CreateFederatedCredentialProvider: act(true, (p) => ({
      FederatedCredentialProviderId: federation.createProvider(p).providerId,
    })),
    GetFederatedCredentialProvider: act(false, (p) => ({
      FederatedCredentialProvider: providerBody(state, federation.getProvider(providerId(p))),
    })),
    UpdateFederatedCredentialProvider: act(true, (p) => {
      federation.updateProvider(p);
      return done;
    }),
    UpdateFederatedCredentialProviderDescription: act(true, (p) => {
      federation.updateProviderDescription(providerId(p), p.str("Description") ?? "");
      return done;
    }),
    EnableFederatedCredentialProvider: act(true, (p) => {
      federation.setProviderEnabled(providerId(p), true);
      return done;
    }),
    DisableFederatedCredentialProvider: act(true, (p) => {
      federation.setProviderEnabled(providerId(p), false);
      return done;
    }),
    DeleteFederatedCredentialProvider: act(true, (p) => {
      federation.deleteProvider(providerId(p));
      return done;
    }),
    ListFederatedCredentialProviders: act(false, (p) => {
      const all = federation.listProviders({
        ...optional("name", p.str("FederatedCredentialProviderName") || undefined),
        ...optional("type", p.str("FederatedCredentialProviderType") || undefined),
      });
      const { page, paging } = tokenPage(all, p);
      return { FederatedCredentialProviders: page.map((x) => providerBody(state, x)), ...paging };
    }),

    // ---- Application federated credentials ----
    CreateApplicationFederatedCredential: act(true, (p) => ({
      ApplicationFederatedCredentialId: federation.createCredential(p).credentialId,
    })),
    GetApplicationFederatedCredential: act(false, (p) => ({
      ApplicationFederatedCredential: credentialBody(
        state,
        federation.getCredential(appId(p), credentialId(p)),
        true,
      ),
    })),
    UpdateApplicationFederatedCredential: act(true, (p) => {
      federation.updateCredential(p);
      return done;
    }),
    UpdateApplicationFederatedCredentialDescription: act(true, (p) => {
      federation.updateCredentialDescription(appId(p), credentialId(p), p.str("Description") ?? "");
      return done;
    }),
    EnableApplicationFederatedCredential: act(true, (p) => {
      federation.setCredentialEnabled(appId(p), credentialId(p), true);
      return done;
    }),
    DisableApplicationFederatedCredential: act(true, (p) => {
      federation.setCredentialEnabled(appId(p), credentialId(p), false);
      return done;
    }),
    DeleteApplicationFederatedCredential: act(true, (p) => {
      federation.deleteCredential(appId(p), credentialId(p));
      return done;
    }),
    ListApplicationFederatedCredentials: act(false, (p) => {
      const all = federation.listCredentials({
        applicationId: appId(p),
        ...optional("type", p.str("ApplicationFederatedCredentialType") || undefined),
      });
      const { page, paging } = tokenPage(all, p);
      return { ApplicationFederatedCredentials: page.map((c) => credentialBody(state, c, false)), ...paging };
    }),
    ListApplicationFederatedCredentialsForProvider: act(false, (p) => {
      const id = p.str("FederatedCredentialProviderId") || undefined;
      if (id !== undefined) federation.getProvider(id);
      const { page, paging } = tokenPage(federation.listCredentials(optional("providerId", id)), p);
      return { ApplicationFederatedCredentials: page.map((c) => credentialBody(state, c, false)), ...paging };
    }),
  };
}

function scopeIds(p: Reader): string[] {
  const ids = p.strList("ResourceServerScopeIds");
  if (!ids || ids.length === 0 || ids.some((x) => x === ""))
    throw E.missingParameter("ResourceServerScopeIds");
  return ids;
}

const keyId = (p: Reader): string => p.str("ClientPublicKeyId", { required: true });
const providerId = (p: Reader): string => p.str("FederatedCredentialProviderId", { required: true });
const credentialId = (p: Reader): string => p.str("ApplicationFederatedCredentialId", { required: true });
