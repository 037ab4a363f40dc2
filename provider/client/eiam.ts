/**
 * IDaaS EIAM 2021-12-01 operations the `Idaas*` resources use, through the
 * generic client (no Node SDK exists). Parameter and field names are those of
 * the official `alibabacloud-eiam20211201` models (docs/alibaba-api.md §7).
 * API reference: https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-overview
 */
import { randomUUID } from "node:crypto";
import { registerSecret } from "../errors";
import { callEiamRpc, type RpcValue } from "./generic";
import type { Session } from "./session";

type Body = Record<string, unknown>;

/**
 * A `ClientToken` for one logical call: the retries of that call send the same token, so the
 * service does the work once. Taken by CreateClientPublicKey (required), Enable/DisableClientPublicKey,
 * SetApplicationResourceServerIdentifier and UpdateApplicationInfo; not by CreateApplication,
 * CreateApplicationClientSecret, CreateResourceServerScope or the federated-credential creates
 * (the `alibabacloud-eiam20211201` request models). At most 64 ASCII characters:
 * https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createclientpublickey
 * and https://www.alibabacloud.com/help/en/ecs/developer-reference/how-to-ensure-idempotence
 */
export const clientToken = (): string => randomUUID();

function str(v: unknown): string {
  return typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);
}
function obj(v: unknown): Body {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Body) : {};
}
function list(v: unknown): Body[] {
  return Array.isArray(v) ? v.map(obj) : [];
}
function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(str) : [];
}

// ---------------------------------------------------------------- instance

export interface InstanceRecord {
  instanceId: string;
  /** `host[:port]` the instance's OAuth endpoints live on. */
  defaultDomain: string;
}

/** GetInstance: https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-getinstance */
export async function getInstance(s: Session, instanceId: string): Promise<InstanceRecord> {
  const body = await callEiamRpc(s, "GetInstance", { InstanceId: instanceId });
  const inst = obj(body.Instance);
  const domain = obj(inst.DomainConfig);
  return {
    instanceId: str(inst.InstanceId) || instanceId,
    defaultDomain: str(domain.DefaultDomain) || str(obj(inst.DefaultEndpoint).Endpoint),
  };
}

// ------------------------------------------------------------ applications

export interface ApplicationRecord {
  applicationId: string;
  applicationName: string;
  clientId: string;
  description: string;
  status: string;
  m2mClientStatus: string;
  resourceServerStatus: string;
  resourceServerIdentifier: string;
}

/** A standard-protocol (OIDC) application, the kind an M2M client or resource server is made from. */
export async function createApplication(
  s: Session,
  instanceId: string,
  args: { name: string; description?: string },
): Promise<string> {
  const body = await callEiamRpc(s, "CreateApplication", {
    InstanceId: instanceId,
    ApplicationName: args.name,
    ApplicationSourceType: "urn:alibaba:idaas:app:source:standard",
    SsoType: "oidc",
    Description: args.description === "" ? undefined : args.description,
  });
  return str(body.ApplicationId);
}

/** An object found by its natural key after a create whose answer was lost. */
export interface Created {
  id: string;
  name: string;
  description: string;
  /** Epoch ms. */
  createTime: number;
}

const num = (v: unknown): number => (typeof v === "number" ? v : Number(v ?? Number.NaN));

/** Pages of a NextToken-paged list (MaxResults 100). */
async function allPages(
  s: Session,
  action: string,
  query: Record<string, RpcValue>,
  listKey: string,
): Promise<Body[]> {
  const out: Body[] = [];
  let next: string | undefined;
  do {
    const body = await callEiamRpc(s, action, { ...query, MaxResults: 100, NextToken: next });
    out.push(...list(body[listKey]));
    next = str(body.NextToken) || undefined;
  } while (next);
  return out;
}

/**
 * Applications with this exact name (ListApplications filters by name; names are not unique),
 * for finding the one a lost CreateApplication made.
 * https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-listapplications
 */
export async function listApplicationsNamed(
  s: Session,
  instanceId: string,
  name: string,
): Promise<Created[]> {
  const out: Created[] = [];
  for (let page = 1; ; page++) {
    const body = await callEiamRpc(s, "ListApplications", {
      InstanceId: instanceId,
      ApplicationName: name,
      PageNumber: page,
      PageSize: 100,
    });
    const items = list(body.Applications);
    for (const a of items)
      if (str(a.ApplicationName) === name)
        out.push({
          id: str(a.ApplicationId),
          name: str(a.ApplicationName),
          description: str(a.Description),
          createTime: num(a.CreateTime),
        });
    if (items.length < 100 || page * 100 >= num(body.TotalCount)) return out;
  }
}

