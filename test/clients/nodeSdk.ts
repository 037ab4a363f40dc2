/**
 * Drives the emulator through the official Node SDKs' typed methods (IMS, RAM, STS; EIAM has no
 * Node SDK on the npm registry) and checks each raw answer against the SDK's response model:
 * fields the model lacks, model fields the answer lacks, and values of another type.
 */
import Ims, * as $Ims from "@alicloud/ims20190815";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import Ram, * as $Ram from "@alicloud/ram20150501";
import Sts, * as $Sts from "@alicloud/sts20150401";
import * as $dara from "@darabonba/typescript";
import type { Emulator } from "../../emulator";

export interface ModelDiff {
  extra: string[];
  missing: string[];
  type: string[];
}

interface ModelClass {
  names(): Record<string, string>;
  types(): Record<string, unknown>;
}

type TypeSpec =
  | string
  | ModelClass
  | { type: string; itemType?: TypeSpec; keyType?: TypeSpec; valueType?: TypeSpec };

const isModel = (t: unknown): t is ModelClass =>
  typeof t === "function" && typeof (t as Partial<ModelClass>).names === "function";

function typeOk(spec: TypeSpec, value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (spec === "string") return typeof value === "string";
  if (spec === "number") return typeof value === "number";
  if (spec === "boolean") return typeof value === "boolean";
  if (isModel(spec)) return typeof value === "object" && !Array.isArray(value);
  if (typeof spec === "object" && spec.type === "array") return Array.isArray(value);
  if (typeof spec === "object" && spec.type === "map") return typeof value === "object";
  return true; // 'any' and the like
}

/** The differences between a raw answer and a Tea model, recursively; paths like `Role.Arn`. */
export function checkModel(model: ModelClass, raw: unknown, path = "", out?: ModelDiff): ModelDiff {
  const diff = out ?? { extra: [], missing: [], type: [] };
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    diff.type.push(`${path || "."} (not an object)`);
    return diff;
  }
  const names = model.names();
  const types = model.types();
  const byWire = new Map(Object.entries(names).map(([prop, wire]) => [wire, prop]));
  const record = raw as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    const prop = byWire.get(key);
    if (prop === undefined) {
      diff.extra.push(`${path}${key}`);
      continue;
    }
    const spec = types[prop] as TypeSpec;
    if (!typeOk(spec, value)) diff.type.push(`${path}${key} (${JSON.stringify(spec)}, got ${typeof value})`);
    if (isModel(spec)) checkModel(spec, value, `${path}${key}.`, diff);
    else if (
      typeof spec === "object" &&
      spec.type === "array" &&
      isModel(spec.itemType) &&
      Array.isArray(value)
    ) {
      for (const item of value) checkModel(spec.itemType, item, `${path}${key}[].`, diff);
    }
  }
  for (const wire of Object.values(names)) if (!(wire in record)) diff.missing.push(`${path}${wire}`);
  return {
    extra: [...new Set(diff.extra)].sort(),
    missing: [...new Set(diff.missing)].sort(),
    type: [...new Set(diff.type)].sort(),
  };
}

type AnyClient = Record<string, unknown> & {
  callApi: (...a: unknown[]) => Promise<unknown>;
  doRPCRequest: (...a: unknown[]) => Promise<unknown>;
};

const MODULES = { ims: $Ims, ram: $Ram, sts: $Sts } as const;

/** A typed-method caller over the Node SDKs that keeps each raw answer. */
export function nodeSdk(e: Emulator) {
  const config = new $OpenApiUtil.Config({
    accessKeyId: e.accessKeyId,
    accessKeySecret: e.accessKeySecret,
    endpoint: e.endpoint,
    protocol: "http",
  });
  const clients = { ims: new Ims(config), ram: new Ram(config), sts: new Sts(config) } as unknown as Record<
    keyof typeof MODULES,
    AnyClient
  >;
  const find = (o: object, name: string): string | undefined =>
    Object.keys(o).find((k) => k.toLowerCase() === name.toLowerCase());
  return async (
    product: keyof typeof MODULES,
    action: string,
    params: Record<string, unknown>,
  ): Promise<
    | { ok: true; body: Record<string, unknown>; model: ModelDiff }
    | { ok: false; code: string; status: number; error: string }
  > => {
    const client = clients[product];
    const module = MODULES[product] as unknown as Record<string, unknown>;
    const proto = Object.getPrototypeOf(client) as object;
    const method = Object.getOwnPropertyNames(proto).find(
      (k) => k.toLowerCase() === `${action}WithOptions`.toLowerCase(),
    );
    if (!method) throw new Error(`${product} SDK has no method for ${action}`);
    const requestName = find(module, `${action}Request`);
    const bodyName = find(module, `${action}ResponseBody`);
    let raw: unknown;
    // Signed calls go through callApi; anonymous ones (STS AssumeRoleWithOIDC) through doRPCRequest.
    const original = client.callApi.bind(client);
    const originalRpc = client.doRPCRequest.bind(client);
    const capture =
      (f: (...a: unknown[]) => Promise<unknown>) =>
      async (...a: unknown[]) => {
        const res = (await f(...a)) as { body?: unknown };
        raw = res.body;
        return res;
      };
    client.callApi = capture(original);
    client.doRPCRequest = capture(originalRpc);
    try {
      const runtime = new $dara.RuntimeOptions({ autoretry: false, maxAttempts: 0 });
      const fn = client[method] as (...a: unknown[]) => Promise<unknown>;
      if (requestName) {
        const Req = module[requestName] as ModelClass & (new (m: Record<string, unknown>) => object);
        const byWire = new Map(Object.entries(Req.names()).map(([prop, wire]) => [wire, prop]));
        const props: Record<string, unknown> = {};
        for (const [wire, value] of Object.entries(params)) {
          const prop = byWire.get(wire);
          if (prop === undefined) throw new Error(`${requestName} has no field ${wire}`);
          props[prop] = value;
        }
        await fn.call(client, new Req(props), runtime);
      } else {
        await fn.call(client, runtime);
      }
    } catch (err) {
      const e2 = err as { code?: string; statusCode?: number; message?: string };
      return { ok: false, code: String(e2.code), status: e2.statusCode ?? 0, error: String(e2.message) };
    } finally {
      client.callApi = original;
      client.doRPCRequest = originalRpc;
    }
    const Body = bodyName ? (module[bodyName] as ModelClass) : undefined;
    if (!Body) throw new Error(`${product} SDK has no ${action}ResponseBody`);
    return { ok: true, body: raw as Record<string, unknown>, model: checkModel(Body, raw) };
  };
}
