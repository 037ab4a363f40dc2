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
 * `--fail-on <kinds>` gates a CI job on what the report finds (see `--help`).
 *
 * Exit status: 0 printed, 1 the account could not be read, 2 bad arguments, 3 `--fail-on` found
 * something.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { explainCallerFailure, isRunWide } from "./causes";
import { maskSecrets, messageOf } from "./errors";
import { failOnFindings, formatTrustReport, type ManagedSet, managedFromState, trustReport } from "./report";
import { runtimeSettings } from "./settings";

/** The kinds `--fail-on` gates on (see `failOnFindings`). */
export const FAIL_ON_KINDS = ["unmanaged", "any-workload", "undetermined", "admin", "dangerous"] as const;
export type FailOnKind = (typeof FAIL_ON_KINDS)[number];

const OVERVIEW = `alicloud-federation: tools for alicloud-federation stacks.

usage: alicloud-federation <command> [options]
       alicloud-federation <command> --help

commands:
  report    print the account's live federation trust map: who can obtain credentials for which
            role, each role's policies beside its trust, and what no stack manages (read-only)
  help      print this help, or a command's: alicloud-federation help report

options:
  -h, --help  print this help and exit 0

Exit status: 0 done, 1 the account could not be read, 2 bad arguments, 3 report --fail-on found something.`;

const REPORT_HELP = `usage: alicloud-federation report [--json] [--state <file> | --stack <name> | --managed <list>]
                                 [--fail-on <kinds>] [--endpoint <url>] [--concurrency <n>]

Prints the account's live federation trust map (read-only): every OIDC provider, every role whose
trust names a federated principal with what each grant admits and the role's policies beside it,
dangerous combinations marked, and who may log in to the CLI through official-cli.

options:
  --json              print JSON (schema: docs/trust-report.schema.json) instead of text
  --state <file>      mark what a stack manages, from \`pulumi stack export\` output or a file
                      backend's checkpoint file
  --stack <name>      the same, running \`pulumi stack export --stack <name>\`
  --managed <list>    the same, listed: provider:<name>, role:<name>, user:<name>,
                      assignment-role:<name>, separated by commas
  --fail-on <kinds>   exit 3 when the report finds any of these (comma-separated), after printing:
                        unmanaged     an object no stack manages (needs --state, --stack or --managed)
                        any-workload  a grant that admits any workload of its issuer (any subject,
                                      any repository, any project, ...)
                        undetermined  a trust policy that could not be fully read or decided
                        admin         a federated role holding an administrator-level policy
                                      (AdministratorAccess, AliyunRAMFullAccess)
                        dangerous     an administrator-level role that is also unmanaged,
                                      admits any workload, or has undetermined trust
                        all           every kind above
  --endpoint <url>    call this endpoint instead of Alibaba Cloud (the emulator); the same as
                      ALICLOUD_FEDERATION_ENDPOINT. http:// only for this machine.
  --concurrency <n>   role reads in flight at once, 1 to 64 (default 16)
  -h, --help          print this help and exit 0

Credentials: the Alibaba Cloud default credential chain (ALIBABA_CLOUD_ACCESS_KEY_ID and
ALIBABA_CLOUD_ACCESS_KEY_SECRET, an OIDC role, a CLI profile, the ECS instance role).

Exit status: 0 printed (nothing --fail-on asked for was found), 1 the account could not be read,
2 bad arguments, 3 --fail-on found something (listed on stderr).`;

class UsageError extends Error {}

/** Asked for help: printed on stdout, exit 0. */
class HelpRequest extends Error {
  constructor(readonly text: string) {
    super("help");
  }
}

interface Parsed {
  json: boolean;
  managed?: ManagedSet;
  endpoint?: string;
  concurrency?: number;
  /** Present only when `--fail-on` was given. */
  failOn?: FailOnKind[];
}

