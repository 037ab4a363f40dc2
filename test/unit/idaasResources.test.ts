import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestCertificates } from "../../emulator/idp";
import { parseExpression } from "../../emulator/services/eiam/expressions";
import { UNKNOWN } from "../../provider/normalize";
import {
  canonicalJwks,
  canonicalPublicKey,
  KUBERNETES,
  kubernetesSubject,
  nestingDepth,
} from "../../provider/resources/idaas/common";
import {
  IdaasApplicationFederatedCredentialProvider as Afc,
  checkIdaasApplicationFederatedCredentialInputs,
} from "../../provider/resources/idaasApplicationFederatedCredential";
import {
  IdaasClientPublicKeyProvider as Cpk,
  checkIdaasClientPublicKeyInputs,
} from "../../provider/resources/idaasClientPublicKey";
import {
  checkIdaasFederatedCredentialProviderInputs,
  IdaasFederatedCredentialProviderProvider as Fcp,
} from "../../provider/resources/idaasFederatedCredentialProvider";
import { checkIdaasResourceServerInputs } from "../../provider/resources/idaasResourceServer";

const INSTANCE = `idaas_${"a".repeat(26)}`;
const ISSUER = "https://oidc.example.com/cluster-1";
const JWKS_URI = "https://oidc.example.com/cluster-1/openid/v1/jwks";
const JWKS = JSON.stringify({ keys: [{ kty: "RSA", kid: "k1", n: "AQAB", e: "AQAB", alg: "RS256" }] });

const certs = createTestCertificates();
const otherCerts = createTestCertificates({ label: "other" });

const pem = (k: { export(o: { type: "spki"; format: "pem" }): string | Buffer }) =>
  k.export({ type: "spki", format: "pem" }) as string;
const rsa = (bits: number) => generateKeyPairSync("rsa", { modulusLength: bits });
const ec = (namedCurve: string) => generateKeyPairSync("ec", { namedCurve });
let RSA_2048: ReturnType<typeof rsa>;
let RSA_2047: ReturnType<typeof rsa>;
beforeAll(() => {
  RSA_2048 = rsa(2048);
  RSA_2047 = rsa(2047);
});

// ------------------------------------------------------------ provider

const fcpValid = {
  instanceId: INSTANCE,
  name: "cluster-1",
  oidc: { issuer: ISSUER, jwksUri: JWKS_URI, audiences: ["idaas"] },
};
const fcp = (over: Record<string, unknown>) =>
  checkIdaasFederatedCredentialProviderInputs({ ...fcpValid, ...over });
const fcpFailures = (over: Record<string, unknown>) => fcp(over).failures;
const oidc = (over: Record<string, unknown>) => ({ oidc: { ...fcpValid.oidc, ...over } });

