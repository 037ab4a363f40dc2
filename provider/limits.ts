/**
 * Every documented Alibaba Cloud limit this library checks, in one place.
 *
 * The provider's validators, their messages, the TSDoc and the emulator all
 * read from here, so a limit that changes upstream changes in one line.
 *
 * Where public sources disagree or are silent, the choice is made here, with a
 * comment saying why. See `docs/alibaba-api.md` §1.4 and §9.
 */

/** IMS OIDC identity provider limits (IMS 2019-08-15). */
export const OIDC = {
  /**
   * Providers per account.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createoidcprovider
   */
  maxProvidersPerAccount: 100,
  /**
   * `OIDCProviderName`: letters, digits, `.`, `-`, `_`; must not start or end
   * with `.`, `-` or `_`; at most 128 characters.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createoidcprovider
   */
  name: {
    maxLength: 128,
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/,
    rule: "letters, digits, '.', '-' and '_', not starting or ending with '.', '-' or '_'",
  },
  /**
   * `IssuerUrl`: an https URL with no query, fragment or user info, at most 255
   * characters, unique per account.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createoidcprovider
   */
  issuerUrl: { maxLength: 255 },
  /**
   * `Description`: at most 256 characters.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-updateoidcprovider
   */
  description: { maxLength: 256 },
  /**
   * Client IDs per provider. The 2024 docs said 20; SDK 2.3.2 and the current
   * English page say 50. We take the current value: a stricter check would
   * refuse configurations the service accepts, while the looser one at worst
   * turns into the service's own error at `up`. The emulator can be started
   * with the old value (`limits.oidc.maxClientIds`).
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createoidcprovider
   */
  maxClientIds: 50,
  /**
   * Each client ID: letters, digits, `.`, `-`, `_`, `:`, `/`, not starting
   * with one of those specials; at most 128 characters (64 in the 2024 docs;
   * same reasoning as `maxClientIds`).
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-addclientidtooidcprovider
   */
  clientId: {
    maxLength: 128,
    pattern: /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/,
    rule: "letters, digits, '.', '-', '_', ':' and '/', starting with a letter or digit",
  },
  /**
   * Fingerprints per provider: 1 to 5. The minimum of 1 is not in the API
   * reference; the Terraform provider records it as observed behaviour, and a
   * provider without a fingerprint cannot verify any token, so we enforce it.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-addfingerprinttooidcprovider
   */
  minFingerprints: 1,
  maxFingerprints: 5,
  /**
   * Each fingerprint. The API accepts up to 128 letters and digits (40 in the
   * 2024 docs), but Alibaba compares it with the SHA-1 of the IdP's
   * certificate, which is always 40 hex digits. The provider therefore
   * requires exactly 40 hex digits (colons and case are normalized away): a
   * SHA-256 fingerprint pasted by mistake would be accepted by the API and then
   * fail every token exchange. The emulator enforces the API's own rule.
   * https://www.alibabacloud.com/help/en/ram/obtain-oidc-idp-fingerprints-through-openssl
   */
  fingerprint: {
    apiMaxLength: 128,
    apiPattern: /^[A-Za-z0-9]+$/,
    sha1HexLength: 40,
  },
  /**
   * `IssuanceLimitTime`: whole hours, 1 to 168. A token whose `iat` is more
   * than this many hours in the past is refused. No API default is documented;
   * the console shows 12, which we use when the argument is omitted so that
   * the stored value is always explicit and never drifts.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createoidcprovider
   */
  issuanceLimitTime: { min: 1, max: 168, default: 12 },
  /**
   * `ListOIDCProviders` `MaxItems`: 1 to 100, default 100.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-listoidcproviders
   */
  listMaxItems: { min: 1, max: 100, default: 100 },
} as const;

