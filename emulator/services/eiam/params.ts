/**
 * EIAM request parameters. The SDKs send every parameter in the query, nested objects and lists
 * flattened by `Utils.query` / `OpenApiUtil.query`: `OidcProviderConfig.Issuer=…`,
 * `OidcProviderConfig.Audiences.1=…`, `Certificates.1.Content=…`, `ResourceServerScopeIds.1=…`
 * (lists are 1-based). `unflatten` rebuilds the tree; `Reader` reads typed values from it and
 * names the offending parameter (dotted, as on the wire) in `MissingParameter.<Name>` /
 * `InvalidParameter.<Name>`.
 *
 * zod (`parseParams`) is not used here: its first-issue mapping cannot name nested parameters.
 */
import * as E from "./errors";

export type Tree = { [key: string]: Node };
export type Node = string | Tree | Node[];

const INDEX = /^[1-9]\d{0,3}$/;

/** Rebuilds nested objects and 1-based lists from dotted parameter names. */
export function unflatten(params: Readonly<Record<string, string>>): Tree {
  // Built as plain objects first; objects whose keys are all indexes become lists afterwards.
  type Raw = { [key: string]: Raw | string };
  const root: Raw = {};
  for (const [name, value] of Object.entries(params)) {
    const parts = name.split(".");
    if (parts.some((p) => p === "")) throw E.invalidParameter(name, "the parameter name is malformed");
    let node: Raw = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i] as string;
      const next = node[part];
      if (typeof next === "string")
        throw E.invalidParameter(parts.slice(0, i + 1).join("."), "expected an object or a list");
      if (next === undefined) {
        const created: Raw = {};
        node[part] = created;
        node = created;
      } else node = next;
    }
    const last = parts[parts.length - 1] as string;
    if (typeof node[last] === "object")
      throw E.invalidParameter(name, "expected an object or a list, not a value");
    node[last] = value;
  }
  const convert = (raw: Raw | string, path: string): Node => {
    if (typeof raw === "string") return raw;
    const keys = Object.keys(raw);
    if (path !== "" && keys.length > 0 && keys.every((k) => INDEX.test(k))) {
      const indexes = keys.map(Number).sort((a, b) => a - b);
      if (indexes.some((n, i) => n !== i + 1)) {
        throw E.invalidParameter(path, "list entries must be numbered 1, 2, 3, … without gaps");
      }
      return indexes.map((n) => convert(raw[String(n)] as Raw | string, `${path}.${n}`));
    }
    if (path !== "" && keys.some((k) => INDEX.test(k))) {
      throw E.invalidParameter(path, "mixes list entries and fields");
    }
    const out: Tree = {};
    for (const k of keys) out[k] = convert(raw[k] as Raw | string, path === "" ? k : `${path}.${k}`);
    return out;
  };
  return convert(root, "") as Tree;
}

interface StrOpts {
  required?: boolean;
  maxLength?: number;
  /** Allowed values. */
  oneOf?: readonly string[];
}

/** Typed access to one object of the tree; `prefix` names its fields in errors. */
export class Reader {
  constructor(
    private readonly tree: Tree,
    private readonly prefix = "",
  ) {}

  name(field: string): string {
    return this.prefix === "" ? field : `${this.prefix}.${field}`;
  }

  has(field: string): boolean {
    return this.tree[field] !== undefined;
  }

  /** A string; "" counts as absent for `required`. */
  str(field: string, opts: StrOpts & { required: true }): string;
  str(field: string, opts?: StrOpts): string | undefined;
  str(field: string, opts: StrOpts = {}): string | undefined {
    const v = this.tree[field];
    const name = this.name(field);
    if (v === undefined || v === "") {
      if (opts.required) throw E.missingParameter(name);
      return v === "" ? "" : undefined;
    }
    if (typeof v !== "string") throw E.invalidParameter(name, "expected a single value");
    if (opts.maxLength !== undefined && v.length > opts.maxLength) {
      throw E.invalidParameter(name, `it is ${v.length} characters long, more than ${opts.maxLength}`);
    }
    if (opts.oneOf !== undefined && !opts.oneOf.includes(v)) {
      throw E.invalidParameter(name, `expected one of ${opts.oneOf.join(", ")}, got ${JSON.stringify(v)}`);
    }
    return v;
  }

  /** A decimal integer (epoch ms, page sizes). */
  int(field: string, opts: { min?: number; max?: number } = {}): number | undefined {
    const s = this.str(field);
    if (s === undefined || s === "") return undefined;
    const name = this.name(field);
    if (!/^-?\d{1,16}$/.test(s))
      throw E.invalidParameter(name, `expected an integer, got ${JSON.stringify(s)}`);
    const n = Number(s);
    if (opts.min !== undefined && n < opts.min)
      throw E.invalidParameter(name, `it must be at least ${opts.min}`);
    if (opts.max !== undefined && n > opts.max)
      throw E.invalidParameter(name, `it must be at most ${opts.max}`);
    return n;
  }

  /** A nested object, or undefined when absent. */
  obj(field: string): Reader | undefined {
    const v = this.tree[field];
    if (v === undefined) return undefined;
    if (typeof v !== "object" || Array.isArray(v))
      throw E.invalidParameter(this.name(field), "expected an object");
    return new Reader(v, this.name(field));
  }

  /** A list of strings, or undefined when absent. */
  strList(field: string): string[] | undefined {
    const v = this.tree[field];
    if (v === undefined) return undefined;
    const name = this.name(field);
    // A one-element list may also arrive unindexed (`Name=value`), as some clients send it.
    if (typeof v === "string") return [v];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
      throw E.invalidParameter(name, "expected a list of values");
    }
    return v as string[];
  }

  /** A list of objects, or undefined when absent. */
  objList(field: string): Reader[] | undefined {
    const v = this.tree[field];
    if (v === undefined) return undefined;
    const name = this.name(field);
    if (!Array.isArray(v)) throw E.invalidParameter(name, "expected a list of objects");
    return v.map((item, i) => {
      if (typeof item !== "object" || Array.isArray(item)) {
        throw E.invalidParameter(`${name}.${i + 1}`, "expected an object");
      }
      return new Reader(item, `${name}.${i + 1}`);
    });
  }
}
