/**
 * `RamPolicy`: a custom RAM permission policy. A changed document becomes a new default version
 * (one `CreatePolicyVersion`, which rotates out the oldest non-default version at RAM's limit of
 * five), never a delete and create, so roles it is attached to keep it throughout. Attach it with
 * `OidcRole.policies`.
 *
 * API: https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createpolicy
 * Versions: https://www.alibabacloud.com/help/en/ram/user-guide/manage-custom-policy-versions
 */
import * as pulumi from "@pulumi/pulumi";
import { accountBound, previewLookup } from "../account";
import * as ram from "../client/ram";
import { type Session, session, withOptions } from "../client/session";
import { firstOf, hasCode, hasCodePrefix } from "../errors";
import {
  canonicalJson,
  claim,
  configure,
  createOnce,
  deleteUnlessGone,
  diffFields,
  diffResult,
  fillDefaults,
  GONE,
  holdKeys,
  isHeld,
  OutcomeUnknownError,
  Progress,
  pendingCreate,
  pendingSince,
  resumePendingCreate,
  stateOf,
  takeClaim,
  takenFailure,
  timeOf,
  unclaim,
  unlessGone,
} from "../lifecycle";
import { RAM_POLICY } from "../limits";
import { containsUnknown } from "../normalize";
import { withSecretInputs } from "../secretInputs";
import { providerShim } from "../shim";
import {
  type CheckFailure,
  type FieldRule,
  lazyRules,
  requireChecked,
  tooLong,
  validateFields,
} from "../validation";

/** The arguments of a `RamPolicy`. */
export interface RamPolicyArgs {
  /**
   * The policy's name, unique among the account's custom policies: 1 to 128 letters, digits and
   * `-`. Changing it replaces the policy.
   * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createpolicy
   */
  policyName: pulumi.Input<string>;
  /**
   * The permission policy: JSON text or an object (`{ Version: "1", Statement: [...] }`), at most
   * 6144 bytes as sent (compact JSON). Compared by meaning (key order and spacing do not matter).
   * A change makes a new default version; RAM keeps at most 5, the oldest non-default one goes.
   * `leastPrivilegePolicy([...])` builds one from the least-privilege table.
   * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createpolicyversion
   */
  policyDocument: pulumi.Input<string | Record<string, unknown>>;
  /**
   * Free text, at most 1024 characters. Default: none. Changed in place (UpdatePolicyDescription).
   * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-updatepolicydescription
   */
  description?: pulumi.Input<string>;
  /**
   * Take over a custom policy of the same name that already exists, making this document its
   * default version. Default `false`: an existing policy of that name fails the create.
   */
  adopt?: pulumi.Input<boolean>;
}

export interface RamPolicyInputs {
  policyName: string;
  /** The canonical document: compact JSON, keys sorted. */
  policyDocument: string;
  description: string;
  adopt: boolean;
}

export interface RamPolicyOutputs extends RamPolicyInputs {
  /** The default version's id (`v1`, `v2`, ...). */
  defaultVersion: string;
  createDate: string;
  updateDate: string;
}

/** The document as compact JSON with keys sorted: equal meaning, equal text. Undefined when not JSON. */
export function canonicalPolicyDocument(doc: unknown): string | undefined {
  if (typeof doc === "string") {
    try {
      return canonicalJson(JSON.parse(doc));
    } catch {
      return undefined;
    }
  }
  return doc && typeof doc === "object" ? canonicalJson(doc) : undefined;
}

