import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OIDC } from "../../provider/limits";
import { UNKNOWN } from "../../provider/normalize";
import { checkOidcProviderInputs } from "../../provider/resources/oidcProvider";
import { checkOidcRoleInputs } from "../../provider/resources/oidcRole";
import { checkRamPolicyInputs } from "../../provider/resources/ramPolicy";
import { FAILURE_BUDGET, presentFailures } from "../../provider/validation";

const fp = (n: number) => n.toString(16).padStart(40, "0");
const valid = {
  oidcProviderName: "github-actions",
  issuerUrl: "https://token.actions.githubusercontent.com",
  fingerprints: [fp(1)],
  clientIds: ["sts.aliyuncs.com"],
};
const failuresOf = (over: Record<string, unknown>) => checkOidcProviderInputs({ ...valid, ...over }).failures;

describe("OidcProvider check: limits at the edge and one past", () => {
  it("accepts a minimal valid configuration and fills defaults", () => {
    const { inputs, failures } = checkOidcProviderInputs(valid);
    expect(failures).toEqual([]);
    expect(inputs).toMatchObject({ issuanceLimitTime: 12, description: "", adopt: false });
  });

  it("oidcProviderName: 128 characters pass, 129 fail", () => {
    expect(failuresOf({ oidcProviderName: "a".repeat(128) })).toEqual([]);
    expect(failuresOf({ oidcProviderName: "a".repeat(129) })).toMatchInlineSnapshot(`
      [
        {
          "property": "oidcProviderName",
          "reason": "must be at most 128 characters for a RAM OIDC provider name, but has 129",
        },
      ]
    `);
  });

  it("oidcProviderName: characters and ends", () => {
    expect(failuresOf({ oidcProviderName: "a.b-c_d" })).toEqual([]);
    for (const bad of ["-abc", "abc_", ".abc", "ab c", "ab/c", "名字"]) {
      expect(failuresOf({ oidcProviderName: bad }), bad).toHaveLength(1);
    }
    expect(failuresOf({ oidcProviderName: "-x" })[0]?.reason).toMatchInlineSnapshot(
      `"'-x' is not allowed: use letters, digits, '.', '-' and '_', not starting or ending with '.', '-' or '_'"`,
    );
  });

  it("issuerUrl: 255 characters pass, 256 fail", () => {
    const at = (n: number) => `https://idp.example.com/${"p".repeat(n - "https://idp.example.com/".length)}`;
    expect(at(255)).toHaveLength(255);
    expect(failuresOf({ issuerUrl: at(255) })).toEqual([]);
    expect(failuresOf({ issuerUrl: at(256) })).toEqual([
      { property: "issuerUrl", reason: "must be at most 255 characters for an issuer URL, but has 256" },
    ]);
  });

  it("issuerUrl: refuses http, query, fragment, user info and non-URLs, each with its reason", () => {
    const reasons = Object.fromEntries(
      [
        "http://idp.example.com",
        "https://idp.example.com?x=1",
        "https://idp.example.com#frag",
        "https://user@idp.example.com",
        "idp.example.com",
      ].map((u) => [u, failuresOf({ issuerUrl: u }).map((f) => f.reason)]),
    );
    expect(reasons).toMatchInlineSnapshot(`
      {
        "http://idp.example.com": [
          "must start with https:// (got 'http://')",
        ],
        "https://idp.example.com#frag": [
          "must not contain a fragment (#...)",
        ],
        "https://idp.example.com?x=1": [
          "must not contain a query (?...)",
        ],
        "https://user@idp.example.com": [
          "must not contain user info (user@ or user:password@)",
        ],
        "idp.example.com": [
          "'idp.example.com' is not a URL; expected e.g. https://token.actions.githubusercontent.com",
        ],
      }
    `);
  });

  it("issuerUrl: checked as written, since it is sent as written (the URL parser forgives what IMS does not)", () => {
    const reasons = Object.fromEntries(
      [
        " https://lead.example.com",
        "https://trail.example.com ",
        "https://sp.example.com/a b",
        "https://ta\tb.example.com",
        "https:noslash.example.com",
        "https:/oneslash.example.com",
        "https://@at.example.com",
        "https://idp.example.com/p@th",
        "HTTPS://IDP.example.com",
      ].map((u) => [u, failuresOf({ issuerUrl: u }).map((f) => f.reason)]),
    );
    expect(reasons).toEqual({
      " https://lead.example.com": ["must not contain spaces, tabs or line breaks (remove them)"],
      "https://trail.example.com ": ["must not contain spaces, tabs or line breaks (remove them)"],
      "https://sp.example.com/a b": ["must not contain spaces, tabs or line breaks (remove them)"],
      "https://ta\tb.example.com": ["must not contain spaces, tabs or line breaks (remove them)"],
      "https:noslash.example.com": [
        "must start with https://; expected e.g. https://token.actions.githubusercontent.com",
      ],
      "https:/oneslash.example.com": [
        "must start with https://; expected e.g. https://token.actions.githubusercontent.com",
      ],
      "https://@at.example.com": ["must not contain user info (user@ or user:password@)"],
      "https://idp.example.com/p@th": [],
      "HTTPS://IDP.example.com": [],
    });
  });

  it("fingerprints: 1 and 5 pass; 0 and 6 fail", () => {
    expect(failuresOf({ fingerprints: [1, 2, 3, 4, 5].map(fp) })).toEqual([]);
    expect(failuresOf({ fingerprints: [1, 2, 3, 4, 5, 6].map(fp) })).toMatchInlineSnapshot(`
      [
        {
          "property": "fingerprints",
          "reason": "has 6 distinct items, but a RAM OIDC provider allows at most 5",
        },
      ]
    `);
    expect(failuresOf({ fingerprints: [] })).toEqual([
      { property: "fingerprints", reason: "must have at least 1 fingerprint" },
    ]);
  });

  it("fingerprints: duplicates in another spelling count once", () => {
    const upper = fp(6).toUpperCase().match(/../g)!.join(":");
    expect(failuresOf({ fingerprints: [1, 2, 3, 4, 5, 6].map(fp).concat(upper).slice(1) })).toEqual([]);
  });

  it("fingerprints: each must be 40 hex digits; 39 and 41 fail; SHA-256 gets a hint", () => {
    expect(failuresOf({ fingerprints: ["a".repeat(40)] })).toEqual([]);
    expect(failuresOf({ fingerprints: ["a".repeat(39)] })[0]).toEqual({
      property: "fingerprints[0]",
      reason: "has 39 hex digits, but a SHA-1 fingerprint has exactly 40",
    });
    expect(failuresOf({ fingerprints: [fp(1), "a".repeat(41)] })[0]?.property).toBe("fingerprints[1]");
    expect(failuresOf({ fingerprints: ["b".repeat(64)] })[0]?.reason).toContain(
      "that is a SHA-256 fingerprint",
    );
    expect(failuresOf({ fingerprints: ["z".repeat(40)] })[0]?.reason).toMatch(/hex digits/);
  });

  it("clientIds: 50 pass, 51 fail, 0 fail", () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `client-${i}`);
    expect(failuresOf({ clientIds: ids(OIDC.maxClientIds) })).toEqual([]);
    expect(failuresOf({ clientIds: ids(OIDC.maxClientIds + 1) })).toEqual([
      { property: "clientIds", reason: "has 51 distinct items, but a RAM OIDC provider allows at most 50" },
    ]);
    expect(failuresOf({ clientIds: [] })[0]?.reason).toMatch(/at least 1 client ID/);
  });

  it("clientIds: each 128 characters pass, 129 fail; format is checked", () => {
    expect(failuresOf({ clientIds: ["a".repeat(128)] })).toEqual([]);
    expect(failuresOf({ clientIds: ["ok", "a".repeat(129)] })).toEqual([
      { property: "clientIds[1]", reason: "must be at most 128 characters for a client ID, but has 129" },
    ]);
    expect(failuresOf({ clientIds: ["api://x/y:z_1.2-3"] })).toEqual([]);
    expect(failuresOf({ clientIds: ["/leading"] })).toHaveLength(1);
    expect(failuresOf({ clientIds: ["has space"] })).toHaveLength(1);
  });

  it("issuanceLimitTime: 1 and 168 pass; 0, 169 and 1.5 fail", () => {
    expect(failuresOf({ issuanceLimitTime: 1 })).toEqual([]);
    expect(failuresOf({ issuanceLimitTime: 168 })).toEqual([]);
    for (const bad of [0, 169, 1.5, -1]) {
      expect(failuresOf({ issuanceLimitTime: bad })).toEqual([
        {
          property: "issuanceLimitTime",
          reason: `is ${bad}, but must be a whole number of hours from 1 to 168`,
        },
      ]);
    }
  });

  it("description: 256 characters pass, 257 fail", () => {
    expect(failuresOf({ description: "d".repeat(256) })).toEqual([]);
    expect(failuresOf({ description: "d".repeat(257) })).toEqual([
      { property: "description", reason: "must be at most 256 characters for a description, but has 257" },
    ]);
  });

  it("reports every problem at once, each naming its field", () => {
    const failures = checkOidcProviderInputs({
      oidcProviderName: "_bad_",
      issuerUrl: "http://x",
      fingerprints: ["xyz"],
      clientIds: [],
      issuanceLimitTime: 0,
      description: "d".repeat(300),
      adopt: "yes",
    }).failures;
    expect(failures.map((f) => f.property)).toEqual([
      "oidcProviderName",
      "issuerUrl",
      "fingerprints[0]",
      "clientIds",
      "issuanceLimitTime",
      "description",
      "adopt",
    ]);
  });

  it("names missing required arguments (fingerprints may be omitted: they are discovered)", () => {
    expect(checkOidcProviderInputs({}).failures).toEqual([
      { property: "oidcProviderName", reason: "is required" },
      { property: "issuerUrl", reason: "is required" },
      { property: "clientIds", reason: "is required" },
    ]);
  });

  it("lets values unknown at preview through untouched", () => {
    const { inputs, failures } = checkOidcProviderInputs({
      ...valid,
      oidcProviderName: UNKNOWN,
      fingerprints: [fp(1), UNKNOWN],
      clientIds: UNKNOWN,
    });
    expect(failures).toEqual([]);
    expect(inputs).toMatchObject({
      oidcProviderName: UNKNOWN,
      fingerprints: [fp(1), UNKNOWN],
      clientIds: UNKNOWN,
    });
  });

  it("property: every name the documented pattern accepts up to 128 passes; anything longer fails", () => {
    const nameArb = fc
      .stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,140}[A-Za-z0-9])?$/)
      .filter((s) => s.length >= 1);
    fc.assert(
      fc.property(nameArb, (name) => {
        const f = failuresOf({ oidcProviderName: name });
        expect(f.length === 0).toBe(name.length <= 128);
      }),
    );
  });
});

