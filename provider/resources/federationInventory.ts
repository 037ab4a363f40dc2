/**
 * `FederationInventory` and `ApplicationAssignmentsExclusive`: trust created
 * outside the code is drift. The inventory declares the account's complete
 * set of OIDC identity providers, of roles whose trust policy names a
 * Federated principal, and of official-cli assignments; the exclusive
 * resource declares one application's assignments only (the model is AWS's
 * `RolePolicyAttachmentsExclusive`).
 *
 * How drift reaches the engine: `read` (run by `preview --refresh` and
 * `refresh`) lists every undeclared object, named with what it trusts, in the
 * `unmanaged` property, and returns it among the inputs as well. The program
 * always asks for `unmanaged: []`, so the engine diffs the two: the resource
 * shows as an update, `--expect-no-changes` fails, and `--diff` prints each
 * name. Each is also sent as a warning, which the engine prints without
 * `--diff`.
 *
 * `mode: "report"`: `up` re-reads the account and fails with the list,
 * changing nothing. `mode: "enforce"`: `up` removes the undeclared objects of
 * the kinds `enforce` names (assignments by default; providers and roles only
 * when set, as deleting them can break running workloads) and fails, listing
 * them, while any other undeclared object remains.
 *
 * APIs: ListOIDCProviders https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-listoidcproviders,
 * ListRoles https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-listroles,
 * GetRole https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-getrole,
 * ListApplicationAssignments (docs/alibaba-api.md §2.1).
 */
import * as pulumi from "@pulumi/pulumi";
import { accountBound, callerAccount, previewLookup } from "../account";
import * as ims from "../client/ims";
import * as apps from "../client/imsApps";
import * as ram from "../client/ram";
import { type Session, session } from "../client/session";
import { warn } from "../diagnostics";
import { firstOf, hasCode, hasCodePrefix, maskSecrets, UserError } from "../errors";
import { type AccountScan, assignmentKey, type RoleVerdicts, scanAccount } from "../inventory";
import { configure, deleteUnlessGone, diffFields, diffResult, Progress } from "../lifecycle";
import { OIDC, RAM_ROLE, RAM_USER } from "../limits";
import { canonicalSet, containsUnknown } from "../normalize";
import { withSecretInputs } from "../secretInputs";
import { providerShim } from "../shim";
import { arnKey, caseOnlyArnProblems, describeGrant, grantAdmitsAnyWorkload } from "../trust/admits";
import { type CheckFailure, lazyRules, requireChecked, validateFields } from "../validation";
import type { ApplicationAssignment } from "./applicationAssignment";
import { OFFICIAL_CLI_APP_IDS, type OfficialCliApplication, type Site } from "./officialCliApplication";
import type { OidcProvider } from "./oidcProvider";
import type { OidcRole } from "./oidcRole";

/** The kinds of federation trust an inventory covers or enforces. */
export interface InventoryKinds {
  /** Assignments of official-cli (who may log in to the CLI with OAuth). */
  assignments: boolean;
  /** OIDC identity providers. */
  oidcProviders: boolean;
  /** Roles whose trust policy names a Federated principal. */
  roles: boolean;
}

/** A declared assignment that is not an `ApplicationAssignment` of this stack. */
export interface DeclaredPrincipal {
  /** `user` or `role`. */
  principalType: pulumi.Input<string>;
  /** A RAM user name or user principal name (`alice`, `alice@<domain>`), or a role name. */
  principalName: pulumi.Input<string>;
}

export type InventoryMode = "report" | "enforce";

/** The arguments of a `FederationInventory`. */
export interface FederationInventoryArgs {
  /**
   * Every OIDC identity provider the account may have: `OidcProvider`s or
   * provider names (1 to 128 letters, digits, `.`, `-`, `_`). Any other is
   * drift. Omitted: none may exist.
   * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-listoidcproviders
   */
  oidcProviders?: Array<OidcProvider | pulumi.Input<string>>;
  /**
   * Every role whose trust policy may name a Federated principal (OIDC or
   * SAML): `OidcRole`s or role names (1 to 64 letters, digits, `.`, `-`;
   * compared case-insensitively). Roles trusting only RAM principals or
   * services are not concerned. Omitted: none may exist.
   * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-listroles
   */
  roles?: Array<OidcRole | pulumi.Input<string>>;
  /**
   * Everyone who may log in to the CLI through official-cli:
   * `ApplicationAssignment`s or `{ principalType, principalName }`. Users are
   * compared by RAM user name, whatever the domain. Omitted: nobody.
   * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createapplicationassignment
   */
  cliAssignments?: Array<ApplicationAssignment | DeclaredPrincipal>;
  /**
   * The official-cli whose assignments are inventoried: an
   * `OfficialCliApplication` or its AppId (digits). Default: official-cli of
   * both sites (cn `4038181954557748008`, intl `4103531455503354461`).
   */
  cliApplication?: OfficialCliApplication | pulumi.Input<string>;
  /**
   * `report` (default): undeclared trust fails the drift gate and `up`, which
   * changes nothing. `enforce`: `up` removes the undeclared objects of the
   * kinds in `enforce`, and fails while others remain.
   */
  mode?: pulumi.Input<InventoryMode>;
  /**
   * With `mode: "enforce"`, which kinds `up` removes. Default
   * `{ assignments: true, oidcProviders: false, roles: false }`: deleting a
   * provider or role can break running workloads, so say so per kind. Not
   * allowed with `mode: "report"`.
   */
  enforce?: pulumi.Input<Partial<InventoryKinds>>;
  /**
   * What other stacks in the same account declare, accepted as declared here too (so each stack's
   * gate passes while everything nobody declares is still reported): each entry another stack's
   * `FederationInventory.declared`, exported and read with a `StackReference`
   * (`ref.getOutput("federation")`), or a literal `{ oidcProviders?, roles?, cliAssignments? }`
   * of names (assignments as `user:<name>` / `role:<name>` or `{ principalType, principalName }`).
   * Never removed by `enforce`. An entry that names another account (`accountId`, which `declared`
   * carries) fails the check at preview, and `up` refuses it: a stack in another account cannot
   * vouch for objects in this one. Default: none.
   */
  acceptDeclaredBy?: Array<pulumi.Input<DeclaredInventory>>;
  /**
   * With `mode: "enforce"`, an `up` that would remove more undeclared objects than this is
   * refused before removing any, naming the count. A whole number, 0 or more. Default 10.
   */
  maxRemovals?: pulumi.Input<number>;
  /** Lets one larger removal through: the exact count the refusal names. */
  confirmRemovals?: pulumi.Input<number>;
}