/** RAM 2015-05-01 role limits. */
export const RAM_ROLE = {
  /**
   * `RoleName`: letters, digits, `.` and `-`; 1 to 64 characters. Cannot be
   * renamed.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createrole
   */
  name: { maxLength: 64, pattern: /^[A-Za-z0-9.-]+$/, rule: "letters, digits, '.' and '-'" },
  /**
   * `Description`: 1 to 1024 characters.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createrole
   */
  description: { maxLength: 1024 },
  /**
   * `MaxSessionDuration`: 3600 to 43200 seconds, default 3600.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createrole
   */
  maxSessionDuration: { min: 3600, max: 43200, default: 3600 },
  /**
   * `AssumeRolePolicyDocument` length. The RAM limits page gives no number for
   * trust policies; 6144 is its limit for a custom policy document, and a trust
   * policy is a policy document. Used as an upper bound only (our generated
   * policies are a few hundred characters); the emulator enforces the same.
   * https://www.alibabacloud.com/help/en/ram/product-overview/limits
   */
  trustPolicyMaxLength: 6144,
  /**
   * Policies attached to one role: 20 system and 10 custom (adjustable quotas).
   * https://www.alibabacloud.com/help/en/ram/product-overview/limits
   */
  maxSystemPolicies: 20,
  maxCustomPolicies: 10,
  /**
   * Roles per account: 1000 (adjustable quota).
   * https://www.alibabacloud.com/help/en/ram/product-overview/limits
   */
  maxRolesPerAccount: 1000,
  /**
   * `PolicyName` (custom): letters, digits and `-`; 1 to 128 characters.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createpolicy
   */
  policyName: { maxLength: 128, pattern: /^[A-Za-z0-9-]+$/, rule: "letters, digits and '-'" },
  /** `PolicyType`: exactly these. */
  policyTypes: ["System", "Custom"] as const,
} as const;

