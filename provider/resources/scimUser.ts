/**
 * `ScimUser`: a RAM user provisioned over SCIM, kept in step with a directory.
 *
 * https://www.alibabacloud.com/help/en/ram/user-guide/synchronize-accounts-from-an-enterprise-internal-system-to-ram-based-on-scim
 */
import * as pulumi from "@pulumi/pulumi";
import * as scim from "../client/scim";
import { AlicloudApiError } from "../errors";
import {
  claim,
  configure,
  createOnce,
  deleteUnlessGone,
  diffFields,
  diffResult,
  fillDefaults,
  findPending,
  GONE,
  OutcomeUnknownError,
  pendingCreate,
  pendingId,
  pendingSince,
  resumePendingCreate,
  scimUserClaim,
  stateOf,
  takeClaim,
  timeOf,
  unlessGone,
  withSecretOutputs,
} from "../lifecycle";
import { RAM_USER } from "../limits";
import { withSecretInputs } from "../secretInputs";
import { runtimeSettings } from "../settings";
import { providerShim } from "../shim";
import {
  type CheckFailure,
  forEngine,
  lazyRules,
  requireChecked,
  tooLong,
  validateFields,
  withSecretNames,
} from "../validation";
import type { ScimApplication } from "./scimApplication";

const USER_NAME = RAM_USER.name;
const DISPLAY_NAME_MAX = RAM_USER.displayName.maxLength;
/** externalId: no published limit; bounded like a display name so a typo cannot send a megabyte. */
const EXTERNAL_ID_MAX = RAM_USER.externalIdMaxLength;

/** The arguments of a `ScimUser`. */
export interface ScimUserArgs {
  /**
   * The RAM user name: 1 to 64 letters, digits, `.`, `-`, `_`; unique in the
   * account ignoring case. Changing it renames the user in place (SCIM PUT).
   * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createuser
   */
  userName: pulumi.Input<string>;
  /** Display name: 1 to 128 characters. Default: the user name. */
  displayName?: pulumi.Input<string>;
  /** Your directory's stable id for the person (unique per account). Default: none. */
  externalId?: pulumi.Input<string>;
  /**
   * The SCIM app whose credentials to use. Without it, the provider reads
   * `alicloud-federation:scimClientId` / `scimClientSecret` (config) or
   * `ALICLOUD_FEDERATION_SCIM_CLIENT_ID` / `_SECRET` (environment).
   */
  application?: ScimApplication;
  /**
   * Take over the RAM user that SCIM reports as already holding this
   * `externalId` or `userName` (a 409) instead of failing, where adoption can
   * work: never a user that belongs to another directory person (another
   * externalId). Default `false`.
   */
  adopt?: pulumi.Input<boolean>;
}

export interface ScimUserInputs {
  userName: string;
  displayName: string;
  externalId: string;
  adopt: boolean;
  /** From the application, if any; a secret in state. */
  clientId?: string;
  clientSecret?: string;
}

export interface ScimUserOutputs extends ScimUserInputs {
  /** The SCIM id: the RAM user id. */
  scimId: string;
  created: string;
  lastModified: string;
}

const rules = lazyRules((z) => ({
  userName: {
    schema: z.string({ error: "must be a string" }).superRefine((v, ctx) => {
      if (v.length === 0) ctx.addIssue({ code: "custom", message: "must not be empty" });
      else if (v.length > USER_NAME.maxLength)
        ctx.addIssue({ code: "custom", message: tooLong(v.length, USER_NAME.maxLength, "a RAM user name") });
      if (v.length > 0 && !USER_NAME.pattern.test(v))
        ctx.addIssue({
          code: "custom",
          message: `'${v}' is not allowed: use letters, digits, '.', '-' and '_'`,
        });
    }),
    required: true,
  },
  displayName: {
    schema: z.string({ error: "must be a string" }).superRefine((v, ctx) => {
      if (v.length === 0) ctx.addIssue({ code: "custom", message: "must not be empty" });
      else if (v.length > DISPLAY_NAME_MAX)
        ctx.addIssue({ code: "custom", message: tooLong(v.length, DISPLAY_NAME_MAX, "a RAM display name") });
    }),
  },
  externalId: {
    schema: z.string({ error: "must be a string" }).superRefine((v, ctx) => {
      if (v.length > EXTERNAL_ID_MAX)
        ctx.addIssue({ code: "custom", message: tooLong(v.length, EXTERNAL_ID_MAX, "an externalId") });
    }),
  },
  adopt: { schema: z.boolean({ error: "must be true or false" }) },
}));