/** What a stack's inventory declares, as another stack's `acceptDeclaredBy` takes it. */
export interface DeclaredInventory {
  /** OIDC provider names. */
  oidcProviders?: string[];
  /** Role names. */
  roles?: string[];
  /** Assignments: `user:<name>` / `role:<name>`, or `{ principalType, principalName }`. */
  cliAssignments?: Array<string | DeclaredPrincipal>;
  /**
   * The official applications (AppIds, digits) whose assignments the declaring inventory covers,
   * as `declared` exports it: its `cliAssignments` are accepted for those applications only.
   * Omitted in a literal list, which is taken to mean every application this inventory covers.
   */
  cliAppIds?: string[];
  /**
   * The account the declaring stack's inventory scans (digits), as `declared` exports it. Omitted
   * in a literal list, which is taken to mean this account.
   */
  accountId?: string;
}

/** Other stacks' declarations, merged. */
interface Accepted {
  oidcProviders: string[];
  roles: string[];
  /** Assignment keys (`user:alice`), each for the applications its declaration covers (`<AppId>/user:alice`) or for any (`user:alice`). */
  cliAssignments: string[];
  /** The accounts the declaring inventories scan, where they say (`DeclaredInventory.accountId`). */
  accounts: string[];
}

const NOTHING_ACCEPTED: Accepted = { oidcProviders: [], roles: [], cliAssignments: [], accounts: [] };

/** The default `maxRemovals`: an enforcing `up` removes at most this many undeclared objects unconfirmed. */
export const DEFAULT_MAX_REMOVALS = 10;

/** Inputs after `check`. Names are canonical (sorted, duplicate-free; roles and assignments lower-case). */
export interface FederationInventoryInputs {
  /** Which kinds this resource looks at. */
  covers: InventoryKinds;
  oidcProviders: string[];
  roles: string[];
  cliAppIds: string[];
  /** `user:<name>` or `role:<name>`. */
  cliAssignments: string[];
  mode: InventoryMode;
  enforce: InventoryKinds;
  /** What the program wants: always empty. After a refresh: each undeclared object, named with what it trusts. */
  unmanaged: string[];
  /**
   * What other stacks declare (`acceptDeclaredBy`), merged and canonical, with the accounts those
   * declarations say they come from (`accounts`: empty when none says).
   */
  accepted: Accepted;
  maxRemovals: number;
  confirmRemovals?: number;
}

export interface FederationInventoryOutputs extends FederationInventoryInputs {
  /** Roles already seen to trust no federated principal (see provider/inventory.ts). */
  roleVerdicts: RoleVerdicts;
}

const ALL: InventoryKinds = { assignments: true, oidcProviders: true, roles: true };
const NONE: InventoryKinds = { assignments: false, oidcProviders: false, roles: false };
const DEFAULT_ENFORCE: InventoryKinds = { assignments: true, oidcProviders: false, roles: false };