describe("presentFailures: what the engine prints beside a check failure", () => {
  it("names no property to the engine (it would print that input's value) and masks secrets", () => {
    const news = { clientSecret: "s3cr3t-value", people: "x".repeat(399), concurrency: 65 };
    expect(
      presentFailures(
        [
          { property: "clientSecret", reason: "must not be 's3cr3t-value'" },
          { property: "people", reason: "is bad" },
          { property: 'people["e1"]', reason: "userName is bad" },
          { property: "concurrency", reason: "must be at most 64" },
          { property: "", reason: "the resource as a whole" },
        ],
        news,
        ["clientSecret"],
      ),
    ).toEqual([
      { property: "", reason: "clientSecret: must not be '***'" },
      { property: "", reason: "people: is bad" },
      { property: "", reason: 'people["e1"]: userName is bad' },
      { property: "", reason: "concurrency: must be at most 64" },
      { property: "", reason: "the resource as a whole" },
    ]);
  });

  it("masks what the program marks secret: whole values, strings inside them, and their words", () => {
    const news = {
      scope: "api://aud-one api://aud-two",
      nested: { list: ["tok-123456"], n: 987654 },
      plain: "visible-value",
      secretInputs: ["scope", "nested"],
    };
    const [f] = presentFailures(
      [
        {
          property: "scope",
          reason: "'api://aud-two' of (api://aud-one api://aud-two) and tok-123456, 987654, visible-value",
        },
      ],
      news,
    );
    expect(f?.reason).toBe("scope: '***' of (***) and ***, ***, visible-value");
    // A reason that quotes the start of a long secret, cut: the piece is masked too.
    const long = `key-${"Q7w".repeat(100)}`;
    const [cut] = presentFailures([{ property: "k", reason: `is not a key ('${long.slice(0, 40)}…')` }], {
      k: long,
      secretInputs: ["k"],
    });
    expect(cut?.reason).toBe("k: is not a key ('***…')");
  });

  it("cuts a long quoted value, so what the reason says after it stays near the start", () => {
    const [f] = presentFailures(
      [{ property: "principalType", reason: `must be 'user' or 'role', not '${"t".repeat(5000)}'` }],
      {},
    );
    expect(f?.reason).toBe(
      `principalType: must be 'user' or 'role', not '${"t".repeat(40)}…' (5000 characters)`,
    );
    // Apostrophes in words are not quotes, however far apart.
    const prose = `the issuer's subjects ${"x".repeat(100)} trust other people's repositories`;
    expect(presentFailures([{ property: "", reason: prose }], {})[0]?.reason).toBe(prose);
  });

  it("cuts a property path that grows with the input (a map key of any length)", () => {
    const key = "Op".repeat(50_000);
    const [f] = presentFailures(
      [{ property: `conditions.${key}`, reason: "is not a RAM condition operator" }],
      {},
    );
    expect(f?.reason.length).toBeLessThan(200);
    expect(f?.reason).toMatch(/^conditions\.OpOp.*…: is not a RAM condition operator$/);
  });

  it("stays within its budget whatever the number and length of the failures", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 5000 }), (n, len) => {
        const failures = Array.from({ length: n }, (_, i) => ({
          property: `p${i}`,
          reason: "r".repeat(len),
        }));
        const out = presentFailures(failures, {});
        const size = out.reduce((a, f) => a + f.reason.length + f.property.length, 0);
        expect(size).toBeLessThanOrEqual(FAILURE_BUDGET.total + 200);
        expect(out.length).toBeLessThanOrEqual(FAILURE_BUDGET.count + 1);
        if (out.length < n)
          expect(out.at(-1)?.reason).toMatch(/^Fix the problems above and run preview again: \d+ more/);
      }),
      { seed: 24, numRuns: 200 },
    );
  });
});

