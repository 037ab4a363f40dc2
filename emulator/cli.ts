#!/usr/bin/env node
/**
 * alicloud-federation-emulator --port <n> [--host h] [--access-key-id <id> --access-key-secret <secret>]
 *                              [--state-file <file.json>] [--account-id <id>] [--allowed-host <name>]...
 *
 * A host other than loopback needs a control token: `--control-token <t>` or the environment
 * variable ALICLOUD_FEDERATION_EMULATOR_TOKEN (kept out of the process list).
 *
 * Prints the URL and the credentials it accepts (a local test tool: printing its own test secret
 * is intended), then serves until SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import { startEmulator } from "./index";

const USAGE =
  "usage: alicloud-federation-emulator --port <n> [--host h] [--access-key-id <id> --access-key-secret <secret>] [--state-file <file.json>] [--account-id <id>] [--control-token <t>] [--allowed-host <name>]...";

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
      "allowed-host": { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port ?? "0");
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535\n${USAGE}`);
  if ((values["access-key-id"] === undefined) !== (values["access-key-secret"] === undefined)) {
    throw new Error(`--access-key-id and --access-key-secret go together\n${USAGE}`);
  }
  const emulator = await startEmulator({
    port,
    host: values.host,
    accessKeyId: values["access-key-id"],
    accessKeySecret: values["access-key-secret"],
    stateFile: values["state-file"],
    accountId: values["account-id"],
    controlToken: values["control-token"] ?? (process.env.ALICLOUD_FEDERATION_EMULATOR_TOKEN || undefined),
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

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
