// The package entry: re-exports only.

export {
  checkPeople,
  type DirectoryEntry,
  DirectoryError,
  directoryProblems,
  EXTERNAL_ID_MAX,
  entryKey,
  type PlacedEntry,
  parseCsv,
  readDirectory,
  resourceNameFor,
  scimUsersFromDirectory,
} from "./directory";
export { AlicloudApiError, hasCode, maskSecrets } from "./errors";
export {
  buildIdaasClientConfig,
  IDAAS_AUTHN_METHODS,
  IDAAS_DEPLOY_ENVIRONMENTS,
  type IdaasAuthnMethod,
  type IdaasClientConfigJson,
  type IdaasClientConfigSpec,
  idaasEndpoints,
  validateIdaasClientConfig,
} from "./idaasClientConfig";
export * as limits from "./limits";
export { canonicalSet, normalizeFingerprint, normalizeIssuerUrl } from "./normalize";
export {
  type ActionEntry,
  type ActionRow,
  actionsFor,
  actionsOf,
  leastPrivilegePolicy,
  RAM_ACTIONS,
  type ResourceKind,
  renderActionsTable,
} from "./permissions";
export { type FingerprintStep, planFingerprintSteps } from "./plan";
export {
  formatTrustReport,
  type ManagedSet,
  managedFromState,
  type TrustReport,
  type TrustReportOptions,
  trustReport,
  trustReportSchema,
} from "./report";
export {
  ApplicationAssignment,
  type ApplicationAssignmentArgs,
  type ApplicationAssignmentInputs,
  type ApplicationAssignmentOutputs,
  ApplicationAssignmentProvider,
  checkApplicationAssignmentInputs,
} from "./resources/applicationAssignment";
export {
  checkDirectoryGuardInputs,
  DEFAULT_MAX_DELETIONS,
  type DeletionGuardArgs,
  DirectoryGuard,
  DirectoryGuardProvider,
  deletionGuardFailures,
} from "./resources/directoryGuard";
export {
  ApplicationAssignmentsExclusive,
  type ApplicationAssignmentsExclusiveArgs,
  ApplicationAssignmentsExclusiveProvider,
  checkApplicationAssignmentsExclusiveInputs,
  checkFederationInventoryInputs,
  type DeclaredPrincipal,
  FederationInventory,
  type FederationInventoryArgs,
  type FederationInventoryInputs,
  type FederationInventoryOutputs,
  FederationInventoryProvider,
  findUnmanaged,
  type InventoryKinds,
  type InventoryMode,
} from "./resources/federationInventory";
export {
  checkIdaasApplicationFederatedCredentialInputs,
  IdaasApplicationFederatedCredential,
  type IdaasApplicationFederatedCredentialArgs,
  type IdaasApplicationFederatedCredentialOutputs,
  IdaasApplicationFederatedCredentialProvider,
} from "./resources/idaasApplicationFederatedCredential";
export {
  checkIdaasClientConfigInputs,
  IdaasClientConfig,
  type IdaasClientConfigArgs,
  type IdaasClientConfigOutputs,
  IdaasClientConfigProvider,
} from "./resources/idaasClientConfig";
export {
  checkIdaasClientPublicKeyInputs,
  IdaasClientPublicKey,
  type IdaasClientPublicKeyArgs,
  type IdaasClientPublicKeyOutputs,
  IdaasClientPublicKeyProvider,
} from "./resources/idaasClientPublicKey";
export {
  checkIdaasClientSecretInputs,
  IdaasClientSecret,
  type IdaasClientSecretArgs,
  type IdaasClientSecretOutputs,
  IdaasClientSecretProvider,
} from "./resources/idaasClientSecret";
export {
  checkIdaasFederatedCredentialProviderInputs,
  IdaasFederatedCredentialProvider,
  type IdaasFederatedCredentialProviderArgs,
  type IdaasFederatedCredentialProviderOutputs,
  IdaasFederatedCredentialProviderProvider,
} from "./resources/idaasFederatedCredentialProvider";
export {
  checkIdaasM2mApplicationInputs,
  IdaasM2mApplication,
  type IdaasM2mApplicationArgs,
  type IdaasM2mApplicationOutputs,
  IdaasM2mApplicationProvider,
} from "./resources/idaasM2mApplication";
export {
  checkIdaasResourceServerInputs,
  type IdaasGrantArgs,
  IdaasResourceServer,
  type IdaasResourceServerArgs,
  type IdaasResourceServerOutputs,
  IdaasResourceServerProvider,
  type IdaasScopeArgs,
  idaasScope,
} from "./resources/idaasResourceServer";
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
  canonicalPolicyDocument,
  checkRamPolicyInputs,
  diffRamPolicy,
  RamPolicy,
  type RamPolicyArgs,
  type RamPolicyInputs,
  type RamPolicyOutputs,
  RamPolicyProvider,
  ramPolicyRules,
} from "./resources/ramPolicy";
export {
  checkScimApplicationInputs,
  SCIM_SCOPE,
  ScimApplication,
  type ScimApplicationArgs,
  type ScimApplicationOutputs,
  ScimApplicationProvider,
} from "./resources/scimApplication";
export {
  checkScimDirectoryInputs,
  decodePerson,
  directoryMaps,
  encodePerson,
  SCIM_DIRECTORY_CONCURRENCY,
  ScimDirectory,
  type ScimDirectoryArgs,
  type ScimDirectoryInputs,
  type ScimDirectoryOutputs,
  ScimDirectoryProvider,
} from "./resources/scimDirectory";
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
  type ClaimMatch,
  describeGrant,
  type FederatedGrant,
  type FederatedTrustSummary,
  grantAdmitsAnyWorkload,
  summarizeFederatedTrust,
} from "./trust/admits";
export {
  type ChainCertificate,
  type DiscoveredFingerprint,
  DiscoveryError,
  type DiscoveryOptions,
  discoverOidcFingerprint,
  lastCertificateFingerprint,
  type VerifiedChain,
  verifiedChain,
} from "./trust/discovery";
export {
  evaluateTrust,
  type OidcClaims,
  stringLike,
  type TrustDecision,
  type TrustOutcome,
  type TrustRequest,
  type UndeterminedPart,
  undecidableParts,
} from "./trust/evaluate";
export { describePin, EXPIRY_WARNING_DAYS, judgePins, type PinVerdict } from "./trust/pins";
export {
  AmbiguousPolicyError,
  buildOidcTrustPolicy,
  CONDITION_OPERATORS,
  type ConditionOperator,
  type ConditionValue,
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
  type PresetAcknowledgement,
  PresetError,
  type TrustPreset,
  trustPresets,
} from "./trust/presets";
export { type AnyWorkload, admitsAnyWorkload, unpinnedSubjectReason } from "./trust/subjects";
export type { CheckFailure } from "./validation";
