/**
 * The differential test through the wire: random trust policies are stored with RAM's CreateRole /
 * UpdateRole and random tokens presented to AssumeRoleWithOIDC with the official STS SDK; the
 * emulated STS must decide as the library's `evaluateTrust` does (same decision, same reason
 * class). The 10,000-case property test calls the emulator's evaluator directly
 * (test/unit/trust-differential.test.ts); this slice proves that evaluator is what STS uses.
 */
import Ims, * as $Ims from "@alicloud/ims20190815";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import Ram, * as $Ram from "@alicloud/ram20150501";
import Sts, * as $Sts from "@alicloud/sts20150401";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Emulator, startEmulator, startTestIdp, type TestIdp } from "../../emulator";
import { type DecisionClass, libraryDecision, PROVIDER, randomCase, seeded } from "../../scripts/trustCases";

const CLIENT_ID = "sts.aliyuncs.com";
let emulator: Emulator;
let idp: TestIdp;
let providerArn: string;
let roleArn: string;
let ram: Ram;
let sts: Sts;

const config = (e: Emulator) =>
  new $OpenApiUtil.Config({
    accessKeyId: e.accessKeyId,
    accessKeySecret: e.accessKeySecret,
    endpoint: e.endpoint,
    protocol: "http",
  });

beforeAll(async () => {
  idp = await startTestIdp();
  emulator = await startEmulator({ trustedCertificates: [idp.rootCaPem] });
  const ims = new Ims(config(emulator));
  ram = new Ram(config(emulator));
  sts = new Sts(new $OpenApiUtil.Config({ endpoint: emulator.endpoint, protocol: "http" }));
  const created = await ims.createOIDCProvider(
    new $Ims.CreateOIDCProviderRequest({
      OIDCProviderName: "ci",
      issuerUrl: idp.issuer,
      clientIds: CLIENT_ID,
      fingerprints: idp.rootFingerprint,
    }),
  );
  providerArn = created.body!.OIDCProvider!.arn!;
  const role = await ram.createRole(
    new $Ram.CreateRoleRequest({
      roleName: "differential",
      assumeRolePolicyDocument: JSON.stringify({
        Version: "1",
        Statement: [{ Effect: "Deny", Action: "sts:AssumeRole", Principal: { Federated: providerArn } }],
      }),
    }),
  );
  roleArn = role.body!.role!.arn!;
});
afterAll(async () => {
  await emulator.close();
  await idp.close();
});

/** What the emulated RAM and STS decide for this policy and these claims. */
async function throughSts(policy: string, claims: Record<string, unknown>): Promise<DecisionClass> {
  try {
    await ram.updateRole(
      new $Ram.UpdateRoleRequest({ roleName: "differential", newAssumeRolePolicyDocument: policy }),
    );
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "MalformedPolicyDocument") return "malformed";
    throw e;
  }
  try {
    await sts.assumeRoleWithOIDC(
      new $Sts.AssumeRoleWithOIDCRequest({
        OIDCProviderArn: providerArn,
        roleArn,
        OIDCToken: idp.mintToken(claims as { sub: string }),
        roleSessionName: "diff",
      }),
    );
    return "allow";
  } catch (e) {
    const err = e as {
      code?: string;
      message?: string;
      data?: { AccessDeniedDetail?: { NoPermissionType?: string } };
    };
    expect(err.code, err.message).toBe("NoPermission");
    if (err.data?.AccessDeniedDetail?.NoPermissionType === "ExplicitDeny") return "explicit-deny";
    return /cannot decide/.test(err.message ?? "") ? "undetermined" : "implicit-deny";
  }
}

describe("the emulated STS decides as evaluateTrust does", () => {
  test("45 random live cases (fixed seed): same decision, same reason class", {
    timeout: 120_000,
  }, async () => {
    const pick = seeded(424242);
    const seen = new Map<DecisionClass, number>();
    for (let i = 0; i < 45; i++) {
      const c = randomCase(pick, idp.issuer, CLIENT_ID, true);
      const policy = c.policy.split(PROVIDER).join(providerArn);
      if (policy.length > 6144) continue;
      const expected = libraryDecision({ policy, claims: c.claims }, providerArn);
      seen.set(expected, (seen.get(expected) ?? 0) + 1);
      expect(await throughSts(policy, c.claims), `${policy} with ${JSON.stringify(c.claims)}`).toBe(expected);
    }
    for (const cls of ["allow", "explicit-deny", "implicit-deny", "undetermined", "malformed"] as const)
      expect(seen.get(cls) ?? 0, cls).toBeGreaterThan(0);
  });

  test("a Deny keyed or operated by a name every object inherits never lets STS issue credentials", async () => {
    const sub = "repo:acme/app:ref:refs/heads/main";
    const allow = `{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Federated":"${providerArn}"},"Condition":{"StringEquals":{"oidc:sub":"${sub}"}}}`;
    const deny = (cond: string) =>
      `{"Effect":"Deny","Action":"sts:AssumeRole","Principal":{"Federated":"${providerArn}"},"Condition":${cond}}`;
    for (const name of ["constructor", "__proto__", "toString"])
      for (const cond of [`{"StringEquals":{"${name}":"x"}}`, `{"${name}":{"oidc:sub":"x"}}`]) {
        // Text, not an object literal: `__proto__` must stay a key.
        const policy = `{"Version":"1","Statement":[${allow},${deny(cond)}]}`;
        expect(
          libraryDecision({ policy, claims: { iss: idp.issuer, aud: CLIENT_ID, sub } }, providerArn),
          policy,
        ).toBe("undetermined");
        expect(await throughSts(policy, { sub }), policy).toBe("undetermined");
      }
  });

  test("an undecidable policy is refused by STS, and reported undetermined by evaluateTrust", async () => {
    const policy = JSON.stringify({
      Version: "1",
      Statement: [
        {
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Principal: { Federated: providerArn },
          Condition: { StringEqualsIfExists: { "oidc:sub": "repo:acme/app:ref:refs/heads/main" } },
        },
      ],
    });
    const claims = { sub: "repo:acme/app:ref:refs/heads/main" };
    expect(
      libraryDecision({ policy, claims: { iss: idp.issuer, aud: CLIENT_ID, ...claims } }, providerArn),
    ).toBe("undetermined");
    expect(await throughSts(policy, claims)).toBe("undetermined");
  });
});
