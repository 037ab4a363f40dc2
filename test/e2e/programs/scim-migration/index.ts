import * as pulumi from "@pulumi/pulumi";
import { ScimApplication, ScimDirectory, scimUsersFromDirectory } from "alicloud-federation";

const c = new pulumi.Config();
const mode = c.require("mode"); // per-user | retain | directory
const app = new ScimApplication("directory-sync", { appName: "directory-sync" });
if (mode === "directory")
  new ScimDirectory("people", { directory: c.require("directory"), application: app });
else
  scimUsersFromDirectory(c.require("directory"), {
    application: app,
    opts: mode === "retain" ? { retainOnDelete: true } : undefined,
  });
