/**
 * Rules and helpers shared by the `Idaas*` resources: an EIAM instance id,
 * bounded names and descriptions, and the not-found test (EIAM's codes are not
 * published: the family is what is relied on, docs/alibaba-api.md §7).
 */
import { createPublicKey, type KeyObject, X509Certificate } from "node:crypto";
import type { z } from "zod";
import * as eiam from "../../client/eiam";
import { type Session, withOptions } from "../../client/session";
import { AlicloudApiError, hasCodePrefix } from "../../errors";
import { createOnce } from "../../lifecycle";
import { EIAM } from "../../limits";
import { UNKNOWN } from "../../normalize";
import { type CheckFailure, type FieldRule, tooLong, validateFields, zod } from "../../validation";

/** `InstanceId` of every EIAM call: `idaas_` and lower-case letters and digits. */
export function instanceIdRule(): FieldRule {
  return {
    schema: zod()
      .string({ error: "must be a string" })
      .refine((v) => EIAM.instanceId.pattern.test(v), {
        message: "must be an EIAM instance id: 'idaas_' followed by lower-case letters and digits",
      }),
    required: true,
  };
}

/** A non-empty string of at most `max` characters, named `what` in the message. */
export function boundedString(max: number, what: string): z.ZodType<string> {
  return zod()
    .string({ error: "must be a string" })
    .superRefine((v, ctx) => {
      if (v.trim().length === 0) ctx.addIssue({ code: "custom", message: "must not be empty" });
      else if (v.length > max) ctx.addIssue({ code: "custom", message: tooLong(v.length, max, what) });
    });
}

/** A possibly empty string of at most `max` characters. */
export function optionalText(max: number, what: string): z.ZodType<string> {
  return zod()
    .string({ error: "must be a string" })
    .superRefine((v, ctx) => {
      if (v.length > max) ctx.addIssue({ code: "custom", message: tooLong(v.length, max, what) });
    });
}

/** An id returned by EIAM for another resource (e.g. `app_…`): any non-empty string. */
export function idRule(prefix: string): { schema: z.ZodType<string>; required: true } {
  return {
    schema: zod()
      .string({ error: "must be a string" })
      .refine((v) => v.length > 0, {
        message: `must be an id such as '${prefix}…' (pass the other resource's output)`,
      }),
    required: true,
  };
}

/** True for EIAM's "no such entity" errors (`EntityNotExist…` family or HTTP 404). */
export function isNotFound(err: unknown): boolean {
  return hasCodePrefix(err, "EntityNotExist") || (AlicloudApiError.is(err) && err.status === 404);
}

/**
 * One EIAM application, although a CreateApplication answer may be lost (the API takes no
 * `ClientToken`, and names are not unique): after an ambiguous failure, the application with this
 * name and description created since the operation began is ours. Two such would be two lost
 * creates of ours; rather than guess, that is an error naming them. `since`: the start of an
 * earlier operation whose create is pending (looked up first, created only if absent).
 */
export async function createApplicationOnce(
  s: Session,
  instanceId: string,
  args: { name: string; description: string },
  since?: number,
): Promise<string> {
  const { value } = await createOnce(s, {
    since,
    create: (o) => eiam.createApplication(withOptions(s, o), instanceId, args),
    find: (t) => findOwnApplication(s, instanceId, args, t),
  });
  return value;
}

/**
 * The application with this name and description created at or after `since` (epoch ms, skew
 * already taken off): provably ours. Several are refused by name, never guessed between.
 */
export async function findOwnApplication(
  s: Session,
  instanceId: string,
  args: { name: string; description: string },
  since: number,
): Promise<string | undefined> {
  const mine = (await eiam.listApplicationsNamed(s, instanceId, args.name)).filter(
    (a) => a.description === args.description && a.createTime >= since,
  );
  if (mine.length > 1)
    throw new Error(
      `applicationName: ${mine.length} applications named '${args.name}' were created during this operation ` +
        `(${mine.map((a) => a.id).join(", ")}); none is taken or deleted: delete the extra ones, then run again.`,
    );
  return mine[0]?.id;
}