/** What a permission policy must hold for RAM to accept it (the grammar, not the actions' names). */
function documentProblems(doc: unknown): string[] {
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return ["must be a JSON object"];
  const o = doc as Record<string, unknown>;
  const problems: string[] = [];
  if (o.Version !== "1") problems.push('Version must be "1"');
  const statements = Array.isArray(o.Statement)
    ? o.Statement
    : o.Statement === undefined
      ? []
      : [o.Statement];
  if (statements.length === 0) problems.push("Statement must hold at least one statement");
  statements.forEach((st, i) => {
    const s = (st ?? {}) as Record<string, unknown>;
    if (s.Effect !== "Allow" && s.Effect !== "Deny")
      problems.push(`Statement[${i}].Effect must be Allow or Deny`);
    if ((s.Action === undefined) === (s.NotAction === undefined))
      problems.push(`Statement[${i}] must have exactly one of Action and NotAction`);
    for (const key of ["Action", "NotAction"] as const) {
      const v = s[key];
      if (v === undefined) continue;
      const list = typeof v === "string" ? [v] : Array.isArray(v) ? v : undefined;
      if (!list || list.length === 0 || !list.every((a) => typeof a === "string")) {
        problems.push(`Statement[${i}].${key} must be a string or a non-empty list of strings`);
        continue;
      }
      const bad = list.filter((a) => !RAM_POLICY.action.pattern.test(a));
      if (bad.length > 0)
        problems.push(
          `Statement[${i}].${key}: use ${RAM_POLICY.action.rule}; ${firstOf(
            bad.map((a) => `'${a}'`),
            3,
          )} ${bad.length === 1 ? "is" : "are"} not`,
        );
    }
  });
  return problems;
}

/** The zod rules per argument, built on the first call (zod is loaded only when inputs are checked). */
export const ramPolicyRules: () => Record<string, FieldRule> = lazyRules((z) => ({
  policyName: {
    schema: z.string({ error: "must be a string" }).superRefine((v, ctx) => {
      const { maxLength, pattern, rule } = RAM_POLICY.name;
      if (v.length === 0) ctx.addIssue({ code: "custom", message: "must not be empty" });
      else if (v.length > maxLength)
        ctx.addIssue({ code: "custom", message: tooLong(v.length, maxLength, "a RAM policy name") });
      if (v.length > 0 && !pattern.test(v))
        ctx.addIssue({ code: "custom", message: `'${v}' is not allowed: use ${rule}` });
    }),
    required: true,
  },
  policyDocument: {
    schema: z
      .union([z.string(), z.record(z.string(), z.unknown())], { error: "must be JSON text or an object" })
      .transform((v, ctx) => {
        const text = canonicalPolicyDocument(v);
        if (text === undefined) {
          ctx.addIssue({ code: "custom", message: "must be valid JSON (a RAM policy document), and is not" });
          return z.NEVER;
        }
        for (const p of documentProblems(JSON.parse(text))) ctx.addIssue({ code: "custom", message: p });
        const bytes = Buffer.byteLength(text);
        if (bytes > RAM_POLICY.documentMaxBytes)
          ctx.addIssue({
            code: "custom",
            message: `is ${bytes} bytes as sent (compact JSON), but a RAM policy document allows at most ${RAM_POLICY.documentMaxBytes}`,
          });
        return text;
      }),
    required: true,
  },
  description: {
    schema: z.string({ error: "must be a string" }).superRefine((v, ctx) => {
      if (v.length > RAM_POLICY.description.maxLength)
        ctx.addIssue({
          code: "custom",
          message: tooLong(v.length, RAM_POLICY.description.maxLength, "a policy description"),
        });
    }),
  },
  adopt: { schema: z.boolean({ error: "must be true or false" }) },
}));

const DEFAULTS = { description: "", adopt: false };

const STATE: RamPolicyOutputs = {
  ...DEFAULTS,
  policyName: "",
  policyDocument: "",
  defaultVersion: "",
  createDate: "",
  updateDate: "",
};

/** Validates and normalizes every argument, all problems at once. */
export function checkRamPolicyInputs(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  const { values, failures } = validateFields(news, ramPolicyRules());
  const inputs: Record<string, unknown> = { ...news, ...values };
  fillDefaults(inputs, DEFAULTS);
  return { inputs, failures };
}

const requireInputs = (raw: Record<string, unknown>) =>
  requireChecked<RamPolicyInputs>("RamPolicy", checkRamPolicyInputs, raw);

