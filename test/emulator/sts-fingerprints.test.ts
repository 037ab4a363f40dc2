/**
 * The emulated STS's fingerprint rule (docs/alibaba-api.md §6.6, inferred from field evidence): a
 * pin passes when it is a certificate of the chain that verified the issuer's `jwks_uri` host,
 * from the presented intermediates up to and including the trust anchor; the leaf does not count.
 * Against an issuer that presents leaf + intermediate only, as GitHub does.
 */
import Ims, * as $Ims from "@alicloud/ims20190815";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import Ram, * as $Ram from "@alicloud/ram20150501";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Emulator, startEmulator, startTestIdp, type TestIdp } from "../../emulator";
import { buildOidcTrustPolicy } from "../../provider/trust/policy";
import { assumeRoleWithOidc } from "../stsWire";

const SUBJECT = "repo:acme/app:ref:refs/heads/main";
const MISMATCH = "AuthenticationFail.OIDCToken.PublicKeyFingerprintMismatch";
let emulator: Emulator;
let idp: TestIdp;
let rootPresenting: TestIdp;
let n = 0;

const cfg = () =>
  new $OpenApiUtil.Config({
    accessKeyId: emulator.accessKeyId,
    accessKeySecret: emulator.accessKeySecret,
    endpoint: emulator.endpoint,
    protocol: "http",
  });

/** A provider for `issuer` pinning `fingerprints`, a role trusting it, and one exchange. */
async function exchange(
  fingerprints: string[],
  from: TestIdp = idp,
): Promise<{ status: number; code?: string; message?: string }> {
  // An issuer URL is unique per account: one provider at a time.
  await emulator.reset();
  const name = `p${++n}`;
  const p = await new Ims(cfg()).createOIDCProvider(
    new $Ims.CreateOIDCProviderRequest({
      OIDCProviderName: name,
      issuerUrl: from.issuer,
      clientIds: "sts.aliyuncs.com",
      fingerprints: fingerprints.join(","),
    }),
  );
  const providerArn = p.body!.OIDCProvider!.arn!;
  const r = await new Ram(cfg()).createRole(
    new $Ram.CreateRoleRequest({
      roleName: name,
      assumeRolePolicyDocument: buildOidcTrustPolicy({ providerArn, audiences: ["sts.aliyuncs.com"] }),
    }),
  );
  const res = await assumeRoleWithOidc(emulator.url, {
    providerArn,
    roleArn: r.body!.role!.arn!,
    token: from.mintToken({ sub: SUBJECT }),
    sessionName: "ci",
  });
  const body = res.body as { Code?: string; Message?: string };
  return { status: res.status, code: body.Code, message: body.Message };
}

beforeAll(async () => {
  idp = await startTestIdp();
  rootPresenting = await startTestIdp({ presentRoot: true });
  emulator = await startEmulator({ trustedCertificates: [idp.rootCaPem, rootPresenting.rootCaPem] });
});
afterAll(async () => {
  await emulator.close();
  await idp.close();
  await rootPresenting.close();
});

describe("STS's fingerprint check against an issuer that does not send its root", () => {
  test("a pin on the root alone passes (what the console asks for)", async () => {
    expect(await exchange([idp.rootFingerprint])).toMatchObject({ status: 200 });
  });

  test("a pin on the intermediate alone passes (what the openssl how-to produces)", async () => {
    expect(await exchange([idp.intermediateFingerprint])).toMatchObject({ status: 200 });
  });

  test("a pin on the leaf, or on nothing in the chain, is refused naming the chain's certificates", async () => {
    const leaf = await exchange([idp.leafFingerprint]);
    expect(leaf).toMatchObject({ status: 400, code: MISMATCH });
    expect(leaf.message).toMatch(/^The https fingerprint of this discovery is invalid\./);
    expect(leaf.message).toContain(`intermediate ${idp.intermediateFingerprint}`);
    expect(leaf.message).toContain(`anchor ${idp.rootFingerprint}`);
    expect(leaf.message).not.toContain(idp.leafFingerprint);
    expect(await exchange(["a".repeat(40)])).toMatchObject({ status: 400, code: MISMATCH });
  });

  test("after an intermediate rotation the root pin still passes, the old intermediate pin is refused", async () => {
    const local = await startTestIdp();
    const em = await startEmulator({ trustedCertificates: [local.rootCaPem] });
    const saved = emulator;
    emulator = em;
    try {
      const oldIntermediate = local.intermediateFingerprint;
      const root = local.rootFingerprint;
      await local.rotateIntermediate();
      expect(local.rootFingerprint).toBe(root);
      expect(local.intermediateFingerprint).not.toBe(oldIntermediate);
      expect(await exchange([root], local)).toMatchObject({ status: 200 });
      expect(await exchange([oldIntermediate], local)).toMatchObject({ status: 400, code: MISMATCH });
      expect(await exchange([oldIntermediate, local.intermediateFingerprint], local)).toMatchObject({
        status: 200,
      });
    } finally {
      emulator = saved;
      await em.close();
      await local.close();
    }
  });
});

describe("an issuer that sends its root too", () => {
  test("root and intermediate pins pass, the leaf's does not", async () => {
    expect(await exchange([rootPresenting.rootFingerprint], rootPresenting)).toMatchObject({ status: 200 });
    expect(await exchange([rootPresenting.intermediateFingerprint], rootPresenting)).toMatchObject({
      status: 200,
    });
    expect(await exchange([rootPresenting.leafFingerprint], rootPresenting)).toMatchObject({
      code: MISMATCH,
    });
  });
});