const rules = lazyRules((z) => {
  const providerName = z.string({ error: "must be a string" }).superRefine((v, ctx) => {
    if (v.length === 0 || v.length > OIDC.name.maxLength || !OIDC.name.pattern.test(v))
      ctx.addIssue({
        code: "custom",
        message: `'${v}' is not an OIDC provider name (${OIDC.name.rule}; 1 to ${OIDC.name.maxLength})`,
      });
  });
  const roleName = z.string({ error: "must be a string" }).superRefine((v, ctx) => {
    if (v.length === 0 || v.length > RAM_ROLE.name.maxLength || !RAM_ROLE.name.pattern.test(v))
      ctx.addIssue({
        code: "custom",
        message: `'${v}' is not a RAM role name (${RAM_ROLE.name.rule}; 1 to ${RAM_ROLE.name.maxLength})`,
      });
  });
  /**
   * A declared principal: `{ principalType, principalName }` as written, or the
   * canonical `user:alice` that `check` makes of it (the engine hands checked
   * inputs back to `create` and `update`).
   */
  const principal = z.unknown().transform((v, ctx) => {
    let type: string;
    let name: string;
    if (typeof v === "string") {
      const [t = "", ...rest] = v.split(":");
      [type, name] = [t, rest.join(":")];
    } else if (
      v !== null &&
      typeof v === "object" &&
      typeof (v as DeclaredPrincipal).principalType === "string" &&
      typeof (v as DeclaredPrincipal).principalName === "string"
    ) {
      [type, name] = [
        (v as { principalType: string }).principalType,
        (v as { principalName: string }).principalName,
      ];
    } else {
      ctx.addIssue({ code: "custom", message: "must be {principalType, principalName}" });
      return z.NEVER;
    }
    const problem = principalProblem(type.trim().toLowerCase(), name.trim());
    if (problem) {
      ctx.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    }
    return assignmentKey(type.trim(), name.trim());
  });

  function principalProblem(type: string, name: string): string | undefined {
    if (type !== "user" && type !== "role") return `principalType '${type}' must be 'user' or 'role'`;
    if (type === "role")
      return roleName.safeParse(name).success ? undefined : `principalName '${name}' is not a RAM role name`;
    const user = name.split("@")[0] ?? "";
    if (user.length === 0 || user.length > RAM_USER.name.maxLength || !RAM_USER.name.pattern.test(user))
      return `principalName '${name}' is not a RAM user name`;
    return undefined;
  }
  const kinds = z
    .object(
      {
        assignments: z.boolean({ error: "assignments must be true or false" }).optional(),
        oidcProviders: z.boolean({ error: "oidcProviders must be true or false" }).optional(),
        roles: z.boolean({ error: "roles must be true or false" }).optional(),
      },
      { error: "must be {assignments?, oidcProviders?, roles?}" },
    )
    .strict();
  return {
    covers: { schema: kinds },
    oidcProviders: { schema: z.array(providerName, { error: "must be a list" }).transform(canonicalSet) },
    roles: {
      schema: z
        .array(roleName, { error: "must be a list" })
        .transform((l) => canonicalSet(l.map((r) => r.toLowerCase()))),
    },
    cliAppIds: {
      schema: z
        .array(
          z.string({ error: "must be a string" }).refine((v) => /^\d{1,32}$/.test(v), {
            message: "must be an official application's AppId (digits)",
          }),
          { error: "must be a list" },
        )
        .transform(canonicalSet),
    },
    cliAssignments: { schema: z.array(principal, { error: "must be a list" }).transform(canonicalSet) },
    mode: { schema: z.enum(["report", "enforce"], { error: "must be 'report' or 'enforce'" }) },
    enforce: { schema: kinds },
    acceptDeclaredBy: {
      schema: z.array(
        z
          .object(
            {
              oidcProviders: z.array(providerName, { error: "must be a list" }).optional(),
              roles: z.array(roleName, { error: "must be a list" }).optional(),
              cliAssignments: z.array(principal, { error: "must be a list" }).optional(),
              cliAppIds: z
                .array(z.string().regex(/^\d{1,32}$/, "must be an AppId (digits)"), {
                  error: "must be a list",
                })
                .optional(),
              accountId: z
                .string({ error: "must be an account id (digits)" })
                .regex(/^\d{1,32}$/, "must be an account id (digits)")
                .optional(),
            },
            {
              error:
                "must be another stack's declared inventory: {oidcProviders?, roles?, cliAssignments?, accountId?}",
            },
          )
          .passthrough(),
        { error: "must be a list" },
      ),
    },
    maxRemovals: {
      schema: z
        .number({ error: "must be a number" })
        .int("must be a whole number")
        .min(0, "must be 0 or more"),
    },
    confirmRemovals: {
      schema: z
        .number({ error: "must be a number" })
        .int("must be a whole number")
        .min(0, "must be 0 or more"),
    },
  };
});

export function checkFederationInventoryInputs(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  const { values, failures } = validateFields(news, rules());
  const inputs: Record<string, unknown> = { ...news, ...values };
  const fill = (v: unknown, base: InventoryKinds) =>
    v && typeof v === "object" && !containsUnknown(v) ? { ...base, ...(v as Partial<InventoryKinds>) } : v;
  inputs.covers = inputs.covers === undefined ? { ...ALL } : fill(inputs.covers, NONE);
  inputs.oidcProviders ??= [];
  inputs.roles ??= [];
  inputs.cliAppIds ??= canonicalSet(Object.values(OFFICIAL_CLI_APP_IDS));
  inputs.cliAssignments ??= [];
  inputs.mode ??= "report";
  if (inputs.mode === "report" && inputs.enforce !== undefined && !containsUnknown(inputs.enforce)) {
    const on = Object.entries(inputs.enforce as Partial<InventoryKinds>).filter(([, v]) => v === true);
    if (on.length > 0)
      failures.push({
        property: "enforce",
        reason: `enforces ${on.map(([k]) => k).join(", ")}, but mode is 'report', which changes nothing; set mode: 'enforce'`,
      });
  }
  // Kinds not named keep their default: assignments enforced, providers and roles reported.
  inputs.enforce = inputs.mode === "report" ? { ...NONE } : fill(inputs.enforce ?? {}, DEFAULT_ENFORCE);
  // The program always wants nothing undeclared; a refresh stores what it found.
  inputs.unmanaged = [];
  inputs.maxRemovals ??= DEFAULT_MAX_REMOVALS;
  // Other stacks' declarations, merged; the list as given is not kept (a StackReference output
  // may carry more than names).
  const others = inputs.acceptDeclaredBy;
  delete inputs.acceptDeclaredBy;
  if (containsUnknown(others)) inputs.accepted = others;
  else if (
    Array.isArray(others) &&
    inputs.accepted === undefined &&
    !failures.some((f) => f.property.startsWith("acceptDeclaredBy"))
  ) {
    const list = others as Array<{
      oidcProviders?: string[];
      roles?: string[];
      cliAssignments?: string[];
      cliAppIds?: string[];
      accountId?: string;
    }>;
    // A declaration that says which applications it covers vouches for their assignments only: an
    // assignment to another application is nobody's declaration, and nobody else scans it.
    // One that covers every application this inventory scans vouches as an unscoped one does.
    const mine =
      Array.isArray(inputs.cliAppIds) && !containsUnknown(inputs.cliAppIds)
        ? (inputs.cliAppIds as string[])
        : undefined;
    const scoped = (o: (typeof list)[number]) =>
      (o.cliAssignments ?? []).flatMap((key) =>
        !o.cliAppIds || mine?.every((app) => o.cliAppIds?.includes(app))
          ? [key]
          : o.cliAppIds.map((app) => `${app}/${key}`),
      );
    inputs.accepted = {
      oidcProviders: canonicalSet(list.flatMap((o) => o.oidcProviders ?? [])),
      roles: canonicalSet(list.flatMap((o) => (o.roles ?? []).map((r) => r.toLowerCase()))),
      cliAssignments: canonicalSet(list.flatMap(scoped)),
      accounts: canonicalSet(list.flatMap((o) => (o.accountId === undefined ? [] : [o.accountId]))),
    } satisfies Accepted;
  }
  inputs.accepted ??= { ...NOTHING_ACCEPTED };
  return { inputs, failures };
}

