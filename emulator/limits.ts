/**
 * The limits the emulated services enforce, each a literal next to the public page that states it.
 *
 * The library keeps its own copy of the facts it checks (provider/limits.ts). The two are written
 * separately on purpose: the emulator is the tests' oracle, so a wrong number in the library must
 * be refused here, not reproduced. `Guess:` marks a value no public page states; every guess is
 * also in the list at the end of emulator/README.md, with the source that would settle it.
 */

/** IMS 2019-08-15 OIDC identity providers. */
export const OIDC = {
  /** https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createoidcprovider */
  maxProvidersPerAccount: 100,
  /**
   * `OIDCProviderName`: at most 128 of letters, digits, `.`, `-`, `_`, not starting or ending with
   * one of the three specials.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createoidcprovider
   */
  name: {
    maxLength: 128,
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/,
    rule: "letters, digits, '.', '-' and '_', not starting or ending with '.', '-' or '_'",
  },
  /** `IssuerUrl`: at most 255 characters. Same page. */
  issuerUrl: { maxLength: 255 },
  /**
   * `Description`: at most 256 characters.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-updateoidcprovider
   */
  descriptionMaxLength: 256,
  /**
   * `ClientIds`: at most 50 per provider (the 2024 page said 20; start the emulator with
   * `limits.oidc.maxClientIds: 20` to play the old service).
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createoidcprovider
   */
  maxClientIds: 50,
  /**
   * Each `ClientId`: at most 128 of letters, digits, `.`, `-`, `_`, `:`, `/`, not starting with a
   * special character.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-addclientidtooidcprovider
   */
  clientId: {
    maxLength: 128,
    pattern: /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/,
    rule: "letters, digits, '.', '-', '_', ':' and '/', starting with a letter or digit",
  },
  /**
   * Fingerprints: 1 to 5 per provider; each at most 128 letters and digits (the API's rule, looser
   * than the 40 hex digits a SHA-1 has). Guess: the minimum of 1.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-addfingerprinttooidcprovider
   */
  minFingerprints: 1,
  maxFingerprints: 5,
  fingerprint: { maxLength: 128, pattern: /^[A-Za-z0-9]+$/ },
  /**
   * `IssuanceLimitTime`: 1 to 168 hours. Guess: the default 12 (the console's value; the API page
   * gives none).
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createoidcprovider
   */
  issuanceLimitTime: { min: 1, max: 168, default: 12 },
  /** https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-listoidcproviders */
  listMaxItems: { min: 1, max: 100, default: 100 },
} as const;

/** The OIDC limits an emulator can be started with (`limits.oidc`), for playing older services. */
export type OidcLimits = {
  maxProvidersPerAccount: number;
  maxClientIds: number;
  clientIdMaxLength: number;
  minFingerprints: number;
  maxFingerprints: number;
  fingerprintMaxLength: number;
  descriptionMaxLength: number;
};

/** The documented values. */
export const DEFAULT_OIDC_LIMITS: OidcLimits = {
  maxProvidersPerAccount: OIDC.maxProvidersPerAccount,
  maxClientIds: OIDC.maxClientIds,
  clientIdMaxLength: OIDC.clientId.maxLength,
  minFingerprints: OIDC.minFingerprints,
  maxFingerprints: OIDC.maxFingerprints,
  fingerprintMaxLength: OIDC.fingerprint.maxLength,
  descriptionMaxLength: OIDC.descriptionMaxLength,
};

/** RAM 2015-05-01 roles. */
export const RAM_ROLE = {
  /**
   * `RoleName`: 1 to 64 of letters, digits, `.` and `-`.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createrole
   */
  name: { maxLength: 64, pattern: /^[A-Za-z0-9.-]+$/, rule: "letters, digits, '.' and '-'" },
  /** `Description`: 1 to 1024 characters. Same page. */
  description: { maxLength: 1024 },
  /** `MaxSessionDuration`: 3600 to 43200 seconds, default 3600. Same page. */
  maxSessionDuration: { min: 3600, max: 43200, default: 3600 },
  /**
   * Guess: `AssumeRolePolicyDocument` at most 6144 characters, the limits page's number for a
   * custom policy document (it gives none for trust policies).
   * https://www.alibabacloud.com/help/en/ram/product-overview/limits
   */
  trustPolicyMaxLength: 6144,
  /** 20 system and 10 custom policies per role; 1000 roles per account. Same limits page. */
  maxSystemPolicies: 20,
  maxCustomPolicies: 10,
  maxRolesPerAccount: 1000,
  /**
   * `PolicyName`: 1 to 128 of letters, digits and `-`.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createpolicy
   */
  policyName: { maxLength: 128, pattern: /^[A-Za-z0-9-]+$/, rule: "letters, digits and '-'" },
} as const;