const readOlds = (olds: object, id: string): RamPolicyOutputs => {
  const o = stateOf(olds, STATE);
  return { ...o, policyName: o.policyName || id };
};

/** Which arguments differ. Pure. Names compare as RAM does (case-insensitively); documents by meaning. */
export function diffRamPolicy(olds: RamPolicyOutputs, news: Record<string, unknown>) {
  return diffFields(olds, news, {
    replace: ["policyName"],
    update: ["policyDocument", "description"],
    equal: {
      policyName: (a, b) => typeof b === "string" && String(a).toLowerCase() === b.toLowerCase(),
      policyDocument: (a, b) => b !== undefined && canonicalPolicyDocument(a) === canonicalPolicyDocument(b),
    },
  });
}

function toOutputs(p: ram.PolicyRecord, desired: RamPolicyInputs): RamPolicyOutputs {
  return {
    ...desired,
    policyName: p.policyName,
    policyDocument: canonicalPolicyDocument(p.policyDocument) ?? p.policyDocument,
    description: p.description,
    defaultVersion: p.defaultVersion,
    createDate: p.createDate,
    updateDate: p.updateDate,
  };
}

/**
 * The output that marks a CreatePolicyVersion whose outcome is unknown (its answer lost, the
 * look-up failed): the next update looks for the version before making one, so none is doubled.
 */
const VERSION_PENDING = "versionPendingSince";

const gone = (e: unknown) => hasCode(e, "EntityNotExist.Policy");
const claimKey = (name: string) => `RamPolicy:${name.toLowerCase()}`;

/** The policy named in `desired` if it is provably the one this operation made: same document, made since `since`. */
async function findOwnPolicy(s: Session, desired: RamPolicyInputs, since: number) {
  const live = await unlessGone(gone, () => ram.getPolicy(s, desired.policyName));
  if (!live || !(timeOf(live.createDate) >= since)) return undefined;
  const same =
    canonicalPolicyDocument(live.policyDocument) === desired.policyDocument &&
    live.description === desired.description;
  return same ? live : undefined;
}

/** Brings an existing policy's document and description in line: at most one call each. */
async function converge(
  s: Session,
  live: ram.PolicyRecord,
  desired: RamPolicyInputs,
  p: Progress<RamPolicyOutputs>,
  pendingVersion?: number,
): Promise<RamPolicyOutputs> {
  let now = live;
  if (canonicalPolicyDocument(live.policyDocument) !== desired.policyDocument) {
    const started = Date.now();
    const created = createOnce(s, {
      create: (o) => ram.createPolicyVersion(withOptions(s, o), desired.policyName, desired.policyDocument),
      // A lost answer: the version is ours if the default document is now ours and newer than the attempt.
      find: async (t) => {
        const after = await ram.getPolicy(s, desired.policyName);
        return canonicalPolicyDocument(after.policyDocument) === desired.policyDocument &&
          timeOf(after.defaultVersionDate) >= t
          ? { versionId: after.defaultVersion, createDate: after.defaultVersionDate }
          : undefined;
      },
      since: pendingVersion,
    });
    // The answer was lost and the look-up failed too: record it, so the next `up` looks first.
    const { value } = await created.catch((err: unknown) => {
      if (err instanceof OutcomeUnknownError)
        p.set({ [VERSION_PENDING]: pendingVersion ?? started } as never);
      throw err;
    });
    now = {
      ...now,
      policyDocument: desired.policyDocument,
      defaultVersion: value.versionId,
      defaultVersionDate: value.createDate,
      updateDate: value.createDate || now.updateDate,
    };
    p.set(toOutputs({ ...now, description: live.description }, desired));
  }
  if (live.description !== desired.description) {
    await ram.updatePolicyDescription(s, desired.policyName, desired.description);
    now = { ...now, description: desired.description };
  }
  return toOutputs(now, desired);
}

