/** Public types of the emulator (re-exported by `emulator/index.ts`). */

import type { StsCredentials } from "./auth/credentials";
import type { OidcLimits } from "./limits";
import type { RamLimits } from "./services/ram/state";

export type { StsCredentials } from "./auth/credentials";

export interface EmulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /**
   * Default 127.0.0.1. A non-loopback address (`0.0.0.0`, a LAN address) exposes the control
   * routes (state with plaintext secrets, minting credentials) to the network, so it is refused
   * unless `controlToken` is set.
   */
  host?: string;
  /**
   * A shared secret (at least 16 characters) that every control route (`/__emulator/*`) then
   * requires, as `Authorization: Bearer <token>`. Required when `host` is not a loopback address.
   */
  controlToken?: string;
  /**
   * Extra host names (`name` or `name:port`) accepted in the `Host` header. Requests naming any
   * other host are refused with 421 (a DNS-rebinding page cannot reach the emulator). Always
   * accepted: `localhost`, loopback addresses, the listening address, and when listening on all
   * interfaces this machine's host name and interface addresses.
   */
  allowedHosts?: string[];
  /**
   * More emulated accounts on the same listener, each with its own long-term key and its own,
   * separate state (in memory only: never written to `stateFile`). A call signed with such a key
   * acts in that account, so a test can switch credentials to another account. RPC APIs only
   * (IMS, RAM, STS, EIAM); OAuth and SCIM tokens belong to the main account.
   */
  accounts?: Array<{
    /** 16 digits, different from every other account's. */
    accountId: string;
    /** Different from every other account's. */
    accessKeyId: string;
    /** Default: random on each start. */
    accessKeySecret?: string;
  }>;
  /** The account's long-term access key id. Default: a fixed `LTAI…` id. */
  accessKeyId?: string;
  /** Default: random on each start. */
  accessKeySecret?: string;
  /** 16-digit account id used in ARNs. Default `1234567890123456`. */
  accountId?: string;
  /** Loaded at start if it exists; saved atomically (tmp file + rename) after every mutation. */
  stateFile?: string;
  /**
   * Overrides of the documented limits, e.g. `{ oidc: { maxClientIds: 20 } }` for the older docs,
   * or `{ ram: { maxRolesPerAccount: 3 } }` for a small quota, or `{ ram: { maxUsersPerAccount: 20000 } }`
   * for a directory larger than the default 1000 users.
   */
  limits?: { oidc?: Partial<OidcLimits>; ram?: Partial<RamLimits> };
  /**
   * RAM reshapes the trust policies it stores (keys sorted, scalars in Principal and Condition
   * turned into lists, pretty-printed), so GetRole does not echo what CreateRole sent. Default
   * true, as in production; false stores documents verbatim.
   */
  reshapeTrustPolicies?: boolean;
  /**
   * Extra PEM roots trusted by STS's outbound calls to OIDC issuers (discovery document, JWKS,
   * fingerprint), added to Node's roots; `NODE_EXTRA_CA_CERTS` keeps working. E.g. a test IdP's
   * `rootCaPem`.
   */
  trustedCertificates?: string[];
  /**
   * Issuers whose discovery document and JWKS STS fetches from a local stand-in, keyed by issuer
   * URL, e.g. `{ "https://token.actions.githubusercontent.com": idp.issuer }` with a test IdP:
   * tokens a real issuer would present can then be checked offline. Only where STS connects
   * changes; everything else is checked as for any issuer (`iss` against the provider's issuer
   * URL, the stand-in's certificate against the provider's fingerprints, the signature against
   * the stand-in's JWKS). Default: none.
   */
  issuerStandIns?: Record<string, string>;
  /** Timeout of each outbound step of STS (discovery, TLS, JWKS). Default 5000 ms. */
  outboundTimeoutMs?: number;
  /**
   * Also listen over HTTPS (same routes and state), for clients that force https such as
   * `@alicloud/credentials`' OIDC provider. `true`: a certificate from a generated test CA
   * (`Emulator.httpsCaPem`); or your own PEM `cert` (chain) and `key`.
   */
  https?: true | { cert: string; key: string };
  /** Port of the HTTPS listener; default 0 (a free one). */
  httpsPort?: number;
  /** How IMS echoes fingerprints back; unknown in public docs, default "preserve". */
  fingerprintCase?: "preserve" | "lower" | "upper";
  /**
   * The Alibaba Cloud site of the emulated account: "cn" (aliyun.com, default) or "intl"
   * (alibabacloud.com). It decides which AppId is the official-cli application
   * (`IMS_APP.officialCliAppId`); the other site's id is unknown to this account.
   */
  site?: "cn" | "intl";
  /**
   * A fixed delay, in ms, added to every API call (RPC and path-routed: OAuth, SCIM; not control
   * routes or console calls) before it is answered, like network distance to a region; this long on
   * average (Node's timers fire about half a millisecond after the time asked for: allowed for).
   * Default 0.
   * Unlike a latency fault it combines with other faults (a benchmark's 20 ms per call plus a 20%
   * throttle ratio).
   */
  latencyMs?: number;
  /**
   * The one IDaaS EIAM 2021-12-01 instance the emulator serves. `instanceId` (`idaas_` + 26
   * lower-case letters or digits) defaults to `DEFAULT_EIAM_INSTANCE_ID`, or to the state file's.
   * Calls naming another InstanceId answer 404 `EntityNotExists.Instance`.
   */
  eiam?: { instanceId?: string };
  /** Seed of the PRNG behind ratio faults. Default 1. */
  seed?: number;
  /**
   * The emulator's clock in epoch ms (default `Date.now`). Used for timestamps, STS expiry and the
   * signature date check; lets tests move time. An addition to the original design.
   */
  clock?: () => number;
  /**
   * The clock the signature date check (15 minutes either way) reads; default `clock`. Set it to
   * `Date.now` to move `clock` far ahead (past an STS session's expiry, at least 900 s) while the
   * client's requests stay signed in time: time passing for the service alone.
   */
  signatureClock?: () => number;
  /**
   * Signs OIDC tokens for the control route `POST /__emulator/oidc-token` (a stand-in issuer's
   * key, e.g. the standalone emulator's GitHub stand-in). Default none: the route answers 404.
   */
  oidcTokenMinter?: (claims: Record<string, unknown>) => string;
}

