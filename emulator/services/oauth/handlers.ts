/**
 * OAuth routes. Handlers are thin: read the request, call the state, shape the answer as the CLI
 * reads it (docs/alibaba-api.md §3.2): snake_case token responses, camelCase exchange responses.
 */
import type { RouteSpec } from "../../service";
import type { OAuthState } from "./state";

export type OAuthAction = "Authorize" | "Token" | "Exchange";

export function oauthRoutes(state: OAuthState): ReadonlyArray<RouteSpec & { action: OAuthAction }> {
  return [
    {
      // The sign-in page (signin.aliyun.com / signin.alibabacloud.com in production).
      method: "GET",
      path: "/oauth2/v1/auth",
      action: "Authorize",
      mutates: false,
      handle: (req) => ({ status: 302, headers: { location: state.authorize(req.params).location } }),
    },
    {
      // oauth.aliyun.com / oauth.alibabacloud.com in production. Codes, verifiers and tokens are secrets.
      method: "POST",
      path: "/v1/token",
      action: "Token",
      mutates: true,
      // client_secret and every *token* parameter are masked by the generic rule.
      secretParams: ["code", "code_verifier"],
      handle: (req) => ({
        status: 200,
        headers: { "cache-control": "no-store" },
        body: { ...state.token(req.params, req.headers) },
      }),
    },
    {
      method: "POST",
      path: "/v1/exchange",
      action: "Exchange",
      mutates: true,
      handle: (req) => {
        const creds = state.exchange(req.headers.get("authorization")?.[0]);
        return {
          status: 200,
          headers: { "cache-control": "no-store" },
          // Guess (docs/alibaba-api.md §3.2): the official clients disagree on the casing, so both
          // are answered; each client reads its own and ignores the other.
          body: {
            requestId: req.requestId,
            ...creds,
            AccessKeyId: creds.accessKeyId,
            AccessKeySecret: creds.accessKeySecret,
            SecurityToken: creds.securityToken,
            Expiration: creds.expiration,
          },
        };
      },
    },
  ];
}