async function createPolicy(
  raw: Record<string, unknown>,
  desired: RamPolicyInputs,
): Promise<{ id: string; outs: RamPolicyOutputs }> {
  const s = session();
  const started = Date.now();
  try {
    const { value } = await createOnce(s, {
      create: (o) =>
        ram.createPolicy(withOptions(s, o), {
          policyName: desired.policyName,
          policyDocument: desired.policyDocument,
          description: desired.description,
        }),
      find: (t) => findOwnPolicy(s, desired, t),
      alreadyExists: (e) => hasCode(e, "EntityAlreadyExists.Policy"),
    });
    unclaim(claimKey(desired.policyName));
    return { id: value.policyName, outs: toOutputs(value, desired) };
  } catch (err) {
    if (err instanceof OutcomeUnknownError)
      throw pendingCreate(raw, desired.policyName, desired, started, err);
    if (!hasCode(err, "EntityAlreadyExists.Policy")) throw err;
    if (!desired.adopt)
      throw new Error(
        `policyName: a custom RAM policy named '${desired.policyName}' already exists in this account. To manage it ` +
          "from this stack, set `adopt: true` (Pulumi cannot import dynamic resources); otherwise choose another name.",
      );
  }
  // Adoption: the existing policy gets this document as a new default version.
  const live = await ram.getPolicy(s, desired.policyName);
  claim(claimKey(desired.policyName));
  const progress = new Progress(raw, live.policyName, toOutputs(live, desired), true);
  const outs = await progress.run((p) => converge(s, live, desired, p));
  return { id: live.policyName, outs };
}

/**
 * At preview, for a new `RamPolicy` without `adopt`: a custom policy of that name that this stack
 * does not manage is refused, naming it. One GetPolicy, through the account binding; when it
 * cannot be made, nothing is said here (`previewLookup`).
 */
async function nameTaken(inputs: Record<string, unknown>): Promise<CheckFailure[]> {
  const name = inputs.policyName;
  if (typeof name !== "string" || containsUnknown(name) || isHeld(claimKey(name))) return [];
  const live = await previewLookup(() => unlessGone(gone, () => ram.getPolicy(session(), name)));
  return live
    ? [
        takenFailure(
          "policyName",
          `The custom RAM policy '${live.policyName}' (default version ${live.defaultVersion})`,
          "up then makes this policyDocument its new default version and sets this description, and deleting the resource later deletes the policy.",
        ),
      ]
    : [];
}

