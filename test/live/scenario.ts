/**
 * One call of every emulated action, in an order that makes each possible (create, read, update,
 * list, then delete), with every object named from the run's prefix so a live run can clean up and
 * the sweeper can find leftovers. The same steps run against the emulator (in CI) and against a
 * real account (live mode); the steps' answers are what the shape snapshots record
 * (test/live/snapshots.json) and what the official SDKs' models are checked against.
 *
 * A step's id is `<product>.<Action>` for the normal answer, `<product>.<Action>#<case>` for an
 * error probe (an expected refusal whose code and status are recorded).
 */
import { generateKeyPairSync } from "node:crypto";

export type Product = "ims" | "ram" | "sts" | "eiam";
export type Params = Record<string, unknown>;

export interface Step {
  id: string;
  product: Product;
  action: string;
  params: () => Params;
  /** Reads ids the later steps need out of the answer. */
  after?: (body: Record<string, unknown>) => void;
  /** An error probe: the refusal expected (the code is recorded, not asserted here). */
  expectError?: true;
  /** False for actions the official SDKs have no method for (IMS application assignments). */
  sdk?: false;
  /** Steps that need IDaaS (an EIAM instance id). */
  eiam?: true;
  /** Steps that need the official CLI application installed. */
  needsOfficialCli?: true;
  /**
   * Changes account-wide state a person may rely on (installing or removing the official CLI
   * application): left out of live runs.
   */
  sharedState?: true;
}

export interface ScenarioContext {
  /** Every object's name starts with it (live mode's per-run prefix). */
  prefix: string;
  /** The EIAM instance to use; EIAM steps are left out without one. */
  eiamInstanceId?: string;
  /** The account id (for principal names). */
  accountId: string;
  /** Live runs leave out the steps that change account-wide state. */
  live?: boolean;
  /**
   * Whether the official CLI application is installed in the account (live runs do not install
   * it): its read and assignment steps need it. Default true.
   */
  officialCli?: boolean;
}

const OFFICIAL_CLI = "4038181954557748008";
const FINGERPRINT_A = "a".repeat(40);
const FINGERPRINT_B = "b".repeat(40);