export interface RequestLogEntry {
  seq: number;
  /** ISO time the call was handled: after the `latencyMs` wait, as it is answered. */
  time: string;
  /** Service key ("ims"), or "" when the version matched no service. */
  service: string;
  /** RPC API version; "" for path-routed services (OAuth). */
  version: string;
  /** RPC action, or a path-routed service's route name ("Authorize", "Token", "Exchange"). */
  action: string;
  /** Path-routed services only: the HTTP method and path (no query). */
  method?: string;
  path?: string;
  /** HTTP status answered; 0 when the connection was dropped by a fault. */
  status: number;
  /** Alibaba error code, for failures. */
  code?: string;
  /** Set when the call was signed with the key of another account (option `accounts`). */
  accountId?: string;
  /**
   * Parameters (query + form body); names matching /secret|token|password|signature/i, and the
   * secrets a path-routed service declares (OAuth `code`, `code_verifier`), are "***". Headers
   * (e.g. `Authorization: Bearer ...`) are never logged.
   */
  params: Record<string, string>;
  /** True for out-of-band console edits. */
  console?: boolean;
  /** The kind of the fault applied to this call, if any. */
  fault?: string;
  /** For 500 InternalError caused by a bug: the thrown message (an addition, for debugging). */
  error?: string;
  durationMs: number;
}

/**
 * An injected fault (emulator/README.md, "Faults"). Two kinds lose the answer: `drop` resets the
 * connection BEFORE the action runs (nothing changed), `lost` runs the action to the end (its state
 * change is kept and persisted) and THEN resets the connection, as when a response is lost on the
 * way back. `nth` aims at one call of a multi-call operation: "the k-th matching call from now".
 */
export interface FaultSpec {
  /** Service key ("ims"); default: any service. */
  service?: string;
  /** Action name; default "*" (any). */
  action?: string;
  kind: "throttle" | "server-error" | "latency" | "drop" | "lost";
  /**
   * Apply from the nth matching call counted from when the fault is injected (1-based): the first
   * nth-1 matching calls pass untouched. Default 1.
   */
  nth?: number;
  /** Apply to N matching calls (from the nth) only. Default: every matching call until cleared. */
  count?: number;
  /** Apply to this fraction (0..1) of matching calls, drawn from the seeded PRNG. */
  ratio?: number;
  /** For "latency": delay before the call runs normally. Default 1000. */
  latencyMs?: number;
  /** Overrides the answered HTTP status (server-error 503 → ServiceUnavailable). */
  status?: number;
  /** Overrides the answered error code. */
  code?: string;
}

export interface Emulator {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT`, for the SDK's `endpoint` with `protocol: "http"`. */
  endpoint: string;
  /** `https://127.0.0.1:PORT` when started with `https`. */
  httpsUrl?: string;
  /** `127.0.0.1:PORT` of the HTTPS listener, e.g. the credentials client's `stsEndpoint`. */
  httpsEndpoint?: string;
  /** With `https: true`: the PEM root CA to trust (e.g. via NODE_EXTRA_CA_CERTS). */
  httpsCaPem?: string;
  accessKeyId: string;
  accessKeySecret: string;
  accountId: string;
  /** The InstanceId of the emulated IDaaS EIAM instance. */
  eiamInstanceId: string;
  close(): Promise<void>;
  /** The accounts of option `accounts`, with their secrets (`""` through `connectEmulator`). */
  accounts: Array<{ accountId: string; accessKeyId: string; accessKeySecret: string }>;
  /** Empties every service, the request log, faults and STS credentials. */
  reset(): Promise<void>;
  requests(filter?: {
    service?: string;
    action?: string;
    includeConsole?: boolean;
  }): Promise<RequestLogEntry[]>;
  clearRequests(): Promise<void>;
  injectFault(spec: FaultSpec): Promise<void>;
  clearFaults(): Promise<void>;
  /**
   * An out-of-band edit, as if made in the web console: same state rules, no auth, logged with
   * `console: true`. Resolves to the API's JSON body; rejects with a `ConsoleCallError`.
   */
  console(service: string, action: string, params: Record<string, string>): Promise<unknown>;
  /** `{ accountId, services: { ims: {...} }, stsCredentials: [...] }` */
  state(): Promise<unknown>;
  issueStsCredentials(opts?: { durationSeconds?: number; principal?: string }): Promise<StsCredentials>;
}

/** Thrown by `Emulator.console` when the action fails; mirrors the SDK error's fields. */
export class ConsoleCallError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly data: Record<string, unknown>,
  ) {
    super(`${code}: ${message}`);
    this.name = "ConsoleCallError";
  }
}
