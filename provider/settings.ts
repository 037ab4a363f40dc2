import { isIP } from "node:net";
import type Credential from "@alicloud/credentials";
import { credentialsSdk } from "./client/sdk";
import { warn } from "./diagnostics";
import { registerSecret, UserError } from "./errors";
import { oidcCredential, oidcRequested } from "./oidcCredential";
import { once } from "./once";
import { parseRetryPolicy, type RetryPolicy } from "./retry";

/**
 * Where API calls go and as whom. Resolved inside the provider process at run
 * time, never captured in the serialized provider or stored in state.
 *
 * Order, first wins:
 * 1. stack config, as the engine hands it to `configure`:
 *    `alicloud-federation:endpoint`, `alicloud-federation:accessKeyId`,
 *    `alicloud-federation:accessKeySecret` (set it with `--secret`),
 *    `alicloud-federation:securityToken` (secret), `alicloud-federation:retry`;
 * 2. the environment: `ALICLOUD_FEDERATION_ENDPOINT`, `ALICLOUD_FEDERATION_RETRY`;
 * 3. for credentials, the Alibaba Cloud default credential chain of
 *    `@alicloud/credentials` (`ALIBABA_CLOUD_ACCESS_KEY_ID`/`_SECRET`/
 *    `_SECURITY_TOKEN`, `ALIBABA_CLOUD_ROLE_ARN` + `ALIBABA_CLOUD_OIDC_*`,
 *    the CLI profile, the ECS instance role, ...).
 */
export interface RuntimeSettings {
  /**
   * `http(s)://host:port` that every client talks to instead of the product's
   * public endpoint (the emulator, or a private gateway). Unset: the real
   * Alibaba Cloud endpoints (`ims.aliyuncs.com`, `ram.aliyuncs.com`, ...).
   * `http://` only for a loopback host (`localhost`, `127.0.0.0/8`, `::1`): anything else carries
   * access keys, STS security tokens and SCIM/EIAM client secrets, so it needs `https://`, or
   * `alicloud-federation:allowInsecureEndpoint: true` (`ALICLOUD_FEDERATION_ALLOW_INSECURE_ENDPOINT=true`),
   * which warns at every run.
   */
  endpoint: string | undefined;
  retry: RetryPolicy;
  credential: Credential;
  /**
   * Set for OIDC role credentials: drops the session so the next call assumes the role again from
   * the token file (the call seam uses it once when STS credentials turn out expired).
   */
  refreshCredential?: () => boolean;
  /**
   * Extra PEM roots trusted when discovering an IdP's fingerprint (an IdP
   * behind a private CA). `NODE_EXTRA_CA_CERTS` works too.
   */
  caCertificates: string | undefined;
  /**
   * Fingerprint discovery may connect to an issuer or `jwks_uri` host that is not public
   * (loopback, link-local, private, metadata service): `alicloud-federation:allowPrivateIssuer`
   * or `ALICLOUD_FEDERATION_ALLOW_PRIVATE_ISSUER` set to `true`. Off: such hosts are refused.
   */
  allowPrivateIssuer: boolean;
  /**
   * SCIM client credentials for `ScimUser`s that are not given a
   * `ScimApplication`: `alicloud-federation:scimClientId` and
   * `alicloud-federation:scimClientSecret` (a secret), or
   * `ALICLOUD_FEDERATION_SCIM_CLIENT_ID` / `_SECRET`.
   */
  scim: { clientId: string; clientSecret: string } | undefined;
  /**
   * The region of the IDaaS EIAM instances the `Idaas*` resources manage:
   * `alicloud-federation:eiamRegion` or `ALICLOUD_FEDERATION_EIAM_REGION`;
   * default `cn-hangzhou`. EIAM is regional (`eiam.<region>.aliyuncs.com`).
   */
  eiamRegion: string;
  /**
   * The accounts this stack may act in: `alicloud-federation:allowedAccountIds`, account ids
   * separated by commas or a JSON list. Set: any other account is refused before any call that
   * writes. Unset: any account (each resource is still bound to the account it was created in).
   */
  allowedAccountIds: string[] | undefined;
  /** Where `endpoint` was taken from, for messages: the config key, the environment variable, or the default. */
  endpointSource: string;
  /** Where the credentials come from, for messages (the config keys, or the default credential chain's source). */
  credentialSource: CredentialSource;
  /**
   * Who the credentials are, without secrets (endpoint, access key id, role, profile): equal keys,
   * same account, so the account is asked once per process although `configure` rebuilds settings.
   */
  identityKey: string;
}