describe("IdaasFederatedCredentialProvider check", () => {
  it("accepts a minimal OIDC provider, fills defaults and normalizes the issuer", () => {
    const { inputs, failures } = fcp(oidc({ issuer: "HTTPS://OIDC.Example.com:443/cluster-1" }));
    expect(failures).toEqual([]);
    expect(inputs).toEqual({
      instanceId: INSTANCE,
      name: "cluster-1",
      description: "",
      oidc: { issuer: ISSUER, jwksUri: JWKS_URI, audiences: ["idaas"], trustCondition: "" },
    });
  });

  it("name: 64 characters pass, 65 fail, empty fails", () => {
    expect(fcpFailures({ name: "n".repeat(64) })).toEqual([]);
    expect(fcpFailures({ name: "n".repeat(65) })).toEqual([
      {
        property: "name",
        reason: "must be at most 64 characters for a federated credential provider name, but has 65",
      },
    ]);
    expect(fcpFailures({ name: " " })).toEqual([{ property: "name", reason: "must not be empty" }]);
  });

  it("description: 128 characters pass, 129 fail", () => {
    expect(fcpFailures({ description: "d".repeat(128) })).toEqual([]);
    expect(fcpFailures({ description: "d".repeat(129) })).toEqual([
      { property: "description", reason: "must be at most 128 characters for a description, but has 129" },
    ]);
  });

  it("instanceId must be idaas_ + 1 to 64 lower-case letters and digits (the length is not documented)", () => {
    expect(fcpFailures({ instanceId: `idaas_${"a".repeat(64)}` })).toEqual([]);
    expect(fcpFailures({ instanceId: "idaas_abc" })).toEqual([]);
    for (const bad of ["idaas_", `idaas_${"a".repeat(65)}`, "idaas_ABC", "eiam_abc"])
      expect(fcpFailures({ instanceId: bad }), bad).toHaveLength(1);
    expect(fcpFailures({ instanceId: "idaas-abc" })).toEqual([
      {
        property: "instanceId",
        reason: "must be an EIAM instance id: 'idaas_' followed by lower-case letters and digits",
      },
    ]);
    expect(fcpFailures({ instanceId: undefined })).toEqual([
      { property: "instanceId", reason: "is required" },
    ]);
  });

  it("oidc.audiences: 5 pass, 6 fail; none fail", () => {
    const n = (k: number) => Array.from({ length: k }, (_, i) => `aud-${i}`);
    expect(fcpFailures(oidc({ audiences: n(5) }))).toEqual([]);
    expect(fcpFailures(oidc({ audiences: n(6) }))).toEqual([
      {
        property: "oidc.audiences",
        reason: "must hold at most 5 items, but holds 6",
      },
    ]);
    expect(fcpFailures(oidc({ audiences: [] }))).toEqual([
      { property: "oidc.audiences", reason: "must hold at least one audience" },
    ]);
    expect(fcpFailures(oidc({ audiences: undefined }))).toEqual([
      { property: "oidc.audiences", reason: "is required" },
    ]);
  });

  it("oidc.audiences[i]: 128 characters pass, 129 fail, with its index", () => {
    const max = 128;
    expect(fcpFailures(oidc({ audiences: ["a", "b", "c".repeat(max)] }))).toEqual([]);
    expect(fcpFailures(oidc({ audiences: ["a", "b", "c".repeat(max + 1)] }))).toEqual([
      {
        property: "oidc.audiences[2]",
        reason: `must be at most ${max} characters for an audience, but has ${max + 1}`,
      },
    ]);
    expect(fcpFailures(oidc({ audiences: ["a", "b", "a"] }))).toEqual([
      { property: "oidc.audiences[2]", reason: "repeats 'a' (each audience once)" },
    ]);
  });

  it("trustCondition: 1024 characters pass, 1025 fail (oidc and certificates)", () => {
    const max = 1024;
    expect(fcpFailures(oidc({ trustCondition: "x".repeat(max) }))).toEqual([]);
    expect(fcpFailures(oidc({ trustCondition: "x".repeat(max + 1) }))).toEqual([
      {
        property: "oidc.trustCondition",
        reason: `must be at most ${max} characters for a condition expression, but has ${max + 1}`,
      },
    ]);
    const pk = (trustCondition: string) => ({
      oidc: undefined,
      pkcs7: { certificates: [certs.rootCaPem], trustCondition },
    });
    expect(fcpFailures(pk("x".repeat(max)))).toEqual([]);
    expect(fcpFailures(pk("x".repeat(max + 1)))[0]?.property).toBe("pkcs7.trustCondition");
  });

  it("the type: none set, or two set, is one failure naming them", () => {
    expect(fcpFailures({ oidc: undefined })).toEqual([
      {
        property: "oidc",
        reason: "is required: set one of oidc, pkcs7 or privateCa (it chooses the provider type)",
      },
    ]);
    expect(fcpFailures({ pkcs7: { certificates: [certs.rootCaPem] } })).toEqual([
      {
        property: "pkcs7",
        reason:
          "oidc and pkcs7 are both set: set exactly one of oidc, pkcs7 or privateCa (it chooses the provider type)",
      },
    ]);
    expect(
      fcpFailures({
        pkcs7: { certificates: [certs.rootCaPem] },
        privateCa: { certificates: [certs.rootCaPem] },
      })[0]?.reason,
    ).toMatch(/^oidc, pkcs7 and privateCa are both set/);
  });

  it("oidc: exactly one of jwksUri and jwks", () => {
    expect(fcpFailures(oidc({ jwksUri: undefined }))).toEqual([
      {
        property: "oidc.jwksUri",
        reason:
          "is required: set jwksUri (where EIAM fetches the issuer's keys) or jwks (the keys themselves)",
      },
    ]);
    expect(fcpFailures(oidc({ jwks: JWKS }))).toEqual([
      { property: "oidc.jwks", reason: "jwksUri and jwks are both set: set exactly one" },
    ]);
  });

  it("oidc.jwks: a JWKS with at least one public key, canonicalized", () => {
    const { inputs, failures } = fcp(
      oidc({ jwksUri: undefined, jwks: `{ "keys": [ { "n": "AQAB", "kty": "RSA", "e": "AQAB" } ] }` }),
    );
    expect(failures).toEqual([]);
    expect((inputs.oidc as { jwks: string }).jwks).toBe('{"keys":[{"e":"AQAB","kty":"RSA","n":"AQAB"}]}');
    const reasons = Object.fromEntries(
      [
        ["not json", "{keys"],
        ["list", "[]"],
        ["no keys", "{}"],
        ["empty keys", '{"keys":[]}'],
        ["no kty", '{"keys":[{"n":"x"}]}'],
        ["private", '{"keys":[{"kty":"RSA","n":"x","e":"AQAB","d":"SECRET"}]}'],
        ["symmetric", '{"keys":[{"kty":"oct","k":"SECRET"}]}'],
      ].map(([what, jwks]) => [what, fcpFailures(oidc({ jwksUri: undefined, jwks })).map((f) => f.property)]),
    );
    for (const props of Object.values(reasons)) expect(props).toEqual(["oidc.jwks"]);
    const privateReason = fcpFailures(
      oidc({ jwksUri: undefined, jwks: '{"keys":[{"kty":"RSA","d":"SECRET"}]}' }),
    )[0]?.reason;
    expect(privateReason).toBe('keys[0] holds private key material ("d"): publish only public keys');
    expect(privateReason).not.toContain("SECRET");
  });

  it("oidc.issuer and oidc.jwksUri must be https URLs; an issuer has no query", () => {
    expect(fcpFailures(oidc({ issuer: "http://oidc.example.com" }))).toEqual([
      { property: "oidc.issuer", reason: "must start with https:// (got 'http://')" },
    ]);
    expect(fcpFailures(oidc({ issuer: "https://oidc.example.com?x=1" }))[0]?.reason).toBe(
      "must not contain a query (?...)",
    );
    expect(fcpFailures(oidc({ issuer: "oidc.example.com" }))[0]?.reason).toMatch(/is not a URL/);
    expect(fcpFailures(oidc({ jwksUri: "http://x.example.com/jwks" }))).toEqual([
      { property: "oidc.jwksUri", reason: "must start with https:// (got 'http://')" },
    ]);
    expect(fcpFailures(oidc({ jwksUri: "https://x.example.com/jwks?v=1" }))).toEqual([]);
  });

  it("oidc: an unknown member is reported (a misspelt optional one would be dropped silently)", () => {
    expect(fcpFailures(oidc({ audience: "x" }))).toEqual([
      {
        property: "oidc.audience",
        reason: "is not an argument here (expected issuer, jwksUri, jwks, audiences, trustCondition)",
      },
    ]);
    expect(fcpFailures({ oidc: "x" })).toEqual([{ property: "oidc", reason: "must be an object" }]);
  });

  for (const key of ["pkcs7", "privateCa"] as const) {
    it(`${key}.certificates: PEM certificates, canonicalized; each problem at its index`, () => {
      const crlf = certs.rootCaPem.replace(/\n/g, "\r\n");
      const { inputs, failures } = fcp({
        oidc: undefined,
        [key]: { certificates: [crlf, certs.intermediateCaPem] },
      });
      expect(failures).toEqual([]);
      const c = inputs[key] as { certificates: string[]; trustCondition: string };
      expect(c.certificates[0]).toBe(certs.rootCaPem.replace(/\r/g, ""));
      expect(c.trustCondition).toBe("");
      const bad = fcpFailures({
        oidc: undefined,
        [key]: {
          certificates: [
            certs.rootCaPem,
            "garbage",
            certs.rootCaPem + otherCerts.rootCaPem,
            certs.leafKeyPem,
            certs.rootCaPem,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
          ],
        },
      });
      expect(bad.map((f) => f.property)).toEqual([1, 2, 3, 4, 5].map((i) => `${key}.certificates[${i}]`));
      expect(bad.slice(0, 4).map((f) => f.reason)).toEqual([
        "must be a PEM certificate starting with -----BEGIN CERTIFICATE-----",
        "holds 2 certificates: give each certificate as its own list item",
        "contains a private key: pass only the certificate (-----BEGIN CERTIFICATE-----)",
        "repeats an earlier certificate",
      ]);
      expect(bad[4]?.reason).toMatch(/^is not a readable X.509 certificate/);
      expect(JSON.stringify(bad)).not.toContain("PRIVATE KEY-----\n");
      expect(fcpFailures({ oidc: undefined, [key]: { certificates: [] } })).toEqual([
        { property: `${key}.certificates`, reason: "must hold at least one certificate" },
      ]);
    });
  }

  it("reports every problem at once", () => {
    const failures = fcpFailures({
      instanceId: "nope",
      name: "",
      description: "d".repeat(200),
      oidc: { issuer: "http://x", audiences: ["a", "a"], trustCondition: "t".repeat(2000) },
    });
    expect(failures.map((f) => f.property).sort()).toEqual([
      "description",
      "instanceId",
      "name",
      "oidc.audiences[1]",
      "oidc.issuer",
      "oidc.jwksUri",
      "oidc.trustCondition",
    ]);
  });

  it("values unknown at preview pass; the known parts of a nested object are still checked", () => {
    expect(fcpFailures({ instanceId: UNKNOWN, name: UNKNOWN, oidc: UNKNOWN })).toEqual([]);
    expect(fcpFailures(oidc({ audiences: [UNKNOWN, "a"], jwksUri: UNKNOWN }))).toEqual([]);
    expect(fcpFailures(oidc({ audiences: UNKNOWN, issuer: "http://x" }))).toEqual([
      { property: "oidc.issuer", reason: "must start with https:// (got 'http://')" },
    ]);
    expect(fcpFailures({ oidc: undefined, pkcs7: { certificates: [UNKNOWN] } })).toEqual([]);
    // A partly unknown block still gets its defaults and its whole-block rules.
    expect(fcp(oidc({ audiences: UNKNOWN })).inputs.oidc).toMatchObject({ trustCondition: "" });
    expect(fcpFailures(oidc({ audiences: UNKNOWN, jwksUri: undefined })).map((f) => f.property)).toEqual([
      "oidc.jwksUri",
    ]);
    expect(fcpFailures(oidc({ audiences: UNKNOWN, jwksUri: UNKNOWN }))).toEqual([]);
  });
});

