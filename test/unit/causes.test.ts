import { afterEach, describe, expect, it } from "vitest";
import { explainCallerFailure, isRepeat, reportOnce, resetReported } from "../../provider/causes";
import { AlicloudApiError, UserError } from "../../provider/errors";
import { editDistance, type RuntimeSettings, unknownConfigKeys } from "../../provider/settings";

const settings = (over: Partial<RuntimeSettings> = {}): RuntimeSettings =>
  ({
    endpoint: "http://127.0.0.1:1",
    endpointSource: "stack config alicloud-federation:endpoint",
    credentialSource: {
      kind: "env",
      accessKeyId: "LTAI5tExample",
      securityToken: false,
      description: "environment variables ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    },
    ...over,
  }) as RuntimeSettings;

const api = (code: string, status: number, message = "m") =>
  new AlicloudApiError({ action: "GetCallerIdentity", status, code, message, attempts: 1 });

afterEach(() => resetReported());

describe("unknown config keys", () => {
  it("names each unknown key of our namespace with the nearest known one, and ignores other namespaces", () => {
    const text = unknownConfigKeys([
      "alicloud-federation:endpiont",
      "alicloud-federation:accesskeyid",
      "alicloud-federation:endpoint",
      "alicloud-federation:zzzzzzzzzz",
      "my-project:endpiont",
    ]);
    expect(text).toContain("alicloud-federation:endpiont: did you mean alicloud-federation:endpoint?");
    expect(text).toContain("alicloud-federation:accesskeyid: did you mean alicloud-federation:accessKeyId?");
    expect(text).toMatch(/ {2}alicloud-federation:zzzzzzzzzz\n/);
    expect(text).not.toContain("my-project");
    expect(unknownConfigKeys(["alicloud-federation:endpoint", "proj:x"])).toBeUndefined();
  });

  it("counts a transposition as one edit", () => {
    expect(editDistance("endpiont", "endpoint")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("retry", "retry")).toBe(0);
  });
});

describe("run-wide causes", () => {
  it("says the cause and what to do for each kind of rejected credentials", () => {
    const cases: Array<[AlicloudApiError, RegExp, string]> = [
      [
        api("SignatureDoesNotMatch", 400),
        /access key secret does not belong to access key id LTAI5tExample/,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
      ],
      [
        api("InvalidAccessKeyId.NotFound", 404),
        /does not know access key id LTAI5tExample/,
        "alicloud-federation:accessKeyId",
      ],
      [
        api("InvalidSecurityToken.Expired", 400),
        /STS security token has expired/,
        "ALIBABA_CLOUD_SECURITY_TOKEN",
      ],
      [
        api("NetworkError", 0, "connect ECONNREFUSED 127.0.0.1:1POST http://127.0.0.1:1/ failed."),
        /Could not reach http:\/\/127\.0\.0\.1:1 \(connect ECONNREFUSED 127\.0\.0\.1:1\)/,
        "comes from stack config alicloud-federation:endpoint",
      ],
      [
        api("ClientError", 0, "unable to get credentials from any of the providers in the chain: x"),
        /No Alibaba Cloud credentials were found/,
        "pulumi config set --secret alicloud-federation:accessKeySecret",
      ],
      [
        api("ServiceUnavailable", 503),
        /account of the credentials could not be determined/,
        "alicloud-federation:retry",
      ],
    ];
    for (const [err, cause, todo] of cases) {
      const f = explainCallerFailure(err, settings());
      expect(f.message).toMatch(cause);
      expect(f.message).toContain(todo);
      expect(UserError.is(f)).toBe(true);
      expect(f.stack).toBe("");
    }
  });

  it("explains a cause once per process; later resources get one line pointing to the first", () => {
    const f = explainCallerFailure(api("SignatureDoesNotMatch", 400), settings());
    const first = reportOnce(f, "OidcRole 'a'", "read (refresh)");
    const second = reportOnce(f, "OidcRole 'b'", "delete");
    expect(first.message.split("\n")[0]).toBe(
      "OidcRole 'a': not read, nothing was changed. The cause, the same for every resource of this stack (those not read keep their state as it was):",
    );
    expect(isRepeat(first)).toBe(false);
    expect(second.message).toBe("OidcRole 'b': not deleted (the cause is under OidcRole 'a').");
    expect(isRepeat(second)).toBe(true);
    // Another cause is explained in full.
    const other = reportOnce(
      explainCallerFailure(api("NetworkError", 0), settings()),
      "OidcRole 'c'",
      "create",
    );
    expect(isRepeat(other)).toBe(false);
    expect(other.message).toContain("Could not reach");
  });

  it("the same cause is one cause though a secret it quotes was registered between the two", async () => {
    const { RunFailure } = await import("../../provider/causes");
    const { registerSecret } = await import("../../provider/errors");
    resetReported();
    const quoting = "STS refused the role acs:ram::1:role/payments-deployer-7q";
    const first = reportOnce(
      new RunFailure("oidc-token", quoting, quoting),
      "OidcRole 'a'",
      "read (refresh)",
    );
    // Another resource's check registers the name; the next failure's text is masked.
    registerSecret("payments-deployer-7q");
    const masked = "STS refused the role acs:ram::1:role/***";
    const second = reportOnce(new RunFailure("oidc-token", masked, masked), "OidcRole 'b'", "read (refresh)");
    expect(isRepeat(first)).toBe(false);
    expect(isRepeat(second)).toBe(true);
  });
});
