/**
 * The certificate-rotation drill through the real engine (README "Certificate rotation"): the test
 * IdP presents leaf + intermediate, as GitHub does; its intermediate rotates under the same root,
 * as GitHub's did on 2026-05-13. Credentials come through the official `@alicloud/credentials`
 * OIDC provider (a child process trusting the emulator's HTTPS listener, as a CI job would).
 *
 * 1. Pinned the recommended way (fingerprints omitted: anchor + current intermediate): after the
 *    rotation credentials keep coming, `preview --refresh` plans the new intermediate as a
 *    fingerprint change of the provider and nothing else, and `up` adds it (then drops the old).
 * 2. Pinned to the current intermediate only: preview warns beforehand that no pin is the anchor;
 *    after the next rotation STS refuses with PublicKeyFingerprintMismatch, as the service did, and
 *    preview fails naming the stale pin.
 * One stack and one emulator serve both variants, to keep engine runs few.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestIdp, type TestIdp } from "../../emulator";
import { changeRecorder, type EngineHarness, outputSink, startEngine, writeCalls } from "./engine";

const run = promisify(execFile);
const PROGRAM = path.join(__dirname, "programs", "rotation");
const SUBJECT = "repo:acme/app:ref:refs/heads/main";
const MISMATCH = "AuthenticationFail.OIDCToken.PublicKeyFingerprintMismatch";

let idp: TestIdp;
let h: EngineHarness;
let dir: string;
let caFile: string;
let arns: { roleArn: string; oidcProviderArn: string };

/** What a CI job gets from `@alicloud/credentials` with a fresh token: an STS key, or the refusal. */
async function credentials(): Promise<{ accessKeyId?: string; code?: string; message?: string }> {
  const tokenFile = path.join(dir, `token-${Date.now()}`);
  fs.writeFileSync(tokenFile, idp.mintToken({ sub: SUBJECT }));
  const input = {
    oidc: {
      roleArn: arns.roleArn,
      oidcProviderArn: arns.oidcProviderArn,
      oidcTokenFilePath: tokenFile,
      roleSessionName: "github-actions",
      stsEndpoint: h.emulator.httpsEndpoint,
    },
  };
  const { stdout } = await run(
    process.execPath,
    [path.join(__dirname, "..", "sts", "credentials-child.cjs"), JSON.stringify(input)],
    {
      cwd: path.join(__dirname, "..", ".."),
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
      timeout: 30_000,
    },
  );
  const out = JSON.parse(stdout.trim()) as { credential?: { accessKeyId: string }; error?: string };
  if (out.credential) return { accessKeyId: out.credential.accessKeyId };
  const body = /get sts token failed with OIDC: (\{.*\})$/s.exec(out.error ?? "")?.[1];
  const err = body ? (JSON.parse(body) as { Code: string; Message: string }) : undefined;
  return { code: err?.Code ?? out.error, message: err?.Message };
}

async function liveFingerprints(): Promise<string[]> {
  const body = (await h.emulator.console("ims", "GetOIDCProvider", { OIDCProviderName: "ci" })) as {
    OIDCProvider: { Fingerprints: string };
  };
  return body.OIDCProvider.Fingerprints.split(",").sort();
}

/** The engine's own resources (the stack, the dynamic provider) are not the program's. */
const ours = (changes: string[]) => changes.filter((c) => /^(idp|deployer):/.test(c));

/**
 * `preview --refresh`: its plan (as the engine's events say), its output, the warnings the engine
 * reported, and the provider's planned pins. (With `diff`, the engine's display leaves out
 * warnings that name no resource, as a provider's `check` cannot; its events still carry them.)
 */
async function previewRefresh(diff = false) {
  const rec = changeRecorder();
  const sink = outputSink();
  const pins: string[][] = [];
  const warnings: string[] = [];
  const res = await h.stack.preview({
    refresh: true,
    diff,
    onOutput: sink.onOutput,
    onEvent: (e) => {
      rec.onEvent(e);
      if (e.diagnosticEvent?.severity === "warning") warnings.push(e.diagnosticEvent.message);
      const m = e.resourcePreEvent?.metadata;
      if (m?.urn.endsWith("::idp") && m.op === "update") pins.push(m.new?.inputs?.fingerprints as string[]);
    },
  });
  return { res, planned: ours(rec.planned()), output: sink.lines.join(""), pins, warnings };
}

