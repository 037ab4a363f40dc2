import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { createTestCertificates } from "../../emulator/idp";
import {
  IdaasApplicationFederatedCredentialProvider as Afc,
  checkIdaasApplicationFederatedCredentialInputs,
  type IdaasApplicationFederatedCredentialOutputs,
} from "../../provider/resources/idaasApplicationFederatedCredential";
import {
  IdaasClientPublicKeyProvider as Cpk,
  checkIdaasClientPublicKeyInputs,
  type IdaasClientPublicKeyOutputs,
} from "../../provider/resources/idaasClientPublicKey";
import {
  checkIdaasFederatedCredentialProviderInputs,
  IdaasFederatedCredentialProviderProvider as Fcp,
  type IdaasFederatedCredentialProviderOutputs,
} from "../../provider/resources/idaasFederatedCredentialProvider";
import { isSecretWire } from "../../provider/secretWire";
import { named, namedIssuer, needsEiamInstance, onEmulator } from "../target";
import { unsealed } from "./engine";
import { configOf, startWired } from "./harness";

/** The emulator's service name for EIAM 2021-12-01 (its request-log filter). */
const SERVICE = "eiam";
// Names (and the issuer) carry the run's prefix in live mode (test/target.ts).
const ISSUER = namedIssuer("https://oidc.example.com/cluster-1");
const JWKS_URI = `${ISSUER}/openid/v1/jwks`;
const eiam = needsEiamInstance();
const NO_DIFF = { changes: false, replaces: [], deleteBeforeReplace: false };

let emulator: Emulator;
let instanceId: string;
let applicationId: string;

beforeAll(async () => {
  const wired = await startWired();
  emulator = wired.emulator;
  instanceId = emulator.eiamInstanceId;
  for (const p of [Fcp, Afc, Cpk]) await p.configure(configOf(wired.config));
});
afterAll(async () => emulator?.close());
beforeEach(async () => {
  await emulator.reset();
  await emulator.clearFaults();
  applicationId = await consoleApp(named("orders-worker"));
  await emulator.clearRequests();
});

/** Actions the provider made (console edits left out), as `Action:status`. */
const calls = async () =>
  (await emulator.requests({ service: SERVICE })).map((r) => `${r.action}:${r.status}`);
/** Exactly these calls, checked against an emulator of the suite's own (no log in live mode). */
const expectCalls = (expected: string[]) => onEmulator(async () => expect(await calls()).toEqual(expected));

const eiamConsole = (action: string, params: Record<string, string>) =>
  emulator.console(SERVICE, action, { InstanceId: instanceId, ...params }) as Promise<
    Record<string, unknown>
  >;

async function consoleApp(name: string): Promise<string> {
  const body = await eiamConsole("CreateApplication", {
    ApplicationName: name,
    ApplicationSourceType: "urn:alibaba:idaas:app:source:standard",
    SsoType: "oidc",
  });
  return body.ApplicationId as string;
}

// ------------------------------------------------------------ provider

function fcpInputs(over: Record<string, unknown> = {}) {
  const { inputs, failures } = checkIdaasFederatedCredentialProviderInputs({
    instanceId,
    name: named("cluster-1"),
    oidc: { issuer: ISSUER, jwksUri: JWKS_URI, audiences: ["idaas"] },
    ...over,
  });
  expect(failures).toEqual([]);
  return inputs;
}

async function liveProvider(providerId: string): Promise<Record<string, unknown>> {
  const body = await eiamConsole("GetFederatedCredentialProvider", {
    FederatedCredentialProviderId: providerId,
  });
  return body.FederatedCredentialProvider as Record<string, unknown>;
}

async function provider(
  over: Record<string, unknown> = {},
): Promise<IdaasFederatedCredentialProviderOutputs> {
  const res = await Fcp.create(fcpInputs(over));
  await emulator.clearRequests();
  return res.outs;
}

const certs = createTestCertificates();
const otherCerts = createTestCertificates({ label: "other" });
const JWKS = JSON.stringify({
  keys: [generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ format: "jwk" })],
});

