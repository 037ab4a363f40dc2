#!/usr/bin/env node
/**
 * alicloud-federation-emulator --port <n> [--host h] [--access-key-id <id> --access-key-secret <secret>]
 *                              [--state-file <file.json>] [--account-id <id>] [--allowed-host <name>]...
 *
 * A host other than loopback needs a control token: the environment variable
 * ALICLOUD_FEDERATION_EMULATOR_TOKEN or `--control-token-file <file>` (both kept out of the
 * process list). `--control-token <t>` still works but warns at every start: any user of the
 * machine can read a command line (`ps`), and shells keep it in their history.
 *
 * Prints the URL and the credentials it accepts (a local test tool: printing its own test secret
 * is intended), then serves until SIGINT/SIGTERM.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { startEmulator } from "./index";

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
  -h, --help                 print this help and exit 0`;

const USAGE =
  "usage: alicloud-federation-emulator --port <n> [--host h] [--access-key-id <id> --access-key-secret <secret>] [--state-file <file.json>] [--account-id <id>] [--control-token-file <file>] [--allowed-host <name>]...\n(control token: ALICLOUD_FEDERATION_EMULATOR_TOKEN or --control-token-file; --control-token <t> is shown in the process list)";

async function main(): Promise<void> {
  const { values } = parseArgs({
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
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const port = Number(values.port ?? "0");
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535\n${USAGE}`);
  if ((values["access-key-id"] === undefined) !== (values["access-key-secret"] === undefined)) {
    throw new Error(`--access-key-id and --access-key-secret go together\n${USAGE}`);
  }
  const controlToken = readControlToken(values["control-token"], values["control-token-file"]);
  const emulator = await startEmulator({
    port,
    host: values.host,
    accessKeyId: values["access-key-id"],
    accessKeySecret: values["access-key-secret"],
    stateFile: values["state-file"],
    accountId: values["account-id"],
    controlToken,
    allowedHosts: values["allowed-host"],
  });
  console.log(`Alibaba Cloud emulator listening on ${emulator.url}`);
  console.log(`  endpoint:          ${emulator.endpoint}  (SDK: endpoint + protocol "http")`);
  console.log(`  access key id:     ${emulator.accessKeyId}`);
  console.log(`  access key secret: ${emulator.accessKeySecret}`);
  console.log(`  account id:        ${emulator.accountId}`);
  if (values["state-file"] !== undefined) console.log(`  state file:        ${values["state-file"]}`);

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    emulator.close().then(
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

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