/** RAM 2015-05-01 and IMS 2019-08-15 users. */
export const RAM_USER = {
  /**
   * `UserName`: 1 to 64 of letters, digits, `.`, `-`, `_`; `DisplayName` 1 to 128; `Comments` 1
   * to 128.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createuser
   */
  name: { maxLength: 64, pattern: /^[A-Za-z0-9._-]+$/, rule: "letters, digits, '.', '-' and '_'" },
  displayName: { maxLength: 128 },
  comments: { maxLength: 128 },
  /**
   * IMS `UserPrincipalName`: `<name>@<AccountAlias>.onaliyun.com`, at most 128 characters in all;
   * IMS `DisplayName` at most 24.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createuser
   */
  userPrincipalName: { maxLength: 128, domainSuffix: ".onaliyun.com" },
  imsDisplayName: { maxLength: 24 },
  /** https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-listusers */
  listMaxItems: { min: 1, max: 1000, default: 1000 },
} as const;

/** STS 2015-04-01 AssumeRoleWithOIDC. https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-assumerolewithoidc */
export const STS = {
  roleSessionName: { minLength: 2, maxLength: 64, pattern: /^[A-Za-z0-9.@_-]+$/ },
  oidcToken: { minLength: 4, maxLength: 20000 },
  policy: { minLength: 1, maxLength: 2048 },
  durationSeconds: { min: 900, default: 3600 },
} as const;

/**
 * Signed requests: `x-acs-date` / `Timestamp` at most 15 minutes from the server's clock.
 * https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature
 */
export const SIGNING = { maxClockSkewSeconds: 900 } as const;

/** IMS external (official) applications and their assignments. */
export const IMS_APP = {
  /**
   * The AppId of `official-cli` per site: the OAuth `client_id` aliyun-cli sends. Inferred from
   * the CLI, not stated as such by a doc page.
   * https://www.alibabacloud.com/help/en/ram/configure-oauth-for-alibaba-cloud-cli
   */
  officialCliAppId: { cn: "4038181954557748008", intl: "4103531455503354461" },
  /** https://help.aliyun.com/zh/ram/developer-reference/api-ims-2019-08-15-provisionexternalapplication */
  officialCliScopes: [
    {
      name: "openid",
      description: "Gets the user's OpenID. The OpenID identifies the user but contains no UID or username.",
    },
    { name: "/internal/ram/usersts", description: "Gets STS credentials for calling Alibaba Cloud APIs." },
  ],
  principalTypes: ["user", "role"] as const,
  /**
   * Guess: ListApplicationAssignments `MaxItems` 1 to 100, default 100, like the other IMS lists.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-listapplicationassignments
   */
  assignmentListMaxItems: { min: 1, max: 100, default: 100 },
  /** https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createapplication */
  accessTokenValidity: { min: 900, max: 10800, default: 3600 },
  refreshTokenValidity: { min: 7200, max: 31536000, nativeAppDefault: 7776000 },
} as const;

/** IMS OAuth applications owned by the account (CreateApplication and its family). */
export const OAUTH_APP = {
  /** https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createapplication */
  appName: { maxLength: 64, pattern: /^[A-Za-z0-9._-]+$/, rule: "letters, digits, '.', '_' and '-'" },
  displayName: { maxLength: 24 },
  appTypes: ["WebApp", "NativeApp", "ServerApp"] as const,
  accessTokenValidity: { min: 900, max: 10800, default: 3600 },
  /** Defaults per the SDK's doc comments; the zh page swaps WebApp and NativeApp (a guess). */
  refreshTokenValidity: {
    min: 7200,
    max: 31536000,
    defaults: { WebApp: 2592000, NativeApp: 7776000, ServerApp: 2592000 },
  },
  /** Guess: 2 secrets per application (no page states a number; 2 allows a rotation). */
  maxSecretsPerApp: 2,
  /**
   * ListPredefinedScopes per AppType. Abridged and partly guessed; a ServerApp "currently supports
   * only SCIM user-sync apps", so only `/acs/scim`.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-listpredefinedscopes
   */
  predefinedScopes: {
    WebApp: userScopes(),
    NativeApp: userScopes(),
    ServerApp: [{ name: "/acs/scim", description: "Accesses Cross-Domain Identity Management" }],
  },
} as const;

