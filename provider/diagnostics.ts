/**
 * Warnings from inside the provider process, shown by the engine in `pulumi preview` and `up`
 * beside the resource's plan (a `check` failure would stop the preview; a warning does not).
 *
 * A dynamic provider has no logging API of its own. Its process is started as
 * `node <@pulumi/pulumi>/cmd/dynamic-provider <engine address>`, so the warning goes to the
 * engine's `Log` RPC at that address (pulumi/proto/engine.proto), the same call `pulumi.log.warn`
 * makes in a program. Outside the engine (tests, scripts) it goes to the sink set with
 * `setWarningSink`, or to stderr.
 */
import { debugEnabled, maskSecrets } from "./errors";

type Sink = (message: string) => void;

let sink: Sink | undefined;

/** Redirects warnings (tests); `undefined` restores the default. */
export function setWarningSink(next: Sink | undefined): void {
  sink = next;
}

/** The engine's address when this process is the dynamic provider host, else undefined. */
function engineAddress(): string | undefined {
  const main = process.argv[1] ?? "";
  const addr = process.argv[2] ?? "";
  return /dynamic-provider/.test(main) && /^[\w.-]+:\d+$/.test(addr) ? addr : undefined;
}

let engine: { log(req: unknown, cb: (err: unknown) => void): void } | undefined;

/** Shows `message` as a warning; secrets the provider knows are masked. Never throws. */
export async function warn(message: string): Promise<void> {
  const text = maskSecrets(message);
  if (sink) {
    sink(text);
    return;
  }
  const addr = engineAddress();
  if (addr === undefined) {
    process.stderr.write(`warning: ${text}\n`);
    return;
  }
  try {
    // Loaded only inside the provider host: the engine's gRPC stubs ship with @pulumi/pulumi.
    // @grpc/grpc-js is @pulumi/pulumi's dependency: resolve it from there.
    const from = { paths: [require.resolve("@pulumi/pulumi/package.json")] };
    const grpc = require(require.resolve("@grpc/grpc-js", from)) as typeof import("@grpc/grpc-js");
    const rpc = require("@pulumi/pulumi/proto/engine_grpc_pb") as {
      EngineClient: new (addr: string, creds: unknown) => NonNullable<typeof engine>;
    };
    const pb = require("@pulumi/pulumi/proto/engine_pb") as typeof import("@pulumi/pulumi/proto/engine_pb");
    engine ??= new rpc.EngineClient(addr, grpc.credentials.createInsecure());
    const req = new pb.LogRequest();
    req.setSeverity(pb.LogSeverity.WARNING);
    req.setMessage(text);
    req.setUrn("");
    await new Promise<void>((resolve) => engine?.log(req, () => resolve()));
  } catch {
    process.stderr.write(`warning: ${text}\n`);
  }
}

// Lines the dynamic provider host is about to print for an error we threw: it writes
// `${err}: ${err.stack}` to stderr for a failed check, diff, read or delete, and the engine shows
// that under the stack as well as the error itself under the resource (with the stack trace).
const echoes = new Set<string>();
let echoFilter = false;

/**
 * Keeps the provider host from printing `err` a second time, with its stack trace, on stderr: the
 * engine already shows the error under its resource. `ALICLOUD_FEDERATION_DEBUG` keeps the echo.
 */
export function quietHostEcho(err: unknown): void {
  if (engineAddress() === undefined || debugEnabled() || !(err instanceof Error)) return;
  if (!echoFilter) {
    echoFilter = true;
    // biome-ignore lint/suspicious/noConsole: the host's echo goes through console.error; only it is left out.
    const original = console.error.bind(console);
    console.error = (...args: unknown[]) => {
      if (args.length === 1 && typeof args[0] === "string" && echoes.delete(args[0])) return;
      original(...args);
    };
  }
  echoes.add(`${err}: ${err.stack}`);
}