function readOlds(olds: object): FederationInventoryOutputs {
  const o = olds as Partial<FederationInventoryOutputs>;
  return {
    covers: { ...NONE, ...(o.covers ?? ALL) },
    oidcProviders: o.oidcProviders ?? [],
    roles: o.roles ?? [],
    cliAppIds: o.cliAppIds ?? [],
    cliAssignments: o.cliAssignments ?? [],
    mode: o.mode ?? "report",
    enforce: { ...NONE, ...(o.enforce ?? {}) },
    unmanaged: o.unmanaged ?? [],
    roleVerdicts: o.roleVerdicts ?? {},
    accepted: { ...NOTHING_ACCEPTED, ...(o.accepted ?? {}) },
    maxRemovals: o.maxRemovals ?? DEFAULT_MAX_REMOVALS,
    ...(o.confirmRemovals === undefined ? {} : { confirmRemovals: o.confirmRemovals }),
  };
}

const inputsOf = (o: FederationInventoryOutputs): FederationInventoryInputs => {
  const { roleVerdicts: _v, ...inputs } = o;
  return inputs;
};

/** One undeclared object: its kind, how to remove it, and a line naming it with what it trusts. */
export interface UnmanagedObject {
  kind: keyof InventoryKinds;
  name: string;
  description: string;
  /** How to remove it; none when what it is cannot be said (it is named, never removed). */
  remove?: (s: Session) => Promise<void>;
}

/** Declared names that are tolerated although not declared any more: their own resources are deleting them. */
type Grace = { oidcProviders: Set<string>; roles: Set<string>; cliAssignments: Set<string> };
const noGrace = (): Grace => ({ oidcProviders: new Set(), roles: new Set(), cliAssignments: new Set() });

/** Everything in the scan that the inputs do not declare. Pure. */
export function findUnmanaged(
  scan: AccountScan,
  desired: FederationInventoryInputs,
  grace: Grace = noGrace(),
): UnmanagedObject[] {
  const out: UnmanagedObject[] = [];
  // By ARN ignoring case: a grant naming a provider in other case is the provider's, undetermined.
  const trustedBy = new Map<string, string[]>();
  const issuerOf = new Map(scan.providers.map((p) => [arnKey(p.arn), p.issuerUrl]));
  const providerArns = scan.providers.map((p) => p.arn);
  for (const r of scan.federatedRoles)
    for (const g of r.trust.grants)
      trustedBy.set(arnKey(g.principal), [...(trustedBy.get(arnKey(g.principal)) ?? []), r.roleName]);
  const accepted = desired.accepted ?? NOTHING_ACCEPTED;
  if (desired.covers.oidcProviders) {
    const declared = new Set([...desired.oidcProviders, ...accepted.oidcProviders]);
    for (const p of scan.providers) {
      if (declared.has(p.name) || grace.oidcProviders.has(p.name)) continue;
      const roles = trustedBy.get(arnKey(p.arn)) ?? [];
      out.push({
        kind: "oidcProviders",
        name: p.name,
        description:
          `oidc-provider '${p.name}': issuer ${p.issuerUrl}, client IDs [${p.clientIds.join(", ")}], ` +
          `fingerprints [${p.fingerprints.join(", ")}]; trusted by ${roles.length === 0 ? "no role" : `roles [${roles.join(", ")}]`}`,
        remove: (s) => deleteUnlessGone(notFound, () => ims.deleteOidcProvider(s, p.name)),
      });
    }
  }
  if (desired.covers.roles) {
    const declared = new Set([...desired.roles, ...accepted.roles]);
    for (const r of scan.federatedRoles) {
      const key = r.roleName.toLowerCase();
      if (declared.has(key) || grace.roles.has(key)) continue;
      const trusts = r.trust.grants.map((g) => describeGrant(g, issuerOf.get(arnKey(g.principal))));
      const problems = [...r.trust.problems, ...caseOnlyArnProblems(r.trust, providerArns)];
      const extra = [
        ...problems.map((p) => `UNDETERMINED: ${p}`),
        ...(r.trust.denyStatements > 0 ? [`minus ${r.trust.denyStatements} Deny statement(s)`] : []),
      ];
      // The verdict first: an error lists each object on one cut line, and the grant before it is long.
      const wide = r.trust.grants
        .map((g) => grantAdmitsAnyWorkload(g, issuerOf.get(arnKey(g.principal)))?.words.toUpperCase())
        .filter((w) => w !== undefined);
      const verdict = [
        ...[...new Set(wide)].map((w) => `ADMITS ${w}`),
        ...(problems.length > 0 ? ["UNDETERMINED"] : []),
      ];
      out.push({
        kind: "roles",
        name: r.roleName,
        description:
          `${verdict.length > 0 ? `[${verdict.join(", ")}] ` : ""}role '${r.roleName}' trusts ` +
          [trusts.length > 0 ? trusts.join("; ") : "a federated principal", ...extra].join("; "),
        remove: (s) => deleteRoleAndAttachments(s, r.roleName),
      });
    }
  }
  if (desired.covers.assignments) {
    const declared = new Set([...desired.cliAssignments, ...accepted.cliAssignments]);
    for (const appId of desired.cliAppIds) {
      for (const a of scan.assignments[appId] ?? []) {
        if (!apps.isKnownAssignment(a)) {
          // Not a user or a role: who it lets log in cannot be said, so it is named, never removed.
          out.push({
            kind: "assignments",
            name: `${a.principalType || "?"} ${a.principalName}`,
            description:
              `cli-assignment [UNDETERMINED] of principal type '${a.principalType}' named '${a.principalName}' may ` +
              `let someone log in to the CLI (application ${appId}); this library reads user and role assignments only: remove it in the console if nobody declared it`,
          });
          continue;
        }
        const key = assignmentKey(a.principalType, a.principalName);
        if (declared.has(key) || declared.has(`${appId}/${key}`) || grace.cliAssignments.has(key)) continue;
        out.push({
          kind: "assignments",
          name: `${a.principalType} ${a.principalName}`,
          description: `cli-assignment ${a.principalType} '${a.principalName}' may log in to the CLI (application ${appId})`,
          remove: (s) => deleteUnlessGone(notFound, () => apps.deleteApplicationAssignment(s, a)),
        });
      }
    }
  }
  const order: Record<keyof InventoryKinds, number> = { oidcProviders: 0, roles: 1, assignments: 2 };
  return out.sort((a, b) => order[a.kind] - order[b.kind] || a.name.localeCompare(b.name));
}

