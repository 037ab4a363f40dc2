/**
 * Your directory, synced into RAM over SCIM, as code: the SCIM ServerApp
 * (scope /acs/scim, consented, with a client secret that exists only as a
 * Pulumi secret) and every person of people.csv as one `ScimDirectory`. Add a
 * line to onboard someone, remove it to offboard them, edit it to rename:
 * `pulumi up` does exactly that and nothing else, and the preview names each
 * person it adds, changes or removes.
 *
 * An export that comes out empty or truncated is stopped at preview: more
 * than `maxDeletions` people removed at once (default 100) needs
 * `confirmDeletions` set to the exact count, and an empty file needs
 * `allowEmpty`. Deleting the whole directory (removing it from the program, or
 * `pulumi destroy`) when it holds more than `maxDeletions` people needs
 * `allowDestroy: true` recorded by an `up` first.
 *
 * Config (optional):
 *   directory         path of the CSV or JSON file (default people.csv beside this file)
 *   secretVersion     bump to rotate the app's client secret without downtime
 *   maxDeletions      the deletion guard's threshold (default 100)
 *   confirmDeletions  the exact number of deletions to let through once
 *   allowEmpty        true to let the directory become empty
 *   allowDestroy      true (then pulumi up) before removing or destroying a large directory
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ScimApplication, ScimDirectory } from "alicloud-federation";

const config = new pulumi.Config();

const app = new ScimApplication("directory-sync", {
  appName: "directory-sync",
  displayName: "Directory sync (SCIM)",
  accessTokenValidity: 3600,
  secretVersion: config.getNumber("secretVersion") ?? 1,
});

const people = new ScimDirectory(
  "people",
  {
    directory: config.get("directory") ?? path.join(__dirname, "people.csv"),
    application: app,
    maxDeletions: config.getNumber("maxDeletions"),
    confirmDeletions: config.getNumber("confirmDeletions"),
    allowEmpty: config.getBoolean("allowEmpty"),
    allowDestroy: config.getBoolean("allowDestroy"),
  },
  // Removing the resource from the program would delete everyone: make that a deliberate act.
  { protect: config.getBoolean("protect") ?? false, retainOnDelete: config.getBoolean("retainOnDelete") },
);

export const scimClientId = app.clientId;
/** A secret: `pulumi stack output scimClientSecret --show-secrets` to read it. */
export const scimClientSecret = app.clientSecret;
/** RAM user ids by externalId. */
export const userIds = people.ids;