async function up() {
  const rec = changeRecorder();
  const sink = outputSink();
  const res = await h.stack.up({ onOutput: sink.onOutput, onEvent: rec.onEvent });
  return { res, executed: ours(rec.executed()), output: sink.lines.join("") };
}

beforeAll(async () => {
  idp = await startTestIdp();
  h = await startEngine({
    workDir: PROGRAM,
    stackName: "rotation",
    config: { issuerUrl: idp.issuer },
    emulator: { https: true, trustedCertificates: [idp.rootCaPem] },
  });
  // The provider discovers the chain from this machine: it trusts the IdP's root like STS does.
  await h.stack.setConfig("alicloud-federation:caCertificates", { value: idp.rootCaPem });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "af-rotation-"));
  caFile = path.join(dir, "emulator-ca.pem");
  fs.writeFileSync(caFile, h.emulator.httpsCaPem!);
}, 600_000);
afterAll(async () => {
  await h?.close();
  await idp?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it("pinned the recommended way: an intermediate rotation keeps credentials coming, preview --refresh shows the new intermediate, up adds it", async () => {
  const first = await up();
  expect(first.executed).toEqual(["deployer:create", "idp:create"]);
  expect(first.output).not.toMatch(/warning/i);
  arns = {
    roleArn: first.res.outputs.roleArn!.value,
    oidcProviderArn: first.res.outputs.oidcProviderArn!.value,
  };
  const oldIntermediate = idp.intermediateFingerprint;
  expect(await liveFingerprints()).toEqual([idp.rootFingerprint, oldIntermediate].sort());
  expect((await credentials()).accessKeyId).toMatch(/^STS\./);

  await idp.rotateIntermediate();
  // The anchor pin carries logins across the rotation.
  expect((await credentials()).accessKeyId).toMatch(/^STS\./);

  const preview = await previewRefresh(true);
  expect(preview.planned).toEqual(["idp:update"]);
  expect(preview.warnings).toEqual([]);
  expect(preview.pins).toEqual([[idp.rootFingerprint, idp.intermediateFingerprint].sort()]);
  expect(preview.output).toContain(idp.intermediateFingerprint);
  expect(preview.output).not.toMatch(/error/i);

  await h.emulator.clearRequests();
  const applied = await up();
  expect(applied.executed).toEqual(["idp:update"]);
  expect(await writeCalls(h.emulator)).toEqual([
    "AddFingerprintToOIDCProvider",
    "RemoveFingerprintFromOIDCProvider",
  ]);
  expect(await liveFingerprints()).toEqual([idp.rootFingerprint, idp.intermediateFingerprint].sort());
  expect(await liveFingerprints()).not.toContain(oldIntermediate);
}, 600_000);

it("pinned to the intermediate only: preview warns beforehand; after the rotation STS refuses with PublicKeyFingerprintMismatch and preview fails naming the pin", async () => {
  const pinned = idp.intermediateFingerprint;
  await h.stack.setConfig("fingerprints", { value: JSON.stringify([pinned]) });
  const warned = await previewRefresh();
  expect(warned.planned).toEqual(["idp:update"]);
  expect(warned.warnings).toHaveLength(1);
  expect(warned.warnings[0]).toContain(
    `OidcProvider 'ci' (${idp.issuer}): no pinned fingerprint is the trust anchor`,
  );
  expect(warned.output).toContain("no pinned fingerprint is the trust anchor of the live chain");
  expect(warned.output).toContain(
    "one intermediate rotation away from failing with PublicKeyFingerprintMismatch",
  );
  expect(warned.output).toContain(`Add the anchor ${idp.rootFingerprint}`);
  // up shows the same warning (its own preview), then applies the pin as declared.
  expect((await up()).output).toContain("no pinned fingerprint is the trust anchor");
  expect(await liveFingerprints()).toEqual([pinned]);

  await idp.rotateIntermediate();
  const refused = await credentials();
  expect(refused.code).toBe(MISMATCH);
  expect(refused.message).toContain(`anchor ${idp.rootFingerprint}`);

  const failed = await previewRefresh().catch((e: Error) => e);
  expect(failed).toBeInstanceOf(Error);
  const text = String((failed as Error).message);
  expect(text).toContain("none of the pinned ones is a certificate of the chain");
  expect(text).toContain(`${pinned} (not a certificate of the live chain)`);
  expect(text).toContain(`Pin ${idp.rootFingerprint}, ${idp.intermediateFingerprint}`);
}, 600_000);
