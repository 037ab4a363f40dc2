/**
 * Every emulated action, driven through the official SDKs' typed methods: the Python SDKs for IMS,
 * RAM, STS and EIAM (one driver process for the whole run) and the Node SDKs for IMS, RAM and STS.
 * Each answer must parse into the SDK's response model with no field the model lacks, no model
 * field missing and no value of another type, except the differences listed (with their reasons)
 * in model-differences.json; that list must be exact, so a fixed difference fails until removed.
 * The steps are the live-mode scenario (test/live/scenario.ts): the same calls the snapshots record.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Emulator, startEmulator, startTestIdp, type TestIdp } from "../../emulator";
import { type Step, scenario } from "../live/scenario";
import { rawTransport } from "../live/target";
import { PythonDriver } from "./helpers";
import { type ModelDiff, nodeSdk } from "./nodeSdk";

interface Listed {
  reason: string;
  extra?: string[];
  missing?: string[];
  type?: string[];
}
const LISTED = JSON.parse(readFileSync(join(__dirname, "model-differences.json"), "utf8")) as {
  python: Record<string, Listed>;
  node: Record<string, Listed>;
};

let emulator: Emulator;
let python: PythonDriver;
let idp: TestIdp;
beforeAll(async () => {
  // The IdP lets AssumeRoleWithOIDC answer (the scenario can only probe its refusals: a live run
  // has no token); STS fetches its discovery over HTTPS, trusting its root.
  idp = await startTestIdp();
  emulator = await startEmulator({ trustedCertificates: [idp.rootCaPem] });
  python = new PythonDriver();
  await python.configure(emulator);
});
afterAll(async () => {
  await python?.close();
  await emulator?.close();
  await idp?.close();
});

const raw = () =>
  rawTransport({
    endpoint: emulator.url,
    accessKeyId: emulator.accessKeyId,
    accessKeySecret: emulator.accessKeySecret,
    securityToken: undefined,
    allowedAccounts: [],
    eiamInstanceId: emulator.eiamInstanceId,
    eiamRegion: "cn-hangzhou",
  });

type Outcome = { failures: string[]; diffs: Record<string, ModelDiff>; driven: string[] };

/** Runs the scenario; `sdk` drives a step when it can, the raw client otherwise. */
async function drive(
  prefix: string,
  sdk: (
    s: Step,
  ) => Promise<
    | { ok: boolean; body?: Record<string, unknown>; model?: ModelDiff; error?: string; code?: string }
    | undefined
  >,
): Promise<Outcome> {
  const call = raw();
  const out: Outcome = { failures: [], diffs: {}, driven: [] };
  const steps = scenario({ prefix, eiamInstanceId: emulator.eiamInstanceId, accountId: emulator.accountId });
  for (const step of steps) {
    const viaSdk = step.sdk === false ? undefined : await sdk(step);
    const answer = viaSdk ?? (await call(step.product, step.action, step.params()));
    if (viaSdk) out.driven.push(step.id);
    const ok = answer.ok;
    if (ok === Boolean(step.expectError)) {
      out.failures.push(
        `${step.id}: ${ok ? "answered, a refusal was expected" : JSON.stringify(answer).slice(0, 400)}`,
      );
      continue;
    }
    if (!ok) continue;
    const body = (answer as { body: Record<string, unknown> }).body;
    step.after?.(body);
    const model = viaSdk?.model;
    if (model && (model.extra.length || model.missing.length || model.type.length)) {
      out.diffs[step.id.replace(/#.*$/, "")] = model;
    }
  }
  return out;
}

/** A successful AssumeRoleWithOIDC is checked outside the scenario (a live run has no token). */
const OUTSIDE = "sts.AssumeRoleWithOIDC";

/** The listed differences in the shape the run reports them. */
function listed(list: Record<string, Listed>, only?: string): Record<string, ModelDiff> {
  const out: Record<string, ModelDiff> = {};
  for (const [id, l] of Object.entries(list)) {
    if (only ? id !== only : id === OUTSIDE) continue;
    out[id] = { extra: l.extra ?? [], missing: l.missing ?? [], type: l.type ?? [] };
  }
  return out;
}

describe("every answer parses into its official SDK model", () => {
  test("Python SDKs (IMS, RAM, STS, EIAM)", async () => {
    const run = await drive("py-", async (s) => {
      const a = await python.request({
        op: "call",
        product: s.product,
        action: s.action,
        params: s.params(),
      });
      return a.ok
        ? { ok: true, body: a.body ?? {}, model: a.model }
        : { ok: false, error: a.error, code: a.code };
    });
    expect(run.failures).toEqual([]);
    expect(run.driven.length).toBeGreaterThan(90);
    expect(run.diffs).toEqual(listed(LISTED.python));
  });

  test("Node SDKs (IMS, RAM, STS; EIAM has none on the npm registry)", async () => {
    const call = nodeSdk(emulator);
    const run = await drive("node-", async (s) =>
      s.product === "eiam" ? undefined : call(s.product, s.action, s.params()),
    );
    expect(run.failures).toEqual([]);
    expect(run.driven.length).toBeGreaterThan(45);
    expect(run.diffs).toEqual(listed(LISTED.node));
  });
});

test("AssumeRoleWithOIDC's answer parses into the STS models of both SDKs, except the differences listed", async () => {
  const call = raw();
  await call("ims", "CreateOIDCProvider", {
    OIDCProviderName: "models-idp",
    IssuerUrl: idp.issuer,
    Fingerprints: idp.rootFingerprint,
    ClientIds: "sts.aliyuncs.com",
  });
  const providerArn = `acs:ram::${emulator.accountId}:oidc-provider/models-idp`;
  await call("ram", "CreateRole", {
    RoleName: "models-oidc",
    AssumeRolePolicyDocument: JSON.stringify({
      Version: "1",
      Statement: [
        {
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Principal: { Federated: [providerArn] },
          Condition: { StringEquals: { "oidc:aud": "sts.aliyuncs.com" } },
        },
      ],
    }),
  });
  const params = () => ({
    OIDCProviderArn: providerArn,
    RoleArn: `acs:ram::${emulator.accountId}:role/models-oidc`,
    OIDCToken: idp.mintToken({ sub: "repo:o/r:ref:refs/heads/main", aud: "sts.aliyuncs.com" }),
    RoleSessionName: "models",
  });
  const py = await python.request({
    op: "call",
    product: "sts",
    action: "AssumeRoleWithOIDC",
    params: params(),
  });
  const node = await nodeSdk(emulator)("sts", "AssumeRoleWithOIDC", params());
  expect({ python: py.ok && py.model, node: node.ok && node.model }).toEqual({
    python: listed(LISTED.python, OUTSIDE)[OUTSIDE],
    node: listed(LISTED.node, OUTSIDE)[OUTSIDE],
  });
  // The answer is the real thing: credentials and the assumed role, which the models name.
  expect(py.body?.Credentials).toEqual(expect.objectContaining({ AccessKeyId: expect.any(String) }));
});
