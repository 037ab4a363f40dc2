import {
  createPublicKey,
  createVerify,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type OpenApiClient from "@alicloud/openapi-core";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { type Emulator, startEmulator, startTestIdp, type TestIdp } from "../../emulator";
import {
  assertionClaims,
  eiamClient,
  eiamRpc,
  getJson,
  hs256,
  jwtPayload,
  postToken,
  type RpcValue,
  signJwt,
  TOKEN_PATH,
  type TokenAnswer,
} from "./eiam-helpers";
import { basic } from "./scim-helpers";

const OAUTH = "/api/v2/iauths_system/oauth2";
const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const OIDC_BEARER = "urn:cloud:idaas:params:oauth:client-assertion-type:id-token-bearer";
const SA_SUB = "system:serviceaccount:prod:batch";

let emulator: Emulator;
let idp: TestIdp;
let client: OpenApiClient;
let instanceId: string;
/** Added to the emulator's clock (unsigned token calls only: signed RPC calls check the date). */
let offsetMs = 0;

/** What each test starts with: a resource server, a client granted two of its three scopes, a secret. */
interface World {
  rs: string;
  app: string;
  clientId: string;
  secret: string;
  secretId: string;
  scopes: Record<"read" | "write" | "admin", string>;
}
let w: World;

const rpc = (action: string, query: Record<string, RpcValue> = {}) =>
  eiamRpc(client, action, { InstanceId: instanceId, ...query });

/** https://<DefaultDomain>/…/token: the audience cloud-idaas-core puts in client assertions. */
const tokenEndpoint = () => `https://${emulator.httpsEndpoint}${TOKEN_PATH}`;
const httpsBase = () => emulator.httpsUrl as string;
const ca = () => emulator.httpsCaPem as string;

async function createApp(name: string): Promise<string> {
  return String(
    (
      await rpc("CreateApplication", {
        ApplicationName: name,
        ApplicationSourceType: "urn:alibaba:idaas:app:source:standard",
        SsoType: "oidc",
      })
    ).ApplicationId,
  );
}

async function setup(): Promise<World> {
  const rs = await createApp("orders-api");
  await rpc("EnableApplicationResourceServer", { ApplicationId: rs });
  await rpc("SetApplicationResourceServerIdentifier", {
    ApplicationId: rs,
    ResourceServerIdentifier: "api://orders",
  });
  const scopes = {} as World["scopes"];
  for (const value of ["read", "write", "admin"] as const) {
    scopes[value] = String(
      (
        await rpc("CreateResourceServerScope", {
          ApplicationId: rs,
          ResourceServerScopeName: value,
          ResourceServerScopeValue: value,
          ResourceServerScopeType: "api",
        })
      ).ResourceServerScopeId,
    );
  }
  const app = await createApp("batch-job");
  await rpc("EnableApplicationM2MClient", { ApplicationId: app });
  await rpc("AuthorizeResourceServerScopesToClient", {
    ClientApplicationId: app,
    ResourceServerApplicationId: rs,
    ResourceServerScopeIds: [scopes.read, scopes.write],
  });
  const s = (await rpc("CreateApplicationClientSecret", { ApplicationId: app }))
    .ApplicationClientSecret as Record<string, string>;
  return {
    rs,
    app,
    clientId: String(s.ClientId),
    secret: String(s.ClientSecret),
    secretId: String(s.SecretId),
    scopes,
  };
}

const form = (over: Record<string, string | undefined> = {}): Record<string, string> => {
  const out: Record<string, string> = {
    grant_type: "client_credentials",
    client_id: w.clientId,
    scope: "api://orders|read",
  };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
};
const post = (
  over: Record<string, string | undefined> = {},
  headers: Record<string, string> = {},
  base = emulator.url,
) => postToken(base, form(over), headers, ca());
const secretPost = (over: Record<string, string | undefined> = {}) =>
  post({ client_secret: w.secret, ...over });

/** The error of a refused token request (status and OAuth error checked). */
function refused(res: TokenAnswer, status: number, error: string, description?: RegExp): void {
  expect(res.body.error).toBe(error);
  expect(res.status).toBe(status);
  expect(res.body.request_id).toMatch(/^[0-9A-F-]{36}$/);
  if (description) expect(String(res.body.error_description)).toMatch(description);
}

/** Verifies the access token against the JWKS route and returns its claims. */
async function verifiedClaims(token: string, base = emulator.url): Promise<Record<string, unknown>> {
  const jwks = await getJson(base, `${OAUTH}/jwks`, ca());
  expect(jwks.status).toBe(200);
  const [h = "", p = "", s = ""] = token.split(".");
  const header = JSON.parse(Buffer.from(h, "base64url").toString()) as { alg: string; kid: string };
  expect(header.alg).toBe("RS256");
  const jwk = (jwks.body.keys as Array<Record<string, unknown>>).find((k) => k.kid === header.kid);
  expect(jwk).toBeDefined();
  const verifier = createVerify("RSA-SHA256");
  verifier.update(`${h}.${p}`);
  expect(
    verifier.verify(createPublicKey({ key: jwk as JsonWebKey, format: "jwk" }), Buffer.from(s, "base64url")),
  ).toBe(true);
  return jwtPayload(token);
}

beforeAll(async () => {
  idp = await startTestIdp();
  emulator = await startEmulator({
    port: 0,
    https: true,
    trustedCertificates: [idp.rootCaPem],
    clock: () => Date.now() + offsetMs,
  });
  client = eiamClient(emulator);
  instanceId = emulator.eiamInstanceId;
});
afterAll(async () => {
  await emulator.close();
  await idp.close();
});
beforeEach(async () => {
  offsetMs = 0;
  await emulator.reset();
  w = await setup();
});

describe("client_secret_basic", () => {
  test("a token: the answer's shape, and an RS256 JWT that verifies against the JWKS route", async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await post({}, { authorization: basic(w.clientId, w.secret) });
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: "Bearer",
      expires_in: 3600,
      expires_at: expect.any(Number),
      scope: "read",
    });
    const expiresAt = res.body.expires_at as number;
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3600);
    expect(expiresAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 3600);
    const claims = await verifiedClaims(String(res.body.access_token));
    expect(claims).toEqual({
      iss: `https://${emulator.httpsEndpoint}${OAUTH}`,
      sub: w.clientId,
      aud: "api://orders",
      scope: "read",
      client_id: w.clientId,
      iat: expiresAt - 3600,
      exp: expiresAt,
      jti: expect.any(String),
    });
    // The secret's LastUsedTime is set.
    const obtained = await rpc("ObtainApplicationClientSecret", {
      ApplicationId: w.app,
      SecretId: w.secretId,
    });
    expect(typeof (obtained.ApplicationClientSecret as { LastUsedTime?: number }).LastUsedTime).toBe(
      "number",
    );
  });

  test("a wrong secret is 401 invalid_client with a Basic challenge", async () => {
    const res = await post({}, { authorization: basic(w.clientId, `${w.secret}x`) });
    refused(res, 401, "invalid_client", /secret is wrong/);
    expect(res.headers["www-authenticate"]).toMatch(/^Basic/);
    refused(await post({}, { authorization: "Basic !!" }), 401, "invalid_client");
    refused(
      await post({ client_id: "someone-else" }, { authorization: basic(w.clientId, w.secret) }),
      400,
      "invalid_request",
    );
  });
});