export function checkScimUserInputs(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  const { values, failures } = validateFields(news, rules());
  const inputs: Record<string, unknown> = { ...news, ...values };
  if (inputs.displayName === undefined && typeof inputs.userName === "string")
    inputs.displayName = inputs.userName;
  fillDefaults(inputs, DEFAULTS);
  return { inputs, failures };
}

const requireInputs = (raw: Record<string, unknown>) =>
  requireChecked<ScimUserInputs>("ScimUser", checkScimUserInputs, raw);

/** What `check` fills in and what old state falls back to. */
const DEFAULTS = { externalId: "", adopt: false };

const STATE: ScimUserOutputs = {
  ...DEFAULTS,
  userName: "",
  displayName: "",
  clientId: undefined,
  clientSecret: undefined,
  scimId: "",
  created: "",
  lastModified: "",
};

/** The old state; `scimId` is the id, unless a pending create's stand-in (then the output's, or ""). */
function readOlds(olds: object, id: string): ScimUserOutputs {
  const o = stateOf(olds, STATE);
  return { ...o, scimId: o.scimId || (pendingSince(olds) !== undefined ? "" : id) };
}

function credentials(from: { clientId?: string; clientSecret?: string }): scim.ScimCredentials {
  if (from.clientId && from.clientSecret) return { clientId: from.clientId, clientSecret: from.clientSecret };
  const configured = runtimeSettings().scim;
  if (configured) return configured;
  throw new Error(
    "ScimUser: no SCIM credentials. Pass `application` (a ScimApplication), or set alicloud-federation:scimClientId " +
      "and alicloud-federation:scimClientSecret (--secret), or ALICLOUD_FEDERATION_SCIM_CLIENT_ID/_SECRET.",
  );
}

function toOutputs(rec: scim.ScimUserRecord, desired: ScimUserInputs): ScimUserOutputs {
  return {
    ...desired,
    userName: rec.userName,
    displayName: rec.displayName,
    externalId: rec.externalId,
    scimId: rec.id,
    created: rec.created,
    lastModified: rec.lastModified,
  };
}

const isScim = (err: unknown, status: number) => AlicloudApiError.is(err) && err.status === status;

/**
 * A 409 on create: names the field SCIM reported (never a guess), looks the
 * holder up once, and adopts it when `adopt` is set and adoption can work:
 * the holder has this externalId, or this user name and no other person's
 * externalId. Otherwise the error says what holds the name and what to do.
 */
async function resolveConflict(
  creds: scim.ScimCredentials,
  desired: ScimUserInputs,
  err: unknown,
): Promise<scim.ScimUserRecord> {
  const detail = AlicloudApiError.is(err) ? err.detail : String(err);
  const field = scim.conflictField(err);
  if (field === undefined)
    throw new Error(
      `userName: SCIM refused to create '${desired.userName}' with 409 (${detail}) and did not say which ` +
        "attribute conflicts; nothing was adopted.",
    );
  const value = field === "externalId" ? desired.externalId : desired.userName;
  const [existing] = await scim.findScimUsers(creds, field, value);
  if (!existing)
    throw new Error(
      `${field}: SCIM reported ${field} '${value}' as taken, but no user has it now (deleted meanwhile?); run again.`,
    );
  const otherPerson =
    field === "userName" && existing.externalId !== "" && existing.externalId !== desired.externalId;
  if (otherPerson)
    throw new Error(
      `userName: '${desired.userName}' is taken by RAM user '${existing.userName}', which belongs to another ` +
        `directory person (externalId '${existing.externalId}'); RAM user names ignore case. Choose another user name.`,
    );
  if (!desired.adopt) {
    const holder =
      field === "externalId"
        ? `RAM user '${existing.userName}' already has externalId '${value}'`
        : `a RAM user named '${existing.userName}' already exists${existing.externalId === "" ? " (no externalId: made in the console or by another tool)" : ""}`;
    throw new Error(
      `${field}: ${holder}. To manage it from this stack, set \`adopt: true\` (it is then updated to these ` +
        "arguments and deleted with the stack); otherwise choose another value.",
    );
  }
  const adopted = await scim.replaceScimUser(creds, existing.id, desired);
  // Adopted, the user is this resource's now: a resource that held it before and is deleted later
  // in this deployment (a ScimDirectory it moves out of, the ScimUser it replaces) leaves it alone.
  claim(scimUserClaim(adopted.id));
  return adopted;
}