/** True for EIAM's quota errors (`QuotaExceeded…`/`LimitExceeded…` families: the codes are not published). */
export function isQuotaExceeded(err: unknown): boolean {
  return AlicloudApiError.is(err) && /quota|limit/i.test(err.code);
}

/** True for EIAM's state-conflict errors (`OperationConflict…`, e.g. a provider still in use). */
export function isConflict(err: unknown): boolean {
  return hasCodePrefix(err, "OperationConflict") || (AlicloudApiError.is(err) && err.status === 409);
}

// ------------------------------------------------------- nested arguments

/** True when `v` is set (neither undefined nor null). */
export const isSet = (v: unknown): boolean => v !== undefined && v !== null;

/**
 * Validates a nested object argument (`oidc`, `kubernetes`, `attributeMappings[1]`) field by
 * field, with paths prefixed by `path` (`oidc.audiences[2]`). Like `validateFields`, a part
 * whose value is unknown at preview passes untouched; an entirely unknown object passes too.
 * Keys that are not arguments are reported (a misspelt optional key would otherwise be ignored).
 */
export function validateNested(
  path: string,
  value: unknown,
  rules: Record<string, FieldRule>,
): { value: unknown; failures: CheckFailure[] } {
  if (value === UNKNOWN) return { value, failures: [] };
  if (!value || typeof value !== "object" || Array.isArray(value))
    return { value, failures: [{ property: path, reason: "must be an object" }] };
  const raw = value as Record<string, unknown>;
  const { values, failures } = validateFields(raw, rules);
  const out: CheckFailure[] = failures.map((f) => ({ ...f, property: `${path}.${f.property}` }));
  const known = Object.keys(rules);
  for (const key of Object.keys(raw))
    if (!known.includes(key))
      out.push({
        property: `${path}.${key}`,
        reason: `is not an argument here (expected ${known.join(", ")})`,
      });
  return { value: { ...raw, ...values }, failures: out };
}

/**
 * Exactly one of `keys` must be set in `news`: none, or several, is one failure naming them.
 * Returns the key that is set (the first, when several are).
 */
export function exactlyOne(
  news: Record<string, unknown>,
  keys: readonly string[],
  purpose: string,
): { chosen: string | undefined; failures: CheckFailure[] } {
  const set = keys.filter((k) => isSet(news[k]));
  const choices = `${keys.slice(0, -1).join(", ")} or ${keys[keys.length - 1]}`;
  if (set.length === 0)
    return {
      chosen: undefined,
      failures: [{ property: keys[0]!, reason: `is required: set one of ${choices} (${purpose})` }],
    };
  if (set.length > 1)
    return {
      chosen: set[0],
      failures: [
        {
          property: set[1]!,
          reason: `${set.slice(0, -1).join(", ")} and ${set[set.length - 1]} are both set: set exactly one of ${choices} (${purpose})`,
        },
      ],
    };
  return { chosen: set[0], failures: [] };
}

/** A list of bounded strings, 1 to `max` items, no repeats (`what` names one item). */
export function boundedList(max: number, itemMax: number, what: string): z.ZodType<string[]> {
  return zod()
    .array(boundedString(itemMax, `${/^[aeiou]/i.test(what) ? "an" : "a"} ${what}`), {
      error: "must be a list of strings",
    })
    .superRefine((v, ctx) => {
      if (v.length === 0) ctx.addIssue({ code: "custom", message: `must hold at least one ${what}` });
      else if (v.length > max)
        ctx.addIssue({ code: "custom", message: `must hold at most ${max} items, but holds ${v.length}` });
      v.forEach((item, i) => {
        if (v.indexOf(item) < i)
          ctx.addIssue({ code: "custom", path: [i], message: `repeats '${item}' (each ${what} once)` });
      });
    });
}

