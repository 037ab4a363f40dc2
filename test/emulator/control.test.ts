import { spawn } from "node:child_process";
import { existsSync, lstatSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import * as $dara from "@darabonba/typescript";
import { buildSync } from "esbuild";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { ConsoleCallError, connectEmulator, type Emulator, startEmulator } from "../../emulator";
import { EmulatorCore } from "../../emulator/server";
import { assumeRoleWithOidc } from "../stsWire";
import { tempDir } from "../tempDir";
import { $Ims, caught, createRequest, fp, imsClient } from "./helpers";

let emulator: Emulator;
let ims: ReturnType<typeof imsClient>;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, seed: 42 });
  ims = imsClient(emulator);
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const list = () => ims.listOIDCProviders(new $Ims.ListOIDCProvidersRequest({}));

function rpc(client: ReturnType<typeof imsClient>, action: string, version = "2019-08-15") {
  return client.callApi(
    new $OpenApiUtil.Params({
      action,
      version,
      protocol: "HTTP",
      pathname: "/",
      method: "POST",
      authType: "AK",
      style: "RPC",
      reqBodyType: "formData",
      bodyType: "json",
    }),
    new $OpenApiUtil.OpenApiRequest({ query: {} }),
    new $dara.RuntimeOptions({}),
  );
}

describe("routing", () => {
  test("an unknown action is 404 InvalidAction.NotFound", async () => {
    const err = await caught(() => rpc(ims, "NoSuchAction"));
    expect([err.statusCode, err.code, err.data?.Message]).toEqual([
      404,
      "InvalidAction.NotFound",
      "Specified api is not found, please check your url and method.",
    ]);
  });

  test("an unknown version is 400 InvalidVersion", async () => {
    const err = await caught(() => rpc(ims, "ListOIDCProviders", "1999-01-01"));
    expect([err.statusCode, err.code]).toEqual([400, "InvalidVersion"]);
  });

  test("an action that throws unexpectedly is a logged 500 InternalError", async () => {
    const core = new EmulatorCore({});
    core.register({
      name: "boom",
      product: "Boom",
      version: "2099-01-01",
      hostId: "boom.aliyuncs.com",
      actions: {
        Explode: {
          mutates: false,
          handle: () => {
            throw new TypeError("kaboom");
          },
        },
      },
      snapshot: () => ({}),
      restore: () => {},
      reset: () => {},
    });
    await core.listen(0, "127.0.0.1");
    try {
      const client = imsClient({
        ...emulator,
        endpoint: core.endpoint,
        accessKeySecret: core.accessKeySecret,
      });
      const err = await caught(() => rpc(client, "Explode", "2099-01-01"));
      expect(err.name).toBe("ServerError");
      expect([err.statusCode, err.code, err.data?.HostId]).toEqual([
        500,
        "InternalError",
        "boom.aliyuncs.com",
      ]);
      const [entry] = core.log.list();
      expect(entry).toMatchObject({ service: "boom", status: 500, code: "InternalError" });
      expect(entry?.error).toContain("kaboom");
    } finally {
      await core.close();
    }
  });
});

describe("request log", () => {
  test("records service, version, action, status, code and params in order", async () => {
    await ims.createOIDCProvider(createRequest("p", { clientIds: "a" }));
    await caught(() => ims.getOIDCProvider(new $Ims.GetOIDCProviderRequest({ OIDCProviderName: "x" })));
    const entries = await emulator.requests();
    expect(entries.map((e) => [e.seq, e.service, e.version, e.action, e.status, e.code])).toEqual([
      [1, "ims", "2019-08-15", "CreateOIDCProvider", 200, undefined],
      [2, "ims", "2019-08-15", "GetOIDCProvider", 404, "EntityNotExist.OIDCProvider"],
    ]);
    expect(entries[0]?.params).toEqual({
      OIDCProviderName: "p",
      IssuerUrl: "https://issuer.example.com/p",
      Fingerprints: fp(1),
      ClientIds: "a",
    });
    expect(entries[0]?.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(entries[0]?.time ?? "")).not.toBeNaN();
  });

  test.each(["AccessKeySecret", "SecurityToken", "Password", "Signature", "client_secret"])(
    "masks the %s parameter",
    async (name) => {
      const res = await fetch(
        `${emulator.url}/?Action=ListOIDCProviders&Version=2019-08-15&${name}=hunter2&Keep=v`,
      );
      expect(res.status).toBeGreaterThanOrEqual(400);
      const [entry] = await emulator.requests();
      expect(entry?.params[name]).toBe("***");
      expect(entry?.params.Keep).toBe("v");
      expect(JSON.stringify(entry)).not.toContain("hunter2");
    },
  );

  test("filters by action and clears", async () => {
    await list();
    await ims.createOIDCProvider(createRequest("p"));
    expect((await emulator.requests({ action: "CreateOIDCProvider" })).map((e) => e.action)).toEqual([
      "CreateOIDCProvider",
    ]);
    expect(await emulator.requests({ service: "ram" })).toEqual([]);
    await emulator.clearRequests();
    expect(await emulator.requests()).toEqual([]);
  });

  test("control routes are not logged", async () => {
    await emulator.state();
    await fetch(`${emulator.url}/__emulator/info`);
    expect(await emulator.requests({ includeConsole: true })).toEqual([]);
  });
});