export async function getApplication(
  s: Session,
  instanceId: string,
  applicationId: string,
): Promise<ApplicationRecord> {
  const body = await callEiamRpc(s, "GetApplication", {
    InstanceId: instanceId,
    ApplicationId: applicationId,
  });
  const a = obj(body.Application);
  return {
    applicationId: str(a.ApplicationId),
    applicationName: str(a.ApplicationName),
    clientId: str(a.ClientId),
    description: str(a.Description),
    status: str(a.Status),
    m2mClientStatus: str(a.M2MClientStatus),
    resourceServerStatus: str(a.ResourceServerStatus),
    resourceServerIdentifier: str(a.ResourceServerIdentifier),
  };
}

export async function updateApplicationDescription(
  s: Session,
  instanceId: string,
  applicationId: string,
  description: string,
): Promise<void> {
  await callEiamRpc(s, "UpdateApplicationDescription", {
    InstanceId: instanceId,
    ApplicationId: applicationId,
    Description: description,
  });
}

/** UpdateApplicationInfo: the rename (its other fields are left alone when omitted). */
export async function renameApplication(
  s: Session,
  instanceId: string,
  applicationId: string,
  name: string,
): Promise<void> {
  await callEiamRpc(s, "UpdateApplicationInfo", {
    InstanceId: instanceId,
    ApplicationId: applicationId,
    ApplicationName: name,
    ClientToken: clientToken(),
  });
}

export async function deleteApplication(
  s: Session,
  instanceId: string,
  applicationId: string,
): Promise<void> {
  await callEiamRpc(s, "DeleteApplication", { InstanceId: instanceId, ApplicationId: applicationId });
}

/** Enable/DisableApplicationM2MClient and Enable/DisableApplicationResourceServer. */
export async function setAppFeature(
  s: Session,
  instanceId: string,
  applicationId: string,
  feature: "M2MClient" | "ResourceServer",
  enabled: boolean,
): Promise<void> {
  await callEiamRpc(s, `${enabled ? "Enable" : "Disable"}Application${feature}`, {
    InstanceId: instanceId,
    ApplicationId: applicationId,
  });
}

export async function setResourceServerIdentifier(
  s: Session,
  instanceId: string,
  applicationId: string,
  identifier: string,
): Promise<void> {
  await callEiamRpc(s, "SetApplicationResourceServerIdentifier", {
    InstanceId: instanceId,
    ApplicationId: applicationId,
    ResourceServerIdentifier: identifier,
    ClientToken: clientToken(),
  });
}

// ------------------------------------------------------------------ scopes

export interface ScopeRecord {
  scopeId: string;
  name: string;
  value: string;
  type: string;
}

export async function createScope(
  s: Session,
  instanceId: string,
  applicationId: string,
  scope: { name: string; value: string; type: string },
): Promise<string> {
  const body = await callEiamRpc(s, "CreateResourceServerScope", {
    InstanceId: instanceId,
    ApplicationId: applicationId,
    ResourceServerScopeName: scope.name,
    ResourceServerScopeValue: scope.value,
    ResourceServerScopeType: scope.type,
  });
  return str(body.ResourceServerScopeId);
}

export async function updateScopeName(
  s: Session,
  instanceId: string,
  applicationId: string,
  scopeId: string,
  name: string,
): Promise<void> {
  await callEiamRpc(s, "UpdateResourceServerScope", {
    InstanceId: instanceId,
    ApplicationId: applicationId,
    ResourceServerScopeId: scopeId,
    ResourceServerScopeName: name,
  });
}

export async function deleteScope(
  s: Session,
  instanceId: string,
  applicationId: string,
  scopeId: string,
): Promise<void> {
  await callEiamRpc(s, "DeleteResourceServerScope", {
    InstanceId: instanceId,
    ApplicationId: applicationId,
    ResourceServerScopeId: scopeId,
  });
}

/** All scopes of a resource server, following NextToken (100 a page). */
export async function listScopes(
  s: Session,
  instanceId: string,
  applicationId: string,
): Promise<ScopeRecord[]> {
  const out: ScopeRecord[] = [];
  let nextToken: string | undefined;
  do {
    const body = await callEiamRpc(s, "ListResourceServerScopes", {
      InstanceId: instanceId,
      ApplicationId: applicationId,
      MaxResults: 100,
      NextToken: nextToken,
    });
    for (const r of list(body.ResourceServerScopes))
      out.push({
        scopeId: str(r.ResourceServerScopeId),
        name: str(r.ResourceServerScopeName),
        value: str(r.ResourceServerScopeValue),
        type: str(r.ResourceServerScopeType),
      });
    nextToken = str(body.NextToken) || undefined;
  } while (nextToken);
  return out;
}