function parseFailOn(list: string): FailOnKind[] {
  const kinds = list
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean);
  if (kinds.length === 0) throw new UsageError("--fail-on needs at least one kind");
  const out = new Set<FailOnKind>();
  for (const k of kinds) {
    if (k === "all") for (const a of FAIL_ON_KINDS) out.add(a);
    else if ((FAIL_ON_KINDS as readonly string[]).includes(k)) out.add(k as FailOnKind);
    else throw new UsageError(`--fail-on: unknown kind '${k}' (${[...FAIL_ON_KINDS, "all"].join(", ")})`);
  }
  return [...out];
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
  let managed: ManagedSet;
  try {
    managed = managedFromState(state);
  } catch (err) {
    throw new UsageError(`${source}: ${(err as Error).message}`);
  }
  if (managed.encrypted)
    process.stderr.write(
      `${source}: ${managed.encrypted} managed name(s) are Pulumi secrets, encrypted in this export: ` +
        "the objects they name show as unmanaged. To match them, pass `pulumi stack export --show-secrets` " +
        "output with --state (the report prints managed names).\n",
    );
  return managed;
}

export function parseArgs(argv: string[]): Parsed {
  const [command, ...rest] = argv;
  if (command === "--help" || command === "-h") throw new HelpRequest(OVERVIEW);
  if (command === "help") {
    if (rest[0] === undefined) throw new HelpRequest(OVERVIEW);
    if (rest[0] === "report") throw new HelpRequest(REPORT_HELP);
    throw new UsageError(`help: unknown command '${rest[0]}' (report)`);
  }
  if (command !== "report")
    throw new UsageError(command ? `unknown command '${command}' (report, help)` : "missing command");
  if (rest.includes("--help") || rest.includes("-h")) throw new HelpRequest(REPORT_HELP);
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
    } else if (arg === "--fail-on") parsed.failOn = parseFailOn(value());
    else if (arg === "--endpoint") parsed.endpoint = value();
    else if (arg === "--concurrency") {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError("--concurrency must be 1 to 64");
      parsed.concurrency = n;
    } else throw new UsageError(`unknown option '${arg}'`);
  }
  if (parsed.failOn?.includes("unmanaged") && parsed.managed === undefined)
    throw new UsageError("--fail-on unmanaged needs --state, --stack or --managed: what a stack manages");
  return parsed;
}

export async function main(argv: string[]): Promise<number> {
  let args: Parsed;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof HelpRequest) {
      process.stdout.write(`${err.text}\n`);
      return 0;
    }
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`alicloud-federation: ${err.message}\n`);
    process.stderr.write(
      `${argv[0] === "report" ? REPORT_HELP.split("\n\n")[0] : OVERVIEW.split("\n\n")[1]}\n`,
    );
    process.stderr.write("(--help describes every option)\n");
    return 2;
  }
  if (args.endpoint) process.env.ALICLOUD_FEDERATION_ENDPOINT = args.endpoint;
  try {
    const report = await trustReport({ managed: args.managed, concurrency: args.concurrency });
    process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatTrustReport(report));
    if (!args.failOn) return 0;
    const found = failOnFindings(report, args.failOn);
    if (found.length === 0) return 0;
    process.stderr.write(
      `alicloud-federation report: --fail-on ${args.failOn.join(",")}: ${found.length} finding${found.length === 1 ? "" : "s"}:\n${found.map((f) => `  ${f}`).join("\n")}\n`,
    );
    return 3;
  } catch (err) {
    process.stderr.write(`alicloud-federation report: ${reportFailure(err)}\n`);
    return 1;
  }
}

/** Why the account could not be read, said as the provider says it (causes.ts) when it is credentials or the endpoint. */
function reportFailure(err: unknown): string {
  if (isRunWide(err)) {
    try {
      return explainCallerFailure(err, runtimeSettings()).message;
    } catch {
      // The settings themselves are refused: their message is the one to show.
    }
  }
  return maskSecrets(messageOf(err));
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