describe("faults", () => {
  test("throttle surfaces as the SDK's ThrottlingError and leaves state untouched", async () => {
    await emulator.injectFault({ service: "ims", action: "CreateOIDCProvider", kind: "throttle" });
    const err = await caught(() => ims.createOIDCProvider(createRequest("p")));
    expect(err.name).toBe("ThrottlingError");
    expect([err.statusCode, err.code, err.data?.Message]).toEqual([
      400,
      "Throttling.User",
      "Request was denied due to user flow control.",
    ]);
    expect((await emulator.state()) as object).toMatchObject({ services: { ims: { oidcProviders: [] } } });
    expect((await emulator.requests())[0]).toMatchObject({
      fault: "throttle",
      code: "Throttling.User",
      status: 400,
    });
  });

  test("a fault for one action does not touch others", async () => {
    await emulator.injectFault({ action: "CreateOIDCProvider", kind: "throttle" });
    expect((await list()).statusCode).toBe(200);
  });

  test("server-error is 500 InternalError, or 503 ServiceUnavailable when asked", async () => {
    await emulator.injectFault({ kind: "server-error", count: 1 });
    const e500 = await caught(list);
    expect([e500.name, e500.statusCode, e500.code]).toEqual(["ServerError", 500, "InternalError"]);
    await emulator.injectFault({ kind: "server-error", count: 1, status: 503 });
    const e503 = await caught(list);
    expect([e503.statusCode, e503.code]).toEqual([503, "ServiceUnavailable"]);
  });

  test("code and status overrides apply", async () => {
    await emulator.injectFault({ kind: "throttle", count: 1, code: "Throttling.Api", status: 429 });
    const err = await caught(list);
    expect([err.statusCode, err.code]).toEqual([429, "Throttling.Api"]);
  });

  test("count applies to the next N matching calls only", async () => {
    await emulator.injectFault({ kind: "throttle", count: 2 });
    expect((await caught(list)).code).toBe("Throttling.User");
    expect((await caught(list)).code).toBe("Throttling.User");
    expect((await list()).statusCode).toBe(200);
    expect((await emulator.requests()).map((e) => e.fault)).toEqual(["throttle", "throttle", undefined]);
  });

  test("latency delays the call, which then succeeds", async () => {
    await emulator.injectFault({ kind: "latency", latencyMs: 200, count: 1 });
    const started = Date.now();
    expect((await list()).statusCode).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect((await emulator.requests())[0]).toMatchObject({ fault: "latency", status: 200 });
  });

  test("drop closes the connection without an answer", async () => {
    await emulator.injectFault({ kind: "drop", count: 1 });
    const err = await caught(list);
    expect(err.statusCode).toBeUndefined();
    expect(err.message).toMatch(/socket hang up|ECONNRESET|closed/i);
    expect((await emulator.requests())[0]).toMatchObject({ fault: "drop", status: 0 });
    expect((await list()).statusCode).toBe(200);
  });

  test("lost runs the action, keeps its change, then closes the connection without an answer", async () => {
    await emulator.injectFault({ action: "CreateOIDCProvider", kind: "lost", count: 1 });
    const err = await caught(() => ims.createOIDCProvider(createRequest("p")));
    expect(err.statusCode).toBeUndefined();
    expect(err.message).toMatch(/socket hang up|ECONNRESET|closed/i);
    const names = (await list()).body?.OIDCProviders?.OIDCProvider?.map((p) => p.OIDCProviderName);
    expect(names).toEqual(["p"]);
    expect((await emulator.requests())[0]).toMatchObject({ fault: "lost", status: 200 });
    // The retry a client would make now meets the object its lost call created.
    expect((await caught(() => ims.createOIDCProvider(createRequest("p")))).statusCode).toBe(409);
  });

  test("nth aims at the k-th matching call from now, across actions when none is named", async () => {
    await list();
    await emulator.injectFault({ kind: "server-error", nth: 3, count: 1 });
    expect((await list()).statusCode).toBe(200);
    expect((await ims.createOIDCProvider(createRequest("p"))).statusCode).toBe(200);
    expect((await caught(list)).code).toBe("InternalError");
    expect((await list()).statusCode).toBe(200);
    expect((await emulator.requests()).map((e) => e.fault)).toEqual([
      undefined,
      undefined,
      undefined,
      "server-error",
      undefined,
    ]);
  });

  test("nth counts only the calls its service and action match", async () => {
    await emulator.injectFault({ action: "ListOIDCProviders", kind: "lost", nth: 2, count: 1 });
    expect((await ims.createOIDCProvider(createRequest("p"))).statusCode).toBe(200);
    expect((await list()).statusCode).toBe(200);
    expect((await caught(list)).statusCode).toBeUndefined();
    expect((await list()).statusCode).toBe(200);
  });

  test("ratio applies to roughly that fraction, reproducibly for a seed", async () => {
    const run = async (): Promise<boolean[]> => {
      await emulator.injectFault({ kind: "throttle", ratio: 0.5 });
      const outcomes: boolean[] = [];
      for (let i = 0; i < 40; i++)
        outcomes.push(
          await list().then(
            () => true,
            () => false,
          ),
        );
      return outcomes;
    };
    const first = await run();
    const failures = first.filter((ok) => !ok).length;
    expect(failures).toBeGreaterThan(8);
    expect(failures).toBeLessThan(32);
    await emulator.reset();
    expect(await run()).toEqual(first);
  });

  test("ratio 0 never applies; clearFaults removes faults", async () => {
    await emulator.injectFault({ kind: "throttle", ratio: 0 });
    for (let i = 0; i < 5; i++) await list();
    await emulator.injectFault({ kind: "throttle" });
    await emulator.clearFaults();
    expect((await list()).statusCode).toBe(200);
  });

  test("an invalid fault spec is refused", async () => {
    await expect(emulator.injectFault({ kind: "explode" as never })).rejects.toThrow();
    await expect(emulator.injectFault({ kind: "throttle", ratio: 2 })).rejects.toThrow();
  });
});

