/**
 * `ApplicationAssignment`: grants one RAM user or role the use of an official
 * application, e.g. who may log in to the Alibaba Cloud CLI with OAuth.
 *
 * API: https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createapplicationassignment
 * Semantics: https://www.alibabacloud.com/help/en/ram/assign-users-to-third-party-apps
 */
import * as pulumi from "@pulumi/pulumi";
import { accountBound } from "../account";
import * as apps from "../client/imsApps";
import { type Session, session, withOptions } from "../client/session";
import { AlicloudApiError, hasCodePrefix } from "../errors";
import {
  claim,
  configure,
  createOnce,
  deleteUnlessGone,
  diffFields,
  diffResult,
  fillDefaults,
  GONE,
  OutcomeUnknownError,
  pendingCreate,
  pendingSince,
  stateOf,
  takeClaim,
  unclaim,
  unlessGone,
} from "../lifecycle";
import { RAM_ROLE, RAM_USER } from "../limits";
import { containsUnknown } from "../normalize";
import { withSecretInputs } from "../secretInputs";
import { providerShim } from "../shim";
import { type CheckFailure, lazyRules, requireChecked, validateFields } from "../validation";
import type { OfficialCliApplication } from "./officialCliApplication";
import type { OidcRole } from "./oidcRole";

/** RAM user names (RAM CreateUser), from the limits module. */
const isUserName = (v: string) => v.length <= RAM_USER.name.maxLength && RAM_USER.name.pattern.test(v);
/** A user principal name's domain: the account's default domain or a custom one. */
const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;
/** IMS UserPrincipalName: at most 128 characters in all. */
const UPN_MAX = RAM_USER.userPrincipalName.maxLength;

export type PrincipalType = apps.PrincipalType;

/** The arguments of an `ApplicationAssignment`. */
export interface ApplicationAssignmentArgs {
  /** The application: an `OfficialCliApplication`, or an official application's AppId (digits). */
  application: OfficialCliApplication | pulumi.Input<string>;
  /**
   * `user` or `role` (RAM user groups cannot be assigned). Case does not matter.
   * Changing it replaces the assignment.
   */
  principalType: pulumi.Input<string>;
  /**
   * For `user`: a RAM user name (`alice`, completed with the account's default
   * domain at apply) or a user principal name (`alice@acme.onaliyun.com`).
   * For `role`: a RAM role name, or an `OidcRole`. Compared case-insensitively,
   * as RAM names are. Changing it replaces the assignment.
   */
  principalName: pulumi.Input<string> | OidcRole;
  /**
   * Take over an assignment that already exists instead of failing (it is then
   * removed when this resource is deleted). Default `false`.
   */
  adopt?: pulumi.Input<boolean>;
}

export interface ApplicationAssignmentInputs {
  appId: string;
  principalType: PrincipalType;
  /** As given, lower-cased. */
  principalName: string;
  adopt: boolean;
}

export interface ApplicationAssignmentOutputs extends ApplicationAssignmentInputs {
  /** What the API was given: a user principal name for users, the role name for roles. */
  assignedPrincipalName: string;
}

function principalProblem(type: string, name: string): string | undefined {
  if (type === "role") {
    if (name.length > RAM_ROLE.name.maxLength || !RAM_ROLE.name.pattern.test(name))
      return `'${name}' is not a RAM role name (${RAM_ROLE.name.rule}, at most ${RAM_ROLE.name.maxLength})`;
    return undefined;
  }
  const at = name.indexOf("@");
  if (at === -1) {
    return isUserName(name)
      ? undefined
      : `'${name}' is not a RAM user name (letters, digits, '.', '-', '_', at most 64) or a user principal name (name@domain)`;
  }
  if (name.length > UPN_MAX)
    return `must be at most ${UPN_MAX} characters for a user principal name, but has ${name.length}`;
  const [user, domain] = [name.slice(0, at), name.slice(at + 1)];
  if (!isUserName(user)) return `'${user}' (before @) is not a RAM user name`;
  if (!DOMAIN.test(domain)) return `'${domain}' (after @) is not a domain such as <account id>.onaliyun.com`;
  return undefined;
}