/** An optional condition expression (`TrustCondition`, `VerificationCondition`); "" = none. */
export function conditionText(): z.ZodType<string> {
  return optionalText(EIAM.expression.maxLength, "a condition expression").superRefine((v, ctx) => {
    const problem = nestingProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

/** Why an expression nests too deep for EIAM, or undefined. */
export function nestingProblem(text: string): string | undefined {
  const { maxDepth } = EIAM.expression;
  const depth = nestingDepth(text);
  return depth > maxDepth
    ? `nest at most ${maxDepth} deep (parentheses and '!' together), but this nests ${depth} deep`
    : undefined;
}

/**
 * How deep an expression nests: each `(` and each `!` (not `!=`) counts one for what it applies to,
 * as EIAM's condition language reads them. Text inside double quotes (with `\"` and `\\`) is skipped.
 */
export function nestingDepth(text: string): number {
  let deepest = 0;
  // The depth of each open parenthesis's contents, and the '!'s waiting for their operand.
  const open: number[] = [];
  let base = 0;
  let bangs = 0;
  // The last character outside spaces: a `(` right after a name opens a function's arguments
  // (`IsNullOrEmpty(jwt.sub)`), which nest nothing.
  let last = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? "";
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      bangs = 0;
    } else if (c === "!" && text[i + 1] !== "=") {
      bangs++;
      deepest = Math.max(deepest, base + bangs);
    } else if (c === "(") {
      open.push(base);
      if (!/\w/.test(last)) {
        base += bangs + 1;
        deepest = Math.max(deepest, base);
      }
      bangs = 0;
    } else if (c === ")") {
      base = open.pop() ?? 0;
      bangs = 0;
    } else if (!/\s/.test(c)) bangs = 0;
    if (!/\s/.test(c)) last = c;
  }
  return deepest;
}

// ------------------------------------------------------------ certificates

/**
 * One PEM certificate in canonical form (Node's re-encoding: LF line ends, 64-column base64), or
 * the reason it is refused. Never echoes the input: a pasted private key must not reach a log.
 */
export function canonicalCertificate(pem: string): { pem: string } | { problem: string } {
  if (/PRIVATE KEY-----/.test(pem))
    return { problem: "contains a private key: pass only the certificate (-----BEGIN CERTIFICATE-----)" };
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
  if (blocks === 0) return { problem: "must be a PEM certificate starting with -----BEGIN CERTIFICATE-----" };
  if (blocks > 1)
    return { problem: `holds ${blocks} certificates: give each certificate as its own list item` };
  try {
    return { pem: new X509Certificate(pem).toString() };
  } catch (err) {
    return { problem: `is not a readable X.509 certificate (${(err as Error).message})` };
  }
}

/** Canonical PEM of a certificate the API returned, or the text as is when it does not parse. */
export function canonicalCertificateOrSelf(pem: string): string {
  const c = canonicalCertificate(pem);
  return "pem" in c ? c.pem : pem;
}

/** 1 or more PEM certificates, each canonicalized, none repeated. */
export function certificateList(): z.ZodType<string[]> {
  const z = zod();
  return z
    .array(z.string({ error: "must be a PEM certificate" }), { error: "must be a list of PEM certificates" })
    .transform((list, ctx) => {
      if (list.length === 0) ctx.addIssue({ code: "custom", message: "must hold at least one certificate" });
      const out: string[] = [];
      list.forEach((item, i) => {
        const c = canonicalCertificate(item);
        if ("problem" in c) ctx.addIssue({ code: "custom", path: [i], message: c.problem });
        else if (out.includes(c.pem))
          ctx.addIssue({ code: "custom", path: [i], message: "repeats an earlier certificate" });
        out.push("pem" in c ? c.pem : item);
      });
      return out;
    });
}

// ------------------------------------------------------------------- JWKS

/** Parameters that only a private JWK carries (RFC 7518 §6.2.2, §6.3.2, §6.4). */
const PRIVATE_JWK_PARAMS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;

/**
 * A static JWKS (a JSON text) in canonical form (compact JSON), or the reason it is refused: it
 * must be an object with a non-empty `keys` list of public RSA or EC JWKs.
 */
export function canonicalJwks(text: string): { jwks: string } | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { problem: `is not JSON (${(err as Error).message})` };
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    return { problem: 'must be a JSON object {"keys": [...]}' };
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0)
    return { problem: 'must have a non-empty "keys" list (a JWKS, RFC 7517 §5)' };
  for (const [i, key] of keys.entries()) {
    if (!key || typeof key !== "object" || Array.isArray(key))
      return { problem: `keys[${i}] must be an object` };
    const k = key as Record<string, unknown>;
    if (typeof k.kty !== "string" || k.kty === "") return { problem: `keys[${i}] has no "kty"` };
    if (!EIAM.staticJwksKeyTypes.includes(k.kty))
      return {
        problem: `keys[${i}] is a ${JSON.stringify(k.kty).slice(0, 40)} key: use RSA or EC keys (kty "RSA" or "EC")`,
      };
    const secret = PRIVATE_JWK_PARAMS.find((p) => p in k);
    if (secret)
      return {
        problem: `keys[${i}] holds private key material ("${secret}"): publish only public keys`,
      };
  }
  return { jwks: sortedJson(parsed) };
}