/** Already gone is removed. */
const notFound = (err: unknown) => hasCodePrefix(err, "EntityNotExist");

/** Detaches the role's policies (listed: attachments made in the console block DeleteRole), then deletes it. */
async function deleteRoleAndAttachments(s: Session, name: string): Promise<void> {
  await deleteUnlessGone(
    (err) => hasCode(err, "EntityNotExist.Role"),
    async () => {
      for (const p of await ram.listPoliciesForRole(s, name)) await ram.detachPolicyFromRole(s, name, p);
      await ram.deleteRole(s, name);
    },
  );
}

function scanOptions(inputs: FederationInventoryInputs, verdicts: RoleVerdicts) {
  return {
    // A role's grant is judged in its issuer's grammar (admitsAnyWorkload), and the issuer is the
    // provider's: providers are read for either kind too.
    providers: inputs.covers.oidcProviders || inputs.covers.roles,
    // Providers are named with the roles trusting them, so roles are read for either kind.
    roles: inputs.covers.roles || inputs.covers.oidcProviders,
    appIds: inputs.covers.assignments ? inputs.cliAppIds : [],
    verdicts,
    expectedRoles: [...inputs.roles, ...inputs.accepted.roles],
  };
}

const ID = "federation-inventory";

/** At most this many objects are listed in an error, each line at most LINE_MAX characters. */
const LIST_MAX = 8;
const LINE_MAX = 160;

/**
 * `items` as list lines: the first LIST_MAX, each cut at LINE_MAX, then how many more. An account
 * may hold hundreds of undeclared objects; the engine prints an error twice, and 4 KB in all is
 * what a person reads.
 */
function listLines(items: readonly string[]): string[] {
  const cut = (line: string) => (line.length <= LINE_MAX ? line : `${line.slice(0, LINE_MAX - 1)}…`);
  // Masked before it is cut: a cut through a secret name would leave its first part.
  const shown = items.slice(0, LIST_MAX).map((line) => cut(maskSecrets(`  - ${line}`)));
  if (items.length > shown.length) shown.push(`  ... and ${items.length - shown.length} more`);
  return shown;
}

/** The failure of an `up` that found undeclared trust: what to do first, then what remains and what was removed. */
function explain(
  resource: string,
  remaining: UnmanagedObject[],
  removed: UnmanagedObject[],
  mode: InventoryMode,
): string {
  const todo =
    "Declare each one in the inventory if it is meant to be there (or accept another stack's with " +
    "acceptDeclaredBy), delete it, or (mode 'enforce') let `up` remove its kind.";
  return (
    mode === "report"
      ? [
          `${todo} ${resource}: ${remaining.length} undeclared federation object(s) in the account (mode 'report': nothing was changed):`,
          ...listLines(remaining.map((u) => u.description)),
        ]
      : [
          `${todo} ${resource}: ${remaining.length} undeclared federation object(s) remain in the account:`,
          // What this up removed first: it must never hide behind "... and N more".
          ...listLines([
            ...removed.map((u) => `undeclared, removed (enforced): ${u.description}`),
            ...remaining.map(
              (u) =>
                `undeclared, reported (${u.remove === undefined ? "it cannot be removed here" : "its kind is not enforced"}): ${u.description}`,
            ),
          ]),
        ]
  ).join("\n");
}

/**
 * Reads the account and enforces or reports; the body of create and update. In enforce mode,
 * what was removed is recorded (partial state) even when the `up` then fails on what remains.
 */
