import type { OidcLimits } from "../../limits";
import type { ServiceDefinition } from "../../service";
import type { RamState } from "../ram/state";
import { ImsApplications, type Site } from "./applications";
import { imsActions } from "./handlers";
import { ImsOAuthApps } from "./oauthApps";
import { type FingerprintCase, ImsState } from "./state";
import { ImsUsers } from "./users";

export {
  type AssignmentView,
  ImsApplications,
  officialApplications,
  type SignInPrincipal,
  type Site,
} from "./applications";
export { type AppType, ImsOAuthApps, type OAuthAppRecord } from "./oauthApps";
export type { FingerprintCase } from "./state";
export { ImsState } from "./state";
export { ImsUsers } from "./users";

export interface ImsServiceOptions {
  accountId: string;
  limits: OidcLimits;
  fingerprintCase: FingerprintCase;
  now: () => number;
  /** The site of the emulated account: decides which AppId is official-cli. */
  site: Site;
  /** The shared RAM state: IMS users are RAM users; assignments name RAM users and roles. */
  ram: RamState;
}

/**
 * IMS 2019-08-15 (`ims.aliyuncs.com`): OIDC identity providers, external (official) applications
 * and their assignments, and users (a view of the RAM user store).
 */
export function createImsService(options: ImsServiceOptions): ServiceDefinition & {
  state: ImsState;
  applications: ImsApplications;
  users: ImsUsers;
  oauthApps: ImsOAuthApps;
} {
  const state = new ImsState(options);
  const applications = new ImsApplications(options);
  const users = new ImsUsers(options);
  const oauthApps = new ImsOAuthApps(options);
  return {
    name: "ims",
    product: "Ims",
    version: "2019-08-15",
    hostId: "ims.aliyuncs.com",
    actionNamespace: "ram",
    actions: imsActions(state, applications, users, oauthApps),
    state,
    applications,
    users,
    oauthApps,
    // One snapshot object: the OIDC, external-application and OAuth-application fields side by side.
    snapshot: () => ({ ...state.snapshot(), ...applications.snapshot(), ...oauthApps.snapshot() }),
    restore: (s) => {
      state.restore(s);
      applications.restore(s);
      oauthApps.restore(s);
    },
    reset: () => {
      state.reset();
      applications.reset();
      oauthApps.reset();
    },
  };
}