/** The steps, in order. Ids the answers carry are kept in closures between steps. */
export function scenario(ctx: ScenarioContext): Step[] {
  const p = ctx.prefix;
  const ids: Record<string, string> = {};
  const save =
    (key: string, read: (b: Record<string, unknown>) => unknown) =>
    (b: Record<string, unknown>): void => {
      ids[key] = String(read(b));
    };
  const get = (b: Record<string, unknown>, path: string): unknown =>
    path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], b);
  const oidc = `${p}gh`;
  const role = `${p}role`;
  const policy = `${p}policy`;
  const ramUser = `${p}user`;
  const trust = JSON.stringify({
    Version: "1",
    Statement: [
      {
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Principal: { Federated: [`acs:ram::${ctx.accountId}:oidc-provider/${oidc}`] },
        Condition: {
          StringEquals: { "oidc:aud": "sts.aliyuncs.com", "oidc:iss": "https://issuer.example.com" },
        },
      },
    ],
  });
  const policyDoc = JSON.stringify({
    Version: "1",
    Statement: [{ Effect: "Allow", Action: "ram:GetRole", Resource: "*" }],
  });
  const publicKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({
    type: "spki",
    format: "pem",
  }) as string;

  const ims = (action: string, params: () => Params, more: Partial<Step> = {}): Step => ({
    id: `ims.${action}`,
    product: "ims",
    action,
    params,
    ...more,
  });
  const ram = (action: string, params: () => Params, more: Partial<Step> = {}): Step => ({
    id: `ram.${action}`,
    product: "ram",
    action,
    params,
    ...more,
  });
  const eiam = (action: string, params: () => Params, more: Partial<Step> = {}): Step => ({
    id: `eiam.${action}`,
    product: "eiam",
    action,
    params: () => ({ InstanceId: ctx.eiamInstanceId, ...params() }),
    eiam: true,
    ...more,
  });
  const app = () => ({ ApplicationId: ids.eiamApp });

  const steps: Step[] = [
    // ---- STS -------------------------------------------------------------------------------
    {
      id: "sts.GetCallerIdentity",
      product: "sts",
      action: "GetCallerIdentity",
      params: () => ({}),
    },
    // ---- IMS OIDC providers -----------------------------------------------------------------
    ims("CreateOIDCProvider", () => ({
      OIDCProviderName: oidc,
      IssuerUrl: "https://issuer.example.com",
      Fingerprints: FINGERPRINT_A,
      ClientIds: "sts.aliyuncs.com",
      IssuanceLimitTime: 12,
      Description: "probe",
    })),
    {
      ...ims("CreateOIDCProvider", () => ({
        OIDCProviderName: oidc,
        IssuerUrl: "https://issuer.example.com",
        Fingerprints: FINGERPRINT_A,
      })),
      id: "ims.CreateOIDCProvider#duplicate-name",
      expectError: true,
    },
    ims("GetOIDCProvider", () => ({ OIDCProviderName: oidc })),
    {
      ...ims("GetOIDCProvider", () => ({ OIDCProviderName: `${p}missing` })),
      id: "ims.GetOIDCProvider#not-found",
      expectError: true,
    },
    ims("UpdateOIDCProvider", () => ({
      OIDCProviderName: oidc,
      NewDescription: "probe 2",
      IssuanceLimitTime: 6,
    })),
    ims("AddClientIdToOIDCProvider", () => ({ OIDCProviderName: oidc, ClientId: "probe-audience" })),
    ims("RemoveClientIdFromOIDCProvider", () => ({ OIDCProviderName: oidc, ClientId: "probe-audience" })),
    ims("AddFingerprintToOIDCProvider", () => ({ OIDCProviderName: oidc, Fingerprint: FINGERPRINT_B })),
    ims("RemoveFingerprintFromOIDCProvider", () => ({ OIDCProviderName: oidc, Fingerprint: FINGERPRINT_B })),
    ims("ListOIDCProviders", () => ({ MaxItems: 100 })),
    {
      id: "ims.CreateOIDCProvider#duplicate-issuer",
      product: "ims",
      action: "CreateOIDCProvider",
      params: () => ({
        OIDCProviderName: `${oidc}2`,
        IssuerUrl: "https://issuer.example.com",
        Fingerprints: FINGERPRINT_A,
      }),
      expectError: true,
    },
    {
      id: "ims.RemoveFingerprintFromOIDCProvider#last",
      product: "ims",
      action: "RemoveFingerprintFromOIDCProvider",
      params: () => ({ OIDCProviderName: oidc, Fingerprint: FINGERPRINT_A }),
      expectError: true,
    },
    {
      id: "sts.AssumeRoleWithOIDC#unknown-provider",
      product: "sts",
      action: "AssumeRoleWithOIDC",
      params: () => ({
        OIDCProviderArn: `acs:ram::${ctx.accountId}:oidc-provider/${p}missing`,
        RoleArn: `acs:ram::${ctx.accountId}:role/${role}`,
        OIDCToken: "not-a-jwt",
        RoleSessionName: "probe",
      }),
      expectError: true,
    },

    // ---- RAM roles, policies, users ------------------------------------------------------------
    ram("CreateRole", () => ({ RoleName: role, AssumeRolePolicyDocument: trust, Description: "probe" })),
    {
      ...ram("CreateRole", () => ({ RoleName: role, AssumeRolePolicyDocument: trust })),
      id: "ram.CreateRole#duplicate-name",
      expectError: true,
    },
    ram("GetRole", () => ({ RoleName: role })),
    {
      ...ram("GetRole", () => ({ RoleName: `${p}missing` })),
      id: "ram.GetRole#not-found",
      expectError: true,
    },
    {
      id: "sts.AssumeRoleWithOIDC#invalid-token",
      product: "sts",
      action: "AssumeRoleWithOIDC",
      params: () => ({
        OIDCProviderArn: `acs:ram::${ctx.accountId}:oidc-provider/${oidc}`,
        RoleArn: `acs:ram::${ctx.accountId}:role/${role}`,
        OIDCToken: "not-a-jwt",
        RoleSessionName: "probe",
      }),
      expectError: true,
    },

    ram("UpdateRole", () => ({ RoleName: role, NewDescription: "probe 2", NewMaxSessionDuration: 7200 })),
    ram("ListRoles", () => ({ MaxItems: 1000 })),
    ram("CreatePolicy", () => ({ PolicyName: policy, PolicyDocument: policyDoc, Description: "probe" })),
    ram("GetPolicy", () => ({ PolicyName: policy, PolicyType: "Custom" })),
    ram("AttachPolicyToRole", () => ({ PolicyType: "Custom", PolicyName: policy, RoleName: role })),
    ram("ListPoliciesForRole", () => ({ RoleName: role })),
    {
      id: "ram.DeletePolicy#attached",
      product: "ram",
      action: "DeletePolicy",
      params: () => ({ PolicyName: policy }),
      expectError: true,
    },
    ram("DetachPolicyFromRole", () => ({ PolicyType: "Custom", PolicyName: policy, RoleName: role })),
    ram("CreatePolicyVersion", () => ({
      PolicyName: policy,
      PolicyDocument: policyDoc,
      SetAsDefault: "true",
    })),
    ram("ListPolicyVersions", () => ({ PolicyName: policy })),
    ram("GetPolicyVersion", () => ({ PolicyName: policy, PolicyType: "Custom", VersionId: "v2" })),
    ram("SetDefaultPolicyVersion", () => ({ PolicyName: policy, VersionId: "v1" })),
    ram("SetDefaultPolicyVersion", () => ({ PolicyName: policy, VersionId: "v2" }), {
      id: "ram.SetDefaultPolicyVersion#back",
    }),
    ram("UpdatePolicyDescription", () => ({ PolicyName: policy, NewDescription: "probe 2" })),
    ram("ListPolicies", () => ({ PolicyType: "Custom", MaxItems: 100 })),
    {
      id: "ram.DeletePolicyVersion#default",
      product: "ram",
      action: "DeletePolicyVersion",
      params: () => ({ PolicyName: policy, VersionId: "v2" }),
      expectError: true,
    },
    {
      id: "ram.DeletePolicy#versions-left",
      product: "ram",
      action: "DeletePolicy",
      params: () => ({ PolicyName: policy }),
      expectError: true,
    },
    ram("DeletePolicyVersion", () => ({ PolicyName: policy, VersionId: "v1" })),
    ram("CreateUser", () => ({ UserName: ramUser, DisplayName: "Probe", Comments: "probe" })),
    ram("GetUser", () => ({ UserName: ramUser })),
    ram("UpdateUser", () => ({ UserName: ramUser, NewDisplayName: "Probe 2" })),
    ram("AttachPolicyToUser", () => ({ PolicyType: "Custom", PolicyName: policy, UserName: ramUser })),
    ram("DetachPolicyFromUser", () => ({ PolicyType: "Custom", PolicyName: policy, UserName: ramUser })),
    {
      id: "ram.DetachPolicyFromUser#not-attached",
      product: "ram",
      action: "DetachPolicyFromUser",
      params: () => ({ PolicyType: "Custom", PolicyName: policy, UserName: ramUser }),
      expectError: true,
    },
    {
      id: "ram.DetachPolicyFromRole#not-attached",
      product: "ram",
      action: "DetachPolicyFromRole",
      params: () => ({ PolicyType: "Custom", PolicyName: policy, RoleName: role }),
      expectError: true,
    },

    // ---- IMS users (the default domain) ------------------------------------------------------
    ims("GetDefaultDomain", () => ({}), { after: save("domain", (b) => b.DefaultDomainName) }),
    ims("CreateUser", () => ({ UserPrincipalName: `${p}imsuser@${ids.domain}`, DisplayName: "Probe" })),
    ims("GetUser", () => ({ UserPrincipalName: `${p}imsuser@${ids.domain}` })),
    {
      id: "ims.GetUser#not-found",
      product: "ims",
      action: "GetUser",
      params: () => ({ UserPrincipalName: `${p}nobody@${ids.domain}` }),
      expectError: true,
    },
    ims("ListUsers", () => ({ MaxItems: 1000 })),

    // ---- IMS external (official) applications and assignments -------------------------------------
    ims(
      "ProvisionExternalApplication",
      () => ({ AppId: OFFICIAL_CLI, Scopes: "openid;/internal/ram/usersts" }),
      {
        sharedState: true,
      },
    ),
    ims("GetExternalApplication", () => ({ AppId: OFFICIAL_CLI }), { needsOfficialCli: true }),
    ims("ListExternalApplications", () => ({})),
    ims(
      "CreateApplicationAssignment",
      () => ({ AppId: OFFICIAL_CLI, PrincipalType: "user", PrincipalName: `${ramUser}@${ids.domain}` }),
      { sdk: false, needsOfficialCli: true },
    ),
    {
      id: "ims.CreateApplicationAssignment#duplicate",
      product: "ims",
      action: "CreateApplicationAssignment",
      params: () => ({
        AppId: OFFICIAL_CLI,
        PrincipalType: "user",
        PrincipalName: `${ramUser}@${ids.domain}`,
      }),
      expectError: true,
      sdk: false,
      needsOfficialCli: true,
    },
    ims("ListApplicationAssignments", () => ({ AppId: OFFICIAL_CLI }), {
      sdk: false,
      needsOfficialCli: true,
    }),
    ims(
      "DeleteApplicationAssignment",
      () => ({ AppId: OFFICIAL_CLI, PrincipalType: "user", PrincipalName: `${ramUser}@${ids.domain}` }),
      { sdk: false, needsOfficialCli: true },
    ),

    // ---- IMS OAuth applications ---------------------------------------------------------------------
    ims("ListPredefinedScopes", () => ({ AppType: "ServerApp" })),
    ims(
      "CreateApplication",
      () => ({
        AppName: `${p}app`,
        DisplayName: "Probe",
        AppType: "ServerApp",
        PredefinedScopes: "/acs/scim",
        SecretRequired: true,
      }),
      { after: save("appId", (b) => get(b, "Application.AppId")) },
    ),
    ims("GetApplication", () => ({ AppId: ids.appId })),
    {
      id: "ims.CreateApplication#duplicate-name",
      product: "ims",
      action: "CreateApplication",
      params: () => ({ AppName: `${p}app`, DisplayName: "Probe", AppType: "ServerApp" }),
      expectError: true,
    },
    ims("UpdateApplication", () => ({ AppId: ids.appId, NewDisplayName: "Probe 2" })),
    ims("ListApplications", () => ({})),
    ims("CreateAppSecret", () => ({ AppId: ids.appId }), {
      after: save("appSecretId", (b) => get(b, "AppSecret.AppSecretId")),
    }),
    ims("GetAppSecret", () => ({ AppId: ids.appId, AppSecretId: ids.appSecretId })),
    {
      id: "ims.GetAppSecret#not-found",
      product: "ims",
      action: "GetAppSecret",
      params: () => ({ AppId: ids.appId, AppSecretId: "0000000000000000" }),
      expectError: true,
    },
    ims("ListAppSecretIds", () => ({ AppId: ids.appId })),
    ims("ProvisionApplication", () => ({ AppId: ids.appId, Scopes: "/acs/scim" })),
    ims("GetApplicationProvisionInfo", () => ({ AppId: ids.appId })),
    ims("DeprovisionApplication", () => ({ AppId: ids.appId })),
    ims("DeleteAppSecret", () => ({ AppId: ids.appId, AppSecretId: ids.appSecretId })),
    ims("DeprovisionExternalApplication", () => ({ AppId: OFFICIAL_CLI }), { sharedState: true }),
    ims("DeleteApplication", () => ({ AppId: ids.appId })),

    // ---- EIAM (IDaaS) ----------------------------------------------------------------------------
    eiam("GetInstance", () => ({})),
    eiam(
      "CreateApplication",
      () => ({
        ApplicationName: `${p}api`,
        ApplicationSourceType: "urn:alibaba:idaas:app:source:standard",
        SsoType: "oidc",
        Description: "probe",
      }),
      { after: save("eiamApp", (b) => b.ApplicationId) },
    ),
    eiam(
      "CreateApplication",
      () => ({
        ApplicationName: `${p}client`,
        ApplicationSourceType: "urn:alibaba:idaas:app:source:standard",
        SsoType: "oidc",
      }),
      { id: "eiam.CreateApplication#client", after: save("eiamClient", (b) => b.ApplicationId) },
    ),
    eiam("GetApplication", app),
    eiam("GetApplication", () => ({ ApplicationId: "app_0000000000000000000000000a" }), {
      id: "eiam.GetApplication#not-found",
      expectError: true,
    }),
    eiam("ListApplications", () => ({ PageNumber: 1, PageSize: 100 })),
    eiam("UpdateApplicationInfo", () => ({ ...app(), ApplicationName: `${p}api2` })),
    eiam("UpdateApplicationDescription", () => ({ ...app(), Description: "probe 2" })),
    eiam("EnableApplicationResourceServer", app),
    eiam("SetApplicationResourceServerIdentifier", () => ({
      ...app(),
      ResourceServerIdentifier: `api://${p}orders`,
    })),
    eiam(
      "CreateResourceServerScope",
      () => ({
        ...app(),
        ResourceServerScopeName: "read",
        ResourceServerScopeValue: "read",
        ResourceServerScopeType: "api",
        AuthorizationType: "authorize_required",
      }),
      { after: save("scope", (b) => b.ResourceServerScopeId) },
    ),
    eiam("GetResourceServerScope", () => ({ ...app(), ResourceServerScopeId: ids.scope })),
    eiam("UpdateResourceServerScope", () => ({
      ...app(),
      ResourceServerScopeId: ids.scope,
      ResourceServerScopeName: "read 2",
    })),
    eiam("ListResourceServerScopes", app),
    eiam("EnableApplicationM2MClient", () => ({ ApplicationId: ids.eiamClient })),
    eiam("AuthorizeResourceServerScopesToClient", () => ({
      ClientApplicationId: ids.eiamClient,
      ResourceServerApplicationId: ids.eiamApp,
      ResourceServerScopeIds: [ids.scope],
    })),
    eiam("RevokeResourceServerScopesFromClient", () => ({
      ClientApplicationId: ids.eiamClient,
      ResourceServerApplicationId: ids.eiamApp,
      ResourceServerScopeIds: [ids.scope],
    })),
    eiam("AuthorizeResourceServerToClient", () => ({
      ClientApplicationId: ids.eiamClient,
      ResourceServerApplicationId: ids.eiamApp,
    })),
    eiam("RevokeResourceServerFromClient", () => ({
      ClientApplicationId: ids.eiamClient,
      ResourceServerApplicationId: ids.eiamApp,
    })),
    eiam("CreateApplicationClientSecret", () => ({ ApplicationId: ids.eiamClient }), {
      after: save("secret", (b) => get(b, "ApplicationClientSecret.SecretId")),
    }),
    eiam("ListApplicationClientSecrets", () => ({ ApplicationId: ids.eiamClient })),
    eiam("ObtainApplicationClientSecret", () => ({ ApplicationId: ids.eiamClient, SecretId: ids.secret })),
    eiam("DisableApplicationClientSecret", () => ({ ApplicationId: ids.eiamClient, SecretId: ids.secret })),
    eiam("EnableApplicationClientSecret", () => ({ ApplicationId: ids.eiamClient, SecretId: ids.secret })),
    eiam("DisableApplicationClientSecret", () => ({ ApplicationId: ids.eiamClient, SecretId: ids.secret }), {
      id: "eiam.DisableApplicationClientSecret#before-delete",
    }),
    eiam("DeleteApplicationClientSecret", () => ({ ApplicationId: ids.eiamClient, SecretId: ids.secret })),
    eiam(
      "CreateClientPublicKey",
      () => ({ ApplicationId: ids.eiamClient, AlgorithmType: "RSA-2048", PublicKey: publicKey }),
      { after: save("key", (b) => b.ClientPublicKeyId) },
    ),
    eiam("GetClientPublicKey", () => ({ ApplicationId: ids.eiamClient, ClientPublicKeyId: ids.key })),
    eiam("ListClientPublicKeys", () => ({ ApplicationId: ids.eiamClient })),
    eiam("SetPrimaryClientPublicKey", () => ({ ApplicationId: ids.eiamClient, ClientPublicKeyId: ids.key })),
    eiam("DisableClientPublicKey", () => ({ ApplicationId: ids.eiamClient, ClientPublicKeyId: ids.key })),
    eiam("EnableClientPublicKey", () => ({ ApplicationId: ids.eiamClient, ClientPublicKeyId: ids.key })),
    eiam("DisableClientPublicKey", () => ({ ApplicationId: ids.eiamClient, ClientPublicKeyId: ids.key }), {
      id: "eiam.DisableClientPublicKey#before-delete",
    }),
    eiam("DeleteClientPublicKey", () => ({ ApplicationId: ids.eiamClient, ClientPublicKeyId: ids.key })),
    eiam(
      "CreateFederatedCredentialProvider",
      () => ({
        FederatedCredentialProviderName: `${p}k8s`,
        FederatedCredentialProviderType: "oidc",
        OidcProviderConfig: {
          Issuer: "https://issuer.example.com",
          JwksSource: "dynamic",
          JwksUri: "https://issuer.example.com/jwks",
          Audiences: ["idaas"],
        },
      }),
      { after: save("fcp", (b) => b.FederatedCredentialProviderId) },
    ),
    eiam("GetFederatedCredentialProvider", () => ({ FederatedCredentialProviderId: ids.fcp })),
    eiam("ListFederatedCredentialProviders", () => ({})),
    eiam("UpdateFederatedCredentialProvider", () => ({
      FederatedCredentialProviderId: ids.fcp,
      FederatedCredentialProviderName: `${p}k8s2`,
    })),
    eiam("UpdateFederatedCredentialProviderDescription", () => ({
      FederatedCredentialProviderId: ids.fcp,
      Description: "probe",
    })),
    eiam("DisableFederatedCredentialProvider", () => ({ FederatedCredentialProviderId: ids.fcp })),
    eiam("EnableFederatedCredentialProvider", () => ({ FederatedCredentialProviderId: ids.fcp })),
    eiam(
      "CreateApplicationFederatedCredential",
      () => ({
        ApplicationId: ids.eiamClient,
        FederatedCredentialProviderId: ids.fcp,
        ApplicationFederatedCredentialType: "oidc",
        ApplicationFederatedCredentialName: `${p}pod`,
        VerificationCondition: 'jwt.sub == "system:serviceaccount:prod:batch"',
      }),
      { after: save("afc", (b) => b.ApplicationFederatedCredentialId) },
    ),
    eiam("GetApplicationFederatedCredential", () => ({
      ApplicationId: ids.eiamClient,
      ApplicationFederatedCredentialId: ids.afc,
    })),
    eiam("ListApplicationFederatedCredentials", () => ({ ApplicationId: ids.eiamClient })),
    eiam("ListApplicationFederatedCredentialsForProvider", () => ({
      FederatedCredentialProviderId: ids.fcp,
    })),
    eiam("UpdateApplicationFederatedCredential", () => ({
      ApplicationId: ids.eiamClient,
      ApplicationFederatedCredentialId: ids.afc,
      VerificationCondition: 'jwt.sub == "system:serviceaccount:prod:batch2"',
    })),
    eiam("UpdateApplicationFederatedCredentialDescription", () => ({
      ApplicationId: ids.eiamClient,
      ApplicationFederatedCredentialId: ids.afc,
      Description: "probe",
    })),
    eiam("DisableApplicationFederatedCredential", () => ({
      ApplicationId: ids.eiamClient,
      ApplicationFederatedCredentialId: ids.afc,
    })),
    eiam("EnableApplicationFederatedCredential", () => ({
      ApplicationId: ids.eiamClient,
      ApplicationFederatedCredentialId: ids.afc,
    })),
    eiam("DeleteApplicationFederatedCredential", () => ({
      ApplicationId: ids.eiamClient,
      ApplicationFederatedCredentialId: ids.afc,
    })),
    eiam("DisableFederatedCredentialProvider", () => ({ FederatedCredentialProviderId: ids.fcp }), {
      id: "eiam.DisableFederatedCredentialProvider#before-delete",
    }),
    eiam("DeleteFederatedCredentialProvider", () => ({ FederatedCredentialProviderId: ids.fcp })),
    eiam("DeleteResourceServerScope", () => ({ ...app(), ResourceServerScopeId: ids.scope })),
    eiam("DisableApplicationResourceServer", app),
    eiam("DisableApplicationM2MClient", () => ({ ApplicationId: ids.eiamClient })),
    eiam("DeleteApplication", app),
    eiam("DeleteApplication", () => ({ ApplicationId: ids.eiamClient }), {
      id: "eiam.DeleteApplication#client",
    }),

    // ---- clean-up, in dependency order -----------------------------------------------------------
    ims("DeleteUser", () => ({ UserPrincipalName: `${p}imsuser@${ids.domain}` })),
    ram("DeleteUser", () => ({ UserName: ramUser })),
    ram("DeleteRole", () => ({ RoleName: role })),
    ram("DeletePolicy", () => ({ PolicyName: policy })),
    ims("DeleteOIDCProvider", () => ({ OIDCProviderName: oidc })),
  ];
  return steps.filter(
    (s) =>
      (!s.eiam || ctx.eiamInstanceId !== undefined) &&
      !(ctx.live && s.sharedState) &&
      !(s.needsOfficialCli && ctx.officialCli === false),
  );
}