describe("IdaasFederatedCredentialProvider diff", () => {
  const outs = () => ({
    ...(fcp({}).inputs as Record<string, unknown>),
    providerId: "fcp_1",
    type: "oidc",
    status: "enabled",
  });
  const diff = (over: Record<string, unknown>) => Fcp.diff("fcp_1", outs(), fcp(over).inputs);

  it("no change, no diff", async () => {
    expect(await diff({})).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    // Audiences are a set; the issuer compares normalized.
    expect(await diff(oidc({ issuer: "https://OIDC.example.com/cluster-1" }))).toMatchObject({
      changes: false,
    });
  });

  it("in place: name, description, audiences, JWKS source, trust condition", async () => {
    expect(await diff({ name: "n2" })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(await diff({ description: "x" })).toMatchObject({ changes: true, replaces: [] });
    expect(await diff(oidc({ audiences: ["idaas", "b"] }))).toMatchObject({ changes: true, replaces: [] });
    expect(await diff(oidc({ jwksUri: undefined, jwks: JWKS }))).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect(await diff(oidc({ trustCondition: 'IsNullOrEmpty("jwt.x")' }))).toMatchObject({ replaces: [] });
  });

  it("replaces for the issuer, the type or the instance; deleting first when the name stays", async () => {
    expect(await diff(oidc({ issuer: "https://other.example.com" }))).toEqual({
      changes: true,
      replaces: ["oidc.issuer"],
      deleteBeforeReplace: true,
    });
    expect(await diff({ name: "n2", ...oidc({ issuer: "https://other.example.com" }) })).toMatchObject({
      replaces: ["oidc.issuer"],
      deleteBeforeReplace: false,
    });
    expect(await diff({ oidc: undefined, pkcs7: { certificates: [certs.rootCaPem] } })).toMatchObject({
      replaces: ["oidc", "pkcs7"],
      deleteBeforeReplace: true,
    });
    expect(await diff({ instanceId: `idaas_${"b".repeat(26)}` })).toMatchObject({
      replaces: ["instanceId"],
      deleteBeforeReplace: false,
    });
    expect(await diff({ oidc: UNKNOWN })).toMatchObject({ replaces: ["oidc.issuer"] });
  });

  it("a provider disabled out of band is a change (the next up enables it)", async () => {
    expect(await Fcp.diff("fcp_1", { ...outs(), status: "disabled" }, fcp({}).inputs)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
});

// ------------------------------------------------------------ credential

const afcValid = {
  instanceId: INSTANCE,
  applicationId: "app_1",
  providerId: "fcp_1",
  name: "orders-worker",
  kubernetes: { namespace: "orders", serviceAccountName: "worker" },
};
const afc = (over: Record<string, unknown>) =>
  checkIdaasApplicationFederatedCredentialInputs({ ...afcValid, ...over });
const afcFailures = (over: Record<string, unknown>) => afc(over).failures;
const k8s = (over: Record<string, unknown>) => ({ kubernetes: { ...afcValid.kubernetes, ...over } });

describe("IdaasApplicationFederatedCredential check", () => {
  it("accepts a kubernetes credential and fills defaults", () => {
    const { inputs, failures } = afc({});
    expect(failures).toEqual([]);
    expect(inputs).toEqual({
      ...afcValid,
      type: "oidc",
      description: "",
      kubernetes: { namespace: "orders", serviceAccountName: "worker", podNamePrefix: "" },
      attributeMappings: [],
    });
  });

  it("name: 64 characters pass, 65 fail", () => {
    expect(afcFailures({ name: "n".repeat(64) })).toEqual([]);
    expect(afcFailures({ name: "n".repeat(65) })).toEqual([
      {
        property: "name",
        reason: "must be at most 64 characters for an application federated credential name, but has 65",
      },
    ]);
  });

  it("description: 128 pass, 129 fail", () => {
    expect(afcFailures({ description: "d".repeat(128) })).toEqual([]);
    expect(afcFailures({ description: "d".repeat(129) })[0]?.property).toBe("description");
  });

  it("kubernetes.namespace: a DNS-1123 label, 63 characters pass, 64 fail", () => {
    expect(afcFailures(k8s({ namespace: "n".repeat(63) }))).toEqual([]);
    expect(afcFailures(k8s({ namespace: "n".repeat(64) }))).toEqual([
      {
        property: "kubernetes.namespace",
        reason: "must be at most 63 characters for a Kubernetes namespace (a DNS-1123 label), but has 64",
      },
    ]);
    for (const bad of ["Orders", "-orders", "orders-", "or_ders", "or.ders", ""])
      expect(
        afcFailures(k8s({ namespace: bad })).map((f) => f.property),
        bad,
      ).toEqual(["kubernetes.namespace"]);
    expect(afcFailures(k8s({ namespace: "Orders" }))[0]?.reason).toBe(
      "'Orders' is not a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, e.g. 'payments'",
    );
  });

  it("kubernetes.serviceAccountName: a DNS-1123 subdomain, 253 pass, 254 fail", () => {
    const at = (n: number) => `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(n - 192)}`;
    expect(at(253)).toHaveLength(253);
    expect(afcFailures(k8s({ serviceAccountName: at(253) }))).toEqual([]);
    expect(afcFailures(k8s({ serviceAccountName: at(254) }))).toEqual([
      {
        property: "kubernetes.serviceAccountName",
        reason:
          "must be at most 253 characters for a Kubernetes service account name (a DNS-1123 subdomain), but has 254",
      },
    ]);
    expect(afcFailures(k8s({ serviceAccountName: "my.sa-1" }))).toEqual([]);
    for (const bad of ["a..b", ".a", "a.", "A", "a_b"])
      expect(afcFailures(k8s({ serviceAccountName: bad })), bad).toHaveLength(1);
  });

  it("kubernetes.podNamePrefix: optional, may end in '-', 253 pass, 254 fail", () => {
    expect(afcFailures(k8s({ podNamePrefix: "api-" }))).toEqual([]);
    expect(afcFailures(k8s({ podNamePrefix: "p".repeat(253) }))).toEqual([]);
    expect(afcFailures(k8s({ podNamePrefix: "p".repeat(254) }))[0]?.property).toBe(
      "kubernetes.podNamePrefix",
    );
    expect(afcFailures(k8s({ podNamePrefix: "-api" }))[0]?.reason).toMatch(/is not a pod name prefix/);
    expect(afcFailures(k8s({ namespace: undefined }))).toEqual([
      { property: "kubernetes.namespace", reason: "is required" },
    ]);
  });

  it("subject: 255 characters pass, 256 fail", () => {
    expect(afcFailures({ kubernetes: undefined, subject: "s".repeat(255) })).toEqual([]);
    expect(afcFailures({ kubernetes: undefined, subject: "s".repeat(256) })).toEqual([
      {
        property: "subject",
        reason: "must be at most 255 characters for a subject (the OIDC sub claim), but has 256",
      },
    ]);
  });

  it("condition: 1024 characters pass, 1025 fail", () => {
    const max = 1024;
    expect(afcFailures({ kubernetes: undefined, condition: "c".repeat(max) })).toEqual([]);
    expect(afcFailures({ kubernetes: undefined, condition: "c".repeat(max + 1) })).toEqual([
      {
        property: "condition",
        reason: `must be at most ${max} characters for a verification condition, but has ${max + 1}`,
      },
    ]);
  });

  it("exactly one verification: none, or two, is one failure naming them", () => {
    expect(afcFailures({ kubernetes: undefined })).toEqual([
      {
        property: "kubernetes",
        reason:
          "is required: set one of kubernetes, subject or condition (it says which workloads may use the credential)",
      },
    ]);
    expect(afcFailures({ subject: "x" })).toEqual([
      {
        property: "subject",
        reason:
          "kubernetes and subject are both set: set exactly one of kubernetes, subject or condition (it says which workloads may use the credential)",
      },
    ]);
  });

  it("a kubernetes or subject verification needs type oidc; a condition suits any type", () => {
    expect(afcFailures({ type: "pkcs7" })).toEqual([
      {
        property: "type",
        reason:
          "is 'pkcs7', but a kubernetes verification applies to OIDC tokens only: use type 'oidc', or a condition for pkcs7 credentials",
      },
    ]);
    expect(afcFailures({ kubernetes: undefined, subject: "x", type: "private_ca" })[0]?.property).toBe(
      "type",
    );
    expect(afcFailures({ kubernetes: undefined, condition: "x", type: "private_ca" })).toEqual([]);
    expect(afcFailures({ type: "saml" })).toEqual([
      { property: "type", reason: "must be one of 'oidc', 'pkcs7', 'private_ca'" },
    ]);
    expect(afcFailures({ type: UNKNOWN })).toEqual([]);
  });

  it("attributeMappings: each needs both fields; a target field is mapped once", () => {
    expect(
      afcFailures({
        attributeMappings: [{ sourceValueExpression: "jwt.sub", targetField: "client.activeSubjectUrn" }],
      }),
    ).toEqual([]);
    expect(
      afcFailures({
        attributeMappings: [
          { sourceValueExpression: "jwt.sub", targetField: "a" },
          { sourceValueExpression: "jwt.x" },
          { sourceValueExpression: "jwt.y", targetField: "a" },
          { sourceValueExpression: "e".repeat(1025), targetField: "b" },
        ],
      }),
    ).toEqual([
      { property: "attributeMappings[1].targetField", reason: "is required" },
      {
        property: "attributeMappings[2].targetField",
        reason: "must map each field once, but maps 'a' again (attributeMappings[0] does)",
      },
      {
        property: "attributeMappings[3].sourceValueExpression",
        reason: "must be at most 1024 characters for an expression, but has 1025",
      },
    ]);
    expect(afcFailures({ attributeMappings: "x" })).toEqual([
      { property: "attributeMappings", reason: "must be a list" },
    ]);
    expect(afcFailures({ attributeMappings: UNKNOWN })).toEqual([]);
    expect(afcFailures({ attributeMappings: [UNKNOWN] })).toEqual([]);
  });

  it("unknown values pass; the known parts of kubernetes are still checked", () => {
    expect(afcFailures({ applicationId: UNKNOWN, providerId: UNKNOWN, kubernetes: UNKNOWN })).toEqual([]);
    expect(
      afcFailures(k8s({ namespace: UNKNOWN, serviceAccountName: "BAD" })).map((f) => f.property),
    ).toEqual(["kubernetes.serviceAccountName"]);
  });

  it("reports every problem at once", () => {
    const failures = afcFailures({
      instanceId: "x",
      applicationId: "",
      name: "n".repeat(65),
      type: "pkcs7",
      kubernetes: { namespace: "A", serviceAccountName: "" },
      attributeMappings: [{}],
    });
    expect(failures.map((f) => f.property).sort()).toEqual([
      "applicationId",
      "attributeMappings[0].sourceValueExpression",
      "attributeMappings[0].targetField",
      "instanceId",
      "kubernetes.namespace",
      "kubernetes.serviceAccountName",
      "name",
      "type",
    ]);
  });
});

describe("IdaasApplicationFederatedCredential properties", () => {
  const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
  const subdomain = fc
    .array(fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/), { minLength: 1, maxLength: 5 })
    .map((parts) => parts.join("."));

  it("any valid namespace and service account pass, and the expected subject is the SA's sub", async () => {
    await fc.assert(
      fc.asyncProperty(label, subdomain, async (namespace, serviceAccountName) => {
        const { inputs, failures } = afc({ kubernetes: { namespace, serviceAccountName } });
        expect(failures).toEqual([]);
        const created = {
          ...(inputs as Record<string, unknown>),
          credentialId: "afc_1",
          status: "enabled",
          verificationMode: "structured",
          expectedSubject: kubernetesSubject(namespace, serviceAccountName),
        };
        expect(await Afc.diff("afc_1", created, inputs)).toMatchObject({ changes: false });
      }),
      { numRuns: 200 },
    );
  });

  it("a namespace passes exactly when it is a DNS-1123 label of at most 63 characters", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."abcz09-._A ".split("")), maxLength: 70 }), (ns) => {
        const ok = ns.length <= 63 && KUBERNETES.namespace.pattern.test(ns);
        expect(afcFailures(k8s({ namespace: ns })).length === 0).toBe(ok);
      }),
      { numRuns: 500 },
    );
  });

  it("any name longer than 64 fails, naming the limit; any from 1 to 64 non-blank characters passes", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), (name) => {
        const f = afcFailures({ name });
        const fp = fcpFailures({ name });
        if (name.length > 64) {
          expect(f).toEqual([{ property: "name", reason: expect.stringContaining("at most 64") }]);
          expect(fp).toEqual([{ property: "name", reason: expect.stringContaining("at most 64") }]);
        } else if (name.trim() !== "") {
          expect(f).toEqual([]);
          expect(fp).toEqual([]);
        }
      }),
    );
  });

  it("check never throws, whatever the arguments", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.anything()), fc.anything(), (junk, k) => {
        expect(() => afc({ ...junk, kubernetes: k })).not.toThrow();
        expect(() => fcp({ ...junk, oidc: k })).not.toThrow();
        expect(() => checkIdaasClientPublicKeyInputs({ ...junk, publicKey: k })).not.toThrow();
      }),
    );
  });
});

