import * as pulumi from "@pulumi/pulumi";
import { readDirectory, resourceNameFor } from "alicloud-federation";

// The same resources as the SCIM program minus every API call: what the
// engine itself costs per dynamic resource. Two shapes:
// - "min": a provider with only `create` (the smallest serialized provider);
// - "full": seven forwarding methods built like alicloud-federation's shim, so
//   the serialized provider stored with each resource is as large as ours and
//   the engine's checkpoints cost the same.
class Noop extends pulumi.dynamic.Resource {}

const minimal: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: inputs.userName, outs: inputs };
  },
};

function fullShape(exportName: string): pulumi.dynamic.ResourceProvider {
  const impl = () => ({
    check: async (_o: unknown, n: Record<string, unknown>) => ({ inputs: n }),
    create: async (i: Record<string, unknown>) => ({ id: String(i.userName), outs: i }),
    exportName,
  });
  return {
    configure: async (_req) => void impl(),
    check: (olds, news) => impl().check(olds, news),
    diff: async (_id, _olds, _news) => ({ changes: impl() === undefined }),
    create: (inputs) => impl().create(inputs),
    read: async (id, props) => ({ id: impl() ? id : id, props }),
    update: async (_id, _olds, news) => ({ outs: impl() ? news : news }),
    delete: async (_id, _props) => void impl(),
  };
}

const c = new pulumi.Config();
const provider = c.get("shape") === "full" ? fullShape("ScimUserProvider") : minimal;
const entries = readDirectory(c.require("directory"));
for (const e of entries) new Noop(provider, resourceNameFor("scim-", e), { userName: e.userName }, {});
export const users = entries.length;
