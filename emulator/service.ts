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
   * `name`. IMS's OIDC actions are `ram:` actions (alibaba-api.md §1.1).
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
