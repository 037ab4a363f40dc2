/**
 * The provider process's entry (`alicloud-federation/providers`): the shim stored with every
 * resource requires this module by name and asks it for one provider. Each provider's module is
 * loaded when the engine first asks for that provider, not with the whole package: the engine
 * runs a provider process for every command, and a program that uses six of the eighteen kinds
 * should not pay for loading the other twelve in each one.
 *
 * State written before this entry existed names the package itself
 * (`require("alicloud-federation")[exportName]`); the package entry still exports every provider,
 * so such state keeps working and simply loads everything.
 */
import type * as pulumi from "@pulumi/pulumi";
import { loadCached } from "./compileCache";

type Module = Record<string, pulumi.dynamic.ResourceProvider>;

// Literal `require` paths, one per file, so a reader (and the bundlers users sometimes run over
// a program) can see every module this entry may load.
const LOADERS = {
  ApplicationAssignmentProvider: () => require("./resources/applicationAssignment"),
  ApplicationAssignmentsExclusiveProvider: () => require("./resources/federationInventory"),
  DirectoryGuardProvider: () => require("./resources/directoryGuard"),
  FederationInventoryProvider: () => require("./resources/federationInventory"),
  IdaasApplicationFederatedCredentialProvider: () =>
    require("./resources/idaasApplicationFederatedCredential"),
  IdaasClientConfigProvider: () => require("./resources/idaasClientConfig"),
  IdaasClientPublicKeyProvider: () => require("./resources/idaasClientPublicKey"),
  IdaasClientSecretProvider: () => require("./resources/idaasClientSecret"),
  IdaasFederatedCredentialProviderProvider: () => require("./resources/idaasFederatedCredentialProvider"),
  IdaasM2mApplicationProvider: () => require("./resources/idaasM2mApplication"),
  IdaasResourceServerProvider: () => require("./resources/idaasResourceServer"),
  OfficialCliApplicationProvider: () => require("./resources/officialCliApplication"),
  OidcProviderProvider: () => require("./resources/oidcProvider"),
  OidcRoleProvider: () => require("./resources/oidcRole"),
  RamPolicyProvider: () => require("./resources/ramPolicy"),
  ScimApplicationProvider: () => require("./resources/scimApplication"),
  ScimDirectoryProvider: () => require("./resources/scimDirectory"),
  ScimUserProvider: () => require("./resources/scimUser"),
} satisfies Record<string, () => Module>;

/** The name of a provider implementation, as the package entry exports it. */
export type ProviderName = keyof typeof LOADERS;

/**
 * The provider implementation exported as `name`, its module loaded on first use.
 *
 * @param name - one of the package entry's `*Provider` exports; anything else throws.
 */
export function provider(name: string): pulumi.dynamic.ResourceProvider {
  const load = Object.hasOwn(LOADERS, name) ? LOADERS[name as ProviderName] : undefined;
  const found = load && loadCached(load)[name];
  if (!found)
    throw new Error(
      `alicloud-federation has no provider named ${JSON.stringify(name)}: the installed package is older ` +
        "than the one that wrote this stack's state; install that version or newer",
    );
  return found;
}
