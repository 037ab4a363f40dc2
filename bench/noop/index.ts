import * as pulumi from "@pulumi/pulumi";
import { readDirectory, resourceNameFor } from "alicloud-federation";

// The same resources as the SCIM program minus every API call: what the
// engine itself costs per dynamic resource. Three shapes:
// - "min": a provider with only `create` (the smallest serialized provider);
// - "full": seven forwarding methods built like alicloud-federation's shim, so
//   the serialized provider stored with each resource is as large as ours and
//   the engine's checkpoints cost the same;
// - "same": "full", and each resource also gets the same inputs as a ScimUser
//   of the SCIM program (the app's client id, and its client secret as a
//   Pulumi secret) and returns outputs of the same shape: the same program
//   with a no-op dynamic resource.
class Noop extends pulumi.dynamic.Resource {}

const minimal: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: inputs.userName, outs: inputs };
  },
};

function fullShape(exportName: string, scimOutputs: boolean): pulumi.dynamic.ResourceProvider {
  const now = new Date().toISOString();
  const impl = () => ({
    check: async (_o: unknown, n: Record<string, unknown>) => ({ inputs: n }),
    create: async (i: Record<string, unknown>) => ({
      id: String(i.userName),
      // A ScimUser's outputs: its inputs plus the SCIM id (a RAM user id) and two times.
      outs: scimOutputs ? { ...i, scimId: "2".repeat(16), created: now, lastModified: now } : i,
    }),
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
const shape = c.get("shape") ?? "min";
const provider = shape === "min" ? minimal : fullShape("ScimUserProvider", shape === "same");
const entries = readDirectory(c.require("directory"));
// What a ScimApplication hands its users: a client id and a secret (40 characters, like Alibaba's).
const clientId = "4100000000000000001";
const clientSecret = pulumi.secret("s".repeat(40));
for (const e of entries) {
  const inputs: Record<string, pulumi.Input<unknown>> = { userName: e.userName };
  if (shape === "same") {
    Object.assign(inputs, {
      displayName: e.displayName ?? e.userName,
      externalId: e.externalId ?? "",
      adopt: false,
      clientId,
      clientSecret,
      // Outputs a ScimUser adds, declared so the engine stores the same shape.
      scimId: undefined,
      created: undefined,
      lastModified: undefined,
    });
  }
  new Noop(provider, resourceNameFor("scim-", e), inputs, {});
}
export const users = entries.length;
