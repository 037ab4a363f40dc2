import { createHash, createHmac } from "node:crypto";
import { OpenApiUtil } from "@alicloud/openapi-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { type Emulator, startEmulator } from "../../emulator";
import { $Ims, caught, createRequest, imsClient } from "./helpers";

let emulator: Emulator;
let now = Date.now();

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, clock: () => now });
});
afterAll(() => emulator.close());
beforeEach(async () => {
  now = Date.now();
  await emulator.reset();
});
afterEach(() => vi.restoreAllMocks());

const list = (client: ReturnType<typeof imsClient>) =>
  client.listOIDCProviders(new $Ims.ListOIDCProvidersRequest({}));

/** A minimal ACS3 signer written from docs/alibaba-api.md §8.1, independent of the emulator's verifier. */
function signAcs3(opts: {
  secret: string;
  keyId: string;
  query: string;
  body: string;
  declaredBody?: string;
}) {
  const date = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const headers: Record<string, string> = {
    host: emulator.endpoint,
    "x-acs-action": "ListOIDCProviders",
    "x-acs-version": "2019-08-15",
    "x-acs-date": date,
    "x-acs-signature-nonce": "n1",
    "x-acs-content-sha256": createHash("sha256")
      .update(opts.declaredBody ?? opts.body)
      .digest("hex"),
  };
  if (opts.body !== "") headers["content-type"] = "application/x-www-form-urlencoded";
  const names = Object.keys(headers).sort();
  const canonical = [
    "POST",
    "/",
    opts.query,
    names.map((n) => `${n}:${headers[n]}\n`).join(""),
    names.join(";"),
    headers["x-acs-content-sha256"],
  ].join("\n");
  const sts = `ACS3-HMAC-SHA256\n${createHash("sha256").update(canonical).digest("hex")}`;
  const sig = createHmac("sha256", opts.secret).update(sts).digest("hex");
  headers.authorization = `ACS3-HMAC-SHA256 Credential=${opts.keyId},SignedHeaders=${names.join(";")},Signature=${sig}`;
  return fetch(`${emulator.url}/?${opts.query}`, {
    method: "POST",
    headers,
    body: opts.body === "" ? undefined : opts.body,
  });
}

describe("ACS3-HMAC-SHA256", () => {
  test("the SDK's default signature is accepted", async () => {
    expect((await list(imsClient(emulator))).statusCode).toBe(200);
  });

  test("a wrong secret is 400 SignatureDoesNotMatch with Alibaba's body", async () => {
    const err = await caught(() => list(imsClient(emulator, { accessKeySecret: "wrong" })));
    expect(err.name).toBe("ClientError");
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe("SignatureDoesNotMatch");
    expect(err.data).toMatchObject({
      Code: "SignatureDoesNotMatch",
      Message: "Specified signature is not matched with our calculation.",
      HostId: "ims.aliyuncs.com",
      RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/),
    });
    expect((await emulator.requests())[0]).toMatchObject({ status: 400, code: "SignatureDoesNotMatch" });
  });

  test("an unknown access key is 404 InvalidAccessKeyId.NotFound", async () => {
    const err = await caught(() => list(imsClient(emulator, { accessKeyId: "LTAInobody" })));
    expect([err.statusCode, err.code, err.data?.Message]).toEqual([
      404,
      "InvalidAccessKeyId.NotFound",
      "Specified access key is not found.",
    ]);
  });

  test("an x-acs-date more than the allowed skew old is 400 InvalidTimeStamp.Expired", async () => {
    const stale = new Date(Date.now() - (900 + 60) * 1000);
    vi.spyOn(OpenApiUtil, "getTimestamp").mockReturnValue(stale.toISOString().replace(/\.\d{3}Z$/, "Z"));
    const err = await caught(() => list(imsClient(emulator)));
    expect([err.statusCode, err.code]).toEqual([400, "InvalidTimeStamp.Expired"]);
  });

  test("an x-acs-date just inside the skew is accepted", async () => {
    const edge = new Date(Date.now() - (900 - 30) * 1000);
    vi.spyOn(OpenApiUtil, "getTimestamp").mockReturnValue(edge.toISOString().replace(/\.\d{3}Z$/, "Z"));
    expect((await list(imsClient(emulator))).statusCode).toBe(200);
  });

  test("the same request signed with the same nonce twice is accepted both times", async () => {
    vi.spyOn(OpenApiUtil, "getNonce").mockReturnValue("same-nonce");
    const client = imsClient(emulator);
    await list(client);
    expect((await list(client)).statusCode).toBe(200);
  });

  test("a hand-signed form body is accepted (query and body both read)", async () => {
    const res = await signAcs3({
      secret: emulator.accessKeySecret,
      keyId: emulator.accessKeyId,
      query: "MaxItems=1",
      body: "Marker=",
    });
    expect(res.status).toBe(200);
    expect((await emulator.requests())[0]?.params).toEqual({ MaxItems: "1", Marker: "" });
  });

  test("a body that does not match x-acs-content-sha256 is refused", async () => {
    const res = await signAcs3({
      secret: emulator.accessKeySecret,
      keyId: emulator.accessKeyId,
      query: "MaxItems=1",
      body: "Marker=x",
      declaredBody: "Marker=",
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { Code: string }).Code).toBe("SignatureDoesNotMatch");
  });

  test("a malformed Authorization header is 400 IncompleteSignature", async () => {
    const res = await fetch(`${emulator.url}/`, {
      method: "POST",
      headers: {
        "x-acs-action": "ListOIDCProviders",
        "x-acs-version": "2019-08-15",
        authorization: "ACS3-HMAC-SHA256 junk",
      },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { Code: string }).Code).toBe("IncompleteSignature");
  });

  test("an unsigned request is 400 MissingAuthorization", async () => {
    const res = await fetch(`${emulator.url}/?Action=ListOIDCProviders&Version=2019-08-15`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { Code: string }).Code).toBe("MissingAuthorization");
  });
});

