import type { ServiceDefinition } from "../../service";
import { ramActions } from "./handlers";
import { type RamLimits, RamState } from "./state";

export { evaluatePermission, type PermissionDecision, parsePermissionPolicy } from "./permissions";
export { DEFAULT_RAM_LIMITS, type RamLimits, RamState, reshapeTrustPolicy } from "./state";

export interface RamServiceOptions {
  accountId: string;
  limits: RamLimits;
  reshapeTrustPolicies: boolean;
  now: () => number;
}

/** RAM 2015-05-01 (`ram.aliyuncs.com`): roles, policies, minimal users. */
export function createRamService(options: RamServiceOptions): ServiceDefinition & { state: RamState } {
  const state = new RamState(options);
  return {
    name: "ram",
    product: "Ram",
    version: "2015-05-01",
    hostId: "ram.aliyuncs.com",
    actionNamespace: "ram",
    actions: ramActions(state),
    state,
    snapshot: () => state.snapshot(),
    restore: (s) => state.restore(s),
    reset: () => state.reset(),
  };
}
