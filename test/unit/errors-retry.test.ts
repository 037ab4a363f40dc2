import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { callApi, toApiError } from "../../provider/client/call";
import {
  AlicloudApiError,
  maskSecrets,
  registerSecret,
  UserError,
  withoutQueries,
} from "../../provider/errors";
import { backoffDelay, isRetryable, parseRetryPolicy } from "../../provider/retry";

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };
const sdkError = (statusCode: number, code: string) =>
  Object.assign(new Error(`${code}: code: ${statusCode}`), {
    statusCode,
    code,
    requestId: "REQ-1",
    data: { Message: `message for ${code}`, RequestId: "REQ-1" },
  });

describe("AlicloudApiError", () => {
  it("carries action, status, Alibaba code and request id", () => {
    const e = toApiError("GetOIDCProvider", sdkError(404, "EntityNotExist.OIDCProvider"), 1);
    expect(e).toMatchObject({
      action: "GetOIDCProvider",
      status: 404,
      code: "EntityNotExist.OIDCProvider",
      requestId: "REQ-1",
    });
    expect(e.message).toBe(
      "GetOIDCProvider failed: HTTP 404 EntityNotExist.OIDCProvider: message for EntityNotExist.OIDCProvider (request id REQ-1)",
    );
  });

  it("is recognised by brand, even from a plain object carrying the symbol (another module copy)", () => {
    const e = toApiError("X", sdkError(500, "InternalError"), 1);
    expect(AlicloudApiError.is(e)).toBe(true);
    expect(AlicloudApiError.is(new Error("x"))).toBe(false);
    expect(AlicloudApiError.is({ [Symbol.for("alicloud-federation.AlicloudApiError")]: true })).toBe(true);
  });

  it("maps a connection failure to status 0 NetworkError", () => {
    const e = toApiError("X", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), 2);
    expect(e).toMatchObject({ status: 0, code: "NetworkError", attempts: 2 });
    expect(e.message).toContain("ECONNRESET: socket hang up");
  });
});

describe("maskSecrets", () => {
  it("masks key=value secrets", () => {
    expect(maskSecrets("AccessKeySecret=abcdEFGH1234&x=1")).toBe("AccessKeySecret=***&x=1");
    expect(maskSecrets('{"SecurityToken":"CAIS.long.token"}')).toBe('{"SecurityToken":"***"}');
  });
  it("masks bearer and basic credentials", () => {
    expect(maskSecrets("Authorization: Bearer eyJhbGciOi.x.y")).toBe("Authorization: Bearer ***");
    expect(maskSecrets("Authorization: Basic dXNlcjpwYXNz")).toBe("Authorization: Basic ***");
  });
  it("masks V1 signatures in URLs", () => {
    expect(maskSecrets("GET /?Action=X&Signature=abc%2Bdef&Foo=1")).toBe(
      "GET /?Action=X&Signature=***&Foo=1",
    );
  });
  it("masks a registered secret wherever it appears verbatim", () => {
    registerSecret("s3cr3t-value-never-shown");
    expect(maskSecrets("the service said: bad key s3cr3t-value-never-shown!")).toBe(
      "the service said: bad key ***!",
    );
    const e = toApiError("X", sdkError(400, "Bad"), 1);
    expect(new AlicloudApiError({ ...e, message: "echo s3cr3t-value-never-shown" }).message).not.toContain(
      "s3cr3t",
    );
  });
});