/** The user `desired` names, if it is provably the one this operation created. */
async function findOwnUser(
  creds: scim.ScimCredentials,
  desired: ScimUserInputs,
  since: number,
): Promise<scim.ScimUserRecord | undefined> {
  const by = desired.externalId !== "" ? "externalId" : "userName";
  const [live] = await scim.findScimUsers(
    creds,
    by,
    by === "externalId" ? desired.externalId : desired.userName,
  );
  const same =
    live !== undefined &&
    live.userName.toLowerCase() === desired.userName.toLowerCase() &&
    live.displayName === desired.displayName &&
    live.externalId === desired.externalId &&
    timeOf(live.created) >= since;
  return same ? live : undefined;
}

/**
 * Create; a POST whose outcome is unknown is recorded as pending under the user name, and `update`
 * adopts the user only if provably ours (`findOwnUser`, `resumePendingCreate`).
 */
async function createUser(raw: Record<string, unknown>, desired: ScimUserInputs): Promise<ScimUserOutputs> {
  const creds = credentials(desired);
  const started = Date.now();
  let rec: scim.ScimUserRecord;
  try {
    ({ value: rec } = await createOnce(runtimeSettings(), {
      create: (o) => scim.createScimUser(creds, desired, o),
      find: (t) => findOwnUser(creds, desired, t),
      alreadyExists: (e) => isScim(e, 409),
    }));
  } catch (err) {
    if (err instanceof OutcomeUnknownError)
      throw pendingCreate(
        raw,
        pendingId(desired.userName),
        { ...STATE, ...desired, scimId: "", created: "", lastModified: "" },
        started,
        err,
      );
    if (!isScim(err, 409)) throw err;
    rec = await resolveConflict(creds, desired, err);
  }
  return toOutputs(rec, desired);
}

/** A pending create's user, if it was made and is provably ours (read and delete resolve it). */
async function pendingUser(olds: ScimUserOutputs, since: number): Promise<scim.ScimUserRecord | undefined> {
  return findPending(since, (t) => findOwnUser(credentials(olds), olds, t));
}

