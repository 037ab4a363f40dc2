#!/usr/bin/env node
/**
 * alicloud-federation-emulator [--port <n>] [--host h] [--access-key-id <id> --access-key-secret <secret>]
 *                              [--state-file <file.json>] [--account-id <id>] [--allowed-host <name>]...
 *                              [--https [--https-port <n>] [--ca-file <file.pem>]] [--github-issuer]
 * alicloud-federation-emulator github-token --emulator <url> --repository <owner/name>
 *                              [--branch <b> | --tag <t> | --pull-request <n>] [--environment <e>]
 *                              [--out <file>] [--role <name>] [--oidc-provider <name>] [--ca-file <file.pem>]
 *
 * The first form serves. `--https` adds the HTTPS listener the OIDC credential client needs (its
 * CA is written to `--ca-file`, to be trusted with NODE_EXTRA_CA_CERTS); `--github-issuer` starts
 * a stand-in for GitHub Actions' token issuer (STS fetches its keys from the stand-in; the provider
 * keeps the real issuer URL) and prints the fingerprint to register.
 *
 * `github-token` asks a serving emulator's stand-in for the token a GitHub Actions job of that
 * repository and ref would get, writes it to `--out`, and prints the environment of that job
 * (`eval "$(alicloud-federation-emulator github-token ...)"`): the three credential-chain variables,
 * the https endpoint and the CA, and no access key.
 *
 * A host other than loopback needs a control token: the environment variable
 * ALICLOUD_FEDERATION_EMULATOR_TOKEN or `--control-token-file <file>` (both kept out of the
 * process list). `--control-token <t>` still works but warns at every start: any user of the
 * machine can read a command line (`ps`), and shells keep it in their history.
 *
 * Prints the URL and the credentials it accepts (a local test tool: printing its own test secret
 * is intended), then serves until SIGINT/SIGTERM.
 */
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { GITHUB_ACTIONS_ISSUER, githubActionsClaims } from "./idp/github";
import { startEmulator, startTestIdp, type TestIdp, type TestIdpClaims } from "./index";

/** `--help`: every option with what it does. */
const HELP = `usage: alicloud-federation-emulator [options]

A local emulator of the Alibaba Cloud APIs alicloud-federation calls (IMS, RAM, STS, EIAM, OAuth,
SCIM). Prints its URL and the credentials it accepts, then serves until Ctrl-C.

options:
  --port <n>                 port to listen on, 0 to 65535; 0 (the default) picks a free one
  --host <address>           address to listen on (default 127.0.0.1); any other than loopback
                             needs a control token
  --access-key-id <id>       the account's access key id (default a fixed LTAI... id); give it
                             with --access-key-secret
  --access-key-secret <s>    its secret (default random at each start)
  --state-file <file.json>   load state from this file at start and save it after every change
  --account-id <id>          16-digit account id used in ARNs (default 1234567890123456)
  --control-token-file <f>   file holding the token (at least 16 characters) that the control
                             routes (/__emulator/*) then require
  --control-token <t>        the token itself; warns: a command line shows in the process list
                             (prefer ALICLOUD_FEDERATION_EMULATOR_TOKEN or --control-token-file)
  --allowed-host <name>      another host name accepted in the Host header (repeatable)
  --https                    also listen over HTTPS (what the OIDC credential client needs), with
                             a generated test CA
  --https-port <n>           port of the HTTPS listener (default: a free one)
  --ca-file <file.pem>       where --https writes its CA, for NODE_EXTRA_CA_CERTS (default
                             alicloud-federation-emulator-ca.pem in the temporary directory)
  --github-issuer            stand in for GitHub Actions' token issuer; prints the fingerprint
  -h, --help                 print this help and exit 0

alicloud-federation-emulator github-token --emulator <url> --repository <owner/name>
    [--branch <b> | --tag <t> | --pull-request <n>] [--environment <e>] [--out <file>]
    [--role <name>] [--oidc-provider <name>] [--ca-file <file.pem>]
  writes the token a GitHub Actions job of that repository and ref would get (from an emulator
  started with --github-issuer) and prints that job's environment, for eval.`;