describe("IdaasApplicationFederatedCredential diff", () => {
  const outs = (over: Record<string, unknown> = {}) => {
    const inputs = afc(over).inputs as Record<string, unknown>;
    return {
      ...inputs,
      credentialId: "afc_1",
      status: "enabled",
      verificationMode: inputs.condition === undefined ? "structured" : "freedom",
      expectedSubject: "",
    };
  };
  const diff = (news: Record<string, unknown>, olds = outs()) => Afc.diff("afc_1", olds, afc(news).inputs);

  it("in place: description, the kubernetes fields, kubernetes ↔ subject, mappings", async () => {
    expect(await diff({})).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(await diff({ description: "x" })).toMatchObject({ changes: true, replaces: [] });
    expect(await diff(k8s({ podNamePrefix: "api-" }))).toMatchObject({ changes: true, replaces: [] });
    expect(await diff({ kubernetes: undefined, subject: "repo:acme" })).toMatchObject({
      changes: true,
      replaces: [],
    });
    const m = [{ sourceValueExpression: "jwt.sub", targetField: "a" }];
    expect(await diff({ attributeMappings: m })).toMatchObject({ changes: true, replaces: [] });
    expect(await diff({ attributeMappings: m }, outs({ attributeMappings: m }))).toMatchObject({
      changes: false,
    });
  });

  it("replaces for name, type, provider, application, instance, a mode switch or clearing mappings", async () => {
    expect(await diff({ name: "other" })).toEqual({
      changes: true,
      replaces: ["name"],
      deleteBeforeReplace: false,
    });
    expect(await diff({ providerId: "fcp_2" })).toEqual({
      changes: true,
      replaces: ["providerId"],
      deleteBeforeReplace: true,
    });
    expect(await diff({ applicationId: "app_2" })).toMatchObject({ deleteBeforeReplace: false });
    expect(await diff({ kubernetes: undefined, condition: "x" })).toMatchObject({
      replaces: ["condition"],
      deleteBeforeReplace: true,
    });
    const m = [{ sourceValueExpression: "jwt.sub", targetField: "a" }];
    expect(await diff({}, outs({ attributeMappings: m }))).toMatchObject({ replaces: ["attributeMappings"] });
    expect(await diff({ providerId: UNKNOWN })).toMatchObject({ replaces: ["providerId"] });
  });
});