/** The stack-config keys we read (namespace `alicloud-federation`). */
export const CONFIG_KEYS = {
  endpoint: "alicloud-federation:endpoint",
  accessKeyId: "alicloud-federation:accessKeyId",
  accessKeySecret: "alicloud-federation:accessKeySecret",
  securityToken: "alicloud-federation:securityToken",
  retry: "alicloud-federation:retry",
  caCertificates: "alicloud-federation:caCertificates",
  scimClientId: "alicloud-federation:scimClientId",
  scimClientSecret: "alicloud-federation:scimClientSecret",
  eiamRegion: "alicloud-federation:eiamRegion",
  allowedAccountIds: "alicloud-federation:allowedAccountIds",
  allowInsecureEndpoint: "alicloud-federation:allowInsecureEndpoint",
  allowPrivateIssuer: "alicloud-federation:allowPrivateIssuer",
} as const;

/** The environment variables we read ourselves (the credential chain reads its own). */
export const ENV_KEYS = {
  endpoint: "ALICLOUD_FEDERATION_ENDPOINT",
  retry: "ALICLOUD_FEDERATION_RETRY",
  scimClientId: "ALICLOUD_FEDERATION_SCIM_CLIENT_ID",
  scimClientSecret: "ALICLOUD_FEDERATION_SCIM_CLIENT_SECRET",
  eiamRegion: "ALICLOUD_FEDERATION_EIAM_REGION",
  allowInsecureEndpoint: "ALICLOUD_FEDERATION_ALLOW_INSECURE_ENDPOINT",
  allowPrivateIssuer: "ALICLOUD_FEDERATION_ALLOW_PRIVATE_ISSUER",
} as const;

/** Where the credentials in use come from, as far as we can tell without resolving them. */
export interface CredentialSource {
  /** `config` (the stack config keys), `env` (ALIBABA_CLOUD_ACCESS_KEY_*), `oidc`, `profile`, or `chain` (anything else the chain tries). */
  kind: "config" | "env" | "oidc" | "profile" | "chain";
  /** The access key id, when one is set (not a secret: it is also recorded in state for a config-based provider). */
  accessKeyId?: string;
  /** Whether an STS security token is part of them. */
  securityToken: boolean;
  /** In words, for messages: "stack config alicloud-federation:accessKeyId/accessKeySecret". */
  description: string;
}

/** Anything with `get(key)`, like the `config` of a dynamic provider's `configure` request. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

let configured: ConfigSource | undefined;
let cached: RuntimeSettings | undefined;
// A config key this package does not read, found in the stack config handed to `configure`: every
// use of the settings is refused, so a typo (`endpiont`) never sends the run to the public endpoint.
let refusedKeys: Error | undefined;

/** Records the stack config handed to `configure`; settings are rebuilt on next use. */
export function applyConfig(config: ConfigSource | undefined): void {
  configured = config;
  cached = undefined;
  refusedKeys = undefined;
  // The host's Config keeps every stack config key in `rawConfig` (not in its type, but stable since
  // dynamic providers got `configure`); without it, there is no list to check.
  const raw = (config as { rawConfig?: unknown } | undefined)?.rawConfig;
  if (raw && typeof raw === "object") {
    const problem = unknownConfigKeys(Object.keys(raw));
    if (problem) refusedKeys = new UserError(problem);
  }
}

/** Forgets everything resolved so far (tests change the environment between cases). */
export function resetSettings(): void {
  configured = undefined;
  cached = undefined;
  refusedKeys = undefined;
}

/** The config namespace of this package. */
export const CONFIG_NAMESPACE = "alicloud-federation";

/**
 * The refusal for `alicloud-federation:*` keys this package does not read, naming each with the
 * nearest known key, or undefined when every key is known. Keys of other namespaces are not ours.
 */
