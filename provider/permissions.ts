/**
 * The least-privilege table: the RAM actions each resource's lifecycle calls, one source of truth.
 * The README's table is rendered from it (`npm run docs`), `test/provider/permissions.test.ts`
 * checks it against the emulator's request log, and `leastPrivilegePolicy` builds a deploying
 * identity's custom policy from it (`examples/ci-deployer`), so the three cannot drift apart.
 *
 * IMS's OIDC and application operations are authorized as `ram:` actions (docs/alibaba-api.md §1.1).
 */

/** One action, with why it is needed when that is not the lifecycle itself. */
export interface ActionEntry {
  action: string;
  /** Shown after the action in the README, e.g. `(a create whose answer was lost)`. */
  note?: string;
}

/** A resource's row. */
export interface ActionRow {
  /** What create, read, update and delete call. */
  lifecycle: readonly string[];
  /** Said instead of an action list when the lifecycle calls no RAM action. */
  lifecycleNote?: string;
  /** What recovering a create whose answer was lost, or repairing drift, calls besides. */
  recovery: readonly ActionEntry[];
}

/** The resources of this package and the RAM actions they call. */
export const RAM_ACTIONS = {
  ApplicationAssignment: {
    lifecycle: [
      "ram:CreateApplicationAssignment",
      "ram:ListApplicationAssignments",
      "ram:DeleteApplicationAssignment",
      "ram:GetDefaultDomain",
    ],
    recovery: [],
  },
  ApplicationAssignmentsExclusive: {
    lifecycle: ["ram:ListApplicationAssignments"],
    recovery: [{ action: "ram:DeleteApplicationAssignment", note: "(enforce: an undeclared assignment)" }],
  },
  DirectoryGuard: {
    lifecycle: [],
    lifecycleNote: "none (it remembers a directory's keys in state)",
    recovery: [],
  },
  FederationInventory: {
    lifecycle: ["ram:ListOIDCProviders", "ram:ListRoles", "ram:GetRole", "ram:ListApplicationAssignments"],
    recovery: [
      { action: "ram:DeleteApplicationAssignment" },
      { action: "ram:DeleteOIDCProvider" },
      { action: "ram:ListPoliciesForRole" },
      { action: "ram:DetachPolicyFromRole" },
      { action: "ram:DeleteRole", note: "(enforce: undeclared objects of the enforced kinds)" },
    ],
  },
  IdaasApplicationFederatedCredential: {
    lifecycle: [
      "eiam:CreateApplicationFederatedCredential",
      "eiam:GetApplicationFederatedCredential",
      "eiam:UpdateApplicationFederatedCredential",
      "eiam:UpdateApplicationFederatedCredentialDescription",
      "eiam:DeleteApplicationFederatedCredential",
    ],
    recovery: [
      { action: "eiam:EnableApplicationFederatedCredential", note: "(one disabled out of band)" },
      { action: "eiam:ListApplicationFederatedCredentials", note: "(a create whose answer was lost)" },
    ],
  },
  IdaasClientConfig: { lifecycle: ["eiam:GetInstance"], recovery: [] },
  IdaasClientPublicKey: {
    lifecycle: ["eiam:CreateClientPublicKey", "eiam:GetClientPublicKey", "eiam:DeleteClientPublicKey"],
    recovery: [
      { action: "eiam:EnableClientPublicKey", note: "(one disabled out of band)" },
      { action: "eiam:ListClientPublicKeys", note: "(a create whose answer was lost)" },
    ],
  },
  IdaasClientSecret: {
    lifecycle: [
      "eiam:ListApplicationClientSecrets",
      "eiam:CreateApplicationClientSecret",
      "eiam:DeleteApplicationClientSecret",
    ],
    recovery: [
      { action: "eiam:ObtainApplicationClientSecret" },
      { action: "eiam:EnableApplicationClientSecret" },
    ],
  },
  IdaasFederatedCredentialProvider: {
    lifecycle: [
      "eiam:CreateFederatedCredentialProvider",
      "eiam:GetFederatedCredentialProvider",
      "eiam:UpdateFederatedCredentialProvider",
      "eiam:UpdateFederatedCredentialProviderDescription",
      "eiam:DeleteFederatedCredentialProvider",
    ],
    recovery: [
      { action: "eiam:EnableFederatedCredentialProvider" },
      { action: "eiam:DisableFederatedCredentialProvider" },
    ],
  },
  IdaasM2mApplication: {
    lifecycle: [
      "eiam:CreateApplication",
      "eiam:EnableApplicationM2MClient",
      "eiam:GetApplication",
      "eiam:UpdateApplicationInfo",
      "eiam:UpdateApplicationDescription",
      "eiam:DeleteApplication",
    ],
    recovery: [{ action: "eiam:ListApplications" }],
  },
  IdaasResourceServer: {
    lifecycle: [
      "eiam:CreateApplication",
      "eiam:GetApplication",
      "eiam:UpdateApplicationInfo",
      "eiam:UpdateApplicationDescription",
      "eiam:EnableApplicationResourceServer",
      "eiam:SetApplicationResourceServerIdentifier",
      "eiam:CreateResourceServerScope",
      "eiam:UpdateResourceServerScope",
      "eiam:ListResourceServerScopes",
      "eiam:DeleteResourceServerScope",
      "eiam:AuthorizeResourceServerScopesToClient",
      "eiam:RevokeResourceServerScopesFromClient",
      "eiam:DeleteApplication",
    ],
    recovery: [{ action: "eiam:ListApplications", note: "(a create whose answer was lost)" }],
  },
  OfficialCliApplication: {
    lifecycle: [
      "ram:ProvisionExternalApplication",
      "ram:GetExternalApplication",
      "ram:DeprovisionExternalApplication",
    ],
    recovery: [],
  },
  OidcProvider: {
    lifecycle: [
      "ram:CreateOIDCProvider",
      "ram:GetOIDCProvider",
      "ram:UpdateOIDCProvider",
      "ram:AddFingerprintToOIDCProvider",
      "ram:RemoveFingerprintFromOIDCProvider",
      "ram:DeleteOIDCProvider",
    ],
    // ListOIDCProviders only names the provider holding a clashing issuer in an error, and its
    // failure is ignored: no run needs it (test/provider/deployPolicy.test.ts), so it is not here.
    recovery: [],
  },
  OidcRole: {
    lifecycle: [
      "ram:CreateRole",
      "ram:GetRole",
      "ram:UpdateRole",
      "ram:AttachPolicyToRole",
      "ram:DetachPolicyFromRole",
      "ram:ListPoliciesForRole",
      "ram:DeleteRole",
    ],
    recovery: [],
  },
  RamPolicy: {
    lifecycle: [
      "ram:CreatePolicy",
      "ram:GetPolicy",
      "ram:CreatePolicyVersion",
      "ram:UpdatePolicyDescription",
      "ram:DeletePolicy",
    ],
    recovery: [],
  },
  ScimApplication: {
    lifecycle: [
      "ram:CreateApplication",
      "ram:ProvisionApplication",
      "ram:GetApplication",
      "ram:CreateAppSecret",
      "ram:ListAppSecretIds",
      "ram:DeleteAppSecret",
      "ram:DeleteApplication",
    ],
    recovery: [{ action: "ram:ListApplications" }, { action: "ram:UpdateApplication" }],
  },
  ScimDirectory: {
    lifecycle: [],
    lifecycleNote: "none: SCIM calls carry the ScimApplication's OAuth token (`/acs/scim`), not RAM actions",
    recovery: [],
  },
  ScimUser: {
    lifecycle: [],
    lifecycleNote: "none: SCIM calls carry the ScimApplication's OAuth token (`/acs/scim`), not RAM actions",
    recovery: [],
  },
} as const satisfies Record<string, ActionRow>;