/** Authorize/RevokeResourceServerScopes(To|From)Client. */
export async function setScopeGrant(
  s: Session,
  instanceId: string,
  grant: { clientApplicationId: string; resourceServerApplicationId: string; scopeIds: string[] },
  granted: boolean,
): Promise<void> {
  if (grant.scopeIds.length === 0) return;
  await callEiamRpc(
    s,
    granted ? "AuthorizeResourceServerScopesToClient" : "RevokeResourceServerScopesFromClient",
    {
      InstanceId: instanceId,
      ClientApplicationId: grant.clientApplicationId,
      ResourceServerApplicationId: grant.resourceServerApplicationId,
      ResourceServerScopeIds: grant.scopeIds,
    },
  );
}

// ---------------------------------------------------------- client secrets

export interface ClientSecretRecord {
  secretId: string;
  status: string;
  expirationTime: number | undefined;
}

/** The value comes back once here; it is registered for masking before anything else sees it. */
export async function createClientSecret(
  s: Session,
  instanceId: string,
  applicationId: string,
  expirationTime: number | undefined,
): Promise<{ secretId: string; clientId: string; clientSecret: string }> {
  const body = await callEiamRpc(s, "CreateApplicationClientSecret", {
    InstanceId: instanceId,
    ApplicationId: applicationId,
    ExpirationTime: expirationTime,
  });
  const secret = obj(body.ApplicationClientSecret);
  const clientSecret = str(secret.ClientSecret);
  registerSecret(clientSecret);
  return { secretId: str(secret.SecretId), clientId: str(secret.ClientId), clientSecret };
}

export async function listClientSecrets(
  s: Session,
  instanceId: string,
  applicationId: string,
): Promise<ClientSecretRecord[]> {
  const body = await callEiamRpc(s, "ListApplicationClientSecrets", {
    InstanceId: instanceId,
    ApplicationId: applicationId,
  });
  return list(body.ApplicationClientSecrets).map((r) => ({
    secretId: str(r.SecretId),
    status: str(r.Status),
    expirationTime:
      typeof r.ExpirationTime === "number" && r.ExpirationTime > 0 ? r.ExpirationTime : undefined,
  }));
}

/**
 * ObtainApplicationClientSecret: a secret's value, for the one secret a lost create made.
 * https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-obtainapplicationclientsecret
 */
export async function obtainClientSecret(
  s: Session,
  instanceId: string,
  applicationId: string,
  secretId: string,
): Promise<{ secretId: string; clientId: string; clientSecret: string }> {
  const body = await callEiamRpc(s, "ObtainApplicationClientSecret", {
    InstanceId: instanceId,
    ApplicationId: applicationId,
    SecretId: secretId,
  });
  const secret = obj(body.ApplicationClientSecret);
  const clientSecret = str(secret.ClientSecret);
  registerSecret(clientSecret);
  return { secretId: str(secret.SecretId) || secretId, clientId: str(secret.ClientId), clientSecret };
}

/** EnableApplicationClientSecret: brings back a secret someone disabled out of band. */
export async function enableClientSecret(
  s: Session,
  instanceId: string,
  applicationId: string,
  secretId: string,
): Promise<void> {
  await callEiamRpc(s, "EnableApplicationClientSecret", {
    InstanceId: instanceId,
    ApplicationId: applicationId,
    SecretId: secretId,
  });
}

export async function deleteClientSecret(
  s: Session,
  instanceId: string,
  applicationId: string,
  secretId: string,
): Promise<void> {
  await callEiamRpc(s, "DeleteApplicationClientSecret", {
    InstanceId: instanceId,
    ApplicationId: applicationId,
    SecretId: secretId,
  });
}

// ------------------------------------------------------ client public keys

export interface ClientPublicKeyRecord {
  clientPublicKeyId: string;
  algorithmType: string;
  publicKey: string;
  status: string;
}

export async function createClientPublicKey(
  s: Session,
  instanceId: string,
  applicationId: string,
  key: { algorithmType: string; publicKey: string },
): Promise<string> {
  const body = await callEiamRpc(s, "CreateClientPublicKey", {
    InstanceId: instanceId,
    ApplicationId: applicationId,
    AlgorithmType: key.algorithmType,
    PublicKey: key.publicKey,
    // Every retry of this call repeats the token: the service answers the key it made.
    ClientToken: clientToken(),
  });
  return str(body.ClientPublicKeyId);
}

