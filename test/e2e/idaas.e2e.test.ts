/**
 * examples/idaas-m2m under the real engine, proven with the official Python
 * `cloud-idaas-core` SDK: the example comes up, a second up changes nothing,
 * and the SDK, reading each generated client-config.json, gets an M2M token
 * from the emulator's instance over HTTPS with CLIENT_SECRET_POST,
 * PRIVATE_KEY_JWT and the OIDC federated credential (a Kubernetes-style token
 * file). A config missing what the SDK needs fails at preview, naming it. No
 * secret is in the state file or in any generated config.
 */
import { execFile, execFileSync } from "node:child_process";
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestIdp, type TestIdp } from "../../emulator";
import { SECRET_SIG, SECRET_SIG_KEY } from "../../provider/secretWire";
import { REPO_ROOT } from "../../scripts/engine";
import { changeRecorder, type EngineHarness, outputSink, startEngine } from "./engine";

// Each engine run takes seconds, more on a busy machine.
vi.setConfig({ testTimeout: 180_000 });

const EXAMPLE = path.join(REPO_ROOT, "examples", "idaas-m2m");
const PROGRAM = path.join(REPO_ROOT, "test", "e2e", "programs", "idaas-config");

let idp: TestIdp;
let h: EngineHarness;
let dir: string;
let python: string;
let caFile: string;
const batch = generateKeyPairSync("rsa", { modulusLength: 2048 });
const batchPrivatePem = batch.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const batchPublicPem = createPublicKey(batch.privateKey).export({ type: "spki", format: "pem" }).toString();

beforeAll(async () => {
  python = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "idaas-python.sh")], { encoding: "utf8" })
    .trim()
    .split("\n")
    .at(-1)!;
  idp = await startTestIdp();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "af-idaas-"));
  h = await startEngine({
    workDir: EXAMPLE,
    stackName: "e2e-idaas",
    emulator: { https: true, trustedCertificates: [idp.rootCaPem] },
  });
  await h.stack.setAllConfig({
    instanceId: { value: h.emulator.eiamInstanceId },
    k8sIssuer: { value: idp.issuer },
    k8sJwksUri: { value: `${idp.issuer}/jwks` },
    batchPublicKey: { value: batchPublicPem },
    configDir: { value: path.join(dir, "configs") },
  });
  caFile = path.join(dir, "emulator-ca.pem");
  fs.writeFileSync(caFile, h.emulator.httpsCaPem ?? "");
}, 600_000);

