import type { PathServiceDefinition, RouteSpec, ServiceDefinition } from "../../service";
import { oauthErrorResult } from "../oauth/errors";
import { EiamFederation, federationSnapshot } from "./federation";
import { eiamActions } from "./handlers";
import { coreSnapshot, EiamState } from "./state";
import { DISCOVERY_PATH, EiamTokenEndpoint, JWKS_PATH, TOKEN_PATH } from "./token";

export { EiamFederation } from "./federation";
export { EiamState } from "./state";
export {
  ASSERTION_TYPES,
  DISCOVERY_PATH,
  EiamTokenEndpoint,
  JWKS_PATH,
  OAUTH_BASE_PATH,
  TOKEN_PATH,
} from "./token";

/**
 * The instance id of an emulator started without `eiam.instanceId` (the documented shape:
 * `idaas_` + 26 lower-case letters or digits).
 */
export const DEFAULT_EIAM_INSTANCE_ID = "idaas_emulator000000000000000000";

export interface EiamServiceOptions {
  /** Option `eiam.instanceId`; undefined: DEFAULT_EIAM_INSTANCE_ID (or the state file's). */
  instanceId: string | undefined;
  now: () => number;
  /** The DefaultDomain `host:port`: the HTTPS listener's when it runs, else the HTTP one's. */
  domain: () => string;
  /** `host:port` of the HTTPS listener, when it runs. */
  httpsEndpoint: () => string | undefined;
  trustedCertificates: string[];
  outboundTimeoutMs: number;
}

/**
 * IDaaS EIAM 2021-12-01 (`eiam.<region>.aliyuncs.com`, RPC, one instance per emulator) and the
 * instance's OAuth endpoint (`https://<instance domain>/api/v2/iauths_system/oauth2/…`, the
 * path-routed service `eiam-oauth`). Persisted under the keys `eiam` (the instance's objects) and
 * `eiam-oauth` (the instance signing key and used assertion ids).
 */
export function createEiamService(options: EiamServiceOptions): ServiceDefinition & {
  state: EiamState;
  federation: EiamFederation;
  tokenEndpoint: EiamTokenEndpoint;
  oauth: PathServiceDefinition;
} {
  const state = new EiamState({
    instanceId: options.instanceId,
    defaultInstanceId: DEFAULT_EIAM_INSTANCE_ID,
    now: options.now,
  });
  const federation = new EiamFederation(state);
  const tokenEndpoint = new EiamTokenEndpoint({
    state,
    federation,
    now: options.now,
    domain: options.domain,
    httpsEndpoint: options.httpsEndpoint,
    trustedCertificates: options.trustedCertificates,
    outboundTimeoutMs: options.outboundTimeoutMs,
  });
  return {
    name: "eiam",
    product: "Eiam",
    version: "2021-12-01",
    hostId: "eiam.cn-hangzhou.aliyuncs.com",
    actions: eiamActions(state, federation, { domain: options.domain }),
    state,
    federation,
    tokenEndpoint,
    oauth: eiamOAuthService(tokenEndpoint),
    snapshot: () => ({ ...state.snapshot(), ...federation.snapshot() }),
    restore: (s) => {
      state.restore(coreSnapshot.parse(s));
      federation.restore(federationSnapshot.parse(s));
    },
    reset: () => {
      state.reset();
      federation.reset();
    },
  };
}

export type EiamOAuthAction = "IdaasToken" | "IdaasDiscovery" | "IdaasJwks";

/** The token endpoint, discovery document and JWKS, on both listeners. */
function eiamOAuthService(endpoint: EiamTokenEndpoint): PathServiceDefinition {
  const routes: ReadonlyArray<RouteSpec & { action: EiamOAuthAction }> = [
    {
      method: "POST",
      path: TOKEN_PATH,
      action: "IdaasToken",
      // LastUsedTime of secrets, keys and credentials; used assertion ids.
      mutates: true,
      // client_secret is masked by the generic rule; the assertion is a bearer credential too.
      secretParams: ["client_assertion"],
      handle: async (req) => ({
        status: 200,
        headers: { "cache-control": "no-store" },
        body: { ...(await endpoint.token(req.params, req.headers)) },
      }),
    },
    {
      method: "GET",
      path: DISCOVERY_PATH,
      action: "IdaasDiscovery",
      mutates: false,
      handle: () => ({ status: 200, body: endpoint.discovery() }),
    },
    {
      method: "GET",
      path: JWKS_PATH,
      action: "IdaasJwks",
      // The key may be made here, at first use; it is saved with the next token (a mutation), and
      // before that no token depends on it.
      mutates: false,
      handle: () => ({ status: 200, body: endpoint.jwks() }),
    },
  ];
  return {
    name: "eiam-oauth",
    routes,
    errorResult: (e, requestId) => oauthErrorResult(e, requestId, "request_id"),
    snapshot: () => endpoint.snapshot(),
    restore: (s) => endpoint.restore(s),
    reset: () => endpoint.reset(),
  };
}