export async function getClientPublicKey(
  s: Session,
  instanceId: string,
  applicationId: string,
  clientPublicKeyId: string,
): Promise<ClientPublicKeyRecord> {
  const body = await callEiamRpc(s, "GetClientPublicKey", {
    InstanceId: instanceId,
    ApplicationId: applicationId,
    ClientPublicKeyId: clientPublicKeyId,
  });
  const k = obj(body.ClientPublicKey);
  return {
    clientPublicKeyId: str(k.ClientPublicKeyId),
    algorithmType: str(k.AlgorithmType),
    publicKey: str(k.PublicKey),
    status: str(k.Status),
  };
}

/** Every public key of an application, for finding the one a lost create made (same PEM). */
export async function listClientPublicKeys(
  s: Session,
  instanceId: string,
  applicationId: string,
): Promise<(ClientPublicKeyRecord & { createTime: number })[]> {
  const items = await allPages(
    s,
    "ListClientPublicKeys",
    { InstanceId: instanceId, ApplicationId: applicationId },
    "ClientPublicKeys",
  );
  return items.map((k) => ({
    clientPublicKeyId: str(k.ClientPublicKeyId),
    algorithmType: str(k.AlgorithmType),
    publicKey: str(k.PublicKey),
    status: str(k.Status),
    createTime: num(k.CreateTime),
  }));
}

export async function deleteClientPublicKey(
  s: Session,
  instanceId: string,
  applicationId: string,
  clientPublicKeyId: string,
): Promise<void> {
  await callEiamRpc(s, "DeleteClientPublicKey", {
    InstanceId: instanceId,
    ApplicationId: applicationId,
    ClientPublicKeyId: clientPublicKeyId,
  });
}

/** Enable/DisableClientPublicKey: https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-enableclientpublickey */
export async function setClientPublicKeyEnabled(
  s: Session,
  instanceId: string,
  applicationId: string,
  clientPublicKeyId: string,
  enabled: boolean,
): Promise<void> {
  await callEiamRpc(s, `${enabled ? "Enable" : "Disable"}ClientPublicKey`, {
    InstanceId: instanceId,
    ApplicationId: applicationId,
    ClientPublicKeyId: clientPublicKeyId,
    ClientToken: clientToken(),
  });
}

// ----------------------------------------- federated credential providers

/** The wire form of a provider's type-specific configuration (model field names). */
export type ProviderConfigWire = Record<string, RpcValue>;

export interface FederatedCredentialProviderRecord {
  providerId: string;
  name: string;
  type: string;
  description: string;
  status: string;
  oidc:
    | {
        issuer: string;
        jwksSource: string;
        jwksUri: string;
        staticJwks: string;
        audiences: string[];
        trustCondition: string;
      }
    | undefined;
  certificates: { certificates: string[]; trustCondition: string } | undefined;
}

/** The config parameter each provider type takes. */
export const PROVIDER_CONFIG_PARAM = {
  oidc: "OidcProviderConfig",
  pkcs7: "Pkcs7ProviderConfig",
  private_ca: "PrivateCaProviderConfig",
} as const;

export async function createFederatedCredentialProvider(
  s: Session,
  instanceId: string,
  args: {
    name: string;
    type: keyof typeof PROVIDER_CONFIG_PARAM;
    description?: string;
    config: ProviderConfigWire;
  },
): Promise<string> {
  const body = await callEiamRpc(s, "CreateFederatedCredentialProvider", {
    InstanceId: instanceId,
    FederatedCredentialProviderName: args.name,
    FederatedCredentialProviderType: args.type,
    Description: args.description === "" ? undefined : args.description,
    [PROVIDER_CONFIG_PARAM[args.type]]: args.config,
  });
  return str(body.FederatedCredentialProviderId);
}

/** Providers with this name (unique per instance), for finding the one a lost create made. */
export async function listFederatedCredentialProvidersNamed(
  s: Session,
  instanceId: string,
  name: string,
): Promise<Created[]> {
  const items = await allPages(
    s,
    "ListFederatedCredentialProviders",
    { InstanceId: instanceId, FederatedCredentialProviderName: name },
    "FederatedCredentialProviders",
  );
  return items
    .filter((x) => str(x.FederatedCredentialProviderName) === name)
    .map((x) => ({
      id: str(x.FederatedCredentialProviderId),
      name,
      description: str(x.Description),
      createTime: num(x.CreateTime),
    }));
}