describe("console edits", () => {
  test("apply the same rules, are logged with console:true and hidden by default", async () => {
    const body = (await emulator.console("ims", "CreateOIDCProvider", {
      OIDCProviderName: "c",
      IssuerUrl: "https://c.example.com",
      Fingerprints: fp(1),
    })) as { RequestId: string; OIDCProvider: { OIDCProviderName: string } };
    expect(body.OIDCProvider.OIDCProviderName).toBe("c");
    expect(
      (await ims.getOIDCProvider(new $Ims.GetOIDCProviderRequest({ OIDCProviderName: "c" }))).statusCode,
    ).toBe(200);
    expect((await emulator.requests()).map((e) => e.action)).toEqual(["GetOIDCProvider"]);
    const all = await emulator.requests({ includeConsole: true });
    expect(all[0]).toMatchObject({ action: "CreateOIDCProvider", console: true, status: 200 });
  });

  test("a refused console edit throws ConsoleCallError with Alibaba's code", async () => {
    const err = await caught(() => emulator.console("ims", "GetOIDCProvider", { OIDCProviderName: "nope" }));
    expect(err).toBeInstanceOf(ConsoleCallError);
    expect([err.statusCode, err.code]).toEqual([404, "EntityNotExist.OIDCProvider"]);
    expect((await emulator.requests({ includeConsole: true }))[0]).toMatchObject({
      console: true,
      status: 404,
    });
  });

  test("faults do not apply to console edits", async () => {
    await emulator.injectFault({ kind: "throttle" });
    await expect(emulator.console("ims", "ListOIDCProviders", {})).resolves.toMatchObject({
      IsTruncated: false,
    });
  });
});