eiam.describe("IdaasFederatedCredentialProvider", () => {
  it("creates an OIDC provider in one call, with the normalized issuer", async () => {
    const res = await Fcp.create(
      fcpInputs({
        oidc: {
          issuer: ISSUER.replace("https://oidc.example.com", "HTTPS://OIDC.example.com:443"),
          jwksUri: JWKS_URI,
          audiences: ["a", "b"],
        },
      }),
    );
    await expectCalls(["CreateFederatedCredentialProvider:200"]);
    expect(res.id).toMatch(/^fcp_[a-z0-9]{26}$/);
    expect(res.outs).toMatchObject({ providerId: res.id, type: "oidc", status: "enabled", description: "" });
    const live = await liveProvider(res.id);
    expect(live).toMatchObject({
      FederatedCredentialProviderName: named("cluster-1"),
      FederatedCredentialProviderType: "oidc",
      OidcProviderConfig: { Issuer: ISSUER, JwksSource: "dynamic", JwksUri: JWKS_URI, Audiences: ["a", "b"] },
    });
  });

  it("creates static-JWKS, PKCS#7 and private-CA providers in one call each; reading them back shows no diff", async () => {
    const variants: Record<string, unknown>[] = [
      {
        oidc: {
          issuer: ISSUER,
          jwks: JWKS,
          audiences: ["idaas"],
          trustCondition: 'IsNullOrEmpty("jwt.act")',
        },
      },
      {
        name: named("signer"),
        oidc: undefined,
        pkcs7: { certificates: [certs.rootCaPem, otherCerts.rootCaPem], trustCondition: "" },
      },
      { name: named("ca"), oidc: undefined, privateCa: { certificates: [certs.intermediateCaPem] } },
    ];
    for (const over of variants) {
      const inputs = fcpInputs(over);
      const created = await Fcp.create(inputs);
      const read = await Fcp.read(created.id, created.outs);
      await expectCalls(["CreateFederatedCredentialProvider:200", "GetFederatedCredentialProvider:200"]);
      // The inputs, plus the stable outputs preview carries (see provider/account.ts).
      expect(read.inputs).toEqual({
        ...inputs,
        providerId: created.id,
        type: created.outs.type,
        accountId: emulator.accountId,
      });
      expect(await Fcp.diff(created.id, read.props, inputs)).toEqual(NO_DIFF);
      await emulator.clearRequests();
    }
    // The instance may hold providers of others in live mode: this run's only.
    const [, pkcs7] = (
      (await eiamConsole("ListFederatedCredentialProviders", {})).FederatedCredentialProviders as {
        FederatedCredentialProviderName: string;
        FederatedCredentialProviderType: string;
        Pkcs7ProviderConfig: { TrustAnchorSource: string; Certificates: unknown[] };
      }[]
    ).filter((p) => p.FederatedCredentialProviderName.startsWith(named("")));
    expect(pkcs7?.FederatedCredentialProviderType).toBe("pkcs7");
    expect(pkcs7?.Pkcs7ProviderConfig).toMatchObject({ TrustAnchorSource: "custom" });
    expect(pkcs7?.Pkcs7ProviderConfig.Certificates).toHaveLength(2);
  });

  it("read: one call; console edits show as drift; one up puts them back with one call per kind of change", async () => {
    const outs = await provider({ description: "ours" });
    await eiamConsole("UpdateFederatedCredentialProviderDescription", {
      FederatedCredentialProviderId: outs.providerId,
      Description: "edited in console",
    });
    await eiamConsole("UpdateFederatedCredentialProvider", {
      FederatedCredentialProviderId: outs.providerId,
      FederatedCredentialProviderName: named("cluster-1"),
      "OidcProviderConfig.JwksSource": "dynamic",
      "OidcProviderConfig.Audiences.1": "intruder",
    });
    await eiamConsole("DisableFederatedCredentialProvider", {
      FederatedCredentialProviderId: outs.providerId,
    });

    const read = await Fcp.read(outs.providerId, outs);
    await expectCalls(["GetFederatedCredentialProvider:200"]);
    expect(read.inputs).toMatchObject({
      description: "edited in console",
      oidc: { issuer: ISSUER, audiences: ["intruder"], jwksUri: JWKS_URI },
    });
    expect(read.props).toMatchObject({ status: "disabled" });
    const desired = fcpInputs({ description: "ours" });
    expect(await Fcp.diff(outs.providerId, read.props!, desired)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });

    await emulator.clearRequests();
    const updated = await Fcp.update(outs.providerId, read.props!, desired);
    await expectCalls([
      "UpdateFederatedCredentialProvider:200",
      "UpdateFederatedCredentialProviderDescription:200",
      "EnableFederatedCredentialProvider:200",
    ]);
    expect(updated.outs.status).toBe("enabled");
    expect(await liveProvider(outs.providerId)).toMatchObject({
      Description: "ours",
      Status: "enabled",
      OidcProviderConfig: { Audiences: ["idaas"] },
    });
    await emulator.clearRequests();
    const again = await Fcp.read(outs.providerId, updated.outs);
    expect(await Fcp.diff(outs.providerId, again.props!, desired)).toEqual(NO_DIFF);
  });

  it("update: only what changed, one call each", async () => {
    const outs = await provider({
      oidc: {
        issuer: ISSUER,
        jwksUri: JWKS_URI,
        audiences: ["idaas"],
        trustCondition: 'IsNullOrEmpty("jwt.act")',
      },
    });
    const desc = await Fcp.update(outs.providerId, outs, fcpInputs({ description: "d2", oidc: outs.oidc }));
    await expectCalls(["UpdateFederatedCredentialProviderDescription:200"]);
    await emulator.clearRequests();

    // Rename, audiences, JWKS source and dropping the trust condition: one Update.
    const next = fcpInputs({
      name: named("renamed"),
      description: "d2",
      oidc: { issuer: ISSUER, jwks: JWKS, audiences: ["x", "y"] },
    });
    const res = await Fcp.update(outs.providerId, desc.outs, next);
    await expectCalls(["UpdateFederatedCredentialProvider:200"]);
    const live = await liveProvider(outs.providerId);
    expect(live).toMatchObject({
      FederatedCredentialProviderName: named("renamed"),
      OidcProviderConfig: { JwksSource: "static", Audiences: ["x", "y"] },
    });
    expect((live.OidcProviderConfig as Record<string, unknown>).TrustCondition ?? "").toBe("");
    await emulator.clearRequests();
    const read = await Fcp.read(outs.providerId, res.outs);
    expect(await Fcp.diff(outs.providerId, read.props!, next)).toEqual(NO_DIFF);
  });

  it("update of certificates: one call; the stored certificates are the new set", async () => {
    const outs = await provider({ oidc: undefined, pkcs7: { certificates: [certs.rootCaPem] } });
    const next = fcpInputs({
      oidc: undefined,
      pkcs7: { certificates: [otherCerts.rootCaPem, certs.rootCaPem] },
    });
    expect(await Fcp.diff(outs.providerId, outs, next)).toMatchObject({ changes: true, replaces: [] });
    await Fcp.update(outs.providerId, outs, next);
    await expectCalls(["UpdateFederatedCredentialProvider:200"]);
    const live = await liveProvider(outs.providerId);
    expect((live.Pkcs7ProviderConfig as { Certificates: unknown[] }).Certificates).toHaveLength(2);
  });

  it("diff replaces for a new issuer, type or instance", async () => {
    const outs = await provider();
    expect(
      await Fcp.diff(
        outs.providerId,
        outs,
        fcpInputs({ oidc: { issuer: "https://other.example.com", jwksUri: JWKS_URI, audiences: ["idaas"] } }),
      ),
    ).toEqual({
      changes: true,
      replaces: ["oidc.issuer"],
      deleteBeforeReplace: true,
    });
    expect(
      await Fcp.diff(
        outs.providerId,
        outs,
        fcpInputs({ oidc: undefined, privateCa: { certificates: [certs.rootCaPem] } }),
      ),
    ).toMatchObject({ replaces: ["oidc", "privateCa"] });
    expect(
      await Fcp.diff(outs.providerId, outs, fcpInputs({ instanceId: `idaas_${"z".repeat(26)}` })),
    ).toMatchObject({
      replaces: ["instanceId"],
    });
    await expectCalls([]);
  });

  it("read of a provider deleted out of band: id '' after one call", async () => {
    const outs = await provider();
    await eiamConsole("DeleteFederatedCredentialProvider", {
      FederatedCredentialProviderId: outs.providerId,
    });
    expect(await Fcp.read(outs.providerId, outs)).toEqual({ id: "", props: {} });
    await expectCalls(["GetFederatedCredentialProvider:404"]);
  });

  it("delete: one call; already gone is fine; still in use says what to do", async () => {
    const outs = await provider();
    await Fcp.delete(outs.providerId, outs);
    await expectCalls(["DeleteFederatedCredentialProvider:200"]);
    await Fcp.delete(outs.providerId, outs);
    await emulator.clearRequests();

    const used = await provider({ name: named("used") });
    await Afc.create(afcInputs({ providerId: used.providerId }));
    await emulator.clearRequests();
    const err = await Fcp.delete(used.providerId, used).catch((e) => e);
    expect(err.message).toContain(`'${named("used")}' (fcp_`);
    expect(err.message).toMatch(/ \(fcp_\w+\) is still used by application federated credentials/);
    await expectCalls(["DeleteFederatedCredentialProvider:409"]);
  });
});

