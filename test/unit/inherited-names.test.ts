/**
 * Lookups that cannot inherit: every table the trust evaluators, the condition-key map, the JWT
 * algorithm maps, OidcRole's generated-key table and the emulator's SCIM filter consult answers
 * only for its own entries. A name every JavaScript object has (`constructor`, `__proto__`...) is
 * unknown, and takes the fail-safe path. (The two evaluators' table rows and the differential
 * slice with these names are in trust-differential.test.ts; STS itself in test/sts.)
 */
import { describe, expect, it } from "vitest";
import { parseFilter } from "../../emulator/services/scim/state";
import { parseJwt } from "../../emulator/services/sts/oidc";
import { checkOidcRoleInputs } from "../../provider/resources/oidcRole";
import { evaluateTrust, undecidableParts } from "../../provider/trust/evaluate";
import {
  buildOidcTrustPolicy,
  canonicalTrustPolicy,
  parseTrustPolicy,
  trustPoliciesEqual,
} from "../../provider/trust/policy";
import { INHERITED_NAMES } from "../../scripts/trustCases";

const ARN = "acs:ram::1234567890123456:oidc-provider/ci";
const SUB = "repo:acme/app:ref:refs/heads/main";
const role = {
  roleName: "r",
  providerArn: ARN,
  audiences: ["sts.aliyuncs.com"],
  subjects: [SUB],
};
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

describe("the library's simulator and OidcRole's check", () => {
  it.each(INHERITED_NAMES)(
    "flag a condition keyed '%s' as undecidable, and refuse it without the opt-in",
    (name) => {
      const conditions = JSON.parse(`{"StringEquals":{"${name}":"x"}}`);
      const { inputs, failures } = checkOidcRoleInputs({ ...role, conditions });
      if (name === "__proto__") {
        // Cannot be carried through a plain object at all: refused by name.
        expect(failures).toEqual([
          {
            property: "conditions",
            reason:
              "StringEquals: condition key '__proto__' is not one RAM documents, and cannot be carried safely",
          },
        ]);
        return;
      }
      expect(failures.map((f) => f.reason).join()).toMatch(
        new RegExp(
          `^change this condition, or set allowUndeterminedTrust: true: .*${name} is not a documented OIDC condition key`,
        ),
      );
      expect(undecidableParts(inputs.trustPolicy as string)).toEqual([
        expect.objectContaining({ operator: "StringEquals", key: name }),
      ]);
    },
  );

  it.each(INHERITED_NAMES)("flag '%s' as an operator, without throwing", (name) => {
    const policy = `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Federated":"${ARN}"},"Condition":{"${name}":{"oidc:sub":"${SUB}"}}}]}`;
    expect(undecidableParts(policy)).toEqual([expect.objectContaining({ operator: name, key: "oidc:sub" })]);
    expect(evaluateTrust({ policy, providerArn: ARN, claims: { sub: SUB } }).outcome).toBe("undetermined");
  });

  it("a Principal member named __proto__ stays in the compared text: a live policy with one never equals the declared one", () => {
    const declared = buildOidcTrustPolicy({
      providerArn: ARN,
      audiences: ["sts.aliyuncs.com"],
      subjects: { equals: [SUB] },
    });
    const widened = declared.replace(`"Principal":{`, `"Principal":{"__proto__":["*"],`);
    expect(widened).not.toBe(declared);
    expect(canonicalTrustPolicy(widened)).toContain('"__proto__":["*"]');
    expect(trustPoliciesEqual(declared, widened)).toBe(false);
    expect(undecidableParts(widened)).toEqual([
      expect.objectContaining({ reason: "its Principal has __proto__, which is not evaluated" }),
    ]);
  });

  it("keeps an operator named __proto__ as a condition when parsing and generating", () => {
    const policy = buildOidcTrustPolicy({
      providerArn: ARN,
      audiences: ["sts.aliyuncs.com"],
      subjects: { equals: [SUB] },
      conditions: JSON.parse('{"__proto__":{"oidc:sub":"x"}}'),
    });
    expect(policy).toContain('"__proto__":{"oidc:sub":"x"}');
    const model = parseTrustPolicy(policy);
    expect(Object.keys(model.statements[0]?.conditions ?? {})).toContain("__proto__");
    expect(
      evaluateTrust({ policy, providerArn: ARN, claims: { aud: "sts.aliyuncs.com", sub: SUB } }).outcome,
    ).toBe("undetermined");
    expect(
      checkOidcRoleInputs({ ...role, conditions: JSON.parse('{"__proto__":{"a":"b"}}') }).failures,
    ).toEqual([
      {
        property: "conditions",
        reason: "operator '__proto__' is not one RAM documents, and cannot be carried safely",
      },
    ]);
  });
});

describe("the emulator's tables", () => {
  it.each(["constructor", "toString", "__proto__", "valueOf", "hasOwnProperty"])(
    "STS refuses a token whose alg is '%s' as unsupported",
    (alg) => {
      const token = `${b64({ alg, kid: "k" })}.${b64({ sub: "s" })}.c2ln`;
      expect(() => parseJwt(token)).toThrow(/alg .* is not supported/);
    },
  );

  it.each(["constructor", "toString", "__proto__", "valueOf"])(
    "SCIM filters on '%s' are unsupported",
    (attr) => {
      expect(() => parseFilter(`${attr} eq "x"`)).toThrow(/Unsupported attribute/);
    },
  );
});
