import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  type Expr,
  ExpressionError,
  evaluateExpression,
  type Operand,
  type Path,
  parseExpression,
  printExpression,
  resolvePath,
} from "../../emulator/services/eiam/expressions";

const claims = {
  iss: "https://oidc.example.com",
  sub: "system:serviceaccount:prod:batch",
  aud: ["idaas", "sts"],
  n: 3,
  flag: true,
  empty: "",
  none: null,
  list: [],
  obj: {},
  "kubernetes.io": { namespace: "prod", pod: { name: "batch-7f9c", uid: "u1" } },
};
const ev = (text: string): boolean => evaluateExpression(parseExpression(text), { jwt: claims });

describe("parsing", () => {
  test("the documented example and the subset", () => {
    expect(parseExpression('IsNullOrEmpty("jwt.issuer")')).toEqual({
      kind: "isNullOrEmpty",
      path: { root: "jwt", segments: ["issuer"] },
      quoted: true,
    });
    expect(parseExpression('!(jwt.a == "x") || StartsWith(jwt.b, "p") && Contains(jwt.c, "q")')).toEqual({
      kind: "or",
      left: {
        kind: "not",
        operand: {
          kind: "compare",
          op: "==",
          left: { kind: "path", path: { root: "jwt", segments: ["a"] } },
          right: { kind: "literal", value: "x" },
        },
      },
      right: {
        kind: "and",
        left: { kind: "startsWith", path: { root: "jwt", segments: ["b"] }, value: "p" },
        right: { kind: "contains", path: { root: "jwt", segments: ["c"] }, value: "q" },
      },
    });
    expect(parseExpression('"a\\"b\\\\" != jwt.x')).toMatchObject({
      left: { kind: "literal", value: 'a"b\\' },
    });
  });

  test.each([
    ["", "the expression is empty"],
    ["jwt.sub", "expected == or !="],
    ['jwt.sub = "x"', "unexpected character"],
    ["jwt.sub == 'x'", "unexpected character"],
    ['user.sub == "x"', "is not a path"],
    ['jwt == "x"', "is not a path"],
    ['jwt.sub. == "x"', "is not a path"],
    ['cert.subject == "x"', "cert.… paths are not allowed"],
    ['Matches(jwt.sub, "x")', "is not a path"],
    ['StartsWith("jwt.sub", "x")', "expected a path"],
    ["StartsWith(jwt.sub, jwt.x)", "expected a string"],
    ['IsNullOrEmpty("not a path")', "is not a path"],
    ['(jwt.a == "x"', 'expected ")"'],
    ['jwt.a == "x")', "unexpected"],
    ['jwt.a == "x', "unterminated string"],
    ['jwt.a == "\\n"', "may be escaped"],
    ['jwt.a == "x" &&', "expected a string or a path"],
    ['jwt.a == "x" & jwt.b == "y"', "unexpected character"],
  ])("refuses %j", (text, message) => {
    expect(() => parseExpression(text)).toThrow(ExpressionError);
    expect(() => parseExpression(text)).toThrow(message);
  });

  test("length and depth limits: 1024 characters pass, 1025 do not; 32 levels pass, 33 do not", () => {
    // `jwt.a == ""` is 11 characters; the literal pads it to the edge.
    const sized = (n: number) => `jwt.a == "${"x".repeat(n - 11)}"`;
    expect(sized(1024)).toHaveLength(1024);
    expect(parseExpression(sized(1024)).kind).toBe("compare");
    expect(() => parseExpression(sized(1025))).toThrow(/longer than/);
    const nested = (n: number) => `${"(".repeat(n)}jwt.a == "x"${")".repeat(n)}`;
    expect(parseExpression(nested(32)).kind).toBe("compare");
    expect(() => parseExpression(nested(33))).toThrow(/nested more than/);
    expect(parseExpression(`${"!".repeat(32)}jwt.a == "x"`).kind).toBe("not");
    expect(() => parseExpression(`${"!".repeat(33)}jwt.a == "x"`)).toThrow(/nested/);
  });

  test("cert.… paths when allowed", () => {
    expect(parseExpression('cert.subject.CN == "x"', ["jwt", "cert"])).toMatchObject({
      left: { path: { root: "cert", segments: ["subject", "CN"] } },
    });
  });
});

