import type { OidcLimits } from "../../../provider/limits";
import type { ServiceDefinition } from "../../service";
import { imsActions } from "./handlers";
import { type FingerprintCase, ImsState } from "./state";

export type { FingerprintCase } from "./state";
export { ImsState } from "./state";

export interface ImsServiceOptions {
  accountId: string;
  limits: OidcLimits;
  fingerprintCase: FingerprintCase;
  now: () => number;
}

/** IMS 2019-08-15 (`ims.aliyuncs.com`): OIDC identity providers. */
export function createImsService(options: ImsServiceOptions): ServiceDefinition & { state: ImsState } {
  const state = new ImsState(options);
  return {
    name: "ims",
    product: "Ims",
    version: "2019-08-15",
    hostId: "ims.aliyuncs.com",
    actionNamespace: "ram",
    actions: imsActions(state),
    state,
    snapshot: () => state.snapshot(),
    restore: (s) => state.restore(s),
    reset: () => state.reset(),
  };
}
