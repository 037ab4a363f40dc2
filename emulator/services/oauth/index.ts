import type { PathServiceDefinition } from "../../service";
import type { ImsOAuthApps } from "../ims/oauthApps";
import { ClientCredentialsGrant } from "./clientCredentials";
import * as E from "./errors";
import { oauthRoutes } from "./handlers";
import { type OAuthDependencies, OAuthState } from "./state";

export { type AppTokenCheck, ClientCredentialsGrant } from "./clientCredentials";
export { OAuthError } from "./errors";
export {
  type GrantHandler,
  OAUTH_LIFETIMES,
  type OAuthDependencies,
  OAuthState,
  type TokenResponse,
} from "./state";

/**
 * The OAuth endpoints of the CLI login (`signin.aliyun.com/oauth2/v1/auth`,
 * `oauth.aliyun.com/v1/token`, `oauth.aliyun.com/v1/exchange`), path-routed on the emulator's one
 * server. Tokens are persisted by hash (see state.ts); codes are not persisted.
 */
export function createOAuthService(
  deps: OAuthDependencies & {
    /** The account's OAuth applications: enables `grant_type=client_credentials` (SCIM ServerApps). */
    oauthApps?: ImsOAuthApps;
  },
): PathServiceDefinition & { state: OAuthState; clientCredentials: ClientCredentialsGrant | undefined } {
  const state = new OAuthState(deps);
  const clientCredentials =
    deps.oauthApps === undefined ? undefined : new ClientCredentialsGrant(deps.oauthApps, deps.now);
  if (clientCredentials) state.registerGrant("client_credentials", clientCredentials.handle);
  return {
    name: "oauth",
    routes: oauthRoutes(state),
    state,
    clientCredentials,
    errorResult: (e, requestId) => E.oauthErrorResult(e, requestId, "requestId"),
    // The CLI's tokens and the client_credentials tokens side by side (both by hash only).
    snapshot: () => ({ ...state.snapshot(), appTokens: clientCredentials?.snapshot() ?? [] }),
    restore: (s) => {
      state.restore(s);
      clientCredentials?.restore((s as { appTokens?: unknown } | null)?.appTokens);
    },
    reset: () => {
      state.reset();
      clientCredentials?.reset();
    },
  };
}