const rules = lazyRules((z) => ({
  appId: {
    schema: z.string({ error: "must be a string" }).refine((v) => /^\d{1,32}$/.test(v), {
      message: "must be an official application's AppId (digits), e.g. official-cli's 4038181954557748008",
    }),
    required: true,
  },
  principalType: {
    schema: z
      .string({ error: "must be a string" })
      .transform((v) => v.trim().toLowerCase())
      .superRefine((v, ctx) => {
        if (v === "group" || v === "usergroup")
          ctx.addIssue({
            code: "custom",
            message: "RAM user groups cannot be assigned: assign each user, or a role",
          });
        else if (v !== "user" && v !== "role")
          ctx.addIssue({ code: "custom", message: `must be 'user' or 'role', not '${v}'` });
      }),
    required: true,
  },
  principalName: {
    schema: z.string({ error: "must be a string" }).transform((v) => v.trim().toLowerCase()),
    required: true,
  },
  adopt: { schema: z.boolean({ error: "must be true or false" }) },
}));

export function checkApplicationAssignmentInputs(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  const { values, failures } = validateFields(news, rules());
  const inputs: Record<string, unknown> = { ...news, ...values };
  fillDefaults(inputs, DEFAULTS);
  const { principalType, principalName } = inputs;
  if (
    typeof principalType === "string" &&
    typeof principalName === "string" &&
    !containsUnknown(principalType) &&
    !containsUnknown(principalName) &&
    (principalType === "user" || principalType === "role")
  ) {
    if (principalName === "") failures.push({ property: "principalName", reason: "must not be empty" });
    else {
      const problem = principalProblem(principalType, principalName);
      if (problem) failures.push({ property: "principalName", reason: problem });
    }
  }
  return { inputs, failures };
}

function requireInputs(raw: Record<string, unknown>): ApplicationAssignmentInputs {
  return requireChecked<ApplicationAssignmentInputs>(
    "ApplicationAssignment",
    checkApplicationAssignmentInputs,
    raw,
  );
}

/** What `check` fills in and what old state falls back to. */
const DEFAULTS = { adopt: false };

const STATE: ApplicationAssignmentOutputs = {
  ...DEFAULTS,
  appId: "",
  principalType: "user",
  principalName: "",
  assignedPrincipalName: "",
};

function readOlds(olds: object): ApplicationAssignmentOutputs {
  const o = stateOf(olds, STATE);
  return { ...o, assignedPrincipalName: o.assignedPrincipalName || o.principalName };
}

// The account's default domain: one GetDefaultDomain per provider process.
let defaultDomain: Promise<string> | undefined;

async function resolvePrincipal(s: Session, desired: ApplicationAssignmentInputs): Promise<string> {
  if (desired.principalType === "role" || desired.principalName.includes("@")) return desired.principalName;
  defaultDomain ??= apps.getDefaultDomain(s).catch((err) => {
    defaultDomain = undefined; // do not cache a failure
    throw err;
  });
  return `${desired.principalName}@${(await defaultDomain).toLowerCase()}`;
}

// One list call per application per operation: a refresh of N assignments of
// the same app shares it. Any write in this process invalidates it.
const listings = new Map<string, Promise<apps.ListedAssignment[]>>();

function listAssignments(s: Session, appId: string): Promise<apps.ListedAssignment[]> {
  let p = listings.get(appId);
  if (!p) {
    p = apps.listApplicationAssignments(s, appId);
    listings.set(appId, p);
    p.catch(() => listings.delete(appId));
  }
  return p;
}

const idOf = (a: { appId: string; principalType: string; assignedPrincipalName: string }) =>
  `${a.appId}/${a.principalType}/${a.assignedPrincipalName}`;