// Not account-bound: it acts with the SCIM application's own credentials. Its errors quote the
// user's names, which a program may mark secret, so they are masked like the others', and the
// names of its secret inputs are kept for a refresh or delete like theirs (withSecretNames).
export const ScimUserProvider = withSecretNames(
  {
    configure,

    async check(
      _olds: Record<string, unknown>,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.CheckResult> {
      return forEngine(checkScimUserInputs(news), news, ["clientSecret"]);
    },

    async diff(
      id: string,
      rawOlds: object,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.DiffResult> {
      const o = readOlds(rawOlds, id);
      // RAM user names are case-insensitive, but a change of case is still a rename the user asked for.
      const d = diffFields(o, news, {
        update: ["userName", "displayName", "externalId", "clientSecret"],
        equal: {
          displayName: (a, b) => a === (b ?? ""),
          externalId: (a, b) => a === (b ?? ""),
          // A rotated app secret reaches the stored credentials through an update (no API call).
          clientSecret: (a, b) => b === undefined || a === b,
        },
      });
      return diffResult(d);
    },

    async create(raw: Record<string, unknown>): Promise<{ id: string; outs: ScimUserOutputs }> {
      const outs = await createUser(raw, requireInputs(raw));
      return { id: outs.scimId, outs };
    },

    async read(
      id: string,
      props?: object,
    ): Promise<{ id: string; props: Partial<ScimUserOutputs>; inputs?: object }> {
      const olds = readOlds(props ?? {}, id);
      const since = pendingSince(props ?? {});
      // A create left pending: refreshed as the user it made, or gone. Otherwise deleted out of band: gone.
      const rec =
        since !== undefined
          ? await pendingUser(olds, since)
          : await unlessGone(
              (e) => isScim(e, 404),
              () => scim.getScimUser(credentials(olds), olds.scimId),
            );
      if (!rec) return GONE;
      const outs = toOutputs(rec, olds);
      const { scimId: _i, created: _c, lastModified: _l, ...inputs } = outs;
      return { id: rec.id, props: outs, inputs };
    },

    async update(
      id: string,
      rawOlds: object,
      rawNews: Record<string, unknown>,
    ): Promise<{ outs: ScimUserOutputs }> {
      const news = requireInputs(rawNews);
      const since = pendingSince(rawOlds);
      if (since === undefined) return replaceUser(readOlds(rawOlds, id), news);
      const before = readOlds(rawOlds, id);
      return resumePendingCreate(
        rawNews,
        id,
        since,
        // The current credentials: a rotation in the same up may have retired the old secret.
        (t) => findOwnUser(credentials(news), before, t),
        // Recorded with the current credentials, which found it (the old secret may be retired).
        (made) => ({ ...toOutputs(made, before), clientId: news.clientId, clientSecret: news.clientSecret }),
        (state) => replaceUser(state, news),
        async () => ({ outs: await createUser(rawNews, news) }),
      );
    },

    async delete(id: string, props: object): Promise<void> {
      return deleteUser(id, props);
    },
  },
  // The display name defaults to the user name.
  { userName: ["displayName"] },
);

/** An update of the user `olds` holds (what exists) to `news`: one PUT, or none. */
async function replaceUser(olds: ScimUserOutputs, news: ScimUserInputs): Promise<{ outs: ScimUserOutputs }> {
  const userChanged =
    olds.userName !== news.userName ||
    olds.displayName !== news.displayName ||
    olds.externalId !== news.externalId;
  if (!userChanged) return { outs: { ...olds, ...news } }; // only the credentials moved
  // One PUT: repeated after a lost answer, it lands on the same user in the same shape.
  const rec = await scim.replaceScimUser(credentials(news), olds.scimId, news);
  return { outs: toOutputs(rec, news) };
}

async function deleteUser(id: string, props: object): Promise<void> {
  const olds = readOlds(props, id);
  const since = pendingSince(props);
  try {
    // A create left pending: only the user provably made by it is deleted.
    const scimId = since !== undefined ? (await pendingUser(olds, since))?.id : olds.scimId;
    if (scimId === undefined) return;
    // Taken over in this deployment by another resource (a ScimDirectory this user moved into).
    if (takeClaim(scimUserClaim(scimId))) return;
    await deleteUnlessGone(
      (e) => isScim(e, 404),
      () => scim.deleteScimUser(credentials(olds), scimId),
    );
  } catch (err) {
    if (isScim(err, 409))
      throw new Error(
        `RAM refused to delete user '${olds.userName}' (${(err as Error).message}): a user with AccessKeys or ` +
          "attached policies cannot be deleted over SCIM. Remove them, then run the destroy again; the user is unchanged.",
      );
    throw err;
  }
}

/** A RAM user provisioned over SCIM. */
export class ScimUser extends pulumi.dynamic.Resource {
  declare readonly userName: pulumi.Output<string>;
  declare readonly displayName: pulumi.Output<string>;
  declare readonly externalId: pulumi.Output<string>;
  /** The SCIM id (the RAM user id). */
  declare readonly scimId: pulumi.Output<string>;
  declare readonly created: pulumi.Output<string>;

  constructor(name: string, args: ScimUserArgs, opts?: pulumi.CustomResourceOptions) {
    const app = args.application;
    super(
      providerShim("ScimUserProvider"),
      name,
      withSecretInputs({
        userName: args.userName,
        displayName: args.displayName,
        externalId: args.externalId,
        adopt: args.adopt,
        clientId: app?.clientId,
        // Secret in, so the engine keeps the same-named output secret too.
        clientSecret: app ? pulumi.secret(app.clientSecret) : undefined,
        scimId: undefined,
        created: undefined,
        lastModified: undefined,
      }),
      withSecretOutputs(opts, ["clientSecret"]),
      "alicloud-federation",
      "ScimUser",
    );
  }
}
