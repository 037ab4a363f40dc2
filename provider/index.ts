// The package entry: re-exports only.

export {
  type DirectoryEntry,
  DirectoryError,
  entryKey,
  parseCsv,
  readDirectory,
  resourceNameFor,
  scimUsersFromDirectory,
} from "./directory";
export { AlicloudApiError, hasCode, maskSecrets } from "./errors";
export * as limits from "./limits";
export { canonicalSet, normalizeFingerprint, normalizeIssuerUrl } from "./normalize";
export { type FingerprintStep, planFingerprintSteps } from "./plan";
export {
  ApplicationAssignment,
  type ApplicationAssignmentArgs,
  type ApplicationAssignmentInputs,
  type ApplicationAssignmentOutputs,
  ApplicationAssignmentProvider,
  checkApplicationAssignmentInputs,
} from "./resources/applicationAssignment";
export {
  checkOfficialCliApplicationInputs,
  OFFICIAL_CLI_APP_IDS,
  OFFICIAL_CLI_SCOPES,
  OfficialCliApplication,
  type OfficialCliApplicationArgs,
  type OfficialCliApplicationOutputs,
  OfficialCliApplicationProvider,
  type Site,
} from "./resources/officialCliApplication";
export {
  checkOidcProviderInputs,
  diffOidcProvider,
  issuerUrlProblem,
  OidcProvider,
  type OidcProviderArgs,
  type OidcProviderInputs,
  type OidcProviderOutputs,
  OidcProviderProvider,
  oidcProviderRules,
} from "./resources/oidcProvider";
export {
  checkOidcRoleInputs,
  diffOidcRole,
  OidcRole,
  type OidcRoleArgs,
  type OidcRoleInputs,
  type OidcRoleOutputs,
  OidcRoleProvider,
  oidcRoleRules,
  type PolicyRef,
} from "./resources/oidcRole";
export {
  checkScimApplicationInputs,
  SCIM_SCOPE,
  ScimApplication,
  type ScimApplicationArgs,
  type ScimApplicationOutputs,
  ScimApplicationProvider,
} from "./resources/scimApplication";
export {
  checkScimUserInputs,
  ScimUser,
  type ScimUserArgs,
  type ScimUserOutputs,
  ScimUserProvider,
} from "./resources/scimUser";
export { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry";
export { CONFIG_KEYS, ENV_KEYS, type RuntimeSettings } from "./settings";
export {
  type DiscoveredFingerprint,
  DiscoveryError,
  type DiscoveryOptions,
  discoverOidcFingerprint,
  lastCertificateFingerprint,
} from "./trust/discovery";
export {
  evaluateTrust,
  type OidcClaims,
  stringLike,
  type TrustDecision,
  type TrustRequest,
} from "./trust/evaluate";
export {
  buildOidcTrustPolicy,
  canonicalTrustPolicy,
  type OidcTrustSpec,
  PolicyParseError,
  parseTrustPolicy,
  type SubjectConditions,
  trustPoliciesEqual,
} from "./trust/policy";
export {
  type AckRrsaTrust,
  type AuthingTrust,
  ackRrsa,
  authing,
  type GitHubActionsTrust,
  type GitLabCiTrust,
  githubActions,
  gitlabCi,
  PresetError,
  type TrustPreset,
  trustPresets,
} from "./trust/presets";
export type { CheckFailure } from "./validation";