/** A resource of this package, by its class name. */
export type ResourceKind = keyof typeof RAM_ACTIONS;

/** Every action a resource may call: its lifecycle and its recovery column. */
export function actionsOf(kind: ResourceKind): string[] {
  const row: ActionRow = RAM_ACTIONS[kind];
  if (row === undefined) throw new Error(`'${kind}' is not a resource of alicloud-federation`);
  return [...row.lifecycle, ...row.recovery.map((r) => r.action)];
}

/** The union of `actionsOf` for these resources, sorted, each once. */
export function actionsFor(kinds: readonly ResourceKind[]): string[] {
  return [...new Set(kinds.flatMap(actionsOf))].sort();
}

/**
 * A RAM permission policy allowing exactly the actions these resources call (lifecycle and
 * recovery), on every resource: the custom policy of a pipeline that deploys them. Pass
 * `without` to leave actions out (the minimality test removes one at a time).
 */
export function leastPrivilegePolicy(
  kinds: readonly ResourceKind[],
  options: { without?: readonly string[] } = {},
): string {
  const without = new Set(options.without ?? []);
  const actions = actionsFor(kinds).filter((a) => !without.has(a));
  return JSON.stringify({
    Version: "1",
    Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }],
  });
}

/** The README's table (between its `ram-actions` markers), rendered from `RAM_ACTIONS`. */
export function renderActionsTable(): string {
  const code = (a: string) => `\`${a}\``;
  const lines = [
    "| resource | RAM actions its create, read, update and delete call | also, when recovering or repairing drift | checked against the log |",
    "|---|---|---|---|",
  ];
  for (const [kind, row] of Object.entries(RAM_ACTIONS) as Array<[string, ActionRow]>) {
    const lifecycle = row.lifecycleNote ?? row.lifecycle.map(code).join(", ");
    const recovery = row.recovery
      .map((r) => (r.note ? `${code(r.action)} ${r.note}` : code(r.action)))
      .join(", ");
    lines.push(`| \`${kind}\` | ${lifecycle} | ${recovery} | yes |`);
  }
  return lines.join("\n");
}