describe("evaluation", () => {
  test.each([
    ['jwt.sub == "system:serviceaccount:prod:batch"', true],
    ['jwt.sub != "system:serviceaccount:prod:batch"', false],
    ['"system:serviceaccount:prod:batch" == jwt.sub', true],
    ['jwt.missing == "x"', false],
    ['jwt.missing != "x"', true],
    ["jwt.missing == jwt.missing2", false],
    ['jwt.n == "3"', true],
    ['jwt.flag == "true"', true],
    ['jwt.aud == "idaas"', false],
    ['Contains(jwt.aud, "sts")', true],
    ['Contains(jwt.aud, "st")', false],
    ['Contains(jwt.sub, "prod")', true],
    ['Contains(jwt.n, "3")', false],
    ['StartsWith(jwt.sub, "system:serviceaccount:")', true],
    ['StartsWith(jwt.aud, "idaas")', false],
    ['IsNullOrEmpty("jwt.issuer")', true],
    ["IsNullOrEmpty(jwt.iss)", false],
    ['IsNullOrEmpty("jwt.empty")', true],
    ['IsNullOrEmpty("jwt.none")', true],
    ['IsNullOrEmpty("jwt.list")', true],
    ['IsNullOrEmpty("jwt.obj")', true],
    ['IsNullOrEmpty("jwt.n")', false],
    ['jwt.kubernetes.io.namespace == "prod"', true],
    ['StartsWith(jwt.kubernetes.io.pod.name, "batch-")', true],
    ['jwt.kubernetes.io.pod.missing == "x"', false],
    ['!(jwt.sub == "x") && (jwt.n == "3" || jwt.n == "4")', true],
    ['jwt.n == "4" || jwt.n == "5" || jwt.flag == "true"', true],
    ['jwt.n == "3" && jwt.flag == "false"', false],
  ])("%s → %s", (text, expected) => {
    expect(ev(text)).toBe(expected);
  });

  test("resolvePath matches claim names with dots greedily", () => {
    expect(resolvePath({ "a.b": { c: 1 }, a: { b: { c: 2 } } }, ["a", "b", "c"])).toBe(1);
    expect(resolvePath({ a: { b: { c: 2 } } }, ["a", "b", "c"])).toBe(2);
    expect(resolvePath({ a: "x" }, ["a", "b"])).toBeUndefined();
  });
});

// ---- Property tests ------------------------------------------------------------------------------

const segment = fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/);
const path: fc.Arbitrary<Path> = fc.record({
  root: fc.constant("jwt" as const),
  segments: fc.array(segment, { minLength: 1, maxLength: 3 }),
});
const literal = fc.string({ maxLength: 8 });
const operand: fc.Arbitrary<Operand> = fc.oneof(
  literal.map((value) => ({ kind: "literal" as const, value })),
  path.map((p) => ({ kind: "path" as const, path: p })),
);
const leaf: fc.Arbitrary<Expr> = fc.oneof(
  fc.record({
    kind: fc.constant("compare" as const),
    op: fc.constantFrom("==" as const, "!=" as const),
    left: operand,
    right: operand,
  }),
  fc.record({ kind: fc.constant("isNullOrEmpty" as const), path, quoted: fc.boolean() }),
  fc.record({ kind: fc.constantFrom("startsWith" as const, "contains" as const), path, value: literal }),
);
const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.record({ kind: fc.constant("not" as const), operand: tie("expr") }),
    fc.record({
      kind: fc.constantFrom("or" as const, "and" as const),
      left: tie("expr"),
      right: tie("expr"),
    }),
  ),
}));
const claimValue = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 3 })),
);

describe("properties", () => {
  test("printing and parsing round-trip", () => {
    fc.assert(
      fc.property(expr, (e) => {
        const text = printExpression(e);
        if (text.length > 1024) return;
        try {
          expect(parseExpression(text)).toEqual(e);
        } catch (err) {
          // Deeply nested trees may pass the depth limit: that must be the only refusal.
          expect(err).toBeInstanceOf(ExpressionError);
          expect((err as Error).message).toMatch(/nested more than/);
        }
      }),
      { numRuns: 500 },
    );
  });

  test("arbitrary text parses or is refused with an ExpressionError, never anything else", () => {
    const alphabet = fc.constantFrom(
      ..."jwt.cert.sub aud ==!=&&||!(),\"\\ IsNullOrEmpty StartsWith Contains x 1 ' = & | ~ \n".split(""),
      "jwt.sub",
      "IsNullOrEmpty",
      "StartsWith",
      "Contains",
      '"a"',
      " == ",
      " && ",
    );
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 30 }).map((a) => a.join("")),
        fc.string({ maxLength: 40 }),
        (built, random) => {
          for (const text of [built, random]) {
            try {
              const e = parseExpression(text);
              // Whatever parses, evaluates without throwing.
              evaluateExpression(e, { jwt: claims });
            } catch (err) {
              expect(err).toBeInstanceOf(ExpressionError);
            }
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  test("evaluation never throws on arbitrary claims", () => {
    fc.assert(
      fc.property(expr, fc.dictionary(segment, claimValue), (e, jwt) => {
        expect(typeof evaluateExpression(e, { jwt })).toBe("boolean");
      }),
      { numRuns: 300 },
    );
  });
});