export function unknownConfigKeys(keys: Iterable<string>): string | undefined {
  const known = Object.values(CONFIG_KEYS) as string[];
  const unknown = [...new Set(keys)]
    .filter((k) => k.startsWith(`${CONFIG_NAMESPACE}:`) && !known.includes(k))
    .sort();
  if (unknown.length === 0) return undefined;
  const lines = unknown.map((k) => {
    const near = nearest(k, known);
    return `  ${k}${near ? `: did you mean ${near}?` : ""}`;
  });
  return [
    `Unknown stack config key${unknown.length > 1 ? "s" : ""} (alicloud-federation reads none of these), so nothing was called:`,
    ...lines,
    `Rename or remove ${unknown.length > 1 ? "them" : "it"} (\`pulumi config rm <key>\`). The keys alicloud-federation reads: ${known.map((k) => k.slice(CONFIG_NAMESPACE.length + 1)).join(", ")}.`,
  ].join("\n");
}

let programChecked = false;

/**
 * In the program: refuses `alicloud-federation:*` stack config keys this package does not read,
 * before any resource is registered (the provider refuses them too, for refresh and destroy, which
 * do not run the program). Thrown as a `UserError`: the program runner prints its message alone.
 */
export function checkProgramConfig(): void {
  if (programChecked) return;
  const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  const problem = unknownConfigKeys(Object.keys(pulumi.runtime.allConfig()));
  if (problem) throw new UserError(problem);
  programChecked = true;
}

/** The known key closest to `key` (edit distance, ignoring case), when close enough to be a typo. */
function nearest(key: string, known: readonly string[]): string | undefined {
  const name = key.slice(CONFIG_NAMESPACE.length + 1).toLowerCase();
  let best: { key: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(name, k.slice(CONFIG_NAMESPACE.length + 1).toLowerCase());
    if (!best || d < best.d) best = { key: k, d };
  }
  return best && best.d <= Math.max(2, Math.floor(name.length / 3)) ? best.key : undefined;
}

/** Levenshtein distance with adjacent transpositions (`endpiont` is one edit from `endpoint`). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[a.length]![b.length]!;
}

function pick(configKey: string, envKey?: string): string | undefined {
  const fromConfig = configured?.get(configKey);
  if (fromConfig !== undefined && fromConfig !== "") return fromConfig;
  const fromEnv = envKey ? process.env[envKey] : undefined;
  return fromEnv === "" ? undefined : fromEnv;
}

/** The settings in force for this process, resolved once and reused. */
export function runtimeSettings(): RuntimeSettings {
  if (refusedKeys) throw refusedKeys;
  if (cached) return cached;
  const endpoint = pick(CONFIG_KEYS.endpoint, ENV_KEYS.endpoint);
  const endpointSource = !endpoint
    ? "the default: Alibaba Cloud's public endpoints"
    : configured?.get(CONFIG_KEYS.endpoint)
      ? `stack config ${CONFIG_KEYS.endpoint}`
      : `environment variable ${ENV_KEYS.endpoint}`;
  if (endpoint !== undefined) checkEndpointTransport(endpoint);
  const retry = parseRetryPolicy(pick(CONFIG_KEYS.retry, ENV_KEYS.retry));
  const accessKeyId = pick(CONFIG_KEYS.accessKeyId);
  const accessKeySecret = pick(CONFIG_KEYS.accessKeySecret);
  const securityToken = pick(CONFIG_KEYS.securityToken);
  registerSecret(accessKeySecret);
  registerSecret(securityToken);
  registerSecret(process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET);
  registerSecret(process.env.ALIBABA_CLOUD_SECURITY_TOKEN);
  // The credential is made on first use: a preview that calls nothing (or only SCIM) does not load
  // the credentials SDK. What is wrong with the settings is still refused here, at once.
  let credential: () => Credential;
  let refreshCredential: (() => boolean) | undefined;
  if (accessKeyId && accessKeySecret) {
    credential = once(
      () =>
        new (credentialsSdk().default)(
          new (credentialsSdk().Config)(
            securityToken
              ? { type: "sts", accessKeyId, accessKeySecret, securityToken }
              : { type: "access_key", accessKeyId, accessKeySecret },
          ),
        ),
    );
  } else if (accessKeyId || accessKeySecret) {
    throw new Error(
      `${CONFIG_KEYS.accessKeyId} and ${CONFIG_KEYS.accessKeySecret} must be set together (only one is set)`,
    );
  } else if (oidcRequested()) {
    // What a CI job has: the role, the provider and a token file. Ours refreshes and explains.
    const oidc = oidcCredential(endpoint === undefined ? undefined : parseEndpoint(endpoint));
    credential = () => oidc.credential;
    refreshCredential = oidc.refresh;
  } else {
    // The default chain: environment, CLI profile, ECS role...
    credential = once(() => new (credentialsSdk().default)());
  }
  const scimClientId = pick(CONFIG_KEYS.scimClientId, ENV_KEYS.scimClientId);
  const scimClientSecret = pick(CONFIG_KEYS.scimClientSecret, ENV_KEYS.scimClientSecret);
  registerSecret(scimClientSecret);
  const scim =
    scimClientId && scimClientSecret ? { clientId: scimClientId, clientSecret: scimClientSecret } : undefined;
  const eiamRegion = pick(CONFIG_KEYS.eiamRegion, ENV_KEYS.eiamRegion) ?? "cn-hangzhou";
  if (!/^[a-z]{2,}(-[a-z0-9]+)+$/.test(eiamRegion))
    throw new Error(`eiamRegion: '${eiamRegion}' is not a region id such as cn-hangzhou`);
  const allowedAccountIds = parseAccountIds(pick(CONFIG_KEYS.allowedAccountIds));
  const identityKey = JSON.stringify([
    endpoint ?? "",
    accessKeyId ?? process.env.ALIBABA_CLOUD_ACCESS_KEY_ID ?? "",
    process.env.ALIBABA_CLOUD_ROLE_ARN ?? "",
    process.env.ALIBABA_CLOUD_PROFILE ?? "",
  ]);
  cached = {
    identityKey,
    endpointSource,
    credentialSource: credentialSource(accessKeyId, securityToken),
    allowedAccountIds,
    endpoint,
    retry,
    get credential() {
      return credential();
    },
    ...(refreshCredential ? { refreshCredential } : {}),
    caCertificates: pick(CONFIG_KEYS.caCertificates),
    allowPrivateIssuer: isTrue(pick(CONFIG_KEYS.allowPrivateIssuer, ENV_KEYS.allowPrivateIssuer)),
    scim,
    eiamRegion,
  };
  return cached;
}