afterAll(async () => {
  await h?.close();
  await idp?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface SdkResult {
  ok: boolean;
  error?: string;
  token_type?: string;
  expires_in?: number;
  claims?: Record<string, unknown>;
}

/**
 * Runs the official SDK with `configPath` and `env`, as the workload would. Asynchronously: the
 * emulator answering it lives in this process.
 */
function sdkToken(configPath: string, env: Record<string, string>): Promise<SdkResult> {
  const script = path.join(REPO_ROOT, "tools", "idaas-python", "get_token.py");
  const childEnv = {
    PATH: process.env.PATH ?? "",
    HOME: dir,
    CLOUD_IDAAS_CONFIG_PATH: configPath,
    SSL_CERT_FILE: caFile,
    ...env,
  };
  return new Promise((resolve, reject) => {
    execFile(
      python,
      [script],
      { encoding: "utf8", timeout: 60_000, env: childEnv },
      (err, stdout, stderr) => {
        const line = stdout.trim().split("\n").at(-1) ?? "";
        try {
          resolve(JSON.parse(line) as SdkResult);
        } catch {
          reject(new Error(`SDK run printed no result (${err?.message ?? "exit 0"}):\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

const configPath = (name: string) => path.join(dir, "configs", name, "client-config.json");
let reportingSecret = "";

describe("examples/idaas-m2m", () => {
  it("ups the example; no secret in state or in any client config", async () => {
    const sink = outputSink();
    const res = await h.stack.up({ onOutput: sink.onOutput });
    // stack + 3 apps + resource server + provider + credential + secret + public key + 3 configs
    expect(res.summary.resourceChanges).toEqual({ create: 12 });
    expect(res.outputs.reportingClientSecret?.secret).toBe(true);
    reportingSecret = String(res.outputs.reportingClientSecret?.value);
    expect(reportingSecret.length).toBeGreaterThanOrEqual(32);
    expect(h.stateFile()).not.toContain(reportingSecret);
    expect(sink.lines.join("")).not.toContain(reportingSecret);
    for (const name of ["orders-worker", "reporting", "batch"]) {
      const text = fs.readFileSync(configPath(name), "utf8");
      expect(text).not.toContain(reportingSecret);
      expect(text).not.toContain("PRIVATE KEY");
      expect(JSON.parse(text).tokenEndpoint).toBe(
        `https://${h.emulator.httpsEndpoint}/api/v2/iauths_system/oauth2/token`,
      );
    }
    expect(res.outputs.expectedWorkerSubject?.value).toBe("system:serviceaccount:orders:worker");
  });

  it("shows no diff on a second up", async () => {
    const res = await h.stack.up({ refresh: true });
    expect(res.summary.resourceChanges).toEqual({ same: 12 });
  });

  it("IDaaS drift (a client and the resource server's grants disabled in the console): preview plans exactly what up changes", async () => {
    const resources = JSON.parse(h.stateFile()).checkpoint.latest.resources as Array<{
      urn: string;
      outputs: { applicationId?: string };
    }>;
    const idOf = (name: string) => resources.find((r) => r.urn.endsWith(`::${name}`))?.outputs.applicationId;
    const instance = { InstanceId: h.emulator.eiamInstanceId };
    await h.emulator.console("eiam", "DisableApplicationM2MClient", {
      ...instance,
      ApplicationId: idOf("reporting") ?? "",
    });
    await h.emulator.console("eiam", "DisableApplicationResourceServer", {
      ...instance,
      ApplicationId: idOf("orders-api") ?? "",
    });
    const plan = changeRecorder();
    await h.stack.preview({ refresh: true, onEvent: plan.onEvent });
    const run = changeRecorder();
    await h.stack.up({ refresh: true, onEvent: run.onEvent });
    // Not the secret, the grants' clients or the client configs that use their ids.
    expect(plan.planned()).toEqual(["orders-api:update", "reporting:update"]);
    expect(run.executed()).toEqual(plan.planned());
  }, 180_000);

  it("the official SDK gets a token with CLIENT_SECRET_POST", async () => {
    const out = await sdkToken(configPath("reporting"), { REPORTING_CLIENT_SECRET: reportingSecret });
    expect(out.error).toBeUndefined();
    expect(out.ok).toBe(true);
    expect(out.claims).toMatchObject({ aud: "api://orders", scope: "orders:read" });
    // Without the secret in its environment variable the SDK cannot authenticate.
    expect((await sdkToken(configPath("reporting"), {})).ok).toBe(false);
  });

  it("the official SDK gets a token with PRIVATE_KEY_JWT", async () => {
    const out = await sdkToken(configPath("batch"), { BATCH_PRIVATE_KEY: batchPrivatePem });
    expect(out.error).toBeUndefined();
    expect(out.claims).toMatchObject({ aud: "api://orders", scope: "orders:read" });
    // Another key is refused.
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    expect((await sdkToken(configPath("batch"), { BATCH_PRIVATE_KEY: other })).ok).toBe(false);
  });

  it("the official SDK gets a token with the OIDC federated credential (a Kubernetes token file)", async () => {
    const tokenFile = path.join(dir, "sa-token");
    const mint = (sub: string) =>
      idp.mintToken({
        sub,
        aud: "idaas",
        "kubernetes.io": { namespace: "orders", serviceaccount: { name: sub.split(":").at(-1) } },
      });
    fs.writeFileSync(tokenFile, mint("system:serviceaccount:orders:worker"));
    const out = await sdkToken(configPath("orders-worker"), { ALIBABA_CLOUD_OIDC_TOKEN_FILE: tokenFile });
    expect(out.error).toBeUndefined();
    expect(out.claims).toMatchObject({ aud: "api://orders" });
    expect(String(out.claims?.scope).split(" ").sort()).toEqual(["orders:read", "orders:write"]);
    // Another service account of the same cluster is not trusted.
    fs.writeFileSync(tokenFile, mint("system:serviceaccount:orders:intruder"));
    const refused = await sdkToken(configPath("orders-worker"), { ALIBABA_CLOUD_OIDC_TOKEN_FILE: tokenFile });
    expect(refused.ok).toBe(false);
  });
});

describe("IdaasClientConfig at preview", () => {
  let p: EngineHarness;
  beforeAll(async () => {
    p = await startEngine({ workDir: PROGRAM, stackName: "e2e-idaas-config" });
  }, 600_000);
  afterAll(async () => {
    await p?.close();
  });

  it("a config missing a field the SDK needs fails at preview with a message naming it", async () => {
    await p.stack.setConfig("args", {
      value: JSON.stringify({
        instanceId: p.emulator.eiamInstanceId,
        clientId: "app_x",
        scope: "api://orders|orders:read",
        authnMethod: "OIDC",
        clientDeployEnvironment: "KUBERNETES",
      }),
    });
    const sink = outputSink();
    const err = await p.stack.preview({ onOutput: sink.onOutput }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toBeDefined();
    const text = `${err?.message}\n${sink.lines.join("")}`;
    expect(text).toContain("applicationFederatedCredentialName");
    expect(text).toContain("ApplicationFederatedCredentialNameNotFound");
    // Nothing was called: the failure is the check's.
    expect(await p.emulator.requests()).toEqual([]);
  });

  it("the README example (no path) is created with no file; outputs derived from a secret argument are secret", async () => {
    await p.stack.setConfig("args", {
      value: JSON.stringify({
        instanceId: p.emulator.eiamInstanceId,
        clientId: "app_confidentialclientid",
        scope: "api://orders|orders:read",
        authnMethod: "OIDC",
        clientDeployEnvironment: "KUBERNETES",
        applicationFederatedCredentialName: "orders-worker-sa",
      }),
    });
    await p.stack.setConfig("secretFields", { value: JSON.stringify(["clientId"]) });
    const res = await p.stack.up();
    expect(
      fs
        .readdirSync(PROGRAM)
        .filter((f) => f.endsWith(".json") && f !== "package.json" && f !== "tsconfig.json"),
    ).toEqual([]);
    expect(res.summary.resourceChanges).toEqual({ create: 2 });
    expect(res.outputs.json?.secret).toBe(true);
    expect(String(res.outputs.json?.value)).toContain('"clientId": "app_confidentialclientid"');
    // Encrypted in state: the secret input, and every output derived from it.
    const state = JSON.parse(p.stateFile()) as {
      checkpoint: {
        latest: {
          resources: Array<{
            type: string;
            inputs: Record<string, unknown>;
            outputs: Record<string, unknown>;
          }>;
        };
      };
    };
    const r = state.checkpoint.latest.resources.find((x) => x.type.endsWith(":IdaasClientConfig"));
    for (const v of [r?.inputs.clientId, r?.outputs.json, r?.outputs.config, r?.outputs.spec])
      expect(v).toMatchObject({
        [SECRET_SIG_KEY]: SECRET_SIG,
        ciphertext: expect.any(String),
      });
    expect(JSON.stringify(r?.outputs)).not.toContain("app_confidentialclientid");
    await p.stack.destroy();
  });

  it("a Pulumi secret given where an environment-variable name belongs fails at preview, by what it is", async () => {
    await p.stack.setConfig("args", {
      value: JSON.stringify({
        instanceId: p.emulator.eiamInstanceId,
        clientId: "app_x",
        scope: "api://orders|orders:read",
        authnMethod: "CLIENT_SECRET_POST",
        // Shaped like a name: only its being a secret gives it away.
        clientSecretEnvVarName: "LOOKS_LIKE_A_NAME",
      }),
    });
    await p.stack.setConfig("secretFields", { value: JSON.stringify(["clientSecretEnvVarName"]) });
    const sink = outputSink();
    const err = await p.stack.preview({ onOutput: sink.onOutput }).then(
      () => undefined,
      (e: Error) => e,
    );
    const text = `${err?.message}\n${sink.lines.join("")}`;
    expect(text).toContain("clientSecretEnvVarName: is a Pulumi secret");
    expect(text).not.toContain("LOOKS_LIKE_A_NAME");
  });
});
