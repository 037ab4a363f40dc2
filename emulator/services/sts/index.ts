import type { ServiceDefinition } from "../../service";
import { stsActions } from "./handlers";
import { type StsDependencies, StsState } from "./state";

export { type AssumeRoleWithOidcInput, type StsDependencies, StsState } from "./state";

/**
 * STS 2015-04-01 (`sts.aliyuncs.com`): AssumeRoleWithOIDC. It reads the IMS and RAM states it is
 * given and mints credentials in the emulator's credential store, which the core persists; STS
 * itself has nothing to snapshot.
 */
export function createStsService(deps: StsDependencies): ServiceDefinition & { state: StsState } {
  const state = new StsState(deps);
  return {
    name: "sts",
    product: "Sts",
    version: "2015-04-01",
    hostId: "sts.aliyuncs.com",
    actionNamespace: "sts",
    actions: stsActions(state),
    state,
    snapshot: () => ({}),
    restore: () => {},
    reset: () => {},
  };
}
