/**
 * The provider calls IMS and RAM through openapi-core (`callModel`), not through the product SDKs,
 * so those SDKs are never loaded in a provider process. That is only right if each call is the one
 * the SDK's generated `<action>WithOptions` would send, and each answer is read under the names the
 * SDK's models give it. Differential: every IMS and RAM action the provider uses, sent once through
 * the official SDK client and once through `callModel` with the same request fields, against the
 * emulator; the parameters the emulator received must be identical, and for reads the bodies too
 * (the SDK's parsed model beside our reshaped JSON). A write sent twice fails the second time
 * (already exists, already gone): its parameters are compared all the same.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ims, * as $Ims from "@alicloud/ims20190815";
import OpenApiClient, { $OpenApiUtil } from "@alicloud/openapi-core";
import Ram, * as $Ram from "@alicloud/ram20150501";
import * as $dara from "@darabonba/typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../emulator";
import { callModel, type RpcValue } from "../../provider/client/generic";
import type { Session } from "../../provider/client/session";
import { OFFICIAL_CLI_APP_IDS, OFFICIAL_CLI_SCOPES } from "../../provider/resources/officialCliApplication";

let emulator: Emulator;
let ims: Ims;
let ram: Ram;
let s: Session;
const runtime = new $dara.RuntimeOptions({ autoretry: false, maxAttempts: 1 });

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  const config = () =>
    new $OpenApiUtil.Config({
      accessKeyId: emulator.accessKeyId,
      accessKeySecret: emulator.accessKeySecret,
      endpoint: emulator.endpoint,
      protocol: "http",
    });
  ims = new Ims(config());
  ram = new Ram(config());
  const generic = () => new OpenApiClient(config());
  s = {
    ims: generic(),
    ram: generic(),
    eiam: generic(),
    sts: generic(),
    runtime,
    retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
  };
});

afterAll(async () => {
  await emulator?.close();
});

type Step = [service: "ims" | "ram", action: string, fields: Record<string, RpcValue>, read?: boolean];

const fp = "a".repeat(40);
const cliApp = OFFICIAL_CLI_APP_IDS.cn;
const doc = (action: string) =>
  JSON.stringify({ Version: "1", Statement: [{ Effect: "Allow", Action: [action], Resource: ["*"] }] });
const trust = JSON.stringify({
  Version: "1",
  Statement: [
    {
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Principal: { Federated: ["acs:ram::1234567890123456:oidc-provider/diff"] },
      Condition: { StringEquals: { "oidc:aud": ["sts.aliyuncs.com"] } },
    },
  ],
});

// Each action with the fields the provider's client functions send (provider/client/*.ts).
const steps: Step[] = [
  [
    "ims",
    "CreateOIDCProvider",
    {
      OIDCProviderName: "diff",
      issuerUrl: "https://issuer.example.com/diff",
      clientIds: "sts.aliyuncs.com",
      fingerprints: fp,
      issuanceLimitTime: 12,
      description: "differential",
    },
  ],
  ["ims", "GetOIDCProvider", { OIDCProviderName: "diff" }, true],
  ["ims", "ListOIDCProviders", { maxItems: 100 }, true],
  [
    "ims",
    "UpdateOIDCProvider",
    { OIDCProviderName: "diff", clientIds: "sts.aliyuncs.com,x", issuanceLimitTime: 6, newDescription: "d2" },
  ],
  ["ims", "AddClientIdToOIDCProvider", { OIDCProviderName: "diff", clientId: "y" }],
  ["ims", "RemoveClientIdFromOIDCProvider", { OIDCProviderName: "diff", clientId: "y" }],
  ["ims", "AddFingerprintToOIDCProvider", { OIDCProviderName: "diff", fingerprint: "b".repeat(40) }],
  ["ims", "RemoveFingerprintFromOIDCProvider", { OIDCProviderName: "diff", fingerprint: "b".repeat(40) }],
  ["ims", "GetOIDCProvider", { OIDCProviderName: "diff" }, true],
  ["ims", "DeleteOIDCProvider", { OIDCProviderName: "diff" }],
  ["ims", "ProvisionExternalApplication", { appId: cliApp, scopes: OFFICIAL_CLI_SCOPES.join(";") }],
  ["ims", "GetExternalApplication", { appId: cliApp }, true],
  ["ims", "GetDefaultDomain", {}, true],
  ["ims", "DeprovisionExternalApplication", { appId: cliApp }],
  [
    "ims",
    "CreateApplication",
    {
      appName: "diff-app",
      displayName: "Diff",
      appType: "ServerApp",
      secretRequired: true,
      accessTokenValidity: 900,
      predefinedScopes: "/acs/scim",
      requiredScopes: "/acs/scim",
    },
  ],
  ["ims", "ListApplications", {}, true],
];

/** The parameters of the emulator's last logged call. */
async function lastParams(): Promise<Record<string, string>> {
  const log = await emulator.requests();
  const last = log[log.length - 1];
  if (!last) throw new Error("no call logged");
  return { action: last.action, ...last.params };
}

/** A body as plain JSON without its request id (which differs per call). */
function plain(body: unknown): unknown {
  const { requestId: _r, RequestId: _R, ...rest } = JSON.parse(JSON.stringify(body ?? {}));
  return rest;
}