const claimKey = (id: string) => `ApplicationAssignment:${id.toLowerCase()}`;

/** Whether the assignment is live, read from the (shared) listing of its application. */
async function isAssigned(s: Session, a: apps.AssignmentRecord): Promise<boolean> {
  const all = await listAssignments(s, a.appId);
  return all.some(
    (x) =>
      x.principalType === a.principalType && x.principalName.toLowerCase() === a.principalName.toLowerCase(),
  );
}

/** Create, resumed by `update` when a previous `up` could not tell whether the create happened. */
async function createAssignment(
  raw: Record<string, unknown>,
  desired: ApplicationAssignmentInputs,
  since?: number,
): Promise<{ id: string; outs: ApplicationAssignmentOutputs }> {
  const s = session();
  const started = since ?? Date.now();
  const assignedPrincipalName = await resolvePrincipal(s, desired);
  const record = {
    appId: desired.appId,
    principalType: desired.principalType,
    principalName: assignedPrincipalName,
  };
  const outs = { ...desired, assignedPrincipalName };
  const id = idOf(outs);
  const exists = (e: unknown) => hasCodePrefix(e, "EntityAlreadyExists");
  try {
    await createOnce(s, {
      create: async (o) => {
        listings.delete(desired.appId);
        await apps.createApplicationAssignment(withOptions(s, o), record);
        return record;
      },
      // An assignment is nothing but its key: if it is there after our lost call, it is ours.
      find: async () => {
        listings.delete(desired.appId);
        return (await isAssigned(s, record)) ? record : undefined;
      },
      alreadyExists: exists,
      since,
    });
    unclaim(claimKey(id));
  } catch (err) {
    if (err instanceof OutcomeUnknownError) throw pendingCreate(raw, id, outs, started, err);
    if (!AlicloudApiError.is(err)) throw err;
    if (exists(err) && desired.adopt) {
      // Already assigned: that is the state we want, now managed here.
      claim(claimKey(id));
    } else if (exists(err)) {
      throw new Error(
        `principalName: ${desired.principalType} '${assignedPrincipalName}' is already assigned to application ${desired.appId}. ` +
          "Set `adopt: true` to manage that assignment from this stack.",
      );
    } else if (err.code.startsWith("EntityNotExist")) {
      throw new Error(
        `principalName: the RAM ${desired.principalType} '${assignedPrincipalName}' or application ${desired.appId} does not exist ` +
          `(${err.code}). Create the ${desired.principalType} first, or make this resource depend on it.`,
      );
    } else throw err;
  }
  return { id, outs };
}

/**
 * A user named without a domain (`alice`) and the same user with it (`alice@<domain>`) are one
 * principal: a change between the two spellings that lands on the assigned name is no change.
 */
const samePrincipal = (o: ApplicationAssignmentOutputs, news: unknown): boolean =>
  typeof news === "string" &&
  (news === o.principalName || (news.includes("@") && news === o.assignedPrincipalName.toLowerCase()));

