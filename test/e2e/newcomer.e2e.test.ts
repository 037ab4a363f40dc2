/**
 * A newcomer's mistakes, each driven through the real engine on one stack of six resources (two
 * OIDC providers, four roles): every run-wide cause (no credentials, a wrong secret, an unknown key
 * id, an expired STS token, an unreachable endpoint, an account that cannot be determined) fails
 * the drift gate with the cause printed once, what to do, no stack trace, within 4 KB; the same
 * for up, refresh and destroy with one cause; a mistyped `alicloud-federation:*` key stops the run
 * before any call; preset and directory-file errors read like check errors.
 *
 * Live mode runs it against the account (names and issuers with the run's prefix, calls counted
 * only against an emulator of its own), but for the drift-gate causes: an expired STS token needs
 * the emulator's clock, an undeterminable account an injected fault.
 */
import * as path from "node:path";
import type { LocalWorkspace } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { emulatorOnly, LIVE, onEmulator } from "../target";
import { type EngineHarness, prefixConfig, startEngine } from "./engine";

vi.setConfig({ testTimeout: 180_000 });

const PROGRAM = path.join(__dirname, "programs", "newcomer");
const LIMIT = 4096;
/** The program's names: its own, or in live mode with the run's prefix. */
const PREFIX = prefixConfig("newcomer").prefix ?? "";
const LEGACY = `${PREFIX}newcomer-legacy`;
const CI3 = `${PREFIX}newcomer-ci-3`;
let h: EngineHarness;
// The emulator's clock, shifted to issue STS credentials that are already expired.
let shift = 0;

beforeAll(async () => {
  h = await startEngine({
    workDir: PROGRAM,
    stackName: "e2e-newcomer",
    config: prefixConfig("newcomer"),
    emulator: { clock: () => Date.now() + shift },
  });
  await h.stack.up();
}, 600_000);
afterAll(async () => {
  // The roles made by hand are no stack's: live mode removes them here, before the next file.
  if (LIVE && h)
    for (const name of [LEGACY, CI3]) {
      await h.emulator
        .console("ram", "DetachPolicyFromRole", {
          RoleName: name,
          PolicyType: "System",
          PolicyName: "AdministratorAccess",
        })
        .catch(() => undefined);
      await h.emulator.console("ram", "DeleteRole", { RoleName: name }).catch(() => undefined);
    }
  await h?.close();
});

type Command = "drift" | "up" | "refresh" | "destroy" | "preview";

/** Runs `command` with `env` changed (undefined: unset), and returns everything the CLI printed. */
async function attempt(
  command: Command,
  env: Record<string, string | undefined>,
): Promise<{ ok: boolean; text: string }> {
  const vars = (h.stack.workspace as LocalWorkspace).envVars;
  const saved = { ...vars };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete vars[k];
    else vars[k] = v;
  }
  const out: string[] = [];
  const onOutput = (s: string) => void out.push(s);
  try {
    if (command === "drift") await h.stack.preview({ refresh: true, expectNoChanges: true, onOutput });
    else if (command === "preview") await h.stack.preview({ onOutput });
    else if (command === "up") await h.stack.up({ onOutput });
    else if (command === "refresh") await h.stack.refresh({ onOutput });
    else await h.stack.destroy({ onOutput });
    return { ok: true, text: out.join("") };
  } catch (err) {
    const r = (err as { commandResult?: { stdout: string; stderr: string } }).commandResult;
    return { ok: false, text: r ? `${r.stdout}${r.stderr}` : `${out.join("")}${String(err)}` };
  } finally {
    for (const k of Object.keys(vars)) delete vars[k];
    Object.assign(vars, saved);
  }
}

const occurrences = (text: string, needle: string) => text.split(needle).length - 1;

