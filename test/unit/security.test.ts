/**
 * The smaller findings of the security review, each with the case that showed it: cleartext
 * endpoints, a usage error that quoted a file, the error path's message parsing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../provider/atomicWrite";
import { parseArgs } from "../../provider/cli";
import { setWarningSink } from "../../provider/diagnostics";
import { AlicloudApiError } from "../../provider/errors";
import { createOnce } from "../../provider/lifecycle";
import { DEFAULT_RETRY_POLICY } from "../../provider/retry";
import { isLoopbackHost, parseEndpoint, resetSettings, runtimeSettings } from "../../provider/settings";
import { tempDir } from "../tempDir";

const ENV = ["ALICLOUD_FEDERATION_ENDPOINT", "ALICLOUD_FEDERATION_ALLOW_INSECURE_ENDPOINT"] as const;
const saved = ENV.map((k) => process.env[k]);
afterEach(() => {
  ENV.forEach((k, i) => {
    if (saved[i] === undefined) delete process.env[k];
    else process.env[k] = saved[i];
  });
  setWarningSink(undefined);
  resetSettings();
});

function settingsFor(endpoint: string, optIn?: string): { error?: string; warnings: string[] } {
  const warnings: string[] = [];
  setWarningSink((m) => warnings.push(m));
  resetSettings();
  process.env.ALICLOUD_FEDERATION_ENDPOINT = endpoint;
  if (optIn === undefined) delete process.env.ALICLOUD_FEDERATION_ALLOW_INSECURE_ENDPOINT;
  else process.env.ALICLOUD_FEDERATION_ALLOW_INSECURE_ENDPOINT = optIn;
  try {
    runtimeSettings();
    return { warnings };
  } catch (e) {
    return { error: (e as Error).message, warnings };
  }
}

describe("no cleartext credentials", () => {
  it("accepts http:// for loopback only", () => {
    for (const ok of [
      "http://127.0.0.1:8099",
      "http://127.8.9.10:1",
      "http://localhost:8099",
      "http://[::1]:8099",
      "https://gateway.example.com",
      "https://10.0.0.5:8443",
    ])
      expect(settingsFor(ok), ok).toEqual({ warnings: [] });
    for (const bad of [
      "http://10.0.0.5:8080",
      "http://gateway.example.com",
      "http://[fe80::1]:80",
      "http://0.0.0.0:8080",
    ])
      expect(settingsFor(bad).error, bad).toBe(
        `endpoint: '${bad}' is http:// to a host that is not this machine: credentials, STS security tokens and client secrets would travel unencrypted. ` +
          "Use https://, or set alicloud-federation:allowInsecureEndpoint: true (or ALICLOUD_FEDERATION_ALLOW_INSECURE_ENDPOINT=true) if that network path is trusted",
      );
    expect([
      isLoopbackHost("LOCALHOST"),
      isLoopbackHost("127.0.0.1.example.com"),
      isLoopbackHost("::ffff:127.0.0.1"),
    ]).toEqual([true, false, true]);
  });

  it("the opt-in works, and warns at every run", () => {
    const first = settingsFor("http://10.0.0.7:8080", "true");
    expect(first.error).toBeUndefined();
    expect(first.warnings).toEqual([
      "endpoint 'http://10.0.0.7:8080' is http:// to another host (alicloud-federation:allowInsecureEndpoint): credentials, STS security tokens and client secrets travel unencrypted",
    ]);
    expect(settingsFor("http://10.0.0.7:8080", "no").error).toMatch(
      /is http:\/\/ to a host that is not this machine/,
    );
  });

  it("report --endpoint is held to the same rule", async () => {
    const { main } = await import("../../provider/cli");
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      delete process.env.ALICLOUD_FEDERATION_ALLOW_INSECURE_ENDPOINT;
      resetSettings();
      expect(await main(["report", "--endpoint", "http://203.0.113.9:8080"])).toBe(1);
    } finally {
      process.stderr.write = write;
    }
    expect(written.join("")).toMatch(
      /endpoint: 'http:\/\/203\.0\.113\.9:8080' is http:\/\/ to a host that is not this machine/,
    );
  });
});

describe("usage errors never quote file content", () => {
  it("report --state with a file that is not JSON names the file, not its text", () => {
    const file = path.join(tempDir("af-sec-"), "credentials");
    fs.writeFileSync(file, "[default]\naccess_key_secret = SuperSecretValue1234567890abcd\n");
    let message = "";
    try {
      parseArgs(["report", "--state", file]);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      `--state ${file}: not JSON; expected \`pulumi stack export\` output or a file backend's checkpoint`,
    );
    expect(message).not.toMatch(/default|access_key|SuperSecret/);
  });
});

describe("the error path keeps the service's message as data", () => {
  it("a create retried after a lost answer reports the service's own message, whole", async () => {
    const said = "the name is taken (request id looks-like-ours)";
    let n = 0;
    const err = await createOnce(
      { retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: 3 }, sleep: async () => {} },
      {
        create: async () => {
          n++;
          if (n === 1)
            throw new AlicloudApiError({
              action: "CreateX",
              status: 0,
              code: "NetworkError",
              message: "socket hang up",
              attempts: 1,
            });
          throw new AlicloudApiError({
            action: "CreateX",
            status: 400,
            code: "Invalid",
            message: said,
            attempts: 1,
          });
        },
        find: async () => undefined,
      },
    ).then(
      () => undefined,
      (e: unknown) => e as AlicloudApiError,
    );
    if (err === undefined) throw new Error("the create should have failed");
    expect(n).toBe(2);
    expect(AlicloudApiError.is(err)).toBe(true);
    expect([err.detail, err.attempts, err.message]).toEqual([
      said,
      2,
      `CreateX failed after 2 attempts: HTTP 400 Invalid: ${said}`,
    ]);
  });
});

describe("temporary files are created exclusively next to their target", () => {
  it("writeFileAtomic (client-config.json) never writes through a planted file or symlink", async () => {
    const dir = tempDir("af-atomic-");
    const target = path.join(dir, "client-config.json");
    const victim = path.join(dir, "victim");
    fs.writeFileSync(victim, "untouched");
    fs.symlinkSync(victim, `${target}.${process.pid}.tmp`);
    await writeFileAtomic(target, '{"a":1}\n', 0o644);
    await writeFileAtomic(target, '{"a":2}\n', 0o644);
    expect(fs.readFileSync(victim, "utf8")).toBe("untouched");
    expect(fs.readFileSync(target, "utf8")).toBe('{"a":2}\n');
    expect(fs.statSync(target).mode & 0o777).toBe(0o644);
    expect(fs.readdirSync(dir).sort()).toEqual([
      "client-config.json",
      `client-config.json.${process.pid}.tmp`,
      "victim",
    ]);
    // A missing directory fails cleanly, leaving nothing.
    await expect(writeFileAtomic(path.join(dir, "no", "x.json"), "{}", 0o600)).rejects.toThrow(/ENOENT/);
  });
});

describe("an endpoint with a password in it", () => {
  it("is refused without quoting it", () => {
    let message = "";
    try {
      parseEndpoint("https://admin:hunter2pass@127.0.0.1:9");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      "endpoint: must not hold a user name or password (user:password@); give the bare origin, e.g. https://127.0.0.1:9",
    );
    expect(() => parseEndpoint("http://user@127.0.0.1:9")).toThrow(/must not hold a user name/);
    expect(parseEndpoint("http://127.0.0.1:9")).toEqual({ protocol: "http", host: "127.0.0.1:9" });
  });
});

describe("an endpoint that fails for another reason", () => {
  it("never quotes its user info either", () => {
    for (const endpoint of [
      "ftp://admin:hunter2pass@h",
      "http://admin:hunter2pass@[bad",
      "admin:hunter2pass@h:99999",
      "https://user:hunter2pass/slash@emu.local:8443",
    ]) {
      let message = "";
      try {
        parseEndpoint(endpoint);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, endpoint).toMatch(/^endpoint: /);
      expect(message, endpoint).not.toContain("hunter2pass");
    }
  });
});