describe("connectEmulator", () => {
  test("drives the same emulator over the control routes", async () => {
    const remote = await connectEmulator(emulator.url, { accessKeySecret: emulator.accessKeySecret });
    expect([remote.endpoint, remote.accessKeyId, remote.accountId]).toEqual([
      emulator.endpoint,
      emulator.accessKeyId,
      emulator.accountId,
    ]);
    await remote.console("ims", "CreateOIDCProvider", {
      OIDCProviderName: "r",
      IssuerUrl: "https://r.example.com",
      Fingerprints: fp(1),
    });
    await remote.injectFault({ kind: "throttle", count: 1 });
    expect((await caught(list)).code).toBe("Throttling.User");
    expect((await list()).body!.OIDCProviders!.OIDCProvider!.map((p) => p.OIDCProviderName)).toEqual(["r"]);
    expect((await remote.requests({ includeConsole: true })).map((e) => e.action)).toEqual([
      "CreateOIDCProvider",
      "ListOIDCProviders",
      "ListOIDCProviders",
    ]);
    const sts = await remote.issueStsCredentials({ durationSeconds: 900 });
    expect(sts.accessKeyId).toMatch(/^STS\./);
    const err = await caught(() => remote.console("ims", "GetOIDCProvider", { OIDCProviderName: "zz" }));
    expect(err).toBeInstanceOf(ConsoleCallError);
    await remote.reset();
    expect(await remote.requests()).toEqual([]);
    expect(await remote.state()).toMatchObject({
      services: { ims: { oidcProviders: [] } },
      stsCredentials: [],
    });
  });

  test("refuses cross-site requests (an Origin, a browser's Sec-Fetch-Site, a write that is not JSON), with or without a token", async () => {
    const token = "a-control-token-of-16+";
    const guarded = await startEmulator({ controlToken: token });
    try {
      for (const e of [emulator, guarded]) {
        await e.console("ims", "CreateOIDCProvider", {
          OIDCProviderName: "kept",
          IssuerUrl: "https://kept.example.com",
          Fingerprints: fp(1),
        });
        const auth: Record<string, string> = e === guarded ? { authorization: `Bearer ${token}` } : {};
        const attempts: Array<[string, string, Record<string, string>, string | undefined]> = [
          // What a page's form or no-cors fetch sends: text/plain parsed as JSON.
          ["POST", "reset", { "content-type": "text/plain" }, "{}"],
          ["POST", "sts-credentials", { "content-type": "text/plain" }, "{}"],
          ["POST", "faults", { "content-type": "application/x-www-form-urlencoded" }, '{"kind":"throttle"}'],
          // fetch and forms label a string body text/plain themselves.
          ["POST", "faults", {}, '{"kind":"throttle"}'],
          ["DELETE", "faults", { "content-type": "text/plain" }, "{}"],
          ["POST", "reset", { origin: "https://evil.example", "content-type": "application/json" }, "{}"],
          ["GET", "state", { origin: "null" }, undefined],
          ["GET", "state", { "sec-fetch-site": "cross-site" }, undefined],
        ];
        for (const [method, route, headers, body] of attempts) {
          const res = await fetch(`${e.url}/__emulator/${route}`, {
            method,
            headers: { ...auth, ...headers },
            body,
          });
          expect(res.status, `${method} ${route} ${JSON.stringify(headers)}`).toBe(403);
          expect(((await res.json()) as { error: string }).error).toMatch(
            /^control routes refuse cross-site requests/,
          );
        }
        // Nothing happened: the provider is still there, no STS credentials were minted.
        expect(await e.state()).toMatchObject({
          services: { ims: { oidcProviders: [expect.objectContaining({ name: "kept" })] } },
          stsCredentials: [],
        });
        // A program's requests still work, a write without a body included.
        const ok = await fetch(`${e.url}/__emulator/info`, { headers: auth });
        expect(ok.status).toBe(200);
        const cleared = await fetch(`${e.url}/__emulator/requests`, { method: "DELETE", headers: auth });
        expect(cleared.status).toBe(200);
      }
    } finally {
      await guarded.close();
    }
  });

  test("the info route does not reveal the secret", async () => {
    const info = await (await fetch(`${emulator.url}/__emulator/info`)).text();
    expect(info).not.toContain(emulator.accessKeySecret);
  });
});