async function apply(
  resource: string,
  raw: Record<string, unknown>,
  desired: FederationInventoryInputs,
  verdicts: RoleVerdicts,
  grace: Grace,
): Promise<FederationInventoryOutputs> {
  const foreign = foreignDeclarations(desired.accepted, await callerAccount());
  if (foreign) throw new UserError(foreignRefusal(resource, foreign));
  const s = session();
  const scan = await scanAccount(s, scanOptions(desired, verdicts));
  const found = findUnmanaged(scan, desired, grace);
  // Logins first (assignments), then roles, then the providers they trusted.
  const removalOrder: Record<keyof InventoryKinds, number> = { assignments: 0, roles: 1, oidcProviders: 2 };
  const enforced = found
    .filter((u) => desired.enforce[u.kind] && u.remove)
    .sort((a, b) => removalOrder[a.kind] - removalOrder[b.kind]);
  const idle = idleRemovalConfirmation(resource, enforced, desired);
  if (idle) await warn(idle);
  const start: FederationInventoryOutputs = { ...desired, unmanaged: [], roleVerdicts: scan.verdicts };
  if (found.length === 0) return start;
  if (desired.mode === "report") throw new Error(explain(resource, found, [], "report"));
  const remaining = found.filter((u) => !enforced.includes(u));
  const refusal = removalGuardRefusal(resource, enforced, desired);
  if (refusal) throw new UserError(refusal);

  const removed: UnmanagedObject[] = [];
  // Recorded if this run fails: the declarations dropped in this update stay in state with the
  // new ones, so the next run still tolerates what their own resources are about to delete (the
  // engine deletes those only after every update succeeded). A success records the new ones alone.
  const withGrace = (own: string[], tolerated: Set<string>) => [...new Set([...own, ...tolerated])].sort();
  const progress = new Progress(
    raw,
    ID,
    {
      ...start,
      unmanaged: found.map((u) => u.description),
      oidcProviders: withGrace(desired.oidcProviders, grace.oidcProviders),
      roles: withGrace(desired.roles, grace.roles),
      cliAssignments: withGrace(desired.cliAssignments, grace.cliAssignments),
    },
    true,
  );
  return progress.run(async (p) => {
    for (const u of enforced) {
      await u.remove?.(s);
      removed.push(u);
      p.set({ unmanaged: found.filter((f) => !removed.includes(f)).map((f) => f.description) });
    }
    if (remaining.length > 0) throw new Error(explain(resource, remaining, removed, "enforce"));
    return { ...p.outs, unmanaged: [], ...pickDeclared(desired) };
  });
}

/** How many undeclared objects a refresh names one warning each; the rest are counted in one. */
const WARNINGS_MAX = 20;

/** The declaration's own lists, as a success records them. */
function pickDeclared(d: FederationInventoryInputs) {
  return { oidcProviders: d.oidcProviders, roles: d.roles, cliAssignments: d.cliAssignments };
}

/** The accounts `accepted` takes declarations from that are not `account`, with it; undefined when none. */
function foreignDeclarations(
  accepted: Partial<Accepted> | undefined,
  account: string,
): { accounts: string[]; account: string } | undefined {
  const accounts = (Array.isArray(accepted?.accounts) ? accepted.accounts : []).filter((a) => a !== account);
  return accounts.length === 0 ? undefined : { accounts, account };
}

function foreignRefusal(resource: string, foreign: { accounts: string[]; account: string }): string {
  const from = foreign.accounts.length === 1 ? "account" : "accounts";
  return (
    `Remove from acceptDeclaredBy what comes from ${from} ${firstOf(foreign.accounts, 8)} (read the inventory of a stack ` +
    `in this account instead). ${resource}: this stack's account is ${foreign.account}, and a stack in another account ` +
    "cannot vouch for objects in this one."
  );
}

/** The removal guard's settings: `maxRemovals` (default DEFAULT_MAX_REMOVALS) and a confirmation. */
type RemovalGuardSettings = { maxRemovals?: number; confirmRemovals?: number };

/**
 * Why an enforcing `up` must not remove `enforced`, or undefined: more than `maxRemovals` and not
 * confirmed with the exact count. A mass removal is what a wrong account, a stack that forgot its
 * declarations or a missing `acceptDeclaredBy` looks like.
 */
export function removalGuardRefusal(
  resource: string,
  enforced: readonly UnmanagedObject[],
  s: RemovalGuardSettings,
): string | undefined {
  const max = s.maxRemovals ?? DEFAULT_MAX_REMOVALS;
  if (enforced.length <= max || s.confirmRemovals === enforced.length) return undefined;
  return [
    `Set confirmRemovals: ${enforced.length} to let ${resource} remove these once (or raise maxRemovals, or declare ` +
      `them, or accept another stack's with acceptDeclaredBy). Refused: this up would remove ${enforced.length} ` +
      `undeclared objects, more than maxRemovals (${max}); nothing was removed:`,
    ...listLines(enforced.map((u) => u.description)),
  ].join("\n");
}

/**
 * A warning when `confirmRemovals` is set but this up has nothing for it to let through (its
 * removals are within `maxRemovals`), or undefined: left in the program, it would let a later
 * removal of exactly that count through without asking.
 */
function idleRemovalConfirmation(
  resource: string,
  enforced: readonly UnmanagedObject[],
  s: RemovalGuardSettings,
): string | undefined {
  const max = s.maxRemovals ?? DEFAULT_MAX_REMOVALS;
  if (s.confirmRemovals === undefined || enforced.length > max) return undefined;
  return (
    `${resource}: remove confirmRemovals (${s.confirmRemovals}) from the program: this up removes ${enforced.length}, ` +
    `within maxRemovals (${max}), so there is nothing for it to confirm; left in place, it lets a later removal of exactly ` +
    `${s.confirmRemovals} objects through without asking.`
  );
}