function certContents(v: unknown): string[] {
  return list(v).map((c) => str(c.Content));
}

export async function getFederatedCredentialProvider(
  s: Session,
  instanceId: string,
  providerId: string,
): Promise<FederatedCredentialProviderRecord> {
  const body = await callEiamRpc(s, "GetFederatedCredentialProvider", {
    InstanceId: instanceId,
    FederatedCredentialProviderId: providerId,
  });
  const p = obj(body.FederatedCredentialProvider);
  const oidc = p.OidcProviderConfig ? obj(p.OidcProviderConfig) : undefined;
  const certs = p.Pkcs7ProviderConfig
    ? obj(p.Pkcs7ProviderConfig)
    : p.PrivateCaProviderConfig
      ? obj(p.PrivateCaProviderConfig)
      : undefined;
  return {
    providerId: str(p.FederatedCredentialProviderId),
    name: str(p.FederatedCredentialProviderName),
    type: str(p.FederatedCredentialProviderType),
    description: str(p.Description),
    status: str(p.Status),
    oidc: oidc
      ? {
          issuer: str(oidc.Issuer),
          jwksSource: str(oidc.JwksSource),
          jwksUri: str(oidc.JwksUri),
          staticJwks: str(oidc.StaticJwks),
          audiences: strings(oidc.Audiences),
          trustCondition: str(oidc.TrustCondition),
        }
      : undefined,
    certificates: certs
      ? { certificates: certContents(certs.Certificates), trustCondition: str(certs.TrustCondition) }
      : undefined,
  };
}

export async function updateFederatedCredentialProvider(
  s: Session,
  instanceId: string,
  providerId: string,
  args: { name: string; type: keyof typeof PROVIDER_CONFIG_PARAM; config: ProviderConfigWire },
): Promise<void> {
  await callEiamRpc(s, "UpdateFederatedCredentialProvider", {
    InstanceId: instanceId,
    FederatedCredentialProviderId: providerId,
    FederatedCredentialProviderName: args.name,
    [PROVIDER_CONFIG_PARAM[args.type]]: args.config,
  });
}

export async function updateFederatedCredentialProviderDescription(
  s: Session,
  instanceId: string,
  providerId: string,
  description: string,
): Promise<void> {
  await callEiamRpc(s, "UpdateFederatedCredentialProviderDescription", {
    InstanceId: instanceId,
    FederatedCredentialProviderId: providerId,
    Description: description,
  });
}

export async function deleteFederatedCredentialProvider(
  s: Session,
  instanceId: string,
  providerId: string,
): Promise<void> {
  await callEiamRpc(s, "DeleteFederatedCredentialProvider", {
    InstanceId: instanceId,
    FederatedCredentialProviderId: providerId,
  });
}

/** Enable/DisableFederatedCredentialProvider: https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-enablefederatedcredentialprovider */
export async function setFederatedCredentialProviderEnabled(
  s: Session,
  instanceId: string,
  providerId: string,
  enabled: boolean,
): Promise<void> {
  await callEiamRpc(s, `${enabled ? "Enable" : "Disable"}FederatedCredentialProvider`, {
    InstanceId: instanceId,
    FederatedCredentialProviderId: providerId,
  });
}

// -------------------------------------- application federated credentials

export interface ApplicationFederatedCredentialRecord {
  credentialId: string;
  name: string;
  type: string;
  providerId: string;
  description: string;
  status: string;
  verificationMode: string;
  verificationCondition: string;
  oidcVerificationConfig: Body | undefined;
  attributeMappings: { sourceValueExpression: string; targetField: string }[];
}

export interface ApplicationFederatedCredentialWire {
  verificationMode: "structured" | "freedom";
  verificationCondition?: string;
  oidcVerificationConfig?: Record<string, RpcValue>;
  attributeMappings?: { sourceValueExpression: string; targetField: string }[];
}

function credentialQuery(w: ApplicationFederatedCredentialWire): Record<string, RpcValue> {
  return {
    VerificationCondition: w.verificationMode === "freedom" ? w.verificationCondition : undefined,
    OidcVerificationConfig: w.verificationMode === "structured" ? w.oidcVerificationConfig : undefined,
    AttributeMappings:
      w.attributeMappings && w.attributeMappings.length > 0
        ? w.attributeMappings.map((m) => ({
            SourceValueExpression: m.sourceValueExpression,
            TargetField: m.targetField,
          }))
        : undefined,
  };
}