describe("state file", () => {
  test("state survives a restart", async () => {
    const file = join(tempDir("emu-"), "state.json");
    const first = await startEmulator({ stateFile: file, accessKeySecret: "s3cret" });
    await imsClient(first).createOIDCProvider(createRequest("kept", { clientIds: "a" }));
    const sts = await first.issueStsCredentials();
    await first.close();
    expect(readdirSync(join(file, ".."))).toEqual(["state.json"]);

    const second = await startEmulator({ stateFile: file, accessKeySecret: "s3cret" });
    try {
      const res = await imsClient(second).getOIDCProvider(
        new $Ims.GetOIDCProviderRequest({ OIDCProviderName: "kept" }),
      );
      expect(res.body!.OIDCProvider!.clientIds).toBe("a");
      const stsClient = imsClient(second, {
        accessKeyId: sts.accessKeyId,
        accessKeySecret: sts.accessKeySecret,
        securityToken: sts.securityToken,
      });
      expect((await stsClient.listOIDCProviders(new $Ims.ListOIDCProvidersRequest({}))).statusCode).toBe(200);
      await imsClient(second).createOIDCProvider(createRequest("second"));
      // Sequence numbers survive too: creation order is kept across restarts.
      const listed = await imsClient(second).listOIDCProviders(new $Ims.ListOIDCProvidersRequest({}));
      expect(listed.body!.OIDCProviders!.OIDCProvider!.map((p) => p.OIDCProviderName)).toEqual([
        "kept",
        "second",
      ]);
    } finally {
      await second.close();
    }
  });

  test("saves through a new, randomly named temporary file: a planted symlink is never written through", async () => {
    const dir = tempDir("emu-");
    const file = join(dir, "state.json");
    const victim = join(dir, "victim.txt");
    writeFileSync(victim, "untouched\n");
    // Where the emulator used to write first: a name anyone on the machine could guess.
    symlinkSync(victim, `${file}.${process.pid}.tmp`);
    const e = await startEmulator({ stateFile: file });
    try {
      await imsClient(e).createOIDCProvider(createRequest("saved"));
      await imsClient(e).createOIDCProvider(createRequest("again"));
    } finally {
      await e.close();
    }
    expect(readFileSync(victim, "utf8")).toBe("untouched\n");
    expect(lstatSync(file).isSymbolicLink()).toBe(false);
    expect(
      JSON.parse(readFileSync(file, "utf8")).services.ims.oidcProviders.map((p: { name: string }) => p.name),
    ).toEqual(["saved", "again"]);
    // No temporary file is left behind.
    expect(readdirSync(dir).sort()).toEqual(["state.json", `state.json.${process.pid}.tmp`, "victim.txt"]);
  });

  test("a state file that is not the emulator's is refused without quoting it", async () => {
    const dir = tempDir("emu-");
    const notJson = join(dir, "credentials");
    writeFileSync(notJson, "[default]\naccess_key_secret = SuperSecretValue1234567890abcd\n");
    await expect(startEmulator({ stateFile: notJson })).rejects.toThrow(
      new Error(`state file ${notJson} is not JSON: give a file the emulator wrote, or a new path`),
    );
    const otherJson = join(dir, "other.json");
    writeFileSync(otherJson, '{"secret":"SuperSecretValue1234567890abcd"}');
    const message = await startEmulator({ stateFile: otherJson }).then(
      async (e) => {
        await e.close();
        return "started";
      },
      (e: unknown) => (e as Error).message,
    );
    expect(message).toMatch(/is not an emulator state file/);
    expect(message).not.toContain("SuperSecret");
  });

  test("a refused call does not write the file", async () => {
    const file = join(tempDir("emu-"), "state.json");
    const e = await startEmulator({ stateFile: file });
    try {
      await caught(() => imsClient(e).createOIDCProvider(createRequest("-bad")));
      expect(existsSync(file)).toBe(false);
    } finally {
      await e.close();
    }
  });

  test("a state file of another account is refused at start", async () => {
    const file = join(tempDir("emu-"), "state.json");
    const e = await startEmulator({ stateFile: file, accountId: "1111111111111111" });
    await e.reset();
    await e.close();
    await expect(startEmulator({ stateFile: file, accountId: "2222222222222222" })).rejects.toThrow(
      /account/,
    );
  });
});