function makeProvider(resource: string, check: typeof checkFederationInventoryInputs) {
  const requireIn = (raw: Record<string, unknown>) =>
    requireChecked<FederationInventoryInputs>(resource, check, raw);
  // Bound to its account like every resource (provider/account.ts): an inventory scans one account.
  return accountBound(
    {
      kind: resource,
      identity: [],
      deleteChangesNothing: true,
      // The check folds the other stacks' declarations into `accepted` (and drops the input).
      secretDerived: { acceptDeclaredBy: ["accepted"] },
    },
    {
      async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
        await configure(req);
      },

      async check(
        _olds: Record<string, unknown>,
        news: Record<string, unknown>,
      ): Promise<pulumi.dynamic.CheckResult> {
        const result = check(news);
        // Said at preview, where the plan is read: the account is asked only when a declaration
        // names one (once per process), and when it cannot be asked, up refuses instead.
        const accepted = result.inputs.accepted as Partial<Accepted> | undefined;
        if (Array.isArray(accepted?.accounts) && accepted.accounts.length > 0) {
          const caller = await previewLookup(() => callerAccount());
          const foreign = caller && foreignDeclarations(accepted, caller);
          if (foreign)
            result.failures.push({ property: "acceptDeclaredBy", reason: foreignRefusal(resource, foreign) });
        }
        return result;
      },

      async diff(
        _id: string,
        olds: object,
        news: Record<string, unknown>,
      ): Promise<pulumi.dynamic.DiffResult> {
        const o = readOlds(olds);
        const d = diffFields(o, news, {
          update: [
            "covers",
            "oidcProviders",
            "roles",
            "cliAppIds",
            "cliAssignments",
            "mode",
            "enforce",
            "accepted",
            "maxRemovals",
            "confirmRemovals",
          ],
        });
        // Anything undeclared found by the last refresh is drift to act on.
        if (o.unmanaged.length > 0) d.changes.push("unmanaged");
        return diffResult(d);
      },

      async create(raw: Record<string, unknown>): Promise<{ id: string; outs: FederationInventoryOutputs }> {
        const desired = requireIn(raw);
        return { id: ID, outs: await apply(resource, raw, desired, {}, noGrace()) };
      },

      async read(
        id: string,
        props?: object,
      ): Promise<{ id: string; props: FederationInventoryOutputs; inputs: object }> {
        const olds = readOlds(props ?? {});
        // Another account's declarations vouch for nothing here: judged as if none were accepted.
        // State cannot hold one (preview and up refuse it); this is the last line, not the first.
        const foreign = foreignDeclarations(olds.accepted, await callerAccount());
        if (foreign)
          await warn(`${foreignRefusal(resource, foreign)} This refresh accepts none of acceptDeclaredBy.`);
        const judged = foreign ? { ...olds, accepted: { ...NOTHING_ACCEPTED } } : olds;
        const scan = await scanAccount(session(), scanOptions(judged, olds.roleVerdicts));
        const unmanaged = findUnmanaged(scan, judged).map((u) => u.description);
        // Shown by the engine as warnings: the names appear without --diff too. A few hundred
        // undeclared objects (a first scan of a busy account) are named up to a bound, then counted.
        for (const line of unmanaged.slice(0, WARNINGS_MAX)) await warn(`${resource}: not declared: ${line}`);
        if (unmanaged.length > WARNINGS_MAX)
          await warn(
            `${resource}: ${unmanaged.length - WARNINGS_MAX} more not declared (every one is in the output 'unmanaged': pulumi stack output, or preview --diff)`,
          );
        const outs = { ...olds, unmanaged, roleVerdicts: scan.verdicts };
        return { id, props: outs, inputs: inputsOf(outs) };
      },

      async update(
        _id: string,
        rawOlds: object,
        rawNews: Record<string, unknown>,
      ): Promise<{ outs: FederationInventoryOutputs }> {
        const olds = readOlds(rawOlds);
        const news = requireIn(rawNews);
        // Undeclared in this update, but declared before: their own resources delete them after this update runs.
        const minus = (a: string[], b: string[]) => new Set(a.filter((x) => !b.includes(x)));
        const grace: Grace = {
          oidcProviders: minus(olds.oidcProviders, news.oidcProviders),
          roles: minus(olds.roles, news.roles),
          cliAssignments: minus(olds.cliAssignments, news.cliAssignments),
        };
        return { outs: await apply(resource, rawNews, news, olds.roleVerdicts, grace) };
      },

      async delete(): Promise<void> {
        // It owns nothing in the account: deleting the declaration deletes nothing.
      },
    },
  );
}

export const FederationInventoryProvider = makeProvider(
  "FederationInventory",
  checkFederationInventoryInputs,
);

// ---- ApplicationAssignmentsExclusive ------------------------------------------------------------

/** The arguments of an `ApplicationAssignmentsExclusive`. */
export interface ApplicationAssignmentsExclusiveArgs {
  /** The application: an `OfficialCliApplication`, or an official application's AppId (digits). */
  application: OfficialCliApplication | pulumi.Input<string>;
  /**
   * Exactly who may use it: `ApplicationAssignment`s (which create the
   * assignments) or `{ principalType, principalName }` for assignments made
   * elsewhere. Any other assignment is drift, removed by `up`.
   */
  assignments: Array<ApplicationAssignment | DeclaredPrincipal>;
  /**
   * `enforce` (default): `up` removes undeclared assignments. `report`: they
   * fail the drift gate and `up`, which changes nothing.
   */
  mode?: pulumi.Input<InventoryMode>;
  /**
   * An `up` that would remove more undeclared assignments than this is refused before removing
   * any, naming the count. A whole number, 0 or more. Default 10.
   */
  maxRemovals?: pulumi.Input<number>;
  /** Lets one larger removal through: the exact count the refusal names. */
  confirmRemovals?: pulumi.Input<number>;
}