describe("all problems at once: a bad item does not hide the count", () => {
  it("fingerprints and client IDs", () => {
    const fps = [1, 2, 3, 4, 5, 6].map(fp);
    fps[5] = "not-a-fingerprint";
    expect(failuresOf({ fingerprints: fps }).map((f) => f.property)).toEqual([
      "fingerprints[5]",
      "fingerprints",
    ]);
    const ids = Array.from({ length: 51 }, (_, i) => `client-${i}`);
    ids[50] = "@bad";
    const f = failuresOf({ clientIds: ids });
    expect(f.map((x) => x.property)).toEqual(["clientIds[50]", "clientIds"]);
    expect(f[1]?.reason).toBe("has 51 distinct items, but a RAM OIDC provider allows at most 50");
  });

  it("an OidcRole's policies: a bad name beside 21 system policies", () => {
    const policies = Array.from({ length: 21 }, (_, i) => ({ type: "System", name: `Policy${i}` }));
    policies[20] = { type: "System", name: "n".repeat(129) };
    const { failures } = checkOidcRoleInputs({
      roleName: "r",
      providerArn: "acs:ram::1234567890123456:oidc-provider/ci",
      audiences: ["sts.aliyuncs.com"],
      subjects: ["repo:acme/app:ref:refs/heads/main"],
      policies,
    });
    expect(failures.map((x) => x.property)).toEqual(["policies[20].name", "policies"]);
    expect(failures[1]?.reason).toBe("has 21 system policies, but a RAM role allows at most 20");
  });

  it("an OidcRole's policy name follows RAM's grammar, System or Custom", () => {
    const { failures } = checkOidcRoleInputs({
      roleName: "r",
      providerArn: "acs:ram::1234567890123456:oidc-provider/ci",
      audiences: ["sts.aliyuncs.com"],
      subjects: ["repo:acme/app:ref:refs/heads/main"],
      policies: [
        { type: "Custom", name: "my_policy" },
        { type: "Custom", name: "my-policy-2" },
      ],
    });
    expect(failures).toEqual([{ property: "policies[0].name", reason: "name: use letters, digits and '-'" }]);
  });
});