describe("client_secret_post", () => {
  test("a token", async () => {
    const res = await secretPost({ scope: "api://orders|read api://orders|write" });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe("read write");
  });

  test("disabled, expired and unknown clients are refused", async () => {
    await rpc("DisableApplicationClientSecret", { ApplicationId: w.app, SecretId: w.secretId });
    refused(await secretPost(), 401, "invalid_client", /disabled/);
    await rpc("EnableApplicationClientSecret", { ApplicationId: w.app, SecretId: w.secretId });
    expect((await secretPost()).status).toBe(200);

    const expiring = (
      await rpc("CreateApplicationClientSecret", {
        ApplicationId: w.app,
        ExpirationTime: Date.now() + 86_400_000 + 60_000,
      })
    ).ApplicationClientSecret as { ClientSecret: string };
    expect((await secretPost({ client_secret: expiring.ClientSecret })).status).toBe(200);
    offsetMs = 2 * 86_400_000;
    refused(await secretPost({ client_secret: expiring.ClientSecret }), 401, "invalid_client", /expired/);
    offsetMs = 0;

    refused(
      await secretPost({ client_id: "nobody" }),
      401,
      "invalid_client",
      /No application has the client_id/,
    );
    // The client_id is the ApplicationId, not the id without its prefix.
    refused(await secretPost({ client_id: w.app.slice(4) }), 401, "invalid_client", /No application has/);
    refused(await secretPost({ client_id: undefined }), 401, "invalid_client");
    refused(await post({}), 401, "invalid_client", /Client authentication is required/);
  });

  test("the client's M2M client must be enabled", async () => {
    await rpc("DisableApplicationM2MClient", { ApplicationId: w.app });
    refused(await secretPost(), 400, "unauthorized_client", /M2M client/);
  });
});