// ------------------------------------------------------------ public key

const cpk = (publicKey: unknown) =>
  checkIdaasClientPublicKeyInputs({ instanceId: INSTANCE, applicationId: "app_1", publicKey });

describe("IdaasClientPublicKey check", () => {
  it("RSA: 2048 bits pass (AlgorithmType RSA-2048, as documented), 2047 fail naming the limit", () => {
    const ok = canonicalPublicKey(pem(RSA_2048.publicKey));
    expect(ok).toMatchObject({ algorithmType: "RSA-2048", description: "RSA 2048" });
    expect(cpk(pem(RSA_2048.publicKey)).failures).toEqual([]);
    expect(cpk(pem(RSA_2047.publicKey)).failures).toEqual([
      { property: "publicKey", reason: "is a 2047-bit RSA key, but at least 2048 bits are required" },
    ]);
  });

  it("EC: P-256, P-384 and P-521 pass (AlgorithmType EC); other curves and key types fail", () => {
    for (const [curve, jose] of [
      ["prime256v1", "P-256"],
      ["secp384r1", "P-384"],
      ["secp521r1", "P-521"],
    ])
      expect(canonicalPublicKey(pem(ec(curve!).publicKey))).toMatchObject({
        algorithmType: "EC",
        description: `EC ${jose}`,
      });
    expect(cpk(pem(ec("secp256k1").publicKey)).failures).toEqual([
      {
        property: "publicKey",
        reason:
          "is an EC key on curve secp256k1; allowed: RSA of at least 2048 bits, or EC on P-256, P-384, P-521",
      },
    ]);
    expect(cpk(pem(generateKeyPairSync("ed25519").publicKey)).failures[0]?.reason).toBe(
      "is an ed25519 key; allowed: RSA of at least 2048 bits, or EC on P-256, P-384, P-521",
    );
  });

  it("refuses a private key without echoing it, a PKCS#1 key with the conversion, and non-keys", () => {
    const priv = RSA_2048.privateKey.export({ type: "pkcs8", format: "pem" }) as string;
    const f = cpk(priv).failures;
    expect(f).toEqual([
      {
        property: "publicKey",
        reason: "is a private key: pass only the public key (openssl pkey -in key.pem -pubout)",
      },
    ]);
    expect(JSON.stringify(f)).not.toContain(priv.split("\n")[1]);
    const pkcs1 = RSA_2048.publicKey.export({ type: "pkcs1", format: "pem" }) as string;
    expect(cpk(pkcs1).failures[0]?.reason).toMatch(/^is a PKCS#1 RSA key: convert it to SPKI \(openssl rsa/);
    expect(cpk(certs.rootCaPem).failures[0]?.reason).toBe(
      "must be an SPKI PEM public key starting with -----BEGIN PUBLIC KEY-----",
    );
    expect(cpk("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").failures[0]?.reason).toMatch(
      /^is not a readable public key/,
    );
    expect(cpk(pem(RSA_2048.publicKey).repeat(2)).failures[0]?.reason).toBe("holds 2 public keys: give one");
    expect(cpk(undefined).failures).toEqual([{ property: "publicKey", reason: "is required" }]);
    expect(cpk(UNKNOWN).failures).toEqual([]);
  });

  it("a private key pasted where the public key belongs never reaches the engine's output", async () => {
    const key = ec("prime256v1").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const body = key.split("\n")[1] ?? "";
    const { failures = [] } = await Cpk.check(
      {},
      { instanceId: "idaas_x", applicationId: "app_x", publicKey: key },
    );
    expect(failures.length).toBeGreaterThan(0);
    // On the resource, not the property: the engine prints a named property's value beside it.
    expect(failures.every((f) => f.property === "")).toBe(true);
    expect(JSON.stringify(failures)).not.toContain(body.slice(0, 16));
  });

  it("the key compares by content: line ends and wrapping do not matter", () => {
    const canonical = pem(RSA_2048.publicKey);
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 120 }), fc.boolean(), (width, crlf) => {
        const body = canonical.replace(/-----[^-]+-----|\s/g, "");
        const lines = body.match(new RegExp(`.{1,${width}}`, "g"))!;
        const eol = crlf ? "\r\n" : "\n";
        const variant = ["-----BEGIN PUBLIC KEY-----", ...lines, "-----END PUBLIC KEY-----", ""].join(eol);
        expect(cpk(variant).inputs.publicKey).toBe(canonical);
      }),
      { numRuns: 50 },
    );
  });

  it("diff: every argument replaces (new key first); a disabled key is an in-place change", async () => {
    const inputs = cpk(pem(RSA_2048.publicKey)).inputs;
    const outs = { ...inputs, clientPublicKeyId: "cpk_1", algorithmType: "RSA-2048", status: "enabled" };
    expect(await Cpk.diff("cpk_1", outs, inputs)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await Cpk.diff("cpk_1", outs, cpk(pem(ec("prime256v1").publicKey)).inputs)).toEqual({
      changes: true,
      replaces: ["publicKey"],
      deleteBeforeReplace: false,
    });
    expect(await Cpk.diff("cpk_1", outs, { ...inputs, applicationId: "app_2" })).toMatchObject({
      replaces: ["applicationId"],
    });
    expect(await Cpk.diff("cpk_1", { ...outs, status: "disabled" }, inputs)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
});

describe("canonical JWKS", () => {
  it("member order and white space do not matter", () => {
    const key = { kty: "EC", crv: "P-256", x: "xx", y: "yy", kid: "k", use: "sig" };
    fc.assert(
      fc.property(fc.shuffledSubarray(Object.keys(key), { minLength: 6 }), fc.nat(4), (order, indent) => {
        const reordered = Object.fromEntries(order.map((k) => [k, key[k as keyof typeof key]]));
        const a = canonicalJwks(JSON.stringify({ keys: [reordered] }, null, indent));
        const b = canonicalJwks(JSON.stringify({ keys: [key] }));
        expect(a).toEqual(b);
      }),
    );
  });
});

describe("IdaasResourceServer scopes limit", () => {
  const scopes = (n: number) => Array.from({ length: n }, (_, i) => ({ value: `v${i}` }));
  const failures = (n: number) =>
    checkIdaasResourceServerInputs({
      instanceId: "idaas_abc",
      applicationName: "orders-api",
      identifier: "api://orders",
      scopes: scopes(n),
    }).failures;

  it("100 scopes pass, 101 fail (a literal, not the shared constant)", () => {
    expect(failures(100)).toEqual([]);
    expect(failures(101)).toEqual([
      { property: "scopes", reason: "must hold at most 100 scopes, but holds 101" },
    ]);
  });
});

describe("IdaasResourceServer scope names and static JWKS key types, as the service takes them", () => {
  const server = (scopes: unknown) =>
    checkIdaasResourceServerInputs({
      instanceId: "idaas_abc",
      applicationName: "orders-api",
      identifier: "api://orders",
      scopes,
    }).failures;

  it("an empty scope name is refused at preview (CreateResourceServerScope requires one); left out, the value is shown", () => {
    expect(server([{ value: "read", name: "" }])).toEqual([
      { property: "scopes[0].name", reason: "must not be empty: leave name out to show the value" },
    ]);
    expect(server([{ value: "read" }])).toEqual([]);
    expect(server([{ value: "read", name: "r".repeat(64) }])).toEqual([]);
    expect(server([{ value: "read", name: "r".repeat(65) }])).toHaveLength(1);
  });

  it("'*' is not a scope character, and the message does not offer it", () => {
    const [f] = server([{ value: "a*b" }]);
    expect(f?.reason).toBe(
      "'a*b' is not allowed: use letters, digits and ': . _ / -' (no spaces, '*' or '|')",
    );
  });

  it("a static JWKS holds RSA or EC keys; OKP and oct keys are refused at preview", () => {
    expect(canonicalJwks(JSON.stringify({ keys: [{ kty: "RSA", n: "AQAB", e: "AQAB" }] }))).toHaveProperty(
      "jwks",
    );
    expect(
      canonicalJwks(JSON.stringify({ keys: [{ kty: "EC", crv: "P-256", x: "a", y: "b" }] })),
    ).toHaveProperty("jwks");
    expect(canonicalJwks(JSON.stringify({ keys: [{ kty: "OKP", crv: "Ed25519", x: "a" }] }))).toEqual({
      problem: 'keys[0] is a "OKP" key: use RSA or EC keys (kty "RSA" or "EC")',
    });
    expect(canonicalJwks(JSON.stringify({ keys: [{ kty: "RSA", n: "a", e: "b" }, { kty: "oct" }] }))).toEqual(
      {
        problem: 'keys[1] is a "oct" key: use RSA or EC keys (kty "RSA" or "EC")',
      },
    );
  });
});

describe("condition expressions: nesting checked at preview as the service counts it", () => {
  const refusedForDepth = (text: string) => {
    try {
      parseExpression(text);
      return false;
    } catch (err) {
      return /nested more than/.test((err as Error).message);
    }
  };
  const atom = 'jwt.sub == "a(!b)"';
  const shapes: Array<[string, (n: number) => string]> = [
    ["'!' repeated", (n) => `${"!".repeat(n)}${atom}`],
    ["parentheses", (n) => `${"(".repeat(n)}${atom}${")".repeat(n)}`],
    ["'!(' repeated", (n) => `${"!(".repeat(n)}${atom}${")".repeat(n)}`],
    ["beside a shallow one", (n) => `jwt.iss != "x" && (${"(".repeat(n - 1)}${atom}${")".repeat(n - 1)})`],
    ["around a function call", (n) => `${"(".repeat(n)}IsNullOrEmpty(jwt.a)${")".repeat(n)}`],
    [
      "'!' before a function call",
      (n) => `${"!(".repeat(n - 1)}!StartsWith(jwt.sub, "a(")${")".repeat(n - 1)}`,
    ],
  ];

  it.each(shapes)(
    "%s: the library's depth agrees with the emulator's parser at 31, 32, 33 and 34",
    (_name, make) => {
      for (const n of [16, 31, 32, 33, 34]) {
        const text = make(n);
        expect(nestingDepth(text) > 32, `${n}: ${text}`).toBe(refusedForDepth(text));
      }
    },
  );

  it("a 33-deep TrustCondition fails at preview, naming the limit", () => {
    const failures = checkIdaasFederatedCredentialProviderInputs({
      instanceId: "idaas_abc",
      name: "cluster",
      oidc: {
        issuer: "https://oidc.example.com/c1",
        jwksUri: "https://oidc.example.com/c1/jwks",
        audiences: ["idaas"],
        trustCondition: `${"!".repeat(33)}${atom}`,
      },
    }).failures;
    expect(failures).toEqual([
      {
        property: "oidc.trustCondition",
        reason: "nest at most 32 deep (parentheses and '!' together), but this nests 33 deep",
      },
    ]);
  });
});
