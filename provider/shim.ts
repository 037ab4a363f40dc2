import type * as pulumi from "@pulumi/pulumi";
import type { ProviderName } from "./providers";
import { checkProgramConfig } from "./settings";

/**
 * The provider object stored with every resource in state is this shim, not
 * the implementation: each method `require`s the installed package's provider
 * entry by name (`alicloud-federation/providers`, which loads only the module
 * of the provider asked for) and forwards to the named provider. So state stays small (the serialized text is a
 * few hundred bytes), upgrading the library changes nothing in state, and
 * refresh and delete run the installed code instead of a copy frozen in state.
 *
 * Only `exportName` (a string) is captured. Nothing else may be: the closure
 * serializer would inline it into every resource.
 */
export function providerShim(exportName: ProviderName): pulumi.dynamic.ResourceProvider {
  // Runs in the program, once per resource declared: the first one refuses a mistyped config key
  // before anything is registered, so the run never reaches an endpoint the typo left unset.
  checkProgramConfig();
  // One object per export: the SDK caches serialized providers by object
  // identity, so a thousand resources are serialized once, not a thousand times.
  let shim = shims.get(exportName);
  if (!shim) {
    shim = makeShim(exportName);
    shims.set(exportName, shim);
  }
  return shim;
}

const shims = new Map<ProviderName, pulumi.dynamic.ResourceProvider>();

function makeShim(exportName: ProviderName): pulumi.dynamic.ResourceProvider {
  const impl = (): pulumi.dynamic.ResourceProvider =>
    require("alicloud-federation/providers").provider(exportName);
  return {
    configure: (req) => impl().configure!(req),
    check: (olds, news) => impl().check!(olds, news),
    diff: (id, olds, news) => impl().diff!(id, olds, news),
    create: (inputs) => impl().create(inputs),
    read: (id, props) => impl().read!(id, props),
    update: (id, olds, news) => impl().update!(id, olds, news),
    delete: (id, props) => impl().delete!(id, props),
  };
}
