import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canonicalSet,
  containsUnknown,
  normalizeFingerprint,
  normalizeIssuerUrl,
  UNKNOWN,
} from "../../provider/normalize";
import {
  checkOidcProviderInputs,
  diffOidcProvider,
  type OidcProviderOutputs,
} from "../../provider/resources/oidcProvider";

const hex40 = fc.stringMatching(/^[0-9a-f]{40}$/);

/** Writes a fingerprint the way a person might: upper-case, with colons. */
function spelled(f: string, upper: boolean, colons: boolean): string {
  const cased = upper ? f.toUpperCase() : f;
  return colons ? cased.match(/../g)!.join(":") : cased;
}

describe("normalizeFingerprint", () => {
  it("turns openssl's colon form into bare lower-case hex", () => {
    expect(normalizeFingerprint("6E:CA:AE:3F:2A:35:4F:6A:07:49:CE:0E:8E:56:C4:12:60:16:9E:11")).toBe(
      "6ecaae3f2a354f6a0749ce0e8e56c41260169e11",
    );
  });

  it("is idempotent and case/colon-insensitive", () => {
    fc.assert(
      fc.property(hex40, fc.boolean(), fc.boolean(), (f, upper, colons) => {
        const n = normalizeFingerprint(spelled(f, upper, colons));
        expect(n).toBe(f);
        expect(normalizeFingerprint(n)).toBe(n);
      }),
    );
  });
});

describe("normalizeIssuerUrl", () => {
  it("lower-cases scheme and host and drops :443, but keeps the path and trailing slash", () => {
    expect(normalizeIssuerUrl("HTTPS://Token.Actions.GitHubUserContent.com:443/Path/")).toBe(
      "https://token.actions.githubusercontent.com/Path/",
    );
    expect(normalizeIssuerUrl("https://idp.example.com/")).not.toBe(
      normalizeIssuerUrl("https://idp.example.com"),
    );
  });

  it("leaves a non-URL alone for the validator to report", () => {
    expect(normalizeIssuerUrl("not a url")).toBe("not a url");
  });
});

describe("containsUnknown", () => {
  it("finds the preview sentinel at any depth", () => {
    expect(containsUnknown(UNKNOWN)).toBe(true);
    expect(containsUnknown(["a", UNKNOWN])).toBe(true);
    expect(containsUnknown({ a: [{ b: UNKNOWN }] })).toBe(true);
    expect(containsUnknown(["a", "b"])).toBe(false);
  });
});

describe("equal configurations never diff", () => {
  const base = (fps: string[], ids: string[]) => ({
    oidcProviderName: "github",
    issuerUrl: "https://token.actions.githubusercontent.com",
    fingerprints: fps,
    clientIds: ids,
  });

  it("any order, case, colon form or duplication of the same sets normalizes to identical inputs and no diff", () => {
    const fpSet = fc.uniqueArray(hex40, { minLength: 1, maxLength: 5 });
    const idSet = fc.uniqueArray(fc.stringMatching(/^[a-z0-9][a-z0-9.:/_-]{0,20}$/), {
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(
        fpSet,
        idSet,
        fc.array(fc.tuple(fc.boolean(), fc.boolean())),
        fc.integer(),
        (fps, ids, styles, seed) => {
          const spelledFps = fps.map((f, i) => {
            const [u, c] = styles[i % Math.max(styles.length, 1)] ?? [false, false];
            return spelled(f, u, c);
          });
          const shuffled = [...spelledFps, spelledFps[0]!].sort(() => (seed % 2 ? 1 : -1));
          const a = checkOidcProviderInputs(base(fps, ids));
          const b = checkOidcProviderInputs(base(shuffled, [...ids].reverse().concat(ids[0]!)));
          expect(a.failures).toEqual([]);
          expect(b.failures).toEqual([]);
          expect(b.inputs).toEqual(a.inputs);
          const olds = {
            ...a.inputs,
            arn: "x",
            createDate: "",
            updateDate: "",
          } as unknown as OidcProviderOutputs;
          expect(diffOidcProvider(olds, b.inputs)).toEqual({ replaces: [], changes: [] });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("canonicalSet sorts and removes duplicates", () => {
    expect(canonicalSet(["b", "a", "b"])).toEqual(["a", "b"]);
  });
});