async function viaSdk(service: "ims" | "ram", action: string, fields: Record<string, RpcValue>) {
  const client = (service === "ims" ? ims : ram) as unknown as Record<
    string,
    (...a: unknown[]) => Promise<{ body: unknown }>
  >;
  const models = (service === "ims" ? $Ims : $Ram) as unknown as Record<string, new (f: object) => object>;
  const method = `${action.charAt(0).toLowerCase()}${action.slice(1)}WithOptions`;
  const Request = models[`${action}Request`];
  const call = client[method];
  if (!call) throw new Error(`the SDK has no ${method}`);
  const res = Request
    ? await call.call(client, new Request(fields), runtime)
    : await call.call(client, runtime);
  return res.body;
}

const tested = new Set<string>();

async function both(step: Step) {
  const [service, action, fields, read] = step;
  tested.add(action);
  const sdk = await viaSdk(service, action, fields).then(
    (b) => ({ ok: true as const, body: b }),
    (e: Error) => ({ ok: false as const, body: e.message }),
  );
  const sdkParams = await lastParams();
  const ours = await callModel<unknown>(s, service, action, fields).then(
    (r) => ({ ok: true as const, body: r.body }),
    (e: Error) => ({ ok: false as const, body: e.message }),
  );
  const ourParams = await lastParams();
  expect(ourParams, `${action}: the request`).toEqual(sdkParams);
  if (read) {
    expect(sdk.ok, `${action} through the SDK: ${String(sdk.body)}`).toBe(true);
    expect(ours.ok, `${action} through callModel: ${String(ours.body)}`).toBe(true);
    expect(plain(ours.body), `${action}: the body`).toEqual(plain(sdk.body));
  }
}

describe("IMS and RAM through callModel and through the official SDK", () => {
  it("every IMS action the provider uses sends the same request and reads the same body", async () => {
    for (const step of steps) await both(step);
    // The application's id, for the actions on it.
    const apps = (await callModel<$Ims.ListApplicationsResponseBody>(s, "ims", "ListApplications")).body;
    const appId = apps?.applications?.application?.find((a) => a.appName === "diff-app")?.appId ?? "";
    expect(appId).not.toBe("");
    for (const step of [
      ["ims", "GetApplication", { appId }, true],
      ["ims", "UpdateApplication", { appId, newDisplayName: "Diff 2", newAccessTokenValidity: 1800 }],
      ["ims", "ProvisionApplication", { appId, scopes: "/acs/scim" }],
      ["ims", "CreateAppSecret", { appId }],
      ["ims", "ListAppSecretIds", { appId }, true],
    ] as Step[])
      await both(step);
    const secrets = (
      await callModel<$Ims.ListAppSecretIdsResponseBody>(s, "ims", "ListAppSecretIds", { appId })
    ).body;
    const appSecretId = secrets?.appSecrets?.appSecret?.[0]?.appSecretId ?? "";
    expect(appSecretId).not.toBe("");
    await both(["ims", "DeleteAppSecret", { appId, appSecretId }]);
    await both(["ims", "DeleteApplication", { appId }]);
  });

  it("every RAM action the provider uses sends the same request and reads the same body", async () => {
    for (const step of [
      [
        "ram",
        "CreateRole",
        {
          roleName: "diff-role",
          assumeRolePolicyDocument: trust,
          description: "d",
          maxSessionDuration: 3600,
        },
      ],
      ["ram", "GetRole", { roleName: "diff-role" }, true],
      [
        "ram",
        "UpdateRole",
        {
          roleName: "diff-role",
          newAssumeRolePolicyDocument: trust,
          newDescription: "d2",
          newMaxSessionDuration: 7200,
        },
      ],
      ["ram", "ListRoles", { maxItems: 1000 }, true],
      [
        "ram",
        "CreatePolicy",
        { policyName: "diff-policy", policyDocument: doc("oss:GetObject"), description: "p" },
      ],
      ["ram", "GetPolicy", { policyName: "diff-policy", policyType: "Custom" }, true],
      [
        "ram",
        "CreatePolicyVersion",
        {
          policyName: "diff-policy",
          policyDocument: doc("oss:PutObject"),
          setAsDefault: true,
          rotateStrategy: "DeleteOldestNonDefaultVersionWhenLimitExceeded",
        },
      ],
      ["ram", "UpdatePolicyDescription", { policyName: "diff-policy", newDescription: "p2" }],
      ["ram", "GetPolicy", { policyName: "diff-policy", policyType: "Custom" }, true],
      [
        "ram",
        "AttachPolicyToRole",
        { roleName: "diff-role", policyType: "Custom", policyName: "diff-policy" },
      ],
      ["ram", "ListPoliciesForRole", { roleName: "diff-role" }, true],
      [
        "ram",
        "DetachPolicyFromRole",
        { roleName: "diff-role", policyType: "Custom", policyName: "diff-policy" },
      ],
      ["ram", "DeletePolicy", { policyName: "diff-policy", cascadingDelete: true }],
      ["ram", "DeleteRole", { roleName: "diff-role" }],
    ] as Step[])
      await both(step);
  });

  it("covers every action the provider sends through callModel", () => {
    const used = new Set<string>();
    for (const file of ["ims.ts", "imsApps.ts", "ram.ts"]) {
      const text = fs.readFileSync(path.join(__dirname, "..", "..", "provider", "client", file), "utf8");
      for (const m of text.matchAll(/callModel<\s*(?:ImsSdk|RamSdk)\.(\w+)ResponseBody/g))
        used.add(m[1] ?? "");
    }
    expect(used.size).toBeGreaterThan(30);
    expect([...used].filter((a) => !tested.has(a))).toEqual([]);
  });
});
