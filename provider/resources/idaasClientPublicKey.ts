/**
 * `IdaasClientPublicKey`: a public key of an EIAM application, for the `private_key_jwt` client
 * authentication method: the workload signs its client assertion with the private key, which
 * never leaves it (and never reaches Pulumi). The `AlgorithmType` follows from the key.
 *
 * API: https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createclientpublickey
 */
import * as pulumi from "@pulumi/pulumi";
import { accountBound } from "../account";
import * as eiam from "../client/eiam";
import { session } from "../client/session";
import {
  CREATION_CLOCK_SKEW_MS,
  configure,
  deleteUnlessGone,
  diffFields,
  diffResult,
  GONE,
  liveId,
  OutcomeUnknownError,
  pendingCreate,
  pendingId,
  pendingSince,
  stateOf,
  unlessGone,
} from "../lifecycle";
import { EIAM } from "../limits";
import { isAmbiguous } from "../retry";
import { withSecretInputs } from "../secretInputs";
import { providerShim } from "../shim";
import { type CheckFailure, lazyRules, requireChecked, validateFields } from "../validation";
import { canonicalPublicKey, idRule, instanceIdRule, isNotFound, isQuotaExceeded } from "./idaas/common";

/** The arguments of an `IdaasClientPublicKey`. */
export interface IdaasClientPublicKeyArgs {
  /**
   * The EIAM instance (`idaas_…`). A change replaces the key.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createclientpublickey
   */
  instanceId: pulumi.Input<string>;
  /**
   * The application (`app_…`), e.g. an `IdaasM2mApplication`'s `applicationId`; it holds at most
   * 5 keys (a guess). A change replaces the key.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createclientpublickey
   */
  applicationId: pulumi.Input<string>;
  /**
   * The public key as an SPKI PEM (`-----BEGIN PUBLIC KEY-----`, e.g. `openssl pkey -in key.pem
   * -pubout`): RSA of at least 2048 bits, or EC on P-256, P-384 or P-521. A private key is refused.
   * Compared by content (re-encoding is no change); another key replaces this one.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createclientpublickey
   */
  publicKey: pulumi.Input<string>;
}

export interface IdaasClientPublicKeyInputs {
  instanceId: string;
  applicationId: string;
  /** Canonical SPKI PEM. */
  publicKey: string;
}

export interface IdaasClientPublicKeyOutputs extends IdaasClientPublicKeyInputs {
  clientPublicKeyId: string;
  /** The `AlgorithmType` sent (see `algorithmTypeOf`). */
  algorithmType: string;
  /** `enabled`, or `disabled` when someone disabled it out of band: the next `up` enables it again. */
  status: string;
}

const rules = lazyRules((z) => {
  const publicKeySchema = z.string({ error: "must be a PEM public key" }).transform((v, ctx) => {
    const k = canonicalPublicKey(v);
    if ("problem" in k) {
      ctx.addIssue({ code: "custom", message: k.problem });
      return v;
    }
    return k.pem;
  });
  return {
    instanceId: instanceIdRule(),
    applicationId: idRule("app_"),
    publicKey: { schema: publicKeySchema, required: true },
  };
});

export function checkIdaasClientPublicKeyInputs(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  const { values, failures } = validateFields(news, rules());
  return { inputs: { ...news, ...values }, failures };
}

const requireInputs = (raw: Record<string, unknown>) =>
  requireChecked<IdaasClientPublicKeyInputs>("IdaasClientPublicKey", checkIdaasClientPublicKeyInputs, raw);

const STATE: IdaasClientPublicKeyOutputs = {
  instanceId: "",
  applicationId: "",
  publicKey: "",
  clientPublicKeyId: "",
  algorithmType: "",
  status: "enabled",
};

const readOlds = (olds: object) => stateOf(olds, STATE);

/** Canonical form of a key the API returned, or the text as is when it does not parse. */
function canonicalOrSelf(pem: string): string {
  const k = canonicalPublicKey(pem);
  return "pem" in k ? k.pem : pem;
}

const REPLACING = ["instanceId", "applicationId", "publicKey"] as const;

/** The key with this PEM created at or after `since` (skew allowed): provably ours (a PEM is unique per application). */
async function findOwnKey(
  d: IdaasClientPublicKeyInputs,
  pem: string,
  since: number,
): Promise<string | undefined> {
  const started = since - CREATION_CLOCK_SKEW_MS;
  return (await eiam.listClientPublicKeys(session(), d.instanceId, d.applicationId)).find(
    (k) => canonicalOrSelf(k.publicKey) === pem && k.createTime >= started,
  )?.clientPublicKeyId;
}

/**
 * Create, resumed by `update` (with `since`) when a previous `up` could not tell whether
 * CreateClientPublicKey happened: that one is recorded as pending, and the next run looks for the
 * key first, adopting it only if provably ours.
 */