export async function createApplicationFederatedCredential(
  s: Session,
  instanceId: string,
  applicationId: string,
  args: ApplicationFederatedCredentialWire & {
    name: string;
    type: string;
    providerId: string;
    description?: string;
  },
): Promise<string> {
  const body = await callEiamRpc(s, "CreateApplicationFederatedCredential", {
    InstanceId: instanceId,
    ApplicationId: applicationId,
    FederatedCredentialProviderId: args.providerId,
    ApplicationFederatedCredentialType: args.type,
    ApplicationFederatedCredentialName: args.name,
    Description: args.description === "" ? undefined : args.description,
    VerificationMode: args.verificationMode,
    ...credentialQuery(args),
  });
  return str(body.ApplicationFederatedCredentialId);
}

/** An application's credentials with this name (unique per application), for a lost create. */
export async function listApplicationFederatedCredentialsNamed(
  s: Session,
  instanceId: string,
  applicationId: string,
  name: string,
): Promise<Created[]> {
  const items = await allPages(
    s,
    "ListApplicationFederatedCredentials",
    { InstanceId: instanceId, ApplicationId: applicationId },
    "ApplicationFederatedCredentials",
  );
  return items
    .filter((x) => str(x.ApplicationFederatedCredentialName) === name)
    .map((x) => ({
      id: str(x.ApplicationFederatedCredentialId),
      name,
      description: str(x.Description),
      createTime: num(x.CreateTime),
    }));
}

export async function getApplicationFederatedCredential(
  s: Session,
  instanceId: string,
  applicationId: string,
  credentialId: string,
): Promise<ApplicationFederatedCredentialRecord> {
  const body = await callEiamRpc(s, "GetApplicationFederatedCredential", {
    InstanceId: instanceId,
    ApplicationId: applicationId,
    ApplicationFederatedCredentialId: credentialId,
  });
  const c = obj(body.ApplicationFederatedCredential);
  return {
    credentialId: str(c.ApplicationFederatedCredentialId),
    name: str(c.ApplicationFederatedCredentialName),
    type: str(c.ApplicationFederatedCredentialType),
    providerId: str(c.FederatedCredentialProviderId),
    description: str(c.Description),
    status: str(c.Status),
    verificationMode: str(c.VerificationMode),
    verificationCondition: str(c.VerificationCondition),
    oidcVerificationConfig: c.OidcVerificationConfig ? obj(c.OidcVerificationConfig) : undefined,
    attributeMappings: list(c.AttributeMappings).map((m) => ({
      sourceValueExpression: str(m.SourceValueExpression),
      targetField: str(m.TargetField),
    })),
  };
}

export async function updateApplicationFederatedCredential(
  s: Session,
  instanceId: string,
  applicationId: string,
  credentialId: string,
  args: ApplicationFederatedCredentialWire,
): Promise<void> {
  await callEiamRpc(s, "UpdateApplicationFederatedCredential", {
    InstanceId: instanceId,
    ApplicationId: applicationId,
    ApplicationFederatedCredentialId: credentialId,
    ...credentialQuery(args),
  });
}

export async function updateApplicationFederatedCredentialDescription(
  s: Session,
  instanceId: string,
  applicationId: string,
  credentialId: string,
  description: string,
): Promise<void> {
  await callEiamRpc(s, "UpdateApplicationFederatedCredentialDescription", {
    InstanceId: instanceId,
    ApplicationId: applicationId,
    ApplicationFederatedCredentialId: credentialId,
    Description: description,
  });
}

export async function deleteApplicationFederatedCredential(
  s: Session,
  instanceId: string,
  applicationId: string,
  credentialId: string,
): Promise<void> {
  await callEiamRpc(s, "DeleteApplicationFederatedCredential", {
    InstanceId: instanceId,
    ApplicationId: applicationId,
    ApplicationFederatedCredentialId: credentialId,
  });
}

/** Enable/DisableApplicationFederatedCredential: https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-enableapplicationfederatedcredential */
export async function setApplicationFederatedCredentialEnabled(
  s: Session,
  instanceId: string,
  applicationId: string,
  credentialId: string,
  enabled: boolean,
): Promise<void> {
  await callEiamRpc(s, `${enabled ? "Enable" : "Disable"}ApplicationFederatedCredential`, {
    InstanceId: instanceId,
    ApplicationId: applicationId,
    ApplicationFederatedCredentialId: credentialId,
  });
}