const USAGE = [
  "usage: alicloud-federation-emulator --port <n> [--host h] [--access-key-id <id> --access-key-secret <secret>] [--state-file <file.json>] [--account-id <id>] [--control-token-file <file>] [--allowed-host <name>]... [--https [--https-port <n>] [--ca-file <file.pem>]] [--github-issuer]",
  "       alicloud-federation-emulator github-token --emulator <url> --repository <owner/name> [--branch <b> | --tag <t> | --pull-request <n>] [--environment <e>] [--out <file>] [--role <name>] [--oidc-provider <name>] [--ca-file <file.pem>] [--control-token-file <file>]",
  "(control token: ALICLOUD_FEDERATION_EMULATOR_TOKEN or --control-token-file; --control-token <t> is shown in the process list)",
].join("\n");

/** Where `--https` writes its CA unless told otherwise, and where `github-token` looks for it. */
const DEFAULT_CA_FILE = join(tmpdir(), "alicloud-federation-emulator-ca.pem");

/** How long a stand-in GitHub token lives: GitHub's own live minutes; an hour covers a rehearsal. */
const TOKEN_LIFETIME_SECONDS = 3600;

async function serve(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "access-key-id": { type: "string" },
      "access-key-secret": { type: "string" },
      "state-file": { type: "string" },
      "account-id": { type: "string" },
      "control-token": { type: "string" },
      "control-token-file": { type: "string" },
      "allowed-host": { type: "string", multiple: true },
      https: { type: "boolean" },
      "https-port": { type: "string" },
      "ca-file": { type: "string" },
      "github-issuer": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const port = Number(values.port ?? "0");
  const httpsPort = Number(values["https-port"] ?? "0");
  for (const [flag, n] of [
    ["--port", port],
    ["--https-port", httpsPort],
  ] as const)
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${flag} must be 0-65535\n${USAGE}`);
  if ((values["access-key-id"] === undefined) !== (values["access-key-secret"] === undefined)) {
    throw new Error(`--access-key-id and --access-key-secret go together\n${USAGE}`);
  }
  const controlToken = readControlToken(values["control-token"], values["control-token-file"]);
  let idp: TestIdp | undefined;
  if (values["github-issuer"]) idp = await startTestIdp();
  const emulator = await startEmulator({
    port,
    host: values.host,
    accessKeyId: values["access-key-id"],
    accessKeySecret: values["access-key-secret"],
    stateFile: values["state-file"],
    accountId: values["account-id"],
    controlToken,
    allowedHosts: values["allowed-host"],
    ...(values.https ? { https: true as const, httpsPort } : {}),
    ...(idp
      ? {
          issuerStandIns: { [GITHUB_ACTIONS_ISSUER]: idp.issuer },
          trustedCertificates: [idp.rootCaPem],
          oidcTokenMinter: (claims: Record<string, unknown>) =>
            idp.mintToken({ expiresInSeconds: TOKEN_LIFETIME_SECONDS, ...claims } as TestIdpClaims),
        }
      : {}),
  });
  console.log(`Alibaba Cloud emulator listening on ${emulator.url}`);
  console.log(`  endpoint:          ${emulator.endpoint}  (SDK: endpoint + protocol "http")`);
  if (emulator.httpsUrl && emulator.httpsCaPem) {
    const caFile = resolve(values["ca-file"] ?? DEFAULT_CA_FILE);
    writeFileSync(caFile, emulator.httpsCaPem);
    console.log(
      `  https:             ${emulator.httpsUrl}  (its CA: ${caFile}; NODE_EXTRA_CA_CERTS=${caFile})`,
    );
  }
  console.log(`  access key id:     ${emulator.accessKeyId}`);
  console.log(`  access key secret: ${emulator.accessKeySecret}`);
  console.log(`  account id:        ${emulator.accountId}`);
  if (values["state-file"] !== undefined) console.log(`  state file:        ${values["state-file"]}`);
  if (idp) {
    console.log(`  GitHub issuer:     ${GITHUB_ACTIONS_ISSUER} stood in for by ${idp.issuer}`);
    console.log(`  its fingerprint:   ${idp.rootFingerprint}  (list it in the OidcProvider's fingerprints)`);
    console.log(
      "  tokens:            alicloud-federation-emulator github-token --emulator <url> --repository <owner/name>",
    );
  }

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    Promise.all([emulator.close(), idp?.close()]).then(
      () => {
        console.log(`emulator stopped (${signal})`);
        process.exit(0);
      },
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

/** Single-quoted for a POSIX shell. */
const sh = (v: string) => `'${v.replace(/'/g, "'\\''")}'`;

async function githubToken(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      emulator: { type: "string" },
      repository: { type: "string" },
      branch: { type: "string" },
      tag: { type: "string" },
      "pull-request": { type: "string" },
      environment: { type: "string" },
      out: { type: "string" },
      role: { type: "string" },
      "oidc-provider": { type: "string" },
      "ca-file": { type: "string" },
      "control-token": { type: "string" },
      "control-token-file": { type: "string" },
    },
    strict: true,
  });
  if (!values.emulator || !values.repository || !/^[^/\s]+\/[^/\s]+$/.test(values.repository))
    throw new Error(`github-token needs --emulator <url> and --repository <owner/name>\n${USAGE}`);
  const refs = [values.branch, values.tag, values["pull-request"]].filter((v) => v !== undefined);
  if (refs.length > 1) throw new Error(`give one of --branch, --tag and --pull-request\n${USAGE}`);
  const pr = values["pull-request"];
  if (pr !== undefined && !/^\d+$/.test(pr)) throw new Error(`--pull-request takes a number, got '${pr}'`);
  const base = values.emulator.replace(/\/+$/, "");
  const token = readControlToken(values["control-token"], values["control-token-file"]);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
  const control = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}/__emulator/${route}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const value = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(`the emulator at ${base} refused ${route}: ${value.error ?? res.status}`);
    return value;
  };
  const claims: Record<string, unknown> = {
    ...githubActionsClaims({
      repository: values.repository,
      branch: values.branch,
      tag: values.tag,
      pullRequest: pr === undefined ? undefined : Number(pr),
      environment: values.environment,
    }),
    iss: GITHUB_ACTIONS_ISSUER,
    aud: "sts.aliyuncs.com",
  };
  const minted = await control<{ token: string }>("POST", "oidc-token", { claims });
  const info = await control<{ accountId: string; httpsUrl?: string }>("GET", "info");
  const out = resolve(values.out ?? join(tmpdir(), "alicloud-federation-github-token.jwt"));
  writeFileSync(out, minted.token, { mode: 0o600 });
  chmodSync(out, 0o600);
  const role = values.role ?? "github-actions-deployer";
  const provider = values["oidc-provider"] ?? "github-actions";
  const lines = [
    `# the environment of a GitHub Actions job for ${String(claims.sub)} (token: ${out}, valid ${TOKEN_LIFETIME_SECONDS / 60} minutes)`,
    ...(info.httpsUrl
      ? [
          `export ALICLOUD_FEDERATION_ENDPOINT=${sh(info.httpsUrl)}`,
          `export NODE_EXTRA_CA_CERTS=${sh(resolve(values["ca-file"] ?? DEFAULT_CA_FILE))}`,
        ]
      : [
          "# this emulator has no https listener: restart it with --https (the OIDC client speaks only https)",
        ]),
    `export ALIBABA_CLOUD_ROLE_ARN=${sh(`acs:ram::${info.accountId}:role/${role.toLowerCase()}`)}`,
    `export ALIBABA_CLOUD_OIDC_PROVIDER_ARN=${sh(`acs:ram::${info.accountId}:oidc-provider/${provider}`)}`,
    `export ALIBABA_CLOUD_OIDC_TOKEN_FILE=${sh(out)}`,
    "unset ALIBABA_CLOUD_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET ALIBABA_CLOUD_SECURITY_TOKEN",
  ];
  console.log(lines.join("\n"));
}

/** The control token from the command line (warned), a file, or the environment, in that order. */
function readControlToken(inline: string | undefined, file: string | undefined): string | undefined {
  if (inline !== undefined && file !== undefined)
    throw new Error(`--control-token and --control-token-file: give one\n${USAGE}`);
  if (inline !== undefined) {
    console.error(
      "warning: --control-token puts the token in the process list (ps) and your shell history; " +
        "set ALICLOUD_FEDERATION_EMULATOR_TOKEN or use --control-token-file <file> instead",
    );
    return inline;
  }
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      // The error code only: the path is the user's own, the content is never quoted.
      throw new Error(
        `--control-token-file: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
    const token = text.replace(/\r?\n$/, "");
    if (token === "") throw new Error(`--control-token-file: ${file} is empty`);
    return token;
  }
  return process.env.ALICLOUD_FEDERATION_EMULATOR_TOKEN || undefined;
}

async function main(): Promise<void> {
  const [first, ...rest] = process.argv.slice(2);
  if (first === "github-token") return githubToken(rest);
  return serve(process.argv.slice(2));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