describe("RamPolicy: the Action grammar RAM checks, at preview", () => {
  const doc = (statement: Record<string, unknown>) =>
    JSON.stringify({ Version: "1", Statement: [{ Effect: "Allow", Resource: "*", ...statement }] });
  const problems = (statement: Record<string, unknown>) =>
    checkRamPolicyInputs({ policyName: "p", policyDocument: doc(statement) }).failures.map((f) => f.reason);

  it("accepts '*', service:action and wildcards in the action", () => {
    for (const Action of ["*", "oss:GetObject", ["ecs:Describe*", "ram:Get?ole", "vpc:*"]])
      expect(problems({ Action }), JSON.stringify(Action)).toEqual([]);
  });

  it("refuses an empty list, a non-string, a space or a missing service, naming each", () => {
    expect(problems({ Action: [] })).toEqual([
      "Statement[0].Action must be a string or a non-empty list of strings",
    ]);
    expect(problems({ Action: 42 })).toEqual([
      "Statement[0].Action must be a string or a non-empty list of strings",
    ]);
    expect(problems({ NotAction: "" })).toEqual([
      "Statement[0].NotAction: use '*' or <service>:<action>, e.g. oss:GetObject; '' is not",
    ]);
    expect(problems({ Action: ["oss:Get Object", "ecs", "ram:GetRole", "a:b:c", "x:y z"] })).toEqual([
      "Statement[0].Action: use '*' or <service>:<action>, e.g. oss:GetObject; 'oss:Get Object', 'ecs', 'a:b:c' and 1 more are not",
    ]);
  });
});

describe("a value too long and with characters not allowed: both are said", () => {
  it("a client ID", () => {
    const f = failuresOf({ clientIds: [`@${"a".repeat(199)}`] });
    expect(f.map((x) => x.property)).toEqual(["clientIds[0]", "clientIds[0]"]);
    expect(f[0]?.reason).toBe("must be at most 128 characters for a client ID, but has 200");
    expect(f[1]?.reason).toMatch(/is not allowed: use /);
  });
});

describe("presentFailures: a known secret in a property's path", () => {
  it("is masked there too (a map keyed by a secret externalId)", async () => {
    const { registerSecret } = await import("../../provider/errors");
    registerSecret("emp-7x");
    expect(presentFailures([{ property: 'people["emp-7x"]', reason: "userName is bad" }], {}, [])).toEqual([
      { property: "", reason: 'people["***"]: userName is bad' },
    ]);
  });
});