describe("CLI", () => {
  const cliJs = join(tempDir("emu-cli-"), "cli.js");
  beforeAll(() => {
    buildSync({
      entryPoints: [join(__dirname, "../../emulator/cli.ts")],
      outfile: cliJs,
      bundle: true,
      platform: "node",
      format: "cjs",
      packages: "external",
      logLevel: "silent",
    });
  });

  /** Starts the CLI; resolves once it listens and has printed `bannerEnd` (its banner comes in chunks). */
  async function runCli(
    args: string[],
    bannerEnd = /listening on/,
  ): Promise<{
    url: string;
    output: () => string;
    stop: () => Promise<{ code: number | null; out: string }>;
  }> {
    const child = spawn(process.execPath, [cliJs, ...args], {
      cwd: join(__dirname, "../.."),
      stdio: "pipe",
      env: { ...process.env, NODE_PATH: join(__dirname, "../../node_modules") },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m?.[1] && bannerEnd.test(out)) {
          clearInterval(timer);
          resolve(m[1]);
        }
      }, 20);
      child.once("exit", () => {
        clearInterval(timer);
        reject(new Error(`cli exited: ${out}`));
      });
    });
    return {
      url,
      output: () => out,
      stop: () =>
        new Promise((resolve) => {
          child.once("exit", (code) => resolve({ code, out }));
          child.kill("SIGTERM");
        }),
    };
  }

  test("--control-token warns and points to the variable or a file; --control-token-file reads one", async () => {
    const dir = tempDir("emu-token-");
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, "from-a-file-0123456789\n", { mode: 0o600 });
    const inline = await runCli(["--port", "0", "--control-token", "on-the-command-line-0123"]);
    const viaFile = await runCli(["--port", "0", "--control-token-file", tokenFile]);
    try {
      expect((await fetch(`${viaFile.url}/__emulator/info`)).status).toBe(401);
      const ok = await fetch(`${viaFile.url}/__emulator/info`, {
        headers: { authorization: "Bearer from-a-file-0123456789" },
      });
      expect(ok.status).toBe(200);
    } finally {
      const a = await inline.stop();
      const b = await viaFile.stop();
      expect(a.out).toContain(
        "warning: --control-token puts the token in the process list (ps) and your shell history; set ALICLOUD_FEDERATION_EMULATOR_TOKEN or use --control-token-file <file> instead",
      );
      expect(b.out).not.toContain("warning");
      expect(b.out).not.toContain("from-a-file");
    }
  });

  test("prints its URL and credentials, keeps state across restarts, stops cleanly on SIGTERM", async () => {
    const file = join(tempDir("emu-"), "state.json");
    const args = [
      "--port",
      "0",
      "--access-key-id",
      "LTAIcli",
      "--access-key-secret",
      "cli-secret",
      "--state-file",
      file,
    ];
    const first = await runCli(args);
    const remote = await connectEmulator(first.url, { accessKeySecret: "cli-secret" });
    expect(remote.accessKeyId).toBe("LTAIcli");
    await imsClient(remote).createOIDCProvider(createRequest("from-cli"));
    const stopped = await first.stop();
    expect(stopped.code).toBe(0);
    expect(stopped.out).toContain("access key secret: cli-secret");
    expect(JSON.parse(readFileSync(file, "utf8")).services.ims.oidcProviders[0].name).toBe("from-cli");

    const second = await runCli(args);
    try {
      const again = await connectEmulator(second.url, { accessKeySecret: "cli-secret" });
      const res = await imsClient(again).getOIDCProvider(
        new $Ims.GetOIDCProviderRequest({ OIDCProviderName: "from-cli" }),
      );
      expect(res.statusCode).toBe(200);
    } finally {
      await second.stop();
    }
  });

  test("--https and --github-issuer: github-token mints a job's token and prints its environment; STS admits main only", async () => {
    const dir = tempDir("emu-gh-");
    const caFile = join(dir, "ca.pem");
    const served = await runCli(
      ["--port", "0", "--https", "--github-issuer", "--ca-file", caFile],
      /tokens:\s+alicloud-federation-emulator github-token/,
    );
    try {
      const printed = served.output();
      const fingerprint = /its fingerprint:\s+([0-9a-f]{40})/.exec(printed)?.[1];
      expect(fingerprint, printed).toBeDefined();
      expect(printed).toContain(`NODE_EXTRA_CA_CERTS=${caFile}`);
      expect(readFileSync(caFile, "utf8")).toContain("BEGIN CERTIFICATE");
      const e = await connectEmulator(served.url);
      const info = (await (await fetch(`${served.url}/__emulator/info`)).json()) as { httpsUrl?: string };
      expect(info.httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      // the administrator's bootstrap, in the console: the provider and a role trusting main
      const provider = (await e.console("ims", "CreateOIDCProvider", {
        OIDCProviderName: "github-actions",
        IssuerUrl: "https://token.actions.githubusercontent.com",
        ClientIds: "sts.aliyuncs.com",
        Fingerprints: fingerprint!,
      })) as { OIDCProvider: { Arn: string } };
      const trust = {
        Version: "1",
        Statement: [
          {
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Principal: { Federated: [provider.OIDCProvider.Arn] },
            Condition: {
              StringEquals: {
                "oidc:aud": "sts.aliyuncs.com",
                "oidc:sub": "repo:acme/app:ref:refs/heads/main",
              },
            },
          },
        ],
      };
      await e.console("ram", "CreateRole", {
        RoleName: "ci-deployer",
        AssumeRolePolicyDocument: JSON.stringify(trust),
      });
      const mint = (extra: string[]) =>
        new Promise<string>((resolve, reject) => {
          const child = spawn(
            process.execPath,
            [cliJs, "github-token", "--emulator", served.url, "--repository", "acme/app", ...extra],
            { stdio: "pipe", env: { ...process.env, NODE_PATH: join(__dirname, "../../node_modules") } },
          );
          let out = "";
          child.stdout.on("data", (d: Buffer) => {
            out += d.toString();
          });
          child.stderr.on("data", (d: Buffer) => {
            out += d.toString();
          });
          child.once("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(out))));
        });
      const assume = (file: string, roleArn: string, providerArn: string) =>
        assumeRoleWithOidc(served.url, {
          providerArn,
          roleArn,
          token: readFileSync(file, "utf8"),
          sessionName: "github-actions",
        });
      const tokenFile = join(dir, "main.jwt");
      const env = await mint([
        "--branch",
        "main",
        "--out",
        tokenFile,
        "--role",
        "ci-deployer",
        "--ca-file",
        caFile,
      ]);
      const vars = Object.fromEntries(
        [...env.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]),
      );
      expect(vars).toEqual({
        ALICLOUD_FEDERATION_ENDPOINT: info.httpsUrl,
        NODE_EXTRA_CA_CERTS: caFile,
        ALIBABA_CLOUD_ROLE_ARN: `acs:ram::${e.accountId}:role/ci-deployer`,
        ALIBABA_CLOUD_OIDC_PROVIDER_ARN: `acs:ram::${e.accountId}:oidc-provider/github-actions`,
        ALIBABA_CLOUD_OIDC_TOKEN_FILE: tokenFile,
      });
      expect(env).toMatch(
        /^unset ALIBABA_CLOUD_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET ALIBABA_CLOUD_SECURITY_TOKEN$/m,
      );
      const ok = await assume(tokenFile, vars.ALIBABA_CLOUD_ROLE_ARN!, vars.ALIBABA_CLOUD_OIDC_PROVIDER_ARN!);
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      const prFile = join(dir, "pr.jwt");
      await mint(["--pull-request", "7", "--out", prFile]);
      const refused = await assume(
        prFile,
        vars.ALIBABA_CLOUD_ROLE_ARN!,
        vars.ALIBABA_CLOUD_OIDC_PROVIDER_ARN!,
      );
      expect(refused.status).toBe(403);
    } finally {
      await served.stop();
    }
  });
});