describe("V1 (HMAC-SHA1) signature", () => {
  test("the SDK's V1 signature is accepted", async () => {
    const res = await list(imsClient(emulator, { signatureAlgorithm: "v2" }));
    expect(res.statusCode).toBe(200);
    const [entry] = await emulator.requests();
    expect(entry?.params).toMatchObject({
      SignatureMethod: "***",
      Signature: "***",
      Action: "ListOIDCProviders",
    });
  });

  test("a wrong V1 signature is 400 SignatureDoesNotMatch", async () => {
    const err = await caught(() =>
      list(imsClient(emulator, { signatureAlgorithm: "v2", accessKeySecret: "wrong" })),
    );
    expect([err.statusCode, err.code]).toEqual([400, "SignatureDoesNotMatch"]);
  });

  test("a stale V1 Timestamp is 400 InvalidTimeStamp.Expired", async () => {
    vi.spyOn(OpenApiUtil, "getTimestamp").mockReturnValue("2020-01-01T00:00:00Z");
    const err = await caught(() => list(imsClient(emulator, { signatureAlgorithm: "v2" })));
    expect([err.statusCode, err.code]).toEqual([400, "InvalidTimeStamp.Expired"]);
  });

  test("a V1 mutation creates the provider", async () => {
    await imsClient(emulator, { signatureAlgorithm: "v2" }).createOIDCProvider(createRequest("v1"));
    expect(JSON.stringify(await emulator.state())).toContain('"name":"v1"');
  });
});

describe("STS temporary credentials", () => {
  test("are accepted with their security token (ACS3 and V1)", async () => {
    const sts = await emulator.issueStsCredentials({ principal: "acs:ram::1234567890123456:role/ci" });
    expect(sts.accessKeyId).toMatch(/^STS\./);
    expect(sts.expiration).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const creds = {
      accessKeyId: sts.accessKeyId,
      accessKeySecret: sts.accessKeySecret,
      securityToken: sts.securityToken,
    };
    expect((await list(imsClient(emulator, creds))).statusCode).toBe(200);
    expect((await list(imsClient(emulator, { ...creds, signatureAlgorithm: "v2" }))).statusCode).toBe(200);
    const logged = await emulator.requests();
    expect(logged[1]?.params.SecurityToken).toBe("***");
  });

  test("are refused without the token", async () => {
    const sts = await emulator.issueStsCredentials();
    const err = await caught(() =>
      list(imsClient(emulator, { accessKeyId: sts.accessKeyId, accessKeySecret: sts.accessKeySecret })),
    );
    expect([err.statusCode, err.code]).toEqual([400, "InvalidSecurityToken.MismatchWithAccessKey"]);
  });

  test("are refused with another credential's token", async () => {
    const a = await emulator.issueStsCredentials();
    const b = await emulator.issueStsCredentials();
    const err = await caught(() =>
      list(
        imsClient(emulator, {
          accessKeyId: a.accessKeyId,
          accessKeySecret: a.accessKeySecret,
          securityToken: b.securityToken,
        }),
      ),
    );
    expect(err.code).toBe("InvalidSecurityToken.MismatchWithAccessKey");
  });

  test("are refused once expired", async () => {
    const sts = await emulator.issueStsCredentials({ durationSeconds: 60 });
    const client = imsClient(emulator, {
      accessKeyId: sts.accessKeyId,
      accessKeySecret: sts.accessKeySecret,
      securityToken: sts.securityToken,
    });
    now += 59_000;
    await list(client);
    now += 2_000;
    const err = await caught(() => list(client));
    expect([err.statusCode, err.code]).toEqual([400, "InvalidSecurityToken.Expired"]);
  });

  test("keep their principal in the emulator state", async () => {
    const sts = await emulator.issueStsCredentials({ principal: "acs:ram::1234567890123456:role/ci" });
    const state = (await emulator.state()) as {
      stsCredentials: Array<{ accessKeyId: string; principal: string }>;
    };
    expect(state.stsCredentials).toEqual([
      expect.objectContaining({
        accessKeyId: sts.accessKeyId,
        principal: "acs:ram::1234567890123456:role/ci",
      }),
    ]);
  });

  test("the long-term key refuses a security token", async () => {
    const err = await caught(() => list(imsClient(emulator, { securityToken: "CAISforged" })));
    expect(err.code).toBe("InvalidSecurityToken.MismatchWithAccessKey");
  });
});
