/**
 * Every resource of the library with inputs far past what each allows (a 100,000-character string,
 * a 5,000-item list, a number past every range), so each check fails on every field at once. The
 * program declares them; the e2e test also runs each provider's check on the very same inputs.
 */
const str = (tag: string) => `${tag}-${"x".repeat(100_000)}`;
const list = (tag: string) => Array.from({ length: 5_000 }, (_, i) => `${tag}-${i}-${"y".repeat(30)}`);
const huge = 1e12;

/** [resource class, resource name, inputs]; `badPeople`: 10,000 people each refused in the program. */
export function largestArgs(
  instanceId: string,
  badPeople: boolean,
): Array<[string, string, Record<string, unknown>]> {
  return [
    ["RamPolicy", "policy", { policyName: str("p"), policyDocument: str("doc"), description: str("d") }],
    [
      "OidcProvider",
      "provider",
      {
        oidcProviderName: str("n"),
        issuerUrl: str("http://i"),
        fingerprints: list("f"),
        clientIds: list("c"),
        issuanceLimitTime: huge,
        description: str("d"),
      },
    ],
    [
      "OidcRole",
      "role",
      {
        roleName: str("r"),
        issuerUrl: str("https://i"),
        provider: str("acs:ram::1:oidc-provider/x"),
        audiences: list("a"),
        subjects: list("s"),
        subjectPatterns: list("p*"),
        maxSessionDuration: huge,
        description: str("d"),
        policies: list("pol"),
      },
    ],
    ["OfficialCliApplication", "cli", { site: str("site") }],
    [
      "ApplicationAssignment",
      "assignment",
      { application: str("app"), principalType: str("t"), principalName: str("n") },
    ],
    [
      "ApplicationAssignmentsExclusive",
      "assignments",
      { application: str("app"), assignments: list("a"), maxRemovals: -huge },
    ],
    [
      "FederationInventory",
      "inventory",
      {
        oidcProviders: list("p"),
        roles: list("r"),
        cliAssignments: list("c"),
        mode: str("m"),
        maxRemovals: -huge,
      },
    ],
    [
      "ScimApplication",
      "scim-app",
      { appName: str("a"), displayName: str("d"), accessTokenValidity: huge, secretVersion: -huge },
    ],
    ["ScimUser", "scim-user", { userName: str("u"), displayName: str("d"), externalId: str("e") }],
    [
      "ScimDirectory",
      "directory",
      {
        // 10,000 people: with badPeople, every one refused (in the program, before any check).
        people: Array.from({ length: 10_000 }, (_, i) =>
          badPeople
            ? { userName: `bad user ${i} ${"z".repeat(60)}`, externalId: "" }
            : { userName: `user${i}`, externalId: `e${i}` },
        ),
        clientId: str("c"),
        clientSecret: str("s"),
        concurrency: huge,
        maxDeletions: -huge,
      },
    ],
    [
      "IdaasM2mApplication",
      "m2m",
      { instanceId: str("i"), applicationName: str("n"), description: str("d") },
    ],
    [
      "IdaasResourceServer",
      "resource-server",
      {
        instanceId,
        applicationName: str("n"),
        description: str("d"),
        identifier: str("api://x"),
        scopes: list("s").map((value) => ({ value, name: str("n").slice(0, 2_000) })),
        grants: list("g").map((clientApplicationId) => ({ clientApplicationId, scopes: ["s"] })),
      },
    ],
    [
      "IdaasFederatedCredentialProvider",
      "credential-provider",
      {
        instanceId,
        name: str("n"),
        description: str("d"),
        oidc: { issuer: str("https://i"), jwksUri: str("https://j"), audiences: list("a") },
      },
    ],
    [
      "IdaasApplicationFederatedCredential",
      "federated-credential",
      {
        instanceId,
        applicationId: str("app"),
        providerId: str("p"),
        name: str("n"),
        description: str("d"),
        kubernetes: { namespace: str("ns"), serviceAccountName: str("sa") },
        attributeMappings: list("m").map((sourceValueExpression) => ({
          sourceValueExpression,
          targetField: "x",
        })),
      },
    ],
    [
      "IdaasClientSecret",
      "client-secret",
      { instanceId, applicationId: str("app"), expiresAt: str("t"), version: -huge },
    ],
    ["IdaasClientPublicKey", "public-key", { instanceId, applicationId: str("app"), publicKey: str("k") }],
    [
      "IdaasClientConfig",
      "client-config",
      {
        instanceId,
        clientId: str("c"),
        scope: str("s"),
        authnMethod: str("m"),
        clientSecretEnvVarName: str("e"),
        privateKeyEnvVarName: str("k"),
        oidcTokenFilePath: str("p"),
        connectTimeoutMs: huge,
        readTimeoutMs: huge,
        issuer: str("i"),
      },
    ],
    [
      "DirectoryGuard",
      "guard",
      { maxDeletions: -huge, confirmDeletions: -huge, allowEmpty: str("e"), allowDestroy: str("d") },
    ],
  ];
}