describe("backoff", () => {
  it("doubles the ceiling per retry, caps it, and draws within [0, ceiling)", () => {
    expect(backoffDelay(policy, 1, () => 0.999)).toBe(99);
    expect(backoffDelay(policy, 2, () => 0.999)).toBe(199);
    expect(backoffDelay(policy, 5, () => 0.999)).toBe(999);
    expect(backoffDelay(policy, 30, () => 0.999)).toBe(999);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        (n, r) => {
          const d = backoffDelay(policy, n, () => r);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThan(Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1)));
        },
      ),
    );
  });

  it("retries throttling, 429, 5xx and network errors only", () => {
    expect(isRetryable({ status: 400, code: "Throttling.User" })).toBe(true);
    expect(isRetryable({ status: 429, code: "TooMany" })).toBe(true);
    expect(isRetryable({ status: 503, code: "ServiceUnavailable" })).toBe(true);
    expect(isRetryable({ status: 0, code: "NetworkError" })).toBe(true);
    expect(isRetryable({ status: 400, code: "InvalidParameter" })).toBe(false);
    expect(isRetryable({ status: 404, code: "EntityNotExist.OIDCProvider" })).toBe(false);
  });

  it("parses overrides and refuses nonsense", () => {
    expect(parseRetryPolicy('{"maxAttempts":2}')).toEqual({ ...parseRetryPolicy(undefined), maxAttempts: 2 });
    expect(() => parseRetryPolicy('{"maxAttempts":0}')).toThrow(/maxAttempts/);
    expect(() => parseRetryPolicy('{"baseDelayMs":-1}')).toThrow(/baseDelayMs/);
  });
});

describe("callApi", () => {
  it("retries throttling with growing waits, then succeeds", async () => {
    const waits: number[] = [];
    let n = 0;
    const out = await callApi(
      "A",
      { retry: policy, sleep: async (ms) => void waits.push(ms), random: () => 0.5 },
      async () => {
        n++;
        if (n < 3) throw sdkError(400, "Throttling.User");
        return "ok";
      },
    );
    expect(out).toBe("ok");
    expect(n).toBe(3);
    expect(waits).toEqual([50, 100]);
  });

  it("gives up after maxAttempts with the last error and the attempt count", async () => {
    let n = 0;
    const err = await callApi("A", { retry: policy, sleep: async () => {} }, async () => {
      n++;
      throw sdkError(500, "InternalError");
    }).catch((e) => e);
    expect(n).toBe(4);
    expect(err).toMatchObject({ code: "InternalError", status: 500, attempts: 4 });
    expect(err.message).toContain("after 4 attempts");
  });

  it("does not retry a client error", async () => {
    let n = 0;
    const err = await callApi("A", { retry: policy, sleep: async () => {} }, async () => {
      n++;
      throw sdkError(400, "InvalidParameter.IssuerUrl");
    }).catch((e) => e);
    expect(n).toBe(1);
    expect(AlicloudApiError.is(err)).toBe(true);
  });

  it("does not retry the credential chain finding no credentials (nothing was sent)", async () => {
    let n = 0;
    // The chain's own message quotes an ENOENT; only the error's code and name decide.
    const chain = new Error(
      "unable to get credentials from any of the providers in the chain: reading aliyun cli config failed., ENOENT: no such file",
    );
    const err = await callApi("A", { retry: policy, sleep: async () => {} }, async () => {
      n++;
      throw chain;
    }).catch((e) => e);
    expect(n).toBe(1);
    expect(err).toMatchObject({ status: 0, code: "ClientError", attempts: 1 });
  });

  it("retries timeouts and socket errors, named by code, cause or name", async () => {
    for (const raw of [
      Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
      Object.assign(new TypeError("fetch failed"), { cause: { code: "UND_ERR_SOCKET" } }),
      Object.assign(new Error("ReadTimeout(30000)"), { name: "RequestTimeoutError" }),
    ]) {
      let n = 0;
      const err = await callApi("A", { retry: policy, sleep: async () => {} }, async () => {
        n++;
        throw raw;
      }).catch((e) => e);
      expect([n, err.code]).toEqual([4, "NetworkError"]);
    }
  });

  it("with retryAmbiguous false, hands back a lost answer or a 5xx at once but still retries throttling", async () => {
    for (const [raw, attempts] of [
      [Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), 1],
      [sdkError(503, "ServiceUnavailable"), 1],
      [sdkError(400, "Throttling.User"), 4],
    ] as const) {
      let n = 0;
      await callApi("A", { retry: policy, sleep: async () => {}, retryAmbiguous: false }, async () => {
        n++;
        throw raw;
      }).catch((e) => e);
      expect(n).toBe(attempts);
    }
  });

  it("waits at least the service's Retry-After", async () => {
    const waits: number[] = [];
    let n = 0;
    await callApi(
      "A",
      { retry: policy, sleep: async (ms) => void waits.push(ms), random: () => 0 },
      async () => {
        if (n++ === 0) throw Object.assign(sdkError(400, "Throttling"), { retryAfter: 750 });
        return 1;
      },
    );
    expect(waits).toEqual([750]);
  });
});