// ------------------------------------------------------------ credential

function afcInputs(over: Record<string, unknown> = {}) {
  const { inputs, failures } = checkIdaasApplicationFederatedCredentialInputs({
    instanceId,
    applicationId,
    providerId: "fcp_unset",
    name: named("orders-worker-sa"),
    kubernetes: { namespace: "orders", serviceAccountName: "worker" },
    ...over,
  });
  expect(failures).toEqual([]);
  return inputs;
}

async function liveCredential(credentialId: string, app = applicationId): Promise<Record<string, unknown>> {
  const body = await eiamConsole("GetApplicationFederatedCredential", {
    ApplicationId: app,
    ApplicationFederatedCredentialId: credentialId,
  });
  return body.ApplicationFederatedCredential as Record<string, unknown>;
}

eiam.describe("IdaasApplicationFederatedCredential", () => {
  let providerId: string;
  beforeEach(async () => {
    providerId = (await provider()).providerId;
  });
  const inputs = (over: Record<string, unknown> = {}) => afcInputs({ providerId, ...over });
  async function credential(
    over: Record<string, unknown> = {},
  ): Promise<IdaasApplicationFederatedCredentialOutputs> {
    const res = await Afc.create(inputs(over));
    await emulator.clearRequests();
    return res.outs;
  }

  it("a service account the program marks secret: the expected subject made from it is stored as a secret too", async () => {
    const check = await Afc.check(
      {},
      {
        instanceId,
        applicationId,
        providerId,
        name: named("orders-worker-sa"),
        kubernetes: { namespace: "ci", serviceAccountName: "bot" },
        secretInputs: ["kubernetes"],
      },
    );
    expect(check.failures ?? []).toEqual([]);
    const made = await Afc.create(unsealed(check.inputs) as never);
    const outs = made.outs as unknown as Record<string, unknown>;
    expect(unsealed(outs.expectedSubject)).toBe("system:serviceaccount:ci:bot");
    expect(isSecretWire(outs.expectedSubject)).toBe(true);
    expect(isSecretWire(outs.kubernetes)).toBe(true);
  });

  it("creates a kubernetes credential in one call; outputs name, status and the expected subject", async () => {
    const res = await Afc.create(
      inputs({ kubernetes: { namespace: "orders", serviceAccountName: "worker", podNamePrefix: "worker-" } }),
    );
    await expectCalls(["CreateApplicationFederatedCredential:200"]);
    expect(res.id).toMatch(/^afc_[a-z0-9]{26}$/);
    expect(res.outs).toMatchObject({
      credentialId: res.id,
      name: named("orders-worker-sa"),
      status: "enabled",
      type: "oidc",
      expectedSubject: "system:serviceaccount:orders:worker",
    });
    expect(await liveCredential(res.id)).toMatchObject({
      ApplicationFederatedCredentialName: named("orders-worker-sa"),
      ApplicationFederatedCredentialType: "oidc",
      FederatedCredentialProviderId: providerId,
      VerificationMode: "structured",
      OidcVerificationConfig: {
        Profile: "kubernetes",
        KubernetesConfig: { Namespace: "orders", ServiceAccountName: "worker", PodNamePrefix: "worker-" },
      },
    });
  });

  it("subject and condition credentials (with mappings) round-trip through read with no diff", async () => {
    const variants: Record<string, unknown>[] = [
      { name: named("by-subject"), kubernetes: undefined, subject: "repo:acme/app:ref:refs/heads/main" },
      {
        name: named("by-condition"),
        kubernetes: undefined,
        condition: 'StartsWith(jwt.sub, "system:serviceaccount:orders:") && Contains(jwt.aud, "idaas")',
        description: "free form",
        attributeMappings: [{ sourceValueExpression: "jwt.sub", targetField: "client.activeSubjectUrn" }],
      },
    ];
    for (const over of variants) {
      const desired = inputs(over);
      const created = await Afc.create(desired);
      const read = await Afc.read(created.id, created.outs);
      await expectCalls([
        "CreateApplicationFederatedCredential:200",
        "GetApplicationFederatedCredential:200",
      ]);
      expect(read.inputs).toEqual({
        ...JSON.parse(JSON.stringify(desired)),
        credentialId: created.id,
        accountId: emulator.accountId,
      });
      expect(read.props).toMatchObject({ expectedSubject: created.outs.expectedSubject });
      expect(await Afc.diff(created.id, read.props!, desired)).toEqual(NO_DIFF);
      await emulator.clearRequests();
    }
  });

  it("read: one call; console edits show as drift; one up puts them back", async () => {
    const outs = await credential({ description: "ours" });
    await eiamConsole("UpdateApplicationFederatedCredential", {
      ApplicationId: applicationId,
      ApplicationFederatedCredentialId: outs.credentialId,
      "OidcVerificationConfig.Profile": "kubernetes",
      "OidcVerificationConfig.KubernetesConfig.Namespace": "intruders",
      "OidcVerificationConfig.KubernetesConfig.ServiceAccountName": "worker",
    });
    await eiamConsole("UpdateApplicationFederatedCredentialDescription", {
      ApplicationId: applicationId,
      ApplicationFederatedCredentialId: outs.credentialId,
      Description: "edited",
    });
    await eiamConsole("DisableApplicationFederatedCredential", {
      ApplicationId: applicationId,
      ApplicationFederatedCredentialId: outs.credentialId,
    });

    const read = await Afc.read(outs.credentialId, outs);
    await expectCalls(["GetApplicationFederatedCredential:200"]);
    expect(read.inputs).toMatchObject({
      description: "edited",
      kubernetes: { namespace: "intruders", serviceAccountName: "worker", podNamePrefix: "" },
    });
    expect(read.props).toMatchObject({
      status: "disabled",
      expectedSubject: "system:serviceaccount:intruders:worker",
    });
    const desired = inputs({ description: "ours" });
    expect(await Afc.diff(outs.credentialId, read.props!, desired)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    await emulator.clearRequests();
    const updated = await Afc.update(outs.credentialId, read.props!, desired);
    await expectCalls([
      "UpdateApplicationFederatedCredential:200",
      "UpdateApplicationFederatedCredentialDescription:200",
      "EnableApplicationFederatedCredential:200",
    ]);
    expect(updated.outs).toMatchObject({
      status: "enabled",
      expectedSubject: "system:serviceaccount:orders:worker",
    });
    expect(await liveCredential(outs.credentialId)).toMatchObject({
      Description: "ours",
      Status: "enabled",
      OidcVerificationConfig: { KubernetesConfig: { Namespace: "orders" } },
    });
  });

  it("update: kubernetes → subject, and mappings, in one call; description alone in one call", async () => {
    const outs = await credential();
    const next = inputs({
      kubernetes: undefined,
      subject: "repo:acme/app",
      attributeMappings: [{ sourceValueExpression: "jwt.sub", targetField: "client.activeSubjectUrn" }],
    });
    expect(await Afc.diff(outs.credentialId, outs, next)).toMatchObject({ changes: true, replaces: [] });
    const res = await Afc.update(outs.credentialId, outs, next);
    await expectCalls(["UpdateApplicationFederatedCredential:200"]);
    expect(res.outs.expectedSubject).toBe("repo:acme/app");
    expect(await liveCredential(outs.credentialId)).toMatchObject({
      VerificationMode: "structured",
      OidcVerificationConfig: { Profile: "generic", GenericConfig: { Subject: "repo:acme/app" } },
      AttributeMappings: [{ SourceValueExpression: "jwt.sub", TargetField: "client.activeSubjectUrn" }],
    });
    await emulator.clearRequests();
    await Afc.update(outs.credentialId, res.outs, { ...next, description: "d" });
    await expectCalls(["UpdateApplicationFederatedCredentialDescription:200"]);
  });

  it("diff replaces for name, provider, type, application, and a switch to a condition", async () => {
    const outs = await credential();
    expect(await Afc.diff(outs.credentialId, outs, inputs({ name: named("other") }))).toEqual({
      changes: true,
      replaces: ["name"],
      deleteBeforeReplace: false,
    });
    expect(await Afc.diff(outs.credentialId, outs, inputs({ providerId: "fcp_other" }))).toEqual({
      changes: true,
      replaces: ["providerId"],
      deleteBeforeReplace: true,
    });
    expect(
      await Afc.diff(
        outs.credentialId,
        outs,
        inputs({ kubernetes: undefined, condition: 'IsNullOrEmpty("jwt.x")', type: "oidc" }),
      ),
    ).toMatchObject({ replaces: ["condition"], deleteBeforeReplace: true });
    expect(await Afc.diff(outs.credentialId, outs, inputs({ applicationId: "app_other" }))).toMatchObject({
      replaces: ["applicationId"],
      deleteBeforeReplace: false,
    });
    await expectCalls([]);
  });

  it("the service refuses a type that is not the provider's", async () => {
    const err = await Afc.create(
      inputs({ kubernetes: undefined, condition: 'IsNullOrEmpty("cert.x")', type: "pkcs7" }),
    ).catch((e) => e);
    expect(err.message).toMatch(/ApplicationFederatedCredentialType/);
  });

  it("read: id '' when the credential, or its application, is gone (one call)", async () => {
    const outs = await credential();
    await eiamConsole("DeleteApplicationFederatedCredential", {
      ApplicationId: applicationId,
      ApplicationFederatedCredentialId: outs.credentialId,
    });
    expect(await Afc.read(outs.credentialId, outs)).toEqual({ id: "", props: {} });
    await expectCalls(["GetApplicationFederatedCredential:404"]);

    const again = await credential();
    await eiamConsole("DeleteApplication", { ApplicationId: applicationId });
    expect(await Afc.read(again.credentialId, again)).toEqual({ id: "", props: {} });
  });

  it("delete: one call; already gone is fine", async () => {
    const outs = await credential();
    await Afc.delete(outs.credentialId, outs);
    await expectCalls(["DeleteApplicationFederatedCredential:200"]);
    await expect(Afc.delete(outs.credentialId, outs)).resolves.toBeUndefined();
  });
});

// ------------------------------------------------------------ public key

const rsaKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({
  type: "spki",
  format: "pem",
}) as string;
const ecKey = () =>
  generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey.export({
    type: "spki",
    format: "pem",
  }) as string;

function cpkInputs(over: Record<string, unknown> = {}) {
  const { inputs, failures } = checkIdaasClientPublicKeyInputs({
    instanceId,
    applicationId,
    publicKey: rsaKey,
    ...over,
  });
  expect(failures).toEqual([]);
  return inputs;
}

eiam.describe("IdaasClientPublicKey", () => {
  async function key(over: Record<string, unknown> = {}): Promise<IdaasClientPublicKeyOutputs> {
    const res = await Cpk.create(cpkInputs(over));
    await emulator.clearRequests();
    return res.outs;
  }

  it("creates RSA and EC keys in one call each, with the AlgorithmType the emulator accepts", async () => {
    const rsa = await Cpk.create(cpkInputs());
    const ec = await Cpk.create(cpkInputs({ publicKey: ecKey() }));
    await expectCalls(["CreateClientPublicKey:200", "CreateClientPublicKey:200"]);
    expect(rsa.outs).toMatchObject({
      algorithmType: "RSA-2048",
      status: "enabled",
      clientPublicKeyId: rsa.id,
    });
    expect(ec.outs.algorithmType).toBe("EC");
    const live = (
      await eiamConsole("GetClientPublicKey", { ApplicationId: applicationId, ClientPublicKeyId: rsa.id })
    ).ClientPublicKey as Record<string, unknown>;
    expect(live).toMatchObject({ AlgorithmType: "RSA-2048", Status: "enabled" });
  });

  it("read: one call, no diff; a key disabled in the console is enabled again by one call", async () => {
    const outs = await key();
    const read = await Cpk.read(outs.clientPublicKeyId, outs);
    await expectCalls(["GetClientPublicKey:200"]);
    expect(read.inputs).toEqual({
      ...cpkInputs(),
      clientPublicKeyId: outs.clientPublicKeyId,
      algorithmType: "RSA-2048",
      accountId: emulator.accountId,
    });
    expect(await Cpk.diff(outs.clientPublicKeyId, read.props!, cpkInputs())).toEqual(NO_DIFF);

    await eiamConsole("DisableClientPublicKey", {
      ApplicationId: applicationId,
      ClientPublicKeyId: outs.clientPublicKeyId,
    });
    const drift = await Cpk.read(outs.clientPublicKeyId, outs);
    expect(drift.props).toMatchObject({ status: "disabled" });
    expect(await Cpk.diff(outs.clientPublicKeyId, drift.props!, cpkInputs())).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    await emulator.clearRequests();
    const updated = await Cpk.update(outs.clientPublicKeyId, drift.props!, cpkInputs());
    await expectCalls(["EnableClientPublicKey:200"]);
    expect(updated.outs.status).toBe("enabled");
  });

  it("diff: a new key replaces, the new one created first", async () => {
    const outs = await key();
    expect(await Cpk.diff(outs.clientPublicKeyId, outs, cpkInputs({ publicKey: ecKey() }))).toEqual({
      changes: true,
      replaces: ["publicKey"],
      deleteBeforeReplace: false,
    });
  });

  it("a key beyond the application's 5 says so", async () => {
    for (let i = 0; i < 5; i++) await key({ publicKey: ecKey() });
    const err = await Cpk.create(cpkInputs({ publicKey: ecKey() })).catch((e) => e);
    expect(err.message).toMatch(/holds at most 5 client public keys/);
    await expectCalls(["CreateClientPublicKey:409"]);
  });

  it("read: id '' when gone; delete: one call, already gone is fine", async () => {
    const outs = await key();
    await Cpk.delete(outs.clientPublicKeyId, outs);
    await expectCalls(["DeleteClientPublicKey:200"]);
    await emulator.clearRequests();
    expect(await Cpk.read(outs.clientPublicKeyId, outs)).toEqual({ id: "", props: {} });
    await expectCalls(["GetClientPublicKey:404"]);
    await expect(Cpk.delete(outs.clientPublicKeyId, outs)).resolves.toBeUndefined();
  });
});