/** Compact JSON with object members sorted: equal documents give equal texts. */
function sortedJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(sort(value));
}

/** Canonical form of a JWKS the API returned, or the text as is when it does not parse. */
export function canonicalJwksOrSelf(text: string): string {
  try {
    return sortedJson(JSON.parse(text));
  } catch {
    return text;
  }
}

// ------------------------------------------------------------- Kubernetes

/**
 * Kubernetes object names, as the API server validates them.
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
 */
export const KUBERNETES = {
  /** A namespace name is an RFC 1123 DNS label: at most 63 characters. */
  namespace: { maxLength: 63, pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/ },
  /** A service account name is an RFC 1123 DNS subdomain: at most 253 characters. */
  serviceAccountName: {
    maxLength: 253,
    pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
  },
  /** A prefix of a pod name (a DNS subdomain): it may end in `-` or `.`, e.g. `web-`. */
  podNamePrefix: { maxLength: 253, pattern: /^[a-z0-9][-a-z0-9.]*$/ },
} as const;

function k8sName(
  limit: { maxLength: number; pattern: RegExp },
  what: string,
  rule: string,
  example: string,
  emptyAllowed = false,
): z.ZodType<string> {
  return zod()
    .string({ error: "must be a string" })
    .superRefine((v, ctx) => {
      if (v.length === 0) {
        if (!emptyAllowed) ctx.addIssue({ code: "custom", message: "must not be empty" });
      } else if (v.length > limit.maxLength)
        ctx.addIssue({ code: "custom", message: tooLong(v.length, limit.maxLength, what) });
      else if (!limit.pattern.test(v))
        ctx.addIssue({ code: "custom", message: `'${v}' is not ${rule}, e.g. '${example}'` });
    });
}

export const kubernetesNamespace = (): z.ZodType<string> =>
  k8sName(
    KUBERNETES.namespace,
    "a Kubernetes namespace (a DNS-1123 label)",
    "a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
    "payments",
  );
export const kubernetesServiceAccountName = (): z.ZodType<string> =>
  k8sName(
    KUBERNETES.serviceAccountName,
    "a Kubernetes service account name (a DNS-1123 subdomain)",
    "a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit",
    "api-server",
  );
export const kubernetesPodNamePrefix = (): z.ZodType<string> =>
  k8sName(
    KUBERNETES.podNamePrefix,
    "a pod name prefix",
    "a pod name prefix: lower-case letters, digits, '-' and '.', starting with a letter or digit",
    "api-server-",
    true, // "" = any pod
  );

