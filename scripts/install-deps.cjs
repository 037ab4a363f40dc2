#!/usr/bin/env node
/**
 * Installs the node packages exactly as package-lock.json pins them (`npm ci`), and only when
 * node_modules was not already installed from this very lock and package.json: fast when nothing
 * changed, idempotent, and it never rewrites the lock (`npm install` may). Node, not a shell
 * script, so `npm test` and `npm run demo` set themselves up the same way on Linux, macOS and
 * Windows.
 */
const { createHash } = require("node:crypto");
const { execFileSync } = require("node:child_process");
const { existsSync, readFileSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");
const stamp = join(root, "node_modules", ".installed-from.sha256");
const digest = createHash("sha256");
for (const file of ["package.json", "package-lock.json"]) digest.update(readFileSync(join(root, file)));
const want = digest.digest("hex");

if (existsSync(stamp) && readFileSync(stamp, "utf8").trim() === want) process.exit(0);

console.log("installing node packages from package-lock.json (npm ci)");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
execFileSync(npm, ["ci", "--no-audit", "--no-fund", "--loglevel=error"], {
  cwd: root,
  stdio: "inherit",
  shell: process.platform === "win32",
});
writeFileSync(stamp, `${want}\n`);
