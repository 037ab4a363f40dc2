import * as pulumi from "@pulumi/pulumi";
import * as af from "alicloud-federation";
import { largestArgs } from "./args";

// Every class by name, its inputs wrong on purpose.
type AnyResource = new (name: string, args: Record<string, unknown>) => unknown;
const c = new pulumi.Config();
// `only`: a comma-separated list of the classes to declare (all when unset).
const only = c.get("only")?.split(",");
for (const [cls, name, args] of largestArgs(c.require("instanceId"), c.getBoolean("badPeople") ?? false))
  if (!only || only.includes(cls)) new (af as unknown as Record<string, AnyResource>)[cls]!(name, args);
