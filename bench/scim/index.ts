import * as pulumi from "@pulumi/pulumi";
import { ScimApplication, scimUsersFromDirectory } from "alicloud-federation";

const c = new pulumi.Config();
const app = new ScimApplication("scim-app", { appName: "bench-directory-sync" });
export const users = scimUsersFromDirectory(c.require("directory"), { application: app }).length;
