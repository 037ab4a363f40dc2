import * as pulumi from "@pulumi/pulumi";
import * as af from "alicloud-federation";
import { largestArgs } from "./args";

// Every class by name, its inputs wrong on purpose.
type AnyResource = new (name: string, args: Record<string, unknown>) => unknown;
const c = new pulumi.Config();
// `only`: a comma-separated list of the classes to declare (all when unset).
const only = c.get("only")?.split(",");
// `secret`: every top-level string and number, and every string of a top-level list, a Pulumi secret
// (a list stays a list: some classes take `Array<Input<...>>`; the people map of a directory stays
// plain: the class reads it in the program).
const secret = c.getBoolean("secret") ?? false;
const secreted = (v: unknown) =>
  typeof v === "string" || typeof v === "number"
    ? pulumi.secret(v)
    : Array.isArray(v) && v.every((x) => typeof x === "string")
      ? v.map((x) => pulumi.secret(x))
      : v;
for (const [cls, name, args] of largestArgs(c.require("instanceId"), c.getBoolean("badPeople") ?? false))
  if (!only || only.includes(cls))
    new (af as unknown as Record<string, AnyResource>)[cls]!(
      name,
      secret ? Object.fromEntries(Object.entries(args).map(([k, v]) => [k, secreted(v)])) : args,
    );