/** The `sub` claim of a Kubernetes service-account token. */
export const kubernetesSubject = (namespace: string, serviceAccountName: string): string =>
  `system:serviceaccount:${namespace}:${serviceAccountName}`;

/** OpenID Connect Core 1.0 §2: `sub` "MUST NOT exceed 255 ASCII characters" (`EIAM.oidcSubjectMaxLength`). */
export const OIDC_SUBJECT_MAX_LENGTH = EIAM.oidcSubjectMaxLength;

// ------------------------------------------------------- client public keys

/**
 * Keys accepted for `private_key_jwt`: RSA of at least 2048 bits (RFC 7518 §3.3, RS256/384/512)
 * or EC on the curves of ES256/ES384/ES512 (RFC 7518 §3.4).
 */
export const CLIENT_PUBLIC_KEY = {
  rsaMinBits: 2048,
  /** Node's curve names → JOSE names. */
  curves: { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521" } as Record<string, string>,
} as const;

/**
 * The API's `AlgorithmType` for a key: `RSA-2048`, the one value the CreateClientPublicKey page
 * documents (https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-createclientpublickey);
 * `EC` for an EC key is a guess (no page names it). The one place to change it.
 */
export function algorithmTypeOf(key: KeyObject): string {
  return key.asymmetricKeyType === "ec" ? "EC" : "RSA-2048";
}

/**
 * An SPKI PEM public key in canonical form (Node's re-encoding) with its `AlgorithmType`, or
 * the reason it is refused. Never echoes the input (it might be a pasted private key).
 */
export function canonicalPublicKey(
  pem: string,
): { pem: string; algorithmType: string; description: string } | { problem: string } {
  if (/PRIVATE KEY-----/.test(pem))
    return { problem: "is a private key: pass only the public key (openssl pkey -in key.pem -pubout)" };
  if (/-----BEGIN RSA PUBLIC KEY-----/.test(pem))
    return {
      problem:
        "is a PKCS#1 RSA key: convert it to SPKI (openssl rsa -RSAPublicKey_in -in key.pem -pubout), which starts with -----BEGIN PUBLIC KEY-----",
    };
  const blocks = pem.match(/-----BEGIN PUBLIC KEY-----/g)?.length ?? 0;
  if (blocks !== 1)
    return {
      problem:
        blocks === 0
          ? "must be an SPKI PEM public key starting with -----BEGIN PUBLIC KEY-----"
          : `holds ${blocks} public keys: give one`,
    };
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: "pem" });
  } catch (err) {
    return { problem: `is not a readable public key (${(err as Error).message})` };
  }
  const allowed = `RSA of at least ${CLIENT_PUBLIC_KEY.rsaMinBits} bits, or EC on ${Object.values(CLIENT_PUBLIC_KEY.curves).join(", ")}`;
  const d = key.asymmetricKeyDetails ?? {};
  let description: string;
  if (key.asymmetricKeyType === "rsa") {
    const bits = d.modulusLength ?? 0;
    if (bits < CLIENT_PUBLIC_KEY.rsaMinBits)
      return {
        problem: `is a ${bits}-bit RSA key, but at least ${CLIENT_PUBLIC_KEY.rsaMinBits} bits are required`,
      };
    description = `RSA ${bits}`;
  } else if (key.asymmetricKeyType === "ec") {
    const curve = CLIENT_PUBLIC_KEY.curves[d.namedCurve ?? ""];
    if (!curve)
      return { problem: `is an EC key on curve ${d.namedCurve ?? "(unknown)"}; allowed: ${allowed}` };
    description = `EC ${curve}`;
  } else {
    return { problem: `is an ${key.asymmetricKeyType ?? "unknown"} key; allowed: ${allowed}` };
  }
  return {
    pem: key.export({ type: "spki", format: "pem" }) as string,
    algorithmType: algorithmTypeOf(key),
    description,
  };
}