describe("client_secret_jwt", () => {
  const assertion = (over: Record<string, unknown> = {}, secret = w.secret) =>
    hs256(assertionClaims(w.clientId, tokenEndpoint(), over), secret);
  const withAssertion = (a: string, over: Record<string, string | undefined> = {}) =>
    post({ client_assertion_type: JWT_BEARER, client_assertion: a, ...over });

  test("a token, with aud the DefaultDomain's token URL or the URL the request arrived on", async () => {
    expect((await withAssertion(assertion())).status).toBe(200);
    // cloud-idaas-core sends client_id too; without it the assertion's sub names the client.
    expect((await withAssertion(assertion(), { client_id: undefined })).status).toBe(200);
    expect((await withAssertion(assertion({ aud: `${emulator.url}${TOKEN_PATH}` }))).status).toBe(200);
    expect((await withAssertion(assertion({ aud: ["https://elsewhere", tokenEndpoint()] }))).status).toBe(
      200,
    );
  });

  test("refusals: replayed, expired, too long-lived, wrong aud, wrong sub, wrong secret, no jti", async () => {
    const once = assertion();
    expect((await withAssertion(once)).status).toBe(200);
    refused(await withAssertion(once), 401, "invalid_client", /already used/);
    const now = Math.floor(Date.now() / 1000);
    refused(
      await withAssertion(assertion({ iat: now - 900, exp: now - 300 })),
      401,
      "invalid_client",
      /expired/,
    );
    refused(await withAssertion(assertion({ exp: now + 7200 })), 401, "invalid_client", /ahead/);
    refused(
      await withAssertion(assertion({ aud: "https://evil.example.com/token" })),
      401,
      "invalid_client",
      /aud/,
    );
    refused(await withAssertion(assertion({ sub: "someone" })), 401, "invalid_client", /iss and sub/);
    refused(
      await withAssertion(assertion({}, "not-the-secret-but-long-enough-000000000000")),
      401,
      "invalid_client",
      /HS256/,
    );
    refused(await withAssertion(assertion({ jti: undefined })), 401, "invalid_client", /jti/);
    refused(await withAssertion(assertion({ nbf: now + 600 })), 401, "invalid_client", /future/);
    refused(await withAssertion("not.a.jwt"), 401, "invalid_client", /malformed/);
    refused(
      await post({ client_assertion_type: JWT_BEARER }),
      400,
      "invalid_request",
      /client_assertion is required/,
    );
    refused(
      await post({ client_assertion_type: "urn:other", client_assertion: once }),
      400,
      "invalid_request",
    );
    refused(
      await post({
        client_assertion_type: JWT_BEARER,
        client_assertion: assertion(),
        client_secret: w.secret,
      }),
      400,
      "invalid_request",
      /exactly one/,
    );
  });
});