/** Where the credentials come from: the config keys when set, else the first source the default chain tries. */
function credentialSource(
  configKeyId: string | undefined,
  configToken: string | undefined,
): CredentialSource {
  const env = process.env;
  if (configKeyId)
    return {
      kind: "config",
      accessKeyId: configKeyId,
      securityToken: configToken !== undefined,
      description: `stack config ${CONFIG_KEYS.accessKeyId}/${CONFIG_KEYS.accessKeySecret}${configToken ? `/${CONFIG_KEYS.securityToken}` : ""}`,
    };
  // The chain's order (@alicloud/credentials DefaultCredentialsProvider): environment, OIDC role, CLI profile, ...
  if (env.ALIBABA_CLOUD_ACCESS_KEY_ID)
    return {
      kind: "env",
      accessKeyId: env.ALIBABA_CLOUD_ACCESS_KEY_ID,
      securityToken: !!env.ALIBABA_CLOUD_SECURITY_TOKEN,
      description: `environment variables ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET${env.ALIBABA_CLOUD_SECURITY_TOKEN ? "/ALIBABA_CLOUD_SECURITY_TOKEN" : ""}`,
    };
  if (env.ALIBABA_CLOUD_ROLE_ARN && env.ALIBABA_CLOUD_OIDC_PROVIDER_ARN)
    return {
      kind: "oidc",
      securityToken: true,
      description: `an OIDC role (ALIBABA_CLOUD_ROLE_ARN ${env.ALIBABA_CLOUD_ROLE_ARN}, ALIBABA_CLOUD_OIDC_TOKEN_FILE)`,
    };
  if (env.ALIBABA_CLOUD_PROFILE)
    return {
      kind: "profile",
      securityToken: false,
      description: `the CLI profile ${env.ALIBABA_CLOUD_PROFILE} (ALIBABA_CLOUD_PROFILE, ~/.aliyun/config.json)`,
    };
  return {
    kind: "chain",
    securityToken: false,
    description: "the default credential chain (CLI profile ~/.aliyun/config.json, ECS instance role, ...)",
  };
}

