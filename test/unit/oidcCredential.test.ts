/**
 * OIDC role credentials offline: an http endpoint is refused with what to do (the official OIDC
 * client reaches STS only over https), an unreadable token file names the file and the role, and
 * the call seam renews an expired STS session once per call, never in a loop.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { callApi } from "../../provider/client/call";
import { maskSecrets } from "../../provider/errors";
import { oidcCredential, oidcRequested } from "../../provider/oidcCredential";
import { tempDir } from "../tempDir";

const env = {
  ALIBABA_CLOUD_ROLE_ARN: "acs:ram::1234567890123456:role/ci-deployer",
  ALIBABA_CLOUD_OIDC_PROVIDER_ARN: "acs:ram::1234567890123456:oidc-provider/github-actions",
  ALIBABA_CLOUD_OIDC_TOKEN_FILE: "/nonexistent/oidc-token",
};
const retry = { maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0 };
const expired = Object.assign(new Error("Specified SecurityToken is expired."), {
  statusCode: 400,
  code: "InvalidSecurityToken.Expired",
});

describe("OIDC role credentials", () => {
  it("are asked for only with the three variables and no access key", () => {
    expect(oidcRequested(env)).toBe(true);
    expect(oidcRequested({ ...env, ALIBABA_CLOUD_ACCESS_KEY_ID: "LTAI" })).toBe(false);
    expect(oidcRequested({ ...env, ALIBABA_CLOUD_ACCESS_KEY_ID: "" })).toBe(true);
    expect(oidcRequested({ ...env, ALIBABA_CLOUD_OIDC_TOKEN_FILE: "" })).toBe(false);
  });

  it("refuse an http endpoint, saying why and what to use", () => {
    expect(() => oidcCredential({ protocol: "http", host: "127.0.0.1:8099" }, env)).toThrow(
      /reaches STS only over https, but the endpoint is http:\/\/127\.0\.0\.1:8099.*--https/s,
    );
  });

  it("check ALIBABA_CLOUD_ROLE_SESSION_NAME against STS's grammar before any call: 2 and 64 pass, 1 and 65 fail", () => {
    const https = { protocol: "https" as const, host: "127.0.0.1:1" };
    for (const ok of ["ab", "s".repeat(64), "ci.run-1@acme_x"])
      expect(() => oidcCredential(https, { ...env, ALIBABA_CLOUD_ROLE_SESSION_NAME: ok }), ok).not.toThrow();
    for (const bad of ["a", "s".repeat(65), "has space"])
      expect(() => oidcCredential(https, { ...env, ALIBABA_CLOUD_ROLE_SESSION_NAME: bad }), bad).toThrow(
        /^ALIBABA_CLOUD_ROLE_SESSION_NAME: use 2 to 64 letters, digits/,
      );
  });

  it("name the token file and the role when the file cannot be read, without asking STS", async () => {
    const { credential } = oidcCredential({ protocol: "https", host: "127.0.0.1:1" }, env);
    await expect(credential.getCredential()).rejects.toThrow(
      "cannot get credentials for role acs:ram::1234567890123456:role/ci-deployer: the OIDC token file /nonexistent/oidc-token cannot be read (ENOENT)",
    );
  });
});

describe("the OIDC token", () => {
  it("is masked wherever a message would quote it, from the moment it is read", async () => {
    const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUvYXBwIn0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg";
    const file = join(tempDir("af-oidc-token-"), "token");
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    const { credential } = oidcCredential(
      { protocol: "https", host: "127.0.0.1:1" },
      { ...env, ALIBABA_CLOUD_OIDC_TOKEN_FILE: file },
    );
    await credential.getCredential().catch(() => undefined);
    expect(maskSecrets(`sent ${token} to STS`)).toBe("sent *** to STS");
  });
});

describe("the call seam with an expired STS session", () => {
  it("renews it once and sends the call again", async () => {
    let refreshed = 0;
    let calls = 0;
    const out = await callApi("UpdateRole", { retry, refreshCredential: () => ++refreshed > 0 }, async () => {
      if (++calls === 1) throw expired;
      return "ok";
    });
    expect({ out, calls, refreshed }).toEqual({ out: "ok", calls: 2, refreshed: 1 });
  });

  it("does not loop when the renewed session is refused as expired too (a wrong clock)", async () => {
    let refreshed = 0;
    let calls = 0;
    const err = await callApi("UpdateRole", { retry, refreshCredential: () => ++refreshed > 0 }, async () => {
      calls++;
      throw expired;
    }).catch((e: Error) => e);
    expect(String(err)).toMatch(/InvalidSecurityToken\.Expired/);
    expect({ calls, refreshed }).toEqual({ calls: 2, refreshed: 1 });
  });

  it("without OIDC credentials, the answer is final", async () => {
    let calls = 0;
    await callApi("UpdateRole", { retry }, async () => {
      calls++;
      throw expired;
    }).catch(() => undefined);
    expect(calls).toBe(1);
  });
});
