/**
 * The contract between the router and a service (`services/<service>/`).
 *
 * A service is a state model (every rule lives there), an explicit action map of thin
 * handlers, and its error constructors. The server routes `(version, action)` to a handler,
 * authenticates, applies faults and persists after mutating actions.
 */
import type { z } from "zod";
import type { Credential } from "./auth/credentials";
import { AlibabaError } from "./errors";

export interface ActionContext {
  /** The verified caller, or undefined for an out-of-band console edit. */
  caller: Credential | undefined;
  requestId: string;
}

/**
 * A handler returns the success body without `RequestId`; the server adds it first. It may be
 * async (STS fetches the IdP's keys).
 */
export interface ActionSpec {
  /** True when the action changes state (the state file is saved afterwards). */
  mutates: boolean;
  /**
   * True for actions Alibaba serves without an AK signature (STS `AssumeRoleWithOIDC`, security
   * scheme `ARS_OIDC`): the router neither verifies a signature nor scopes the caller.
   */
  anonymous?: boolean;
  /**
   * True for signed actions that RAM does not authorize (STS `GetCallerIdentity`: "No
   * authorization for this operation"): any valid credential may call them, even a role session
   * whose policies allow nothing.
   */
  noAuthorization?: boolean;
  handle(
    params: Readonly<Record<string, string>>,
    ctx: ActionContext,
  ): Record<string, unknown> | Promise<Record<string, unknown>>;
}

export type ActionMap<Name extends string = string> = Readonly<Record<Name, ActionSpec>>;

export interface ServiceDefinition {
  /** Lower-case key used in the request log, faults, console calls and the state file: "ims". */
  name: string;
  /** Product name as used in `Recommend` links: "Ims". */
  product: string;
  /** API version string this service answers: "2019-08-15". */
  version: string;
  /** HostId in error bodies: "ims.aliyuncs.com". */
  hostId: string;
  /**
   * Prefix of this service's actions in RAM permission policies (`<namespace>:<Action>`); default
   * `name`. IMS's OIDC actions are `ram:` actions (docs/alibaba-api.md §1.1).
   */
  actionNamespace?: string;
  actions: ActionMap;
  snapshot(): unknown;
  /** Loads a snapshot written by `snapshot()`; throws if it does not parse. */
  restore(snapshot: unknown): void;
  reset(): void;
}

/**
 * Parses RPC parameters with a zod schema and turns the first issue into Alibaba's answer:
 * a missing (or empty) required parameter → 400 `MissingParameter.<Name>`, anything else →
 * 400 `InvalidParameter.<Name>.Format`. Guess: the exact codes for malformed values are not
 * published; they follow the `InvalidParameter.<Param>.<Problem>` convention of RAM.
 */
export function parseParams<S extends z.ZodType>(
  schema: S,
  params: Readonly<Record<string, string>>,
): z.output<S> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = String(issue?.path[0] ?? "Parameter");
  const value = params[name];
  if (value === undefined || value === "") {
    return throwError(
      new AlibabaError(400, `MissingParameter.${name}`, `${name} is mandatory for this action.`),
    );
  }
  return throwError(
    new AlibabaError(
      400,
      `InvalidParameter.${name}.Format`,
      `The parameter ${name} is invalid: ${issue?.message}.`,
    ),
  );
}

function throwError(err: AlibabaError): never {
  throw err;
}

// ---- Path-routed services ----------------------------------------------------------------------

/**
 * A request to a path-routed service (OAuth today; SCIM later). Unlike RPC actions, these are
 * routed by method and path, answer their own JSON (not Alibaba's envelope) and may redirect.
 */
export interface RouteRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  /** Query parameters, then form-body parameters (the body wins on a repeated name). */
  params: Readonly<Record<string, string>>;
  /** Lower-cased header names; repeated headers keep every value. */
  headers: ReadonlyMap<string, string[]>;
  /** The raw body (JSON APIs such as SCIM read it themselves). */
  body: Buffer;
  requestId: string;
}

export interface RouteResult {
  status: number;
  /** Extra response headers, e.g. `location` of a 302. */
  headers?: Readonly<Record<string, string>>;
  /** Serialized as JSON; omitted for an empty body (redirects). */
  body?: Record<string, unknown>;
}

export interface RouteSpec {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** An exact path (`/v1/token`), or a prefix ending in `/*` (`/Users/*`, for SCIM ids). */
  path: string;
  /** The name in the request log and in fault specs: "Token". */
  action: string;
  /** True when the route changes state (the state file is saved afterwards). */
  mutates: boolean;
  /**
   * Parameter names whose values are secrets beyond the generic rule (names matching
   * /secret|token|password|signature/i), e.g. `code`, `code_verifier`: logged as "***".
   */
  secretParams?: readonly string[];
  handle(req: RouteRequest): RouteResult | Promise<RouteResult>;
}

export interface PathServiceDefinition {
  /** Lower-case key used in the request log, faults and the state file: "oauth". */
  name: string;
  routes: readonly RouteSpec[];
  /**
   * Turns anything a route threw (its own errors, an `AlibabaError` from an injected fault, a bug)
   * into this service's error answer. `bug` is set for surprises, for the log.
   */
  errorResult(e: unknown, requestId: string): { result: RouteResult; bug?: string };
  snapshot(): unknown;
  restore(snapshot: unknown): void;
  reset(): void;
}

/** Given to `errorResult` when the path is routed but not with this method. */
export class RouteMethodNotAllowed extends Error {
  constructor(
    readonly method: string,
    readonly allowed: readonly string[],
  ) {
    super(`${method} is not allowed; use ${allowed.join(", ")}`);
    this.name = "RouteMethodNotAllowed";
  }
}

/** The route of a method and path, if any; `allowed` lists the methods the path has (empty: unknown path). */
export function matchRoute(
  routes: readonly RouteSpec[],
  method: string,
  path: string,
): { route?: RouteSpec; allowed: string[] } {
  const fits = (r: RouteSpec): boolean =>
    r.path.endsWith("/*")
      ? path.startsWith(r.path.slice(0, -1)) && path.length > r.path.length - 1
      : r.path === path;
  const onPath = routes.filter(fits);
  return { route: onPath.find((r) => r.method === method), allowed: onPath.map((r) => r.method) };
}
