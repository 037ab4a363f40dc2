/**
 * Your directory, synced into RAM over SCIM, as code: the SCIM ServerApp
 * (scope /acs/scim, consented, with a client secret that exists only as a
 * Pulumi secret) and one RAM user per line of people.csv. Add a line to
 * onboard someone, remove it to offboard them, edit it to rename: `pulumi up`
 * does exactly that and nothing else.
 *
 * Config (optional):
 *   directory      path of the CSV or JSON file (default people.csv beside this file)
 *   secretVersion  bump to rotate the app's client secret without downtime
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ScimApplication, scimUsersFromDirectory } from "alicloud-federation";

const config = new pulumi.Config();

const app = new ScimApplication("directory-sync", {
  appName: "directory-sync",
  displayName: "Directory sync (SCIM)",
  accessTokenValidity: 3600,
  secretVersion: config.getNumber("secretVersion") ?? 1,
});

const users = scimUsersFromDirectory(config.get("directory") ?? path.join(__dirname, "people.csv"), {
  application: app,
});

export const scimClientId = app.clientId;
/** A secret: `pulumi stack output scimClientSecret --show-secrets` to read it. */
export const scimClientSecret = app.clientSecret;
export const userNames = users.map((u) => u.userName);