/** `*` any run of characters, `?` one; case-insensitive, as RAM matches actions. */
function actionMatches(pattern: string, action: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${re}$`, "i").test(action);
}

const list = (v: unknown): string[] => (typeof v === "string" ? [v] : Array.isArray(v) ? v.map(String) : []);

/**
 * Which of `actions` these permission policies allow (an explicit Deny wins, an Allow allows,
 * anything else is denied). `Resource` and `Condition` are read as matching everything: an
 * Allow may be counted wider than RAM applies it, which is why the self-lockout check that uses
 * this only ever looks at what a change removes. A document that is not JSON allows nothing.
 * https://www.alibabacloud.com/help/en/ram/user-guide/policy-elements
 */
export function allowedActions(documents: readonly string[], actions: readonly string[]): Set<string> {
  const statements = documents.flatMap((doc) => {
    try {
      const st = (JSON.parse(doc) as { Statement?: unknown }).Statement;
      return (Array.isArray(st) ? st : [st]) as Array<Record<string, unknown>>;
    } catch {
      return [];
    }
  });
  const covers = (s: Record<string, unknown>, a: string) =>
    s.Action !== undefined
      ? list(s.Action).some((p) => actionMatches(p, a))
      : s.NotAction !== undefined && !list(s.NotAction).some((p) => actionMatches(p, a));
  return new Set(
    actions.filter(
      (a) =>
        !statements.some((s) => s?.Effect === "Deny" && covers(s, a)) &&
        statements.some((s) => s?.Effect === "Allow" && covers(s, a)),
    ),
  );
}

/** Every action of the table, each once. */
export function tableActions(): string[] {
  return actionsFor(Object.keys(RAM_ACTIONS) as ResourceKind[]);
}