describe("private_key_jwt", () => {
  let rsa: { privateKey: KeyObject; publicKey: KeyObject };
  let ec: { privateKey: KeyObject; publicKey: KeyObject };
  const pem = (k: KeyObject) => k.export({ type: "spki", format: "pem" }).toString();
  const register = async (alg: "RSA-2048" | "EC", key: KeyObject) =>
    String(
      (await rpc("CreateClientPublicKey", { ApplicationId: w.app, AlgorithmType: alg, PublicKey: pem(key) }))
        .ClientPublicKeyId,
    );
  const withAssertion = (a: string) => post({ client_assertion_type: JWT_BEARER, client_assertion: a });

  beforeAll(() => {
    rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  });

  test("RS256 without kid and ES256 with the key id as kid", async () => {
    await register("RSA-2048", rsa.publicKey);
    const ecId = await register("EC", ec.publicKey);
    const rs = await withAssertion(
      signJwt(assertionClaims(w.clientId, tokenEndpoint()), rsa.privateKey, "RS256"),
    );
    expect(rs.status).toBe(200);
    const es = await withAssertion(
      signJwt(assertionClaims(w.clientId, tokenEndpoint()), ec.privateKey, "ES256", ecId),
    );
    expect(es.status).toBe(200);
    const got = await rpc("GetClientPublicKey", { ApplicationId: w.app, ClientPublicKeyId: ecId });
    expect(typeof (got.ClientPublicKey as { LastUsedTime?: number }).LastUsedTime).toBe("number");
  });

  test("refusals: a key not registered, a disabled key, an alg that does not fit the key", async () => {
    const id = await register("RSA-2048", rsa.publicKey);
    const claims = () => assertionClaims(w.clientId, tokenEndpoint());
    const stranger = generateKeyPairSync("rsa", { modulusLength: 2048 });
    refused(
      await withAssertion(signJwt(claims(), stranger.privateKey, "RS256")),
      401,
      "invalid_client",
      /private_key_jwt/,
    );
    // Any RS alg fits an RSA key (cloud-idaas-core picks RS384 for 3072-bit keys).
    expect((await withAssertion(signJwt(claims(), rsa.privateKey, "RS384", id))).status).toBe(200);
    refused(await withAssertion(signJwt(claims(), rsa.privateKey, "ES256", id)), 401, "invalid_client");
    refused(
      await withAssertion(
        signJwt(assertionClaims(w.clientId, "https://evil.example.com"), rsa.privateKey, "RS256"),
      ),
      401,
      "invalid_client",
      /aud/,
    );
    await rpc("DisableClientPublicKey", { ApplicationId: w.app, ClientPublicKeyId: id });
    refused(await withAssertion(signJwt(claims(), rsa.privateKey, "RS256")), 401, "invalid_client");
    await rpc("EnableClientPublicKey", { ApplicationId: w.app, ClientPublicKeyId: id });
    expect((await withAssertion(signJwt(claims(), rsa.privateKey, "RS256"))).status).toBe(200);
    // "none" and HS384 are not client authentication methods here.
    const none = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify(claims())).toString("base64url")}.`;
    refused(await withAssertion(none), 401, "invalid_client", /not supported/);
  });
});

describe("OIDC federated credentials (a Kubernetes service-account token)", () => {
  let providerId: string;
  let credentialId: string;
  const podToken = (over: Record<string, unknown> = {}, opts: Parameters<TestIdp["mintToken"]>[1] = {}) =>
    idp.mintToken(
      {
        sub: SA_SUB,
        aud: "idaas-m2m",
        "kubernetes.io": {
          namespace: "prod",
          pod: { name: "batch-7f9c", uid: "u1" },
          serviceaccount: { name: "batch" },
        },
        ...over,
      },
      opts,
    );
  const federated = (token: string, over: Record<string, string | undefined> = {}) =>
    post({
      client_assertion_type: OIDC_BEARER,
      client_assertion: token,
      application_federated_credential_name: "pod",
      scope: "api://orders|.all",
      ...over,
    });
  const update = (config: Record<string, RpcValue>) =>
    rpc("UpdateApplicationFederatedCredential", {
      ApplicationId: w.app,
      ApplicationFederatedCredentialId: credentialId,
      ...config,
    });

  beforeEach(async () => {
    providerId = String(
      (
        await rpc("CreateFederatedCredentialProvider", {
          FederatedCredentialProviderName: "cluster",
          FederatedCredentialProviderType: "oidc",
          OidcProviderConfig: {
            Issuer: idp.issuer,
            JwksSource: "dynamic",
            JwksUri: `${idp.issuer}/jwks`,
            Audiences: ["idaas-m2m"],
          },
        })
      ).FederatedCredentialProviderId,
    );
    credentialId = String(
      (
        await rpc("CreateApplicationFederatedCredential", {
          ApplicationId: w.app,
          FederatedCredentialProviderId: providerId,
          ApplicationFederatedCredentialType: "oidc",
          ApplicationFederatedCredentialName: "pod",
          VerificationMode: "structured",
          OidcVerificationConfig: {
            Profile: "kubernetes",
            KubernetesConfig: { Namespace: "prod", ServiceAccountName: "batch", PodNamePrefix: "batch-" },
          },
        })
      ).ApplicationFederatedCredentialId,
    );
  });

  test("a token for every granted scope (.all); the JWKS is fetched over HTTPS and recorded", async () => {
    const res = await federated(podToken());
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe("read write");
    const claims = await verifiedClaims(String(res.body.access_token));
    expect(claims).toMatchObject({ sub: w.clientId, aud: "api://orders", scope: "read write" });
    const cred = await rpc("GetApplicationFederatedCredential", {
      ApplicationId: w.app,
      ApplicationFederatedCredentialId: credentialId,
    });
    expect(typeof (cred.ApplicationFederatedCredential as { LastUsedTime?: number }).LastUsedTime).toBe(
      "number",
    );
    const provider = await rpc("GetFederatedCredentialProvider", {
      FederatedCredentialProviderId: providerId,
    });
    const config = (provider.FederatedCredentialProvider as { OidcProviderConfig: Record<string, unknown> })
      .OidcProviderConfig;
    expect(JSON.parse(String(config.DynamicJwks)).keys[0].kid).toBe(idp.kid);
    expect(typeof config.JwksLastObtainedTime).toBe("number");
    // The workload token is not single-use: a pod presents it until it rotates.
    const token = podToken();
    expect((await federated(token)).status).toBe(200);
    expect((await federated(token)).status).toBe(200);
  });

  test("refusals: wrong sub, wrong aud, wrong issuer, bad signature, expired, pod name, unknown credential", async () => {
    refused(
      await federated(podToken({ sub: "system:serviceaccount:prod:other" })),
      401,
      "invalid_client",
      /sub/,
    );
    refused(await federated(podToken({ aud: "sts.aliyuncs.com" })), 401, "invalid_client", /aud/);
    refused(await federated(podToken({ iss: "https://evil.example.com" })), 401, "invalid_client", /iss/);
    refused(await federated(podToken({}, { signWithUnknownKey: true })), 401, "invalid_client", /signature/);
    refused(await federated(podToken({}, { kid: "rotated-away" })), 401, "invalid_client", /kid/);
    refused(await federated(podToken({ expiresInSeconds: -120 })), 401, "invalid_client", /expired/);
    refused(
      await federated(podToken({ "kubernetes.io": { namespace: "prod", pod: { name: "web-1" } } })),
      401,
      "invalid_client",
      /pod name/,
    );
    refused(
      await federated(podToken(), { application_federated_credential_name: "nope" }),
      401,
      "invalid_client",
      /named/,
    );
    refused(
      await federated(podToken(), { application_federated_credential_name: undefined }),
      400,
      "invalid_request",
    );
    refused(await federated(podToken(), { client_id: undefined }), 400, "invalid_request");
    refused(await federated("garbage"), 401, "invalid_client", /malformed/);
  });

  test("disabled credential or provider; the provider's TrustCondition", async () => {
    await rpc("DisableApplicationFederatedCredential", {
      ApplicationId: w.app,
      ApplicationFederatedCredentialId: credentialId,
    });
    refused(await federated(podToken()), 401, "invalid_client", /disabled/);
    await rpc("EnableApplicationFederatedCredential", {
      ApplicationId: w.app,
      ApplicationFederatedCredentialId: credentialId,
    });
    await rpc("DisableFederatedCredentialProvider", { FederatedCredentialProviderId: providerId });
    refused(await federated(podToken()), 401, "invalid_client", /disabled/);
    await rpc("EnableFederatedCredentialProvider", { FederatedCredentialProviderId: providerId });
    const trust = (condition: string) =>
      rpc("UpdateFederatedCredentialProvider", {
        FederatedCredentialProviderId: providerId,
        FederatedCredentialProviderName: "cluster",
        OidcProviderConfig: { JwksSource: "dynamic", TrustCondition: condition },
      });
    await trust('jwt.kubernetes.io.namespace == "prod"');
    expect((await federated(podToken())).status).toBe(200);
    await trust('jwt.kubernetes.io.namespace == "staging"');
    refused(await federated(podToken()), 401, "invalid_client", /TrustCondition/);
  });

  test("generic and freedom verification; gcp_vm is not emulated", async () => {
    await update({ OidcVerificationConfig: { Profile: "generic", GenericConfig: { Subject: SA_SUB } } });
    expect((await federated(podToken())).status).toBe(200);
    refused(await federated(podToken({ sub: "other" })), 401, "invalid_client", /sub/);
    await update({
      VerificationCondition:
        'StartsWith(jwt.sub, "system:serviceaccount:prod:") && Contains(jwt.groups, "ci")',
    });
    expect((await federated(podToken({ groups: ["ci", "dev"] }))).status).toBe(200);
    refused(await federated(podToken({ groups: ["dev"] })), 401, "invalid_client", /VerificationCondition/);
    await update({ OidcVerificationConfig: { Profile: "gcp_vm", GcpVmConfig: { ProjectId: "p" } } });
    refused(await federated(podToken()), 401, "invalid_client", /not emulated/);
  });

  test("a static JWKS", async () => {
    const jwks = (await getJson(idp.issuer, "/jwks", idp.rootCaPem)).body;
    await rpc("UpdateFederatedCredentialProvider", {
      FederatedCredentialProviderId: providerId,
      FederatedCredentialProviderName: "cluster",
      OidcProviderConfig: { JwksSource: "static", StaticJwks: JSON.stringify(jwks) },
    });
    expect((await federated(podToken())).status).toBe(200);
    refused(await federated(podToken({}, { signWithUnknownKey: true })), 401, "invalid_client", /signature/);
  });

  test("an unreachable JwksUri is invalid_client naming the failure", async () => {
    await rpc("UpdateFederatedCredentialProvider", {
      FederatedCredentialProviderId: providerId,
      FederatedCredentialProviderName: "cluster",
      OidcProviderConfig: { JwksSource: "dynamic", JwksUri: `${idp.issuer}/no-such-jwks` },
    });
    refused(await federated(podToken()), 401, "invalid_client", /could not be fetched.*HTTP 404/);
  });

  test("PKCS#7 and private-CA assertions are not emulated", async () => {
    for (const type of [
      "urn:cloud:idaas:params:oauth:client-assertion-type:pkcs7-bearer",
      "urn:cloud:idaas:params:oauth:client-assertion-type:x509-jwt-bearer",
    ]) {
      refused(
        await federated("MIIB…", { client_assertion_type: type }),
        401,
        "invalid_client",
        /not emulated/,
      );
    }
  });
});

describe("scope", () => {
  test(".all is every granted scope; a scope not granted is refused by name", async () => {
    expect((await secretPost({ scope: "api://orders|.all" })).body.scope).toBe("read write");
    refused(await secretPost({ scope: "api://orders|admin" }), 400, "invalid_scope", /admin .*not granted/);
    refused(
      await secretPost({ scope: "api://orders|read api://orders|admin" }),
      400,
      "invalid_scope",
      /admin/,
    );
    refused(await secretPost({ scope: "api://orders|delete" }), 400, "invalid_scope", /no scope delete/);
    // Revocation is seen at once.
    await rpc("RevokeResourceServerScopesFromClient", {
      ClientApplicationId: w.app,
      ResourceServerApplicationId: w.rs,
      ResourceServerScopeIds: [w.scopes.write],
    });
    expect((await secretPost({ scope: "api://orders|.all" })).body.scope).toBe("read");
    refused(await secretPost({ scope: "api://orders|write" }), 400, "invalid_scope", /write/);
    await rpc("RevokeResourceServerFromClient", {
      ClientApplicationId: w.app,
      ResourceServerApplicationId: w.rs,
    });
    refused(await secretPost({ scope: "api://orders|.all" }), 400, "invalid_scope", /No scope/);
  });

  test("one audience; the item syntax; an enabled resource server", async () => {
    const other = await createApp("billing-api");
    await rpc("EnableApplicationResourceServer", { ApplicationId: other });
    await rpc("SetApplicationResourceServerIdentifier", {
      ApplicationId: other,
      ResourceServerIdentifier: "api://billing",
    });
    refused(
      await secretPost({ scope: "api://orders|read api://billing|read" }),
      400,
      "invalid_scope",
      /one audience/,
    );
    refused(await secretPost({ scope: "read" }), 400, "invalid_scope", /identifier/);
    refused(await secretPost({ scope: "api://orders|read|write" }), 400, "invalid_scope");
    refused(await secretPost({ scope: undefined }), 400, "invalid_scope", /required/);
    refused(
      await secretPost({ scope: "api://nowhere|read" }),
      400,
      "invalid_scope",
      /No enabled resource server/,
    );
    await rpc("DisableApplicationResourceServer", { ApplicationId: w.rs });
    refused(await secretPost(), 400, "invalid_scope", /No enabled resource server/);
  });
});

describe("the endpoint", () => {
  test("grant_type and method", async () => {
    refused(await secretPost({ grant_type: undefined }), 400, "invalid_request", /grant_type/);
    refused(await secretPost({ grant_type: "password" }), 400, "unsupported_grant_type");
    const res = await fetch(`${emulator.url}${TOKEN_PATH}`);
    expect(res.status).toBe(405);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_request");
  });

  test("discovery and JWKS, over both listeners", async () => {
    for (const base of [emulator.url, httpsBase()]) {
      const doc = await getJson(base, `${OAUTH}/.well-known/openid-configuration`, ca());
      expect(doc.status).toBe(200);
      const issuer = `https://${emulator.httpsEndpoint}${OAUTH}`;
      expect(doc.body).toMatchObject({
        issuer,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        grant_types_supported: ["client_credentials"],
      });
      const jwks = await getJson(base, `${OAUTH}/jwks`, ca());
      expect(jwks.body.keys).toEqual([
        { kty: "RSA", n: expect.any(String), e: "AQAB", kid: expect.any(String), use: "sig", alg: "RS256" },
      ]);
    }
  });

  test("over the HTTPS listener (trusting httpsCaPem), the DefaultDomain's URL as the assertion aud", async () => {
    const res = await post({ client_secret: w.secret }, {}, httpsBase());
    expect(res.status).toBe(200);
    await verifiedClaims(String(res.body.access_token), httpsBase());
    const jwt = hs256(assertionClaims(w.clientId, tokenEndpoint()), w.secret);
    const viaJwt = await post({ client_assertion_type: JWT_BEARER, client_assertion: jwt }, {}, httpsBase());
    expect(viaJwt.status).toBe(200);
    // Over HTTPS the arrival URL is https://…; an http:// aud names no listener it came through.
    const wrongScheme = hs256(
      assertionClaims(w.clientId, `http://${emulator.httpsEndpoint}${TOKEN_PATH}`),
      w.secret,
    );
    refused(
      await post({ client_assertion_type: JWT_BEARER, client_assertion: wrongScheme }, {}, httpsBase()),
      401,
      "invalid_client",
    );
  });

  test("the signing key and used assertion ids survive a restart with a state file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "eiam-token-"));
    const stateFile = join(dir, "state.json");
    try {
      const first = await startEmulator({ stateFile });
      const c = eiamClient(first);
      const call = (action: string, q: Record<string, RpcValue>) =>
        eiamRpc(c, action, { InstanceId: first.eiamInstanceId, ...q });
      const rs = String(
        (
          await call("CreateApplication", {
            ApplicationName: "rs",
            ApplicationSourceType: "urn:alibaba:idaas:app:source:standard",
            SsoType: "oidc",
          })
        ).ApplicationId,
      );
      await call("EnableApplicationResourceServer", { ApplicationId: rs });
      await call("SetApplicationResourceServerIdentifier", {
        ApplicationId: rs,
        ResourceServerIdentifier: "api://x",
      });
      const scope = String(
        (
          await call("CreateResourceServerScope", {
            ApplicationId: rs,
            ResourceServerScopeName: "r",
            ResourceServerScopeValue: "r",
            ResourceServerScopeType: "api",
          })
        ).ResourceServerScopeId,
      );
      await call("EnableApplicationM2MClient", { ApplicationId: rs });
      await call("AuthorizeResourceServerScopesToClient", {
        ClientApplicationId: rs,
        ResourceServerApplicationId: rs,
        ResourceServerScopeIds: [scope],
      });
      const secret = (await call("CreateApplicationClientSecret", { ApplicationId: rs }))
        .ApplicationClientSecret as Record<string, string>;
      const clientId = String(secret.ClientId);
      const aud = `https://${first.endpoint}${TOKEN_PATH}`;
      const jwt = hs256(assertionClaims(clientId, aud), String(secret.ClientSecret));
      const f = {
        grant_type: "client_credentials",
        client_id: clientId,
        scope: "api://x|r",
        client_assertion_type: JWT_BEARER,
        client_assertion: jwt,
      };
      const res = await postToken(first.url, f);
      expect(res.status).toBe(200);
      await first.close();

      const second = await startEmulator({ stateFile, port: Number(first.endpoint.split(":")[1]) });
      try {
        const jwks = await getJson(second.url, `${OAUTH}/jwks`);
        const header = JSON.parse(
          Buffer.from(String(res.body.access_token).split(".")[0] ?? "", "base64url").toString(),
        ) as { kid: string };
        expect((jwks.body.keys as Array<{ kid: string }>).map((k) => k.kid)).toEqual([header.kid]);
        // The assertion's jti is still remembered.
        refused(await postToken(second.url, f), 401, "invalid_client", /already used/);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("faults and the request log: no secret or assertion is ever logged", async () => {
    await emulator.injectFault({ service: "eiam-oauth", action: "IdaasToken", kind: "throttle", count: 1 });
    const throttled = await secretPost();
    expect(throttled.status).toBe(400);
    expect(throttled.body).toMatchObject({ error: "Throttling.User", request_id: expect.any(String) });

    await emulator.clearRequests();
    const jwt = hs256(assertionClaims(w.clientId, tokenEndpoint()), w.secret);
    const pod = idp.mintToken({ sub: SA_SUB, aud: "idaas-m2m" });
    await secretPost();
    await post({}, { authorization: basic(w.clientId, w.secret) });
    await post({ client_assertion_type: JWT_BEARER, client_assertion: jwt });
    await post({
      client_assertion_type: OIDC_BEARER,
      client_assertion: pod,
      application_federated_credential_name: "none",
    });
    const log = await emulator.requests({ service: "eiam-oauth" });
    expect(log.map((e) => e.action)).toEqual(["IdaasToken", "IdaasToken", "IdaasToken", "IdaasToken"]);
    expect(log.map((e) => e.status)).toEqual([200, 200, 200, 401]);
    expect(log[0]?.params).toEqual({
      grant_type: "client_credentials",
      client_id: w.clientId,
      scope: "api://orders|read",
      client_secret: "***",
    });
    expect(log[2]?.params).toMatchObject({ client_assertion_type: JWT_BEARER, client_assertion: "***" });
    expect(log[3]?.params).toMatchObject({
      application_federated_credential_name: "none",
      client_assertion: "***",
    });
    expect(log[3]?.code).toBe("invalid_client");
    expect(log[0]?.path).toBe(TOKEN_PATH);
    const everything = JSON.stringify(await emulator.requests({ includeConsole: true }));
    for (const secret of [w.secret, jwt, pod, basic(w.clientId, w.secret).slice(6)])
      expect(everything).not.toContain(secret);
  });
});