/** The output's teeth: small, the cause once, what to do, no stack trace, no colour codes. */
function expectOneClearMessage(text: string, cause: string, todo: string[], times = 1) {
  // Measured with the program's own names: live mode's prefix (on names, and as the issuers' last
  // segment) adds 25-odd bytes to every mention that a user's output would not have.
  const own = PREFIX ? text.replaceAll(PREFIX, "").replaceAll(PREFIX.slice(0, -1), "") : text;
  expect(Buffer.byteLength(own), text).toBeLessThanOrEqual(LIMIT);
  expect(occurrences(text, cause), text).toBe(times);
  for (const t of todo) expect(text).toContain(t);
  expect(text).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are what is looked for.
  expect(text).not.toMatch(/\u001b\[/);
}

const NO_CHAIN = {
  ALIBABA_CLOUD_CLI_PROFILE_DISABLED: "true",
  ALIBABA_CLOUD_ECS_METADATA_DISABLED: "true",
  ALIBABA_CLOUD_CREDENTIALS_FILE: "/nonexistent/credentials",
};

it("the first refresh after up is quiet: no difference on unchanged resources", async () => {
  const r = await h.stack.refresh({ onOutput: () => undefined });
  // Six resources and the stack.
  expect(r.summary.resourceChanges).toEqual({ same: 7 });
});

emulatorOnly("the emulator's clock and an injected fault").test(
  "the drift gate prints each run-wide cause once, with what to do, in at most 4 KB",
  async () => {
    // Issued two hours ago for 15 minutes: expired now.
    shift = -2 * 3600_000;
    const stale = await h.emulator.issueStsCredentials({ durationSeconds: 900 }).finally(() => {
      shift = 0;
    });
    const cases: Array<[string, Record<string, string | undefined>, string, string[]]> = [
      [
        "missing credentials",
        { ...NO_CHAIN, ALIBABA_CLOUD_ACCESS_KEY_ID: undefined, ALIBABA_CLOUD_ACCESS_KEY_SECRET: undefined },
        "No Alibaba Cloud credentials were found.",
        ["ALIBABA_CLOUD_ACCESS_KEY_ID", "pulumi config set --secret alicloud-federation:accessKeySecret"],
      ],
      [
        "wrong secret",
        { ALIBABA_CLOUD_ACCESS_KEY_SECRET: "not-the-secret-of-this-key" },
        "the access key secret does not belong to access key id",
        ["Check the secret (ALIBABA_CLOUD_ACCESS_KEY_SECRET"],
      ],
      [
        "unknown key id",
        { ALIBABA_CLOUD_ACCESS_KEY_ID: "LTAI5tNoSuchKeyAnywhere" },
        "does not know access key id LTAI5tNoSuchKeyAnywhere",
        ["Check ALIBABA_CLOUD_ACCESS_KEY_ID or alicloud-federation:accessKeyId"],
      ],
      [
        "expired token",
        {
          ALIBABA_CLOUD_ACCESS_KEY_ID: stale.accessKeyId,
          ALIBABA_CLOUD_ACCESS_KEY_SECRET: stale.accessKeySecret,
          ALIBABA_CLOUD_SECURITY_TOKEN: stale.securityToken,
        },
        "The STS security token has expired",
        ["Get fresh STS credentials", "ALIBABA_CLOUD_SECURITY_TOKEN"],
      ],
      [
        "unreachable endpoint",
        { ALICLOUD_FEDERATION_ENDPOINT: "http://127.0.0.1:1" },
        "Could not reach http://127.0.0.1:1",
        [
          "comes from environment variable ALICLOUD_FEDERATION_ENDPOINT",
          "pulumi config rm alicloud-federation:endpoint",
        ],
      ],
    ];
    const sizes: Record<string, number> = {};
    for (const [name, env, cause, todo] of cases) {
      const { ok, text } = await attempt("drift", env);
      expect(ok, name).toBe(false);
      expectOneClearMessage(text, cause, todo);
      sizes[name] = Buffer.byteLength(text);
    }
    // The account cannot be determined: STS answers 503 for longer than the retries last.
    await h.emulator.injectFault({
      service: "sts",
      action: "GetCallerIdentity",
      kind: "server-error",
      count: 50,
    });
    const { ok, text } = await attempt("drift", {});
    await h.emulator.clearFaults();
    expect(ok).toBe(false);
    expectOneClearMessage(text, "The account of the credentials could not be determined", [
      "alicloud-federation:retry",
    ]);
    sizes["account unknown"] = Buffer.byteLength(text);
    process.stdout.write(`drift gate output bytes per cause: ${JSON.stringify(sizes)}\n`);
  },
);

it("up, refresh and destroy print a run-wide cause once too, and change nothing", async () => {
  const env = { ALIBABA_CLOUD_ACCESS_KEY_SECRET: "not-the-secret-of-this-key" };
  const cause = "the access key secret does not belong to access key id";
  // up has something to do: one more role.
  await h.stack.setConfig("roles", { value: "5" });
  await h.emulator.clearRequests();
  for (const command of ["up", "refresh", "destroy"] as const) {
    const { ok, text } = await attempt(command, env);
    expect(ok, command).toBe(false);
    expectOneClearMessage(text, cause, ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"]);
  }
  await h.stack.removeConfig("roles");
  // Refused at the account check, before any write: besides GetCallerIdentity, only the new role's
  // look-up at preview went out (beside the account's, as no allowedAccountIds is set), refused too.
  await onEmulator(async () => {
    const requests = await h.emulator.requests();
    expect(new Set(requests.map((r) => r.action))).toEqual(new Set(["GetCallerIdentity", "GetRole"]));
    expect(requests.filter((r) => r.status < 400)).toEqual([]);
  });
});

it("a mistyped alicloud-federation key stops the run before any call, naming the nearest key", async () => {
  await h.stack.setConfig("alicloud-federation:endpiont", { value: "http://127.0.0.1:1" });
  await h.emulator.clearRequests();
  const { ok, text } = await attempt("up", {});
  await h.stack.removeConfig("alicloud-federation:endpiont");
  expect(ok).toBe(false);
  expectOneClearMessage(text, "alicloud-federation:endpiont: did you mean alicloud-federation:endpoint?", [
    "pulumi config rm",
  ]);
  // Refused in the program, before any resource is registered: no call at all. (refresh and
  // destroy do not run the program: they use the config recorded at the last up, which was
  // checked then; the provider refuses unknown keys there too.)
  await onEmulator(async () => expect(await h.emulator.requests()).toEqual([]));
});

it("errors raised while the program runs are one clean message, each problem once, in line order", async () => {
  await h.stack.setConfig("mistake", { value: "directory" });
  const dir = await attempt("preview", {});
  await h.stack.setConfig("mistake", { value: "preset" });
  const preset = await attempt("preview", {});
  await h.stack.removeConfig("mistake");
  expect(dir.ok).toBe(false);
  expectOneClearMessage(dir.text, "line 4: externalId 'e1' is already used on line 2", ["correct them"]);
  const order = ["line 3:", "line 4:", "line 5:", "line 6:"].map((l) => dir.text.indexOf(l));
  expect(order).toEqual([...order].sort((a, b) => a - b));
  for (const l of ["line 3:", "line 5:", "line 6:"]) expect(occurrences(dir.text, l)).toBe(1);
  expect(dir.text).not.toContain("Running program");
  expect(preset.ok).toBe(false);
  expectOneClearMessage(preset.text, "repository: 'acme' must be owner/name", ["trustPresets.githubActions"]);
});

it("what the account can tell is told at preview: an unknown system policy, and an adoption's plan", async () => {
  await h.emulator.clearRequests();
  await h.stack.setConfig("policies", { value: JSON.stringify(["AliyunOSSReadOnly"]) });
  const typo = await attempt("preview", {});
  await h.stack.removeConfig("policies");
  expect(typo.ok).toBe(false);
  expectOneClearMessage(
    typo.text,
    "system policy 'AliyunOSSReadOnly' does not exist in RAM; the nearest names: AliyunOSSReadOnlyAccess",
    [],
    // A check failure: the engine prints it on the resource's row and again under Diagnostics.
    2,
  );
  // A role made by hand, holding AdministratorAccess, that the program adopts without it.
  const trust = {
    Version: "1",
    Statement: [
      {
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Principal: { RAM: [`acs:ram::${h.emulator.accountId}:root`] },
      },
    ],
  };
  await h.emulator.console("ram", "CreateRole", {
    RoleName: LEGACY,
    AssumeRolePolicyDocument: JSON.stringify(trust),
  });
  await h.emulator.console("ram", "AttachPolicyToRole", {
    RoleName: LEGACY,
    PolicyType: "System",
    PolicyName: "AdministratorAccess",
  });
  await h.stack.setConfig("adopt", { value: "true" });
  const adopt = await attempt("preview", {});
  await h.stack.removeConfig("adopt");
  expect(adopt.ok).toBe(false);
  for (const line of [
    `OidcRole '${LEGACY}' (adopt: true) takes over the existing role acs:ram::${h.emulator.accountId}:role/${LEGACY}; up will:`,
    "  - trust policy: rewritten",
    "  - attach System policy AliyunOSSReadOnlyAccess",
    "  - detach System policy AdministratorAccess (administrator-level)",
  ])
    expect(adopt.text).toContain(line);
  // A check failure too: on the row and under Diagnostics.
  expectOneClearMessage(
    adopt.text,
    "would detach AdministratorAccess",
    ["set `allowAdministratorDetach: true`"],
    2,
  );
  // Both found out by reading: nothing was written.
  await onEmulator(async () => {
    const writes = (await h.emulator.requests()).filter((r) => !r.console && !/^(Get|List)/.test(r.action));
    expect(writes.map((r) => r.action)).toEqual([]);
  });
});

it("a name another object already holds is told at preview, not at up", async () => {
  // A role made by hand under the name the program's next role would take.
  await h.emulator.console("ram", "CreateRole", {
    RoleName: CI3,
    AssumeRolePolicyDocument: JSON.stringify({
      Version: "1",
      Statement: [
        { Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: ["ecs.aliyuncs.com"] } },
      ],
    }),
  });
  await h.emulator.clearRequests();
  await h.stack.setConfig("roles", { value: "4" });
  const taken = await attempt("preview", {});
  await h.stack.removeConfig("roles");
  expect(taken.ok).toBe(false);
  expectOneClearMessage(
    taken.text,
    `the RAM role '${CI3}' (acs:ram::${h.emulator.accountId}:role/${CI3}) already exists in this account and is not managed by this stack.`,
    ["Choose another roleName, or set `adopt: true` to take it over"],
    // A check failure: on the resource's row and under Diagnostics.
    2,
  );
  // One look-up for the one new role; nothing written.
  await onEmulator(async () => {
    const calls = (await h.emulator.requests()).filter((r) => !r.console);
    expect(calls.filter((r) => r.action === "GetRole").map((r) => r.params.RoleName)).toEqual([CI3]);
    expect(calls.filter((r) => !/^(Get|List)/.test(r.action))).toEqual([]);
  });
});