/** `123,456` or `["123","456"]` → the ids; each must be an Alibaba Cloud account id (digits). */
export function parseAccountIds(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  let list: unknown;
  try {
    list = raw.trim().startsWith("[") ? JSON.parse(raw) : raw.split(",");
  } catch {
    throw new Error(
      `${CONFIG_KEYS.allowedAccountIds}: '${raw}' is neither a JSON list nor ids separated by commas`,
    );
  }
  if (!Array.isArray(list))
    throw new Error(`${CONFIG_KEYS.allowedAccountIds}: expected a list of account ids`);
  const ids = list.map((v) => String(v).trim()).filter((v) => v !== "");
  const bad = ids.filter((v) => !/^\d{1,20}$/.test(v));
  if (bad.length > 0 || ids.length === 0)
    throw new Error(
      `${CONFIG_KEYS.allowedAccountIds}: ${bad.length > 0 ? `'${bad.join("', '")}' ${bad.length > 1 ? "are not account ids" : "is not an account id"}` : "is empty"}; expected account ids (digits), e.g. 1234567890123456`,
    );
  return ids;
}

/** An opt-in flag: `true` or `1`, any case. */
const isTrue = (v: string | undefined) => v !== undefined && /^(true|1)$/i.test(v.trim());

/** `localhost`, `*.localhost`, `127.0.0.0/8` or `::1`: traffic that never leaves this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return isIP(host) === 6 && (host === "::1" || /^::ffff:127\./.test(host));
}

/**
 * Refuses an `http://` endpoint on another machine: every call carries a signature or a token,
 * and STS security tokens, SCIM client credentials and EIAM client secrets travel in bodies and
 * headers. The opt-in, for a network path the user trusts, warns at every run.
 */
function checkEndpointTransport(endpoint: string): void {
  const { protocol } = parseEndpoint(endpoint);
  if (protocol === "https") return;
  const hostname = new URL(endpoint.includes("://") ? endpoint : `https://${endpoint}`).hostname;
  if (isLoopbackHost(hostname)) return;
  if (!isTrue(pick(CONFIG_KEYS.allowInsecureEndpoint, ENV_KEYS.allowInsecureEndpoint)))
    throw new Error(
      `endpoint: '${endpoint}' is http:// to a host that is not this machine: credentials, STS security tokens and client secrets would travel unencrypted. ` +
        `Use https://, or set ${CONFIG_KEYS.allowInsecureEndpoint}: true (or ${ENV_KEYS.allowInsecureEndpoint}=true) if that network path is trusted`,
    );
  // Every run, once per process and endpoint: the opt-in must not be forgotten.
  if (!warnedInsecure.has(endpoint)) {
    warnedInsecure.add(endpoint);
    void warn(
      `endpoint '${endpoint}' is http:// to another host (${CONFIG_KEYS.allowInsecureEndpoint}): credentials, STS security tokens and client secrets travel unencrypted`,
    );
  }
}
const warnedInsecure = new Set<string>();

/** Splits `http://127.0.0.1:8080` into what the SDK config wants. */
export function parseEndpoint(endpoint: string): { protocol: "http" | "https"; host: string } {
  // Quoted only without what would be a user name or password.
  const shown = endpoint.replace(/^([a-z][\w+.-]*:\/\/)?.*@/is, "$1***@");
  let url: URL;
  try {
    url = new URL(endpoint.includes("://") ? endpoint : `https://${endpoint}`);
  } catch {
    throw new Error(`endpoint: '${shown}' is not a URL; expected e.g. http://127.0.0.1:8080`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`endpoint: '${shown}' must use http or https`);
  }
  // Never quoted: a password in the URL would be printed by this very message.
  if (url.username || url.password)
    throw new Error(
      `endpoint: must not hold a user name or password (user:password@); give the bare origin, e.g. ${url.protocol}//${url.host}`,
    );
  if (url.pathname !== "/" || url.search || url.hash) {
    throw new Error(`endpoint: '${shown}' must be a bare origin (scheme, host and port only)`);
  }
  return { protocol: url.protocol === "http:" ? "http" : "https", host: url.host };
}