describe("what an API error quotes is bounded and carries no request parameter", () => {
  it("a network error's request URL loses its query: a secret input in it, percent-encoded, goes too", () => {
    registerSecret("a secret description 42");
    const raw = Object.assign(
      new Error(
        "socket hang upPOST http://127.0.0.1:4501/?PolicyName=p1&Description=a%20secret%20description%2042&Signature=x failed.",
      ),
      { code: "ECONNRESET" },
    );
    const e = toApiError("CreatePolicy", raw, 1);
    expect(e.message).toBe(
      "CreatePolicy failed: HTTP 0 NetworkError: ECONNRESET: socket hang up (POST http://127.0.0.1:4501/)",
    );
    expect(maskSecrets("x a%20secret%20description%2042 y")).toBe("x *** y");
    expect(isRetryable(e)).toBe(true);
  });

  it("a URL anywhere in a service message keeps its host and path, not its query", () => {
    const e = toApiError("GetRole", sdkError(400, "InvalidParameter"), 1);
    const withUrl = new AlicloudApiError({
      action: "GetRole",
      status: 400,
      code: "X",
      message: "see https://api.example.com/a/b?token=abc&x=1 for more",
      attempts: 1,
    });
    expect(withUrl.message).toBe("GetRole failed: HTTP 400 X: see https://api.example.com/a/b?… for more");
    expect(e.message).toContain("message for InvalidParameter");
  });

  it("an answer of any size makes an error of a few hundred characters, its length said", () => {
    const huge = new AlicloudApiError({
      action: "CreatePolicy",
      status: 400,
      code: "C".repeat(100_000),
      message: `bad ${"X".repeat(1_000_000)}`,
      requestId: "r1",
      attempts: 1,
    });
    expect(huge.message.length).toBeLessThan(700);
    expect(huge.message).toMatch(
      /… \(100000 characters\): bad X+… \(1000004 characters\) \(request id r1\)$/,
    );
    expect(huge.detail.length).toBeLessThanOrEqual(500);
    expect(huge.code.length).toBeLessThanOrEqual(100);
    const edge = new AlicloudApiError({
      action: "A",
      status: 400,
      code: "C",
      message: "m".repeat(500),
      attempts: 1,
    });
    expect(edge.detail).toBe("m".repeat(500));
    const past = new AlicloudApiError({
      action: "A",
      status: 400,
      code: "C",
      message: "m".repeat(501),
      attempts: 1,
    });
    expect(past.detail).toBe(`${"m".repeat(470)}… (501 characters)`);
  });

  it("a gateway's HTML page where JSON was due counts as a lost answer: retried, and a create looks before retrying", () => {
    let parseError: unknown;
    try {
      JSON.parse("<html><body>502 Bad Gateway</body></html>");
    } catch (err) {
      parseError = err;
    }
    const e = toApiError("CreatePolicy", parseError, 1);
    expect(e).toMatchObject({ status: 0, code: "NetworkError" });
    expect(e.message).toMatch(
      /answered with something that is not JSON \(a proxy's or gateway's error page\?\)/,
    );
    expect(isRetryable(e)).toBe(true);
  });
});

describe("credential-file names are masked wherever a message quotes them", () => {
  it("the Alibaba CLI's config.json and OAuth names", () => {
    const text =
      '{"access_key_secret":"SuperSecretAKS123","sts_token":"CAIS-STS","oauth_refresh_token":"RT-1","oauth_access_token":"AT-1"} "ClientSecret":"CSxyz" client_assertion=eyJabc';
    const masked = maskSecrets(text, []);
    for (const secret of ["SuperSecretAKS123", "CAIS-STS", "RT-1", "AT-1", "CSxyz", "eyJabc"])
      expect(masked, secret).not.toContain(secret);
  });
});

