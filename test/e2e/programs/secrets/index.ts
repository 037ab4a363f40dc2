import * as pulumi from "@pulumi/pulumi";
import { ScimApplication, ScimDirectory, ScimUser } from "alicloud-federation";

// The SCIM app's client secret reaches ScimDirectory and ScimUser as a secret input; with
// `useApp: false` the directory takes clientId / clientSecret (a secret config value) instead.
const c = new pulumi.Config();
const app = new ScimApplication("app", { appName: "secrets-scan" });
const useApp = c.getBoolean("useApp") ?? true;
new ScimDirectory("people", {
  people: [
    { userName: "alice", externalId: "e1" },
    { userName: "bob", externalId: "e2" },
    ...(c.getBoolean("addCarol") ? [{ userName: "carol", externalId: "e3" }] : []),
  ],
  ...(useApp
    ? { application: app }
    : { clientId: c.require("clientId"), clientSecret: c.requireSecret("clientSecret") }),
  concurrency: c.getNumber("concurrency"),
  maxDeletions: c.getNumber("maxDeletions"),
  allowDestroy: c.getBoolean("allowDestroy"),
});
if (useApp) new ScimUser("dave", { userName: "dave", application: app });
export const clientSecret = app.clientSecret;