/** The provider implementation the engine drives through the shim. */
export const RamPolicyProvider = accountBound(
  {
    kind: "RamPolicy",
    identity: ["policyName"],
    namesIgnoringCase: ["policyName"],
    stable: ["createDate"],
    volatile: ["updateDate", "defaultVersion"],
  },
  {
    configure,

    async check(olds: Record<string, unknown>, news: Record<string, unknown>) {
      const checked = checkRamPolicyInputs(news);
      holdKeys([olds.policyName && claimKey(String(olds.policyName))]);
      // A create (no old inputs: a pending create has them) of a name another policy holds is
      // said at preview, not at up after other objects were made.
      if (checked.failures.length === 0 && Object.keys(olds).length === 0 && checked.inputs.adopt !== true)
        checked.failures.push(...(await nameTaken(checked.inputs)));
      return checked;
    },

    async diff(id: string, olds: object, news: Record<string, unknown>) {
      const d = diffRamPolicy(readOlds(olds, id), news);
      // The name is unique: a replacement keeping it must delete first.
      return diffResult(d, !d.replaces.includes("policyName") || containsUnknown(news.policyName));
    },

    create(raw: Record<string, unknown>) {
      return createPolicy(raw, requireInputs(raw));
    },

    async read(id: string, props?: object) {
      const s = session();
      // The name recorded in state, not the id: the id of a policy named by a secret is opaque.
      const olds = readOlds(props ?? {}, id);
      const live = await unlessGone(gone, () => ram.getPolicy(s, olds.policyName));
      if (!live) return GONE;
      const outs = toOutputs(live, olds);
      const { defaultVersion: _v, createDate: _c, updateDate: _u, ...inputs } = outs;
      return { id: live.policyName, props: outs, inputs };
    },

    async update(id: string, rawOlds: object, rawNews: Record<string, unknown>) {
      const news = requireInputs(rawNews);
      const pending = pendingSince(rawOlds);
      if (pending !== undefined) {
        const s = session();
        const before = readOlds(rawOlds, id);
        return resumePendingCreate(
          rawNews,
          id,
          pending,
          (t) => findOwnPolicy(s, before, t),
          (made) => toOutputs(made, before),
          async (state, made) => {
            const progress = new Progress(rawNews, id, state, false);
            return { outs: await progress.run((p) => converge(s, made, news, p)) };
          },
          async () => ({ outs: (await createPolicy(rawNews, news)).outs }),
        );
      }
      const olds = readOlds(rawOlds, id);
      const s = session();
      const progress = new Progress(rawNews, id, olds, false);
      const live: ram.PolicyRecord = {
        policyName: olds.policyName,
        description: olds.description,
        defaultVersion: olds.defaultVersion,
        policyDocument: olds.policyDocument,
        defaultVersionDate: olds.updateDate,
        createDate: olds.createDate,
        updateDate: olds.updateDate,
        attachmentCount: 0,
      };
      const pendingVersion = (rawOlds as Record<string, unknown>)[VERSION_PENDING];
      if (typeof pendingVersion === "number") {
        // A version whose answer was lost may be the default now, or not: converge from the live
        // policy, not from state, so that a document declared again (a revert) is written too.
        const now = await ram.getPolicy(s, olds.policyName);
        return { outs: await progress.run((p) => converge(s, now, news, p, pendingVersion)) };
      }
      return { outs: await progress.run((p) => converge(s, live, news, p)) };
    },

    async delete(id: string, props: object) {
      const name = readOlds(props, id).policyName;
      // Adopted by its replacement in this deployment: the policy is the new resource's now.
      if (takeClaim(claimKey(name))) return;
      const s = session();
      try {
        await deleteUnlessGone(gone, () => ram.deletePolicy(s, name));
      } catch (err) {
        if (hasCodePrefix(err, "DeleteConflict.Policy"))
          throw new Error(
            `the custom policy '${name}' is still attached to a RAM user, group or role that this stack does not ` +
              "remove, so RAM refuses to delete it. Detach it there (or remove it from that OidcRole's policies first), " +
              `then run again. (${(err as Error).message})`,
          );
        throw err;
      }
    },
  },
);

/**
 * A custom RAM permission policy; attach it with `OidcRole.policies`.
 *
 * ```ts
 * const deploy = new RamPolicy("deploy", {
 *   policyName: "github-actions-deploy",
 *   policyDocument: leastPrivilegePolicy(["OidcProvider", "OidcRole", "RamPolicy"]),
 * });
 * new OidcRole("deployer", { roleName: "github-actions-deployer", provider: github, trust, policies: [deploy] });
 * ```
 */
export class RamPolicy extends pulumi.dynamic.Resource {
  declare readonly policyName: pulumi.Output<string>;
  /** The default version's document, canonical (compact JSON, keys sorted). */
  declare readonly policyDocument: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string>;
  /** The default version's id (`v1`, `v2`, ...). */
  declare readonly defaultVersion: pulumi.Output<string>;
  declare readonly createDate: pulumi.Output<string>;
  declare readonly updateDate: pulumi.Output<string>;

  constructor(name: string, args: RamPolicyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("RamPolicyProvider"),
      name,
      withSecretInputs({
        policyName: args.policyName,
        policyDocument: args.policyDocument,
        description: args.description,
        adopt: args.adopt,
        defaultVersion: undefined,
        createDate: undefined,
        updateDate: undefined,
      }),
      opts,
      "alicloud-federation",
      "RamPolicy",
    );
  }
}
