#!/usr/bin/env node
/**
 * `alicloud-federation report`: the account's live trust map, read-only.
 *
 *   npx alicloud-federation report [--json] [--state <file> | --stack <name> | --managed <list>]
 *                                  [--endpoint <url>] [--concurrency <n>]
 *
 * Credentials: the Alibaba Cloud default credential chain (environment
 * `ALIBABA_CLOUD_ACCESS_KEY_ID`/`_SECRET`, OIDC role, CLI profile, ECS role).
 * `--endpoint` (or `ALICLOUD_FEDERATION_ENDPOINT`) points it at the emulator.
 * Whether each object is managed by a stack: `--state` reads `pulumi stack
 * export` output or a file backend's checkpoint, `--stack` runs `pulumi stack
 * export --stack <name>`, `--managed` lists `provider:<name>`, `role:<name>`,
 * `user:<name>` or `assignment-role:<name>` separated by commas.
 *
 * Exit status: 0 printed, 1 the account could not be read, 2 bad arguments.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { maskSecrets } from "./errors";
import { formatTrustReport, type ManagedSet, managedFromState, trustReport } from "./report";

const USAGE = `usage: alicloud-federation report [--json] [--state <file> | --stack <name> | --managed <list>]
                                 [--endpoint <url>] [--concurrency <n>]`;

class UsageError extends Error {}

interface Parsed {
  json: boolean;
  managed?: ManagedSet;
  endpoint?: string;
  concurrency?: number;
}

function parseManagedList(list: string): ManagedSet {
  const out: ManagedSet = { oidcProviders: [], roles: [], assignments: [] };
  for (const item of list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [kind, ...rest] = item.split(":");
    const name = rest.join(":");
    if (!name) throw new UsageError(`--managed: '${item}' must be kind:name`);
    if (kind === "provider") out.oidcProviders.push(name);
    else if (kind === "role") out.roles.push(name);
    else if (kind === "user") out.assignments.push(`user:${(name.split("@")[0] ?? name).toLowerCase()}`);
    else if (kind === "assignment-role") out.assignments.push(`role:${name.toLowerCase()}`);
    else throw new UsageError(`--managed: unknown kind '${kind}' (provider, role, user, assignment-role)`);
  }
  return out;
}

/** A stack's managed set from state text, or a usage error saying what was wrong with it. */
function stateFrom(source: string, text: () => string): ManagedSet {
  let state: unknown;
  const content = text();
  try {
    state = JSON.parse(content);
  } catch {
    // JSON.parse's message quotes the text, and the file may be anything (a credentials file,
    // say): say what it is not, never what it holds.
    throw new UsageError(
      `${source}: not JSON; expected \`pulumi stack export\` output or a file backend's checkpoint`,
    );
  }
  try {
    return managedFromState(state);
  } catch (err) {
    throw new UsageError(`${source}: ${(err as Error).message}`);
  }
}

export function parseArgs(argv: string[]): Parsed {
  const [command, ...rest] = argv;
  if (command !== "report")
    throw new UsageError(command ? `unknown command '${command}'` : "missing command");
  const parsed: Parsed = { json: false };
  // Checked before any file is read or command run.
  if (rest.filter((a) => a === "--state" || a === "--stack" || a === "--managed").length > 1)
    throw new UsageError("give one of --state, --stack and --managed");
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    const value = () => {
      const v = rest[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === "--json") parsed.json = true;
    else if (arg === "--state") {
      const file = value();
      let text: string;
      try {
        text = fs.readFileSync(file, "utf8");
      } catch (err) {
        throw new UsageError(`--state: cannot read ${file} (${(err as Error).message})`);
      }
      parsed.managed = stateFrom(`--state ${file}`, () => text);
    } else if (arg === "--stack") {
      const stack = value();
      parsed.managed = stateFrom(`--stack ${stack}`, () =>
        execFileSync("pulumi", ["stack", "export", "--stack", stack], {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "inherit"],
        }),
      );
    } else if (arg === "--managed") {
      parsed.managed = parseManagedList(value());
    } else if (arg === "--endpoint") parsed.endpoint = value();
    else if (arg === "--concurrency") {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError("--concurrency must be 1 to 64");
      parsed.concurrency = n;
    } else if (arg === "--help" || arg === "-h") throw new UsageError("");
    else throw new UsageError(`unknown option '${arg}'`);
  }
  return parsed;
}

export async function main(argv: string[]): Promise<number> {
  let args: Parsed;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.message) process.stderr.write(`alicloud-federation: ${err.message}\n`);
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (args.endpoint) process.env.ALICLOUD_FEDERATION_ENDPOINT = args.endpoint;
  try {
    const report = await trustReport({ managed: args.managed, concurrency: args.concurrency });
    process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatTrustReport(report));
    return 0;
  } catch (err) {
    process.stderr.write(`alicloud-federation report: ${maskSecrets((err as Error).message)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