/** RAM 2015-05-01 custom policy limits. */
export const RAM_POLICY = {
  /**
   * `PolicyName`: letters, digits and `-`; 1 to 128 characters. Cannot be renamed.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createpolicy
   */
  name: RAM_ROLE.policyName,
  /**
   * `PolicyDocument`: at most 6144 bytes (CreatePolicy and CreatePolicyVersion).
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createpolicyversion
   */
  documentMaxBytes: 6144,
  /**
   * `Description`: 1 to 1024 characters.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createpolicy
   */
  description: { maxLength: 1024 },
  /**
   * Versions of one custom policy: at most 5; the default version cannot be deleted. An update
   * makes a new default version, rotating out the oldest non-default one when there are 5.
   * https://www.alibabacloud.com/help/en/ram/user-guide/manage-custom-policy-versions
   */
  maxVersions: 5,
  /**
   * `Action` / `NotAction` of a statement: a string or a non-empty list, each `*` or
   * `<service>:<action>` (the action part may hold `*` and `?`), e.g. `oss:GetObject`, `ecs:Describe*`.
   * https://www.alibabacloud.com/help/en/ram/user-guide/policy-elements
   */
  action: {
    pattern: /^(\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$/,
    rule: "'*' or <service>:<action>, e.g. oss:GetObject",
  },
} as const;

/** STS 2015-04-01 `AssumeRoleWithOIDC` limits. */
export const STS = {
  /**
   * `RoleSessionName`: letters, digits, `.`, `@`, `-`, `_`; 2 to 64 characters.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-assumerolewithoidc
   */
  roleSessionName: { minLength: 2, maxLength: 64, pattern: /^[A-Za-z0-9.@_-]+$/ },
  /** `OIDCToken`: 4 to 20000 characters. */
  oidcToken: { minLength: 4, maxLength: 20000 },
  /** `Policy`: 1 to 2048 characters. */
  policy: { minLength: 1, maxLength: 2048 },
  /** `DurationSeconds`: 900 up to the role's MaxSessionDuration; default 3600. */
  durationSeconds: { min: 900, default: 3600 },
} as const;

/** Request signing (every signed Alibaba OpenAPI call). */
export const SIGNING = {
  /**
   * How far `x-acs-date` (V3) or `Timestamp` (V1) may be from the server's
   * clock: about 15 minutes per the signature docs.
   * https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature
   */
  maxClockSkewSeconds: 15 * 60,
} as const;

/** Retry policy defaults for throttling and 5xx answers (ours, not Alibaba's). */
export const RETRY = {
  /** Attempts in total, including the first. */
  maxAttempts: 6,
  /** First back-off; doubled on each retry, with full jitter. */
  baseDelayMs: 200,
  /** No single wait is longer than this. */
  maxDelayMs: 10_000,
} as const;

/** The shape of the OIDC limits, so an emulator can be started with variants. */
export type OidcLimits = {
  maxProvidersPerAccount: number;
  maxClientIds: number;
  clientIdMaxLength: number;
  minFingerprints: number;
  maxFingerprints: number;
  fingerprintMaxLength: number;
  descriptionMaxLength: number;
};

/** The documented values, as the emulator uses them by default. */
export const DEFAULT_OIDC_LIMITS: OidcLimits = {
  maxProvidersPerAccount: OIDC.maxProvidersPerAccount,
  maxClientIds: OIDC.maxClientIds,
  clientIdMaxLength: OIDC.clientId.maxLength,
  minFingerprints: OIDC.minFingerprints,
  maxFingerprints: OIDC.maxFingerprints,
  fingerprintMaxLength: OIDC.fingerprint.apiMaxLength,
  descriptionMaxLength: OIDC.description.maxLength,
};

// ================================================================================================
// IMS_APP / RAM_USER: official (external) OAuth applications, their assignments, and RAM/IMS user
// names. Added with the emulator's official-cli support; the provider does not use them yet.
// ================================================================================================

/** IMS 2019-08-15 external (official) applications and application assignments. */
export const IMS_APP = {
  /**
   * The AppId of the official Alibaba Cloud CLI application (`official-cli`): the OAuth
   * `client_id` hard-coded in aliyun-cli (`config/configure.go`). Inferred, not documented as
   * "the official-cli AppId" (docs/alibaba-api.md §3.3). One per site.
   * https://www.alibabacloud.com/help/en/ram/configure-oauth-for-alibaba-cloud-cli
   */
  officialCliAppId: { cn: "4038181954557748008", intl: "4103531455503354461" },
  /**
   * The scopes of official-cli (zh CLI "configure credentials" doc, docs/alibaba-api.md §3.1).
   * `ProvisionExternalApplication` takes them `;`-separated.
   * https://help.aliyun.com/zh/ram/developer-reference/api-ims-2019-08-15-provisionexternalapplication
   */
  officialCliScopes: [
    {
      name: "openid",
      description: "Gets the user's OpenID. The OpenID identifies the user but contains no UID or username.",
    },
    { name: "/internal/ram/usersts", description: "Gets STS credentials for calling Alibaba Cloud APIs." },
  ],
  /** `PrincipalType` of CreateApplicationAssignment: exactly these, lower-case. */
  principalTypes: ["user", "role"] as const,
  /**
   * `ListApplicationAssignments` `MaxItems`. The parameter table is not retrievable (§2.1); 1-100,
   * default 100, like every other IMS list. Guess.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-listapplicationassignments
   */
  assignmentListMaxItems: { min: 1, max: 100, default: 100 },
  /**
   * Access token validity of an OAuth application: 900 to 10800 seconds, default 3600
   * (CreateApplication `AccessTokenValidity`).
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createapplication
   */
  accessTokenValidity: { min: 900, max: 10800, default: 3600 },
  /**
   * Refresh token validity: 7200 to 31536000 seconds; default 7776000 (90 days) for a NativeApp,
   * which the CLI (a public client) is taken to be (CreateApplication `RefreshTokenValidity`).
   */
  refreshTokenValidity: { min: 7200, max: 31536000, nativeAppDefault: 7776000 },
} as const;

/** RAM user names (RAM 2015 and IMS 2019 CreateUser, docs/alibaba-api.md §5.5). */
export const RAM_USER = {
  /**
   * `UserName` (RAM 2015), and the `<username>` part of IMS's `UserPrincipalName`: 1 to 64
   * characters, letters, digits, `.`, `-`, `_`.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createuser
   */
  name: { maxLength: 64, pattern: /^[A-Za-z0-9._-]+$/, rule: "letters, digits, '.', '-' and '_'" },
  /**
   * IMS `UserPrincipalName`: `<username>@<default domain>`, 1 to 128 characters in all. The
   * default domain is `<AccountAlias>.onaliyun.com`.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createuser
   */
  userPrincipalName: { maxLength: 128, domainSuffix: ".onaliyun.com" },
  /** `DisplayName` (RAM 2015 CreateUser): 1 to 128 characters. */
  displayName: { maxLength: 128 },
  /**
   * Guess: a SCIM user's `externalId` has no published limit; bounded like a display name, so that
   * a typo in a directory file cannot send a megabyte.
   * https://www.alibabacloud.com/help/en/ram/user-guide/synchronize-accounts-from-an-enterprise-internal-system-to-ram-based-on-scim
   */
  externalIdMaxLength: 128,
  /** `DisplayName` (IMS 2019 CreateUser): 1 to 24 characters, stricter than RAM 2015's 128. */
  imsDisplayName: { maxLength: 24 },
  /** `Comments`: 1 to 128 characters (both APIs). */
  comments: { maxLength: 128 },
  /**
   * IMS `ListUsers` `MaxItems`: 1 to 1000, default 1000.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-listusers
   */
  listMaxItems: { min: 1, max: 1000, default: 1000 },
} as const;

// ================================================================================================
// OAUTH_APP / SCIM: account-owned IMS OAuth applications (CreateApplication & co.) and SCIM for
// RAM (docs/alibaba-api.md §4-§5). Added with the emulator's SCIM support; the provider does not use
// them yet.
// ================================================================================================

/** The SCIM scope of a ServerApp (docs/alibaba-api.md §4.3). */
export const SCIM_SCOPE = "/acs/scim";

/** IMS 2019-08-15 OAuth applications owned by the account (docs/alibaba-api.md §4.1-4.3). */
export const OAUTH_APP = {
  /** `AppName`: at most 64 characters, letters, digits, `.`, `_`, `-`. */
  appName: { maxLength: 64, pattern: /^[A-Za-z0-9._-]+$/, rule: "letters, digits, '.', '_' and '-'" },
  /** `DisplayName`: at most 24 characters. */
  displayName: { maxLength: 24 },
  appTypes: ["WebApp", "NativeApp", "ServerApp"] as const,
  /** `AccessTokenValidity`: 900 to 10800 seconds, default 3600. */
  accessTokenValidity: { min: 900, max: 10800, default: 3600 },
  /**
   * `RefreshTokenValidity`: 7200 to 31536000 seconds. The defaults disagree between sources
   * (§4.1); these follow the SDK's doc comments ([SDK-IMS]): WebApp and ServerApp 30 days,
   * NativeApp 90 days (the zh metadata says NativeApp/ServerApp 30 d and WebApp 90 d).
   */
  refreshTokenValidity: {
    min: 7200,
    max: 31536000,
    defaults: { WebApp: 2592000, NativeApp: 7776000, ServerApp: 2592000 },
  },
  /** Guess: the maximum number of secrets per application is not documented; 2 allows a rotation. */
  maxSecretsPerApp: 2,
  /**
   * ListPredefinedScopes, per AppType. Abridged and partly guessed: `openid`, `aliuid`,
   * `profile` and `/internal/ram/usersts` (§3.1) for the user-facing types; a ServerApp "currently
   * supports only SCIM user-sync apps" (§4.1), so only `/acs/scim`, named as in the console.
   */
  predefinedScopes: {
    WebApp: [
      {
        name: "openid",
        description: "Obtains the OpenID of the user. This is the default scope and cannot be deleted.",
      },
      {
        name: "aliuid",
        description: "Obtains the ID of the Alibaba Cloud account to which the user belongs.",
      },
      {
        name: "profile",
        description: "Obtains the basic information of the user, such as the user name and display name.",
      },
      { name: "/internal/ram/usersts", description: "Gets STS credentials for calling Alibaba Cloud APIs." },
    ],
    NativeApp: [
      {
        name: "openid",
        description: "Obtains the OpenID of the user. This is the default scope and cannot be deleted.",
      },
      {
        name: "aliuid",
        description: "Obtains the ID of the Alibaba Cloud account to which the user belongs.",
      },
      {
        name: "profile",
        description: "Obtains the basic information of the user, such as the user name and display name.",
      },
      { name: "/internal/ram/usersts", description: "Gets STS credentials for calling Alibaba Cloud APIs." },
    ],
    ServerApp: [{ name: SCIM_SCOPE, description: "Accesses Cross-Domain Identity Management" }],
  },
} as const;

/** SCIM for RAM (docs/alibaba-api.md §5). */
export const SCIM = {
  scope: SCIM_SCOPE,
  /**
   * ListResponse paging: RAM's SCIM page shows `itemsPerPage: 30` in its example, so 30 is taken as
   * the default `count`; `startIndex`/`count` are not documented for RAM (RFC 7644 §3.4.2.4
   * semantics assumed). The maximum, 100, is what Alibaba documents for its other SCIM service
   * (CloudSSO: "at most 100 entries per page, pagination supported",
   * https://www.alibabacloud.com/help/en/cloudsso/user-guide/scim-2-0-interfaces-supported-by-sso).
   * A client must still follow `itemsPerPage`/`totalResults` rather than trust either number.
   */
  listCount: { default: 30, max: 100 },
  /** `displayName` of a RAM user (RAM 2015 rule): 1 to 128 characters. */
  displayName: { maxLength: 128 },
} as const;

/**
 * The `cloud-idaas-core` SDK's `client-config.json` (docs/alibaba-api.md §7.4, from its
 * `util/validator_util.py` and `config/*.py`).
 */
export const IDAAS_CLIENT_CONFIG = {
  /** `ValidatorUtil.validate_http_config`: both timeouts in ms, 2000 to 60000. */
  timeoutMs: { min: 2000, max: 60_000, defaultConnect: 5000, defaultRead: 10_000 },
  /** `ScopeUtil`: each item `audience|value`, one audience per config. */
  scopeItemPattern: /^[^|\s]+\|[^|\s]+$/,
  /** The fixed scope for IDaaS-hosted RAM role / STS credentials. */
  pamScope: "urn:cloud:idaas:pam|.all",
  /** Where the SDK reads the Kubernetes service-account token by default. */
  kubernetesTokenPath: "/var/run/secrets/kubernetes.io/serviceaccount/token",
  /** The only plugin the SDK ships. */
  pluginName: "alibabacloudPluginCredentialProvider",
  /** POSIX-style environment variable names (the config holds names, never values). */
  envVarName: /^[A-Za-z_][A-Za-z0-9_]{0,127}$/,
} as const;

// ================================================================================================
// EIAM: IDaaS EIAM 2021-12-01 (docs/alibaba-api.md §7): applications, M2M clients and resource servers,
// client secrets and public keys, federated credentials, and the instance's OAuth token endpoint.
// Added with the emulator's EIAM support. Self-contained: nothing above refers to it.
// ================================================================================================

/** IDaaS EIAM 2021-12-01 limits. `Guess:` marks the ones no public source states. */
export const EIAM = {
  /**
   * The `sub` of an OIDC token a federated credential names: OpenID Connect Core 1.0 §2, "MUST NOT
   * exceed 255 ASCII characters".
   * https://openid.net/specs/openid-connect-core-1_0.html#IDToken
   */
  oidcSubjectMaxLength: 255,
  /**
   * Guess: the format of an instance id. The docs show `idaas_ue2jvisn35ea5lmthk267xxxxx` (the
   * prefix and 26 lower-case letters or digits; the emulator makes ids of that length). The length
   * is not documented, so 1 to 64 are accepted: a check must never refuse a real instance.
   * https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-getinstance
   */
  instanceId: { pattern: /^idaas_[a-z0-9]{1,64}$/ },
  /**
   * `ApplicationName`: 1 to 64 characters (CreateApplication). Uniqueness is not documented and
   * not enforced.
   * https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplication
   */
  applicationName: { maxLength: 64 },
  /**
   * `Description` of an application: at most 128 characters (CreateApplication). Guess: the same
   * limit for federated credential providers and application federated credentials.
   * https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplication
   */
  description: { maxLength: 128 },
  /**
   * `ApplicationSourceType` and `SsoType` of CreateApplication.
   * https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplication
   */
  applicationSourceTypes: ["urn:alibaba:idaas:app:source:template", "urn:alibaba:idaas:app:source:standard"],
  ssoTypes: ["saml2", "oidc"],
  /**
   * Client secrets per application: at most 2 (docs/alibaba-api.md §7.2). `ExpirationTime` (epoch ms),
   * when given, at least 1 day and at most 3 years ahead (the SDK model's doc comment). Guess: a
   * year is 365 days.
   * https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplicationclientsecret
   */
  maxClientSecretsPerApplication: 2,
  /**
   * What an EIAM client secret looks like: `CS` then letters and digits (the documented example is
   * `CSEHDcHcrUKHw1CuxkJEHPveWRXBGqVqRsxxxx`, 38 characters). Used to refuse a secret given where
   * an environment-variable name belongs. Guess: the exact length is not published, so 30 or more.
   * https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplicationclientsecret
   */
  clientSecretFormat: /^CS[A-Za-z0-9]{30,}$/,
  clientSecretExpiration: { minAheadMs: 86_400_000, maxAheadMs: 3 * 365 * 86_400_000 },
  /**
   * Guess: client public keys (private_key_jwt) per application; no source states a number.
   * https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-createclientpublickey
   */
  maxClientPublicKeysPerApplication: 5,
  /**
   * Guess: `ResourceServerIdentifier` (the audience of access tokens): 1 to 256 characters, no
   * whitespace and no `|` (the token endpoint's scope syntax `<identifier>|<value>` could not
   * name it otherwise); unique in the instance.
   * https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-setapplicationresourceserveridentifier
   */
  resourceServerIdentifier: { maxLength: 256, pattern: /^[^\s|]+$/ },
  /**
   * Guess: `ResourceServerScopeName` 1 to 64 characters; `ResourceServerScopeValue` 1 to 64 of
   * letters, digits, `:`, `.`, `_`, `/`, `-`, unique per application; `.all` is reserved (the
   * token endpoint reads `<identifier>|.all` as every granted scope).
   * https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-createresourceserverscope
   */
  scopeName: { maxLength: 64 },
  /**
   * Guess: the key types a static JWKS (`OidcProviderConfig.StaticJwks`) may hold: RSA and EC, the
   * two that sign OIDC tokens in practice (RS256, ES256); no page lists them.
   * https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-createfederatedcredentialprovider
   */
  staticJwksKeyTypes: ["RSA", "EC"] as readonly string[],
  scopeValue: { maxLength: 64, pattern: /^[A-Za-z0-9:._/-]+$/, reserved: [".all"] },
  /**
   * `FederatedCredentialProviderName` and `ApplicationFederatedCredentialName`: at most 64
   * characters (docs/alibaba-api.md §7.2). Guess: provider names unique in the instance, credential
   * names unique per application.
   * https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-createfederatedcredentialprovider
   * https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplicationfederatedcredential
   */
  federatedCredentialProviderName: { maxLength: 64 },
  applicationFederatedCredentialName: { maxLength: 64 },
  /**
   * `FederatedCredentialProviderType`. Only `pkcs7` appears in the docs; `oidc` and `private_ca`
   * are inferred from the config object names (docs/alibaba-api.md §7.2). Guess.
   * https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-getfederatedcredentialprovider
   */
  federatedCredentialProviderTypes: ["oidc", "pkcs7", "private_ca"],
  /**
   * Guess: `OidcProviderConfig.Audiences`: 1 to 5 entries, each 1 to 128 characters.
   * https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-createfederatedcredentialprovider
   */
  oidcAudiences: { min: 1, max: 5, maxLength: 128 },
  /**
   * Guess: `TrustCondition` / `VerificationCondition` expressions: at most 1024 characters, and
   * parentheses or `!` nested at most 32 deep.
   * https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplicationfederatedcredential
   */
  expression: { maxLength: 1024, maxDepth: 32 },
  /**
   * Guess: `MaxResults` of the NextToken-paged lists (scopes, public keys, federated
   * credentials and providers): 1 to 100, default 20.
   * https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-listfederatedcredentialproviders
   */
  listMaxResults: { min: 1, max: 100, default: 20 },
  /**
   * Guess: `PageNumber` (from 1) and `PageSize` (1 to 100, default 20) of ListApplications.
   * https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-listapplications
   */
  listPageSize: { min: 1, max: 100, default: 20 },
  /**
   * The instance's M2M token endpoint (`/api/v2/iauths_system/oauth2/token`). Guesses: access
   * tokens live 3600 s; a client assertion (client_secret_jwt, private_key_jwt) may expire at
   * most 3600 s ahead (its `jti` is remembered that long); clocks may differ by 60 s.
   * https://www.alibabacloud.com/help/en/idaas/eiam/user-guide/m2m-client-token-invocation-example
   */
  token: { accessTokenLifetimeSeconds: 3600, assertionMaxLifetimeSeconds: 3600, clockSkewSeconds: 60 },
  /**
   * Guess: the `ResourceServerScopeType` the library sends for the scopes it creates (the models
   * name the field, no page lists its values), and at most 100 scopes per resource server.
   */
  scopeType: "custom",
  maxScopesPerResourceServer: 100,
} as const;