/** `check` of the exclusive resource: the inventory's, covering one application's assignments. */
export function checkApplicationAssignmentsExclusiveInputs(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  const failures: CheckFailure[] = [];
  if (!Array.isArray(news.cliAppIds) || news.cliAppIds.length !== 1 || news.cliAppIds[0] == null)
    failures.push({ property: "application", reason: "is required" });
  if (news.cliAssignments === undefined) failures.push({ property: "assignments", reason: "is required" });
  const mode = news.mode ?? "enforce";
  const res = checkFederationInventoryInputs({
    ...news,
    covers: { assignments: true },
    mode,
    enforce: mode === "enforce" ? { assignments: true } : undefined,
  });
  return {
    inputs: res.inputs,
    failures: [
      ...failures,
      ...res.failures.map((f) => ({
        property: f.property
          .replace(/^cliAssignments/, "assignments")
          .replace(/^cliAppIds\[0\]/, "application"),
        reason: f.reason,
      })),
    ],
  };
}

export const ApplicationAssignmentsExclusiveProvider = makeProvider(
  "ApplicationAssignmentsExclusive",
  checkApplicationAssignmentsExclusiveInputs,
);

// ---- Classes ----------------------------------------------------------------------------------

function isResource(value: unknown, key: string): value is Record<string, pulumi.Output<string>> {
  return pulumi.dynamic.Resource.isInstance(value) && key in (value as object);
}

const principalsOf = (list: Array<ApplicationAssignment | DeclaredPrincipal>) =>
  list.map((p) =>
    isResource(p, "assignedPrincipalName")
      ? { principalType: p.principalType, principalName: p.principalName }
      : {
          principalType: (p as DeclaredPrincipal).principalType,
          principalName: (p as DeclaredPrincipal).principalName,
        },
  );

/**
 * The AppId, from the application's `site` when it is an `OfficialCliApplication`: `site` is an
 * input, so it stays known at preview while the application itself has an update pending.
 */
const appIdOf = (app: OfficialCliApplication | pulumi.Input<string>) =>
  isResource(app, "site")
    ? (app.site as pulumi.Output<string>).apply((site) => OFFICIAL_CLI_APP_IDS[site as Site])
    : app;

/**
 * The account's complete set of federation trust: OIDC providers, roles
 * trusting a Federated principal, and official-cli assignments. Anything else
 * shows at `preview --refresh` as drift, named with what it trusts.
 *
 * ```ts
 * new FederationInventory("federation", {
 *   oidcProviders: [github],
 *   roles: [deployer],
 *   cliApplication: cli,
 *   cliAssignments: assignments,
 *   mode: "enforce", // up removes undeclared CLI assignments; providers and roles are reported
 * });
 * ```
 */
export class FederationInventory extends pulumi.dynamic.Resource {
  declare readonly mode: pulumi.Output<InventoryMode>;
  declare readonly enforce: pulumi.Output<InventoryKinds>;
  /** After a refresh: each undeclared object, named with what it trusts. Empty when the account matches. */
  declare readonly unmanaged: pulumi.Output<string[]>;
  /** The account this inventory scans (STS GetCallerIdentity), recorded by every create, update and refresh. */
  declare readonly accountId: pulumi.Output<string>;

  constructor(name: string, args: FederationInventoryArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("FederationInventoryProvider"),
      name,
      withSecretInputs({
        covers: undefined,
        oidcProviders: args.oidcProviders?.map((p) =>
          isResource(p, "oidcProviderName") ? p.oidcProviderName : p,
        ),
        roles: args.roles?.map((r) => (isResource(r, "roleName") ? r.roleName : r)),
        cliAppIds: args.cliApplication === undefined ? undefined : [appIdOf(args.cliApplication)],
        cliAssignments: args.cliAssignments === undefined ? undefined : principalsOf(args.cliAssignments),
        mode: args.mode,
        enforce: args.enforce,
        acceptDeclaredBy: args.acceptDeclaredBy,
        maxRemovals: args.maxRemovals,
        confirmRemovals: args.confirmRemovals,
        unmanaged: undefined,
        roleVerdicts: undefined,
        accepted: undefined,
        accountId: undefined,
      }),
      opts,
      "alicloud-federation",
      "FederationInventory",
    );
  }

  /**
   * What this inventory declares (its own names, canonical) and the account it scans, to export
   * for another stack of the same account: `export const federation = inventory.declared`, read
   * there with a `StackReference` and passed to its `acceptDeclaredBy`.
   */
  get declared(): pulumi.Output<DeclaredInventory> {
    const out = this as unknown as Record<string, pulumi.Output<string[]>>;
    return pulumi
      .all([out.oidcProviders!, out.roles!, out.cliAssignments!, out.cliAppIds!, this.accountId])
      .apply(([oidcProviders, roles, cliAssignments, cliAppIds, accountId]) => ({
        oidcProviders,
        roles,
        cliAssignments,
        cliAppIds,
        ...(accountId ? { accountId } : {}),
      }));
  }
}

/**
 * Exactly these principals may use an official application (e.g. log in to
 * the CLI): any other assignment is drift at `preview --refresh`, and `up`
 * removes it.
 *
 * ```ts
 * new ApplicationAssignmentsExclusive("cli-exclusive", { application: cli, assignments });
 * ```
 */
export class ApplicationAssignmentsExclusive extends pulumi.dynamic.Resource {
  declare readonly mode: pulumi.Output<InventoryMode>;
  /** After a refresh: each undeclared assignment. */
  declare readonly unmanaged: pulumi.Output<string[]>;

  constructor(name: string, args: ApplicationAssignmentsExclusiveArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("ApplicationAssignmentsExclusiveProvider"),
      name,
      withSecretInputs({
        covers: undefined,
        cliAppIds: [appIdOf(args.application)],
        cliAssignments: principalsOf(args.assignments ?? []),
        mode: args.mode,
        maxRemovals: args.maxRemovals,
        confirmRemovals: args.confirmRemovals,
        unmanaged: undefined,
        roleVerdicts: undefined,
      }),
      opts,
      "alicloud-federation",
      "ApplicationAssignmentsExclusive",
    );
  }
}