export const ApplicationAssignmentProvider = accountBound(
  {
    kind: "ApplicationAssignment",
    identity: ["appId", "principalType", "principalName"],
    // The name as IMS shows it (`bob@<account>.onaliyun.com`).
    secretDerived: { principalName: ["assignedPrincipalName"] },
    stable: ["assignedPrincipalName"],
  },
  {
    async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
      await configure(req);
      defaultDomain = undefined;
      listings.clear();
    },

    async check(
      _olds: Record<string, unknown>,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.CheckResult> {
      return checkApplicationAssignmentInputs(news);
    },

    async diff(_id: string, olds: object, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
      const o = readOlds(olds);
      const d = diffFields(o, news, {
        replace: ["appId", "principalType", "principalName"],
        equal: { principalName: (_a, b) => samePrincipal(o, b) },
      });
      // Same application and type: the new principal may be the old one spelt otherwise (alice vs
      // alice@<default domain>), which cannot be assigned twice, so the old assignment goes first.
      const sameKind = !d.replaces.includes("appId") && !d.replaces.includes("principalType");
      const spelling = news.principalName !== o.principalName && !d.replaces.includes("principalName");
      return diffResult(
        { replaces: d.replaces, changes: spelling ? [...d.changes, "principalName"] : d.changes },
        sameKind,
      );
    },

    create(raw: Record<string, unknown>): Promise<{ id: string; outs: ApplicationAssignmentOutputs }> {
      return createAssignment(raw, requireInputs(raw));
    },

    async read(
      id: string,
      props?: object,
    ): Promise<{ id: string; props: Partial<ApplicationAssignmentOutputs>; inputs?: object }> {
      const olds = readOlds(props ?? {});
      const record = {
        appId: olds.appId,
        principalType: olds.principalType,
        principalName: olds.assignedPrincipalName,
      };
      // The application itself gone, or the assignment unassigned in the console, or its user or
      // role deleted: drift, not a crash.
      const found = await unlessGone(
        (e) => hasCodePrefix(e, "EntityNotExist"),
        () => isAssigned(session(), record),
      );
      if (!found) return GONE;
      const { assignedPrincipalName: _a, ...inputs } = olds;
      return { id, props: olds, inputs };
    },

    async update(
      _id: string,
      rawOlds: object,
      rawNews: Record<string, unknown>,
    ): Promise<{ outs: ApplicationAssignmentOutputs }> {
      const news = requireInputs(rawNews);
      const pending = pendingSince(rawOlds);
      if (pending !== undefined) return { outs: (await createAssignment(rawNews, news, pending)).outs };
      // Everything else replaces: `adopt` and a respelling of the same principal change nothing live.
      return { outs: { ...readOlds(rawOlds), adopt: news.adopt, principalName: news.principalName } };
    },

    async delete(id: string, props: object): Promise<void> {
      const olds = readOlds(props);
      // Adopted by its replacement in this deployment: the assignment is the new resource's now.
      if (takeClaim(claimKey(idOf(olds))) || takeClaim(claimKey(id))) return;
      listings.delete(olds.appId);
      await deleteUnlessGone(
        (e) => hasCodePrefix(e, "EntityNotExist"),
        () =>
          apps.deleteApplicationAssignment(session(), {
            appId: olds.appId,
            principalType: olds.principalType,
            principalName: olds.assignedPrincipalName,
          }),
      );
    },
  },
);

function isResource(value: unknown, key: string): value is Record<string, pulumi.Output<string>> {
  return pulumi.dynamic.Resource.isInstance(value) && key in (value as object);
}

/**
 * Lets one RAM user or role use an official application.
 *
 * ```ts
 * const cli = new OfficialCliApplication("cli", { site: "intl" });
 * for (const user of ["alice", "bob"]) {
 *   new ApplicationAssignment(`cli-${user}`, { application: cli, principalType: "user", principalName: user });
 * }
 * ```
 */
export class ApplicationAssignment extends pulumi.dynamic.Resource {
  declare readonly appId: pulumi.Output<string>;
  declare readonly principalType: pulumi.Output<PrincipalType>;
  declare readonly principalName: pulumi.Output<string>;
  /** What the API was given: a user principal name for users, the role name for roles. */
  declare readonly assignedPrincipalName: pulumi.Output<string>;

  constructor(name: string, args: ApplicationAssignmentArgs, opts?: pulumi.CustomResourceOptions) {
    const app = args.application;
    const principal = args.principalName;
    super(
      providerShim("ApplicationAssignmentProvider"),
      name,
      withSecretInputs({
        appId: isResource(app, "appId") ? app.appId : app,
        principalType: args.principalType,
        principalName: isResource(principal, "roleName") ? principal.roleName : principal,
        adopt: args.adopt,
        assignedPrincipalName: undefined,
      }),
      opts,
      "alicloud-federation",
      "ApplicationAssignment",
    );
  }
}