function userScopes() {
  return [
    {
      name: "openid",
      description: "Obtains the OpenID of the user. This is the default scope and cannot be deleted.",
    },
    { name: "aliuid", description: "Obtains the ID of the Alibaba Cloud account to which the user belongs." },
    {
      name: "profile",
      description: "Obtains the basic information of the user, such as the user name and display name.",
    },
    { name: "/internal/ram/usersts", description: "Gets STS credentials for calling Alibaba Cloud APIs." },
  ] as const;
}

/** SCIM for RAM. https://www.alibabacloud.com/help/en/ram/user-guide/scim-for-ram */
export const SCIM = {
  scope: "/acs/scim",
  /** The doc example shows `itemsPerPage: 30`. Guess: at most 100 per page. */
  listCount: { default: 30, max: 100 },
  displayName: { maxLength: 128 },
} as const;

/** IDaaS EIAM 2021-12-01. */
export const EIAM = {
  /**
   * Guess: `idaas_` and 1 to 64 lower-case letters or digits (the docs show 26 after the prefix).
   * https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-getinstance
   */
  instanceId: { pattern: /^idaas_[a-z0-9]{1,64}$/ },
  /** https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplication */
  applicationName: { maxLength: 64 },
  description: { maxLength: 128 },
  applicationSourceTypes: ["urn:alibaba:idaas:app:source:template", "urn:alibaba:idaas:app:source:standard"],
  ssoTypes: ["saml2", "oidc"],
  /**
   * 2 client secrets per application; `ExpirationTime` 1 day to 3 years ahead (a year taken as 365
   * days: a guess).
   * https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplicationclientsecret
   */
  maxClientSecretsPerApplication: 2,
  clientSecretExpiration: { minAheadMs: 86_400_000, maxAheadMs: 94_608_000_000 },
  /** Guess: 5 client public keys per application. */
  maxClientPublicKeysPerApplication: 5,
  /**
   * Guess: resource server identifier 1 to 256 characters without white space or `|`.
   * https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-setapplicationresourceserveridentifier
   */
  resourceServerIdentifier: { maxLength: 256, pattern: /^[^\s|]+$/ },
  /**
   * Guess: scope name 1 to 64; scope value 1 to 64 of letters, digits, `:._/-`, `.all` reserved.
   * https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-createresourceserverscope
   */
  scopeName: { maxLength: 64 },
  scopeValue: { maxLength: 64, pattern: /^[A-Za-z0-9:._/-]+$/, reserved: [".all"] },
  /** Guess: 100 scopes per resource server. */
  maxScopesPerResourceServer: 100,
  /**
   * Names of federated credential providers and application federated credentials: at most 64.
   * https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-createfederatedcredentialprovider
   */
  federatedCredentialProviderName: { maxLength: 64 },
  applicationFederatedCredentialName: { maxLength: 64 },
  /** Only `pkcs7` is shown by the docs; `oidc` and `private_ca` from the config object names. */
  federatedCredentialProviderTypes: ["oidc", "pkcs7", "private_ca"],
  /** Guess: 1 to 5 audiences of at most 128 characters. */
  oidcAudiences: { min: 1, max: 5, maxLength: 128 },
  /**
   * Guess: trust and verification expressions at most 1024 characters, nested at most 32 deep.
   * https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplicationfederatedcredential
   */
  expression: { maxLength: 1024, maxDepth: 32 },
  /** Guess: NextToken lists 1 to 100 per page, default 20. */
  listMaxResults: { min: 1, max: 100, default: 20 },
  /** Guess: ListApplications pages of 1 to 100, default 20. */
  listPageSize: { min: 1, max: 100, default: 20 },
  /**
   * Guesses for the M2M token endpoint: tokens live 3600 s, client assertions at most 3600 s
   * ahead, 60 s of clock skew.
   * https://www.alibabacloud.com/help/en/idaas/eiam/user-guide/m2m-client-token-invocation-example
   */
  token: { accessTokenLifetimeSeconds: 3600, assertionMaxLifetimeSeconds: 3600, clockSkewSeconds: 60 },
} as const;