describe("a piece of a secret input quoted back by the service", () => {
  it("is masked: its longer words are registered with it", async () => {
    const { forEngine } = await import("../../provider/validation");
    const secret = JSON.stringify({
      Version: "1",
      Statement: [{ Effect: "Allow", Action: ["ossx:Get_SecretBucketName_ZZ"], Resource: "*" }],
    });
    forEngine({ inputs: {} }, { policyDocument: secret, secretInputs: ["policyDocument"] });
    const e = new AlicloudApiError({
      action: "CreatePolicy",
      status: 400,
      code: "MalformedPolicyDocument",
      message: "Statement[0].Action has an invalid action: ossx:Get_SecretBucketName_ZZ.",
      attempts: 1,
    });
    expect(e.message).not.toContain("Get_SecretBucketName");
    // Short words stay readable, and so do the words every policy has.
    expect(maskSecrets("Statement Allow StringEquals sts:AssumeRole")).toBe(
      "Statement Allow StringEquals sts:AssumeRole",
    );
    // A word that only starts like an operator is a word of the secret.
    forEngine(
      { inputs: {} },
      { description: "team Stringer-Bell-2024 owns it", secretInputs: ["description"] },
    );
    expect(maskSecrets("quoted Stringer-Bell-2024 back")).toBe("quoted *** back");
  });
});

describe("secret values of any length, in any case", () => {
  it("a short one is masked as a whole word, a longer one anywhere, both in any case; one character is not", () => {
    const known = ["bob", "Deployer-Role-9Q", "x"];
    expect(maskSecrets("user 'bob@acme.onaliyun.com' (BOB), not bobcat or kebob", known)).toBe(
      "user '***@acme.onaliyun.com' (***), not bobcat or kebob",
    );
    // RAM writes a role's name in lower case in its ARN.
    expect(maskSecrets("acs:ram::1:role/deployer-role-9q and Deployer-Role-9Q", known)).toBe(
      "acs:ram::1:role/*** and ***",
    );
    // As a URL carries it.
    expect(maskSecrets("RoleName=Deployer%2DRole-9Q", ["a secret"])).toBe("RoleName=Deployer%2DRole-9Q");
    expect(maskSecrets("Description=a%20secret", ["a secret"])).toBe("Description=***");
    expect(maskSecrets("a x b", known)).toBe("a x b");
    // Values that overlap or hold one another go as one run, whatever order they came in.
    expect(maskSecrets("'emp-jo-2' and jo; alice chen wu", ["jo", "emp-jo-2", "alice chen", "chen wu"])).toBe(
      "'***' and ***; ***",
    );
    // A short value is a word of its own: not a part of an account id, a policy name or a number.
    expect(
      maskSecrets("account 1234561000, maxDeletions (1000); AliyunRAMReadOnlyAccess may read", [
        "1000",
        "read",
      ]),
    ).toBe("account 1234561000, maxDeletions (***); AliyunRAMReadOnlyAccess may ***");
    // A text whose lower case is longer than itself (a dotted capital I) is masked all the same.
    expect(maskSecrets("office İSTANBUL-OFFICE-2 closed", ["İstanbul-office-2"])).toBe("office *** closed");
    // As a JSON document quotes it, and as the SDK's HTTP client names a timed-out request.
    expect(maskSecrets('{"oidc:sub":"team\\"blue-7"}', ['team"blue-7'])).toBe('{"oidc:sub":"***"}');
    expect(withoutQueries("timeout: POST /?Action=CreateRole&RoleName=x failed.")).toBe("timeout: (POST /)");
    // Registered: the process-wide list masks it in every message made after.
    registerSecret("ed");
    expect(new UserError("ed: userName is taken; Ed, edit it").message).toBe(
      "***: userName is taken; ***, edit it",
    );
  });
});