async function createKey(
  raw: Record<string, unknown>,
  desired: IdaasClientPublicKeyInputs,
  since?: number,
): Promise<IdaasClientPublicKeyOutputs> {
  const key = canonicalPublicKey(desired.publicKey);
  if ("problem" in key) throw new Error(`invalid IdaasClientPublicKey arguments:\npublicKey: ${key.problem}`);
  const s = session();
  const { instanceId, applicationId } = desired;
  const started = since ?? Date.now();
  const made = (clientPublicKeyId: string): IdaasClientPublicKeyOutputs =>
    // Guess: a new key is enabled (Create takes no status).
    ({ ...desired, clientPublicKeyId, algorithmType: key.algorithmType, status: "enabled" });
  if (since !== undefined) {
    const found = await findOwnKey(desired, key.pem, since);
    if (found !== undefined) return made(found);
  }
  try {
    // The call carries a ClientToken: its own retries are safe (the service answers the key it made).
    return made(
      await eiam.createClientPublicKey(s, instanceId, applicationId, {
        algorithmType: key.algorithmType,
        publicKey: key.pem,
      }),
    );
  } catch (err) {
    if (isQuotaExceeded(err))
      throw new Error(
        `${(err as Error).message}\nAn application holds at most ${EIAM.maxClientPublicKeysPerApplication} ` +
          "client public keys: delete one not managed by this stack first.",
      );
    // Retries ran out with no answer: the key (a PEM is unique per application) may be there.
    if (!isAmbiguous(err)) throw err;
    let mine: string | undefined;
    try {
      mine = await findOwnKey(desired, key.pem, started);
    } catch (lookup) {
      // Made or not, unknown: remembered, so the next run can tell (the ClientToken is this run's only).
      throw pendingCreate(
        raw,
        pendingId(applicationId),
        { ...made(""), status: "" },
        started,
        new OutcomeUnknownError(err, lookup),
      );
    }
    if (!mine) throw err;
    return made(mine);
  }
}

/** A pending create's key id, if it was made (read and delete resolve it without creating). */
async function resolvePending(id: string, props: object): Promise<string | undefined> {
  const olds = readOlds(props);
  const since = pendingSince(props);
  if (since === undefined) return liveId(id, olds.clientPublicKeyId);
  const key = canonicalPublicKey(olds.publicKey);
  return "problem" in key ? undefined : findOwnKey(olds, key.pem, since);
}

export const IdaasClientPublicKeyProvider = accountBound(
  {
    kind: "IdaasClientPublicKey",
    identity: ["instanceId", "applicationId", "publicKey"],
    stable: ["clientPublicKeyId", "algorithmType"],
  },
  {
    configure,

    async check(
      _olds: Record<string, unknown>,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.CheckResult> {
      return checkIdaasClientPublicKeyInputs(news);
    },

    async diff(
      _id: string,
      rawOlds: object,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.DiffResult> {
      const o = readOlds(rawOlds);
      const d = diffFields(o, news, { replace: REPLACING });
      if (o.status === "disabled") d.changes.push("status");
      // Add the new key before removing the old: the workload's next assertion may use either.
      return diffResult(d);
    },

    async create(raw: Record<string, unknown>): Promise<{ id: string; outs: IdaasClientPublicKeyOutputs }> {
      const outs = await createKey(raw, requireInputs(raw));
      return { id: outs.clientPublicKeyId, outs };
    },

    async read(
      id: string,
      props?: object,
    ): Promise<{ id: string; props: Partial<IdaasClientPublicKeyOutputs>; inputs?: object }> {
      const olds = readOlds(props ?? {});
      // Gone, or its application is (a pending create: the key it made, if any).
      const keyId = await unlessGone(isNotFound, () => resolvePending(id, props ?? {}));
      if (keyId === undefined) return GONE;
      id = keyId;
      const rec = await unlessGone(isNotFound, () =>
        eiam.getClientPublicKey(session(), olds.instanceId, olds.applicationId, id),
      );
      if (!rec) return GONE;
      const outs: IdaasClientPublicKeyOutputs = {
        ...olds,
        publicKey: rec.publicKey ? canonicalOrSelf(rec.publicKey) : olds.publicKey,
        clientPublicKeyId: id,
        algorithmType: rec.algorithmType || olds.algorithmType,
        status: rec.status || olds.status,
      };
      const { instanceId, applicationId, publicKey } = outs;
      return { id, props: outs, inputs: { instanceId, applicationId, publicKey } };
    },

    async update(
      id: string,
      rawOlds: object,
      rawNews: Record<string, unknown>,
    ): Promise<{ outs: IdaasClientPublicKeyOutputs }> {
      // Every argument replaces: the only in-place change is enabling a key disabled out of band.
      const news = requireInputs(rawNews);
      const since = pendingSince(rawOlds);
      if (since !== undefined) return { outs: await createKey(rawNews, news, since) };
      const olds = readOlds(rawOlds);
      id = liveId(id, olds.clientPublicKeyId);
      if (olds.status === "disabled")
        await eiam.setClientPublicKeyEnabled(session(), news.instanceId, news.applicationId, id, true);
      return { outs: { ...olds, ...news, status: "enabled" } };
    },

    async delete(id: string, props: object): Promise<void> {
      const { instanceId, applicationId } = readOlds(props);
      await deleteUnlessGone(isNotFound, async () => {
        // A create left pending: only the key provably made by it is deleted.
        const keyId = await resolvePending(id, props);
        if (keyId !== undefined)
          await eiam.deleteClientPublicKey(session(), instanceId, applicationId, keyId);
      });
    },
  },
);

/** A public key an EIAM application's workload proves itself with (`private_key_jwt`). */
export class IdaasClientPublicKey extends pulumi.dynamic.Resource {
  declare readonly instanceId: pulumi.Output<string>;
  declare readonly applicationId: pulumi.Output<string>;
  declare readonly clientPublicKeyId: pulumi.Output<string>;
  /** `RSA-2048` (the documented value) for an RSA key, `EC` for an EC key. */
  declare readonly algorithmType: pulumi.Output<string>;
  /** `enabled` after every `up`. */
  declare readonly status: pulumi.Output<string>;

  constructor(name: string, args: IdaasClientPublicKeyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("IdaasClientPublicKeyProvider"),
      name,
      withSecretInputs({
        ...args,
        clientPublicKeyId: undefined,
        algorithmType: undefined,
        status: undefined,
      }),
      opts,
      "alicloud-federation",
      "IdaasClientPublicKey",
    );
  }
}
