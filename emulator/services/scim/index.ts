import { AlibabaError } from "../../errors";
import { type PathServiceDefinition, RouteMethodNotAllowed, type RouteResult } from "../../service";
import * as E from "./errors";
import { scimRoutes } from "./handlers";
import { type ScimDependencies, ScimState } from "./state";

export { SCIM_ERROR_SCHEMA, ScimError } from "./errors";
export { parseFilter, SCIM_USER_SCHEMA, ScimState } from "./state";

export interface ScimServiceOptions extends ScimDependencies {
  /** The emulator's base URL, for `meta.location` (`https://scim.aliyun.com` in production). */
  baseUrl: () => string;
}

/**
 * SCIM for RAM (`scim.aliyun.com`, docs/alibaba-api.md §5), path-routed at the server's root:
 * `/Users`, `/Users/{id}`, `/ResourceTypes`, `/Schemas`. Users are the shared RAM users.
 */
export function createScimService(options: ScimServiceOptions): PathServiceDefinition & { state: ScimState } {
  const state = new ScimState(options);
  return {
    name: "scim",
    routes: scimRoutes(state, options.baseUrl),
    state,
    errorResult: (e, requestId) => {
      void requestId; // RFC 7644 error bodies carry no request id; the server sends x-acs-request-id.
      const answer = (err: E.ScimError): RouteResult => ({
        status: err.status,
        headers: err.headers,
        body: {
          schemas: [E.SCIM_ERROR_SCHEMA],
          status: String(err.status),
          ...(err.scimType === undefined ? {} : { scimType: err.scimType }),
          detail: err.message,
        },
      });
      if (e instanceof E.ScimError) return { result: answer(e) };
      if (e instanceof RouteMethodNotAllowed) {
        return { result: answer(E.methodNotAllowed(e.method, e.allowed.join(", "))) };
      }
      if (e instanceof AlibabaError) {
        // Injected faults arrive as Alibaba errors. Guess: a throttle is answered the HTTP way
        // (429 + Retry-After, RFC 6585), since SCIM clients (IdPs) back off on 429, not on
        // Alibaba's 400 Throttling.User; a fault with an explicit other status keeps it. The
        // Alibaba code leads the detail.
        const throttled = e.code.startsWith("Throttling") && e.status === 400;
        return {
          result: answer(
            new E.ScimError(
              throttled ? 429 : e.status,
              undefined,
              `${e.code}: ${e.message}`,
              throttled ? { "retry-after": "1" } : {},
            ),
          ),
        };
      }
      return {
        result: answer(E.serverError()),
        bug: e instanceof Error ? (e.stack ?? e.message) : String(e),
      };
    },
    snapshot: () => state.snapshot(),
    restore: (s) => state.restore(s),
    reset: () => state.reset(),
  };
}
