import * as pulumi from "@pulumi/pulumi";
import { ScimApplication, ScimDirectory } from "alicloud-federation";

const c = new pulumi.Config();
const app = new ScimApplication("scim-app", { appName: "bench-directory-sync" });
const people = new ScimDirectory("people", { directory: c.require("directory"), application: app });
export const count = people.ids.apply((ids) => Object.keys(ids).length);
