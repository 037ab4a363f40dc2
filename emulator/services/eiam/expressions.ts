/**
 * The condition language of federated credentials: a provider's `TrustCondition` and an
 * application federated credential's `VerificationCondition`.
 *
 * Guess: the docs show one example only, `IsNullOrEmpty("jwt.issuer")`. The emulator implements
 * a small, strict subset and refuses anything else when the condition is stored (fail safe: it
 * never stores a condition it could not evaluate):
 *
 *   expr     := and ("||" and)*
 *   and      := unary ("&&" unary)*
 *   unary    := "!" unary | "(" expr ")" | call | operand ("==" | "!=") operand
 *   call     := "IsNullOrEmpty" "(" (string-naming-a-path | path) ")"
 *             | "StartsWith" "(" path "," string ")"
 *             | "Contains" "(" path "," string ")"
 *   operand  := string | path
 *   path     := ("jwt" | "cert") ("." segment)+        segment := [A-Za-z0-9_-]+
 *   string   := '"' (any character but '"' and '\', or '\"', '\\')* '"'
 *
 * Paths read the token's claims: `jwt.sub`, `jwt.kubernetes.io.pod.name` (a claim whose name
 * contains dots, such as Kubernetes' `kubernetes.io`, is matched greedily: the longest run of
 * segments that names a key wins). `cert.…` paths are accepted for PKCS#7 and private-CA
 * providers, whose assertions the emulator does not verify (stored only).
 *
 * Semantics: `==` / `!=` compare strings (a number or boolean claim is compared as its decimal
 * or `true`/`false` text; a missing, list or object claim equals nothing). `StartsWith` needs a
 * string claim. `Contains` tests membership for a list claim and substring for a string claim.
 * `IsNullOrEmpty` is true for a missing claim, null, "", [] and {}.
 */
import { EIAM } from "../../limits";

export type PathRoot = "jwt" | "cert";

export interface Path {
  root: PathRoot;
  segments: string[];
}

export type Operand = { kind: "literal"; value: string } | { kind: "path"; path: Path };

export type Expr =
  | { kind: "or" | "and"; left: Expr; right: Expr }
  | { kind: "not"; operand: Expr }
  | { kind: "compare"; op: "==" | "!="; left: Operand; right: Operand }
  /** `quoted`: the path was written as a string, as in the docs' example. */
  | { kind: "isNullOrEmpty"; path: Path; quoted: boolean }
  | { kind: "startsWith" | "contains"; path: Path; value: string };

/** A refused expression; `position` is the 0-based offset of the problem. */
export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = "ExpressionError";
  }
}

type Token =
  | { type: "string"; value: string; pos: number }
  | { type: "word"; value: string; pos: number }
  | { type: "op"; value: "==" | "!=" | "&&" | "||" | "!" | "(" | ")" | ","; pos: number }
  | { type: "end"; pos: number };

const SEGMENT = /^[A-Za-z0-9_-]+$/;
const FUNCTIONS = ["IsNullOrEmpty", "StartsWith", "Contains"] as const;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === "==" || two === "!=" || two === "&&" || two === "||") {
      out.push({ type: "op", value: two, pos: i });
      i += 2;
      continue;
    }
    if (c === "!" || c === "(" || c === ")" || c === ",") {
      out.push({ type: "op", value: c, pos: i });
      i++;
      continue;
    }
    if (c === '"') {
      const start = i;
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length) throw new ExpressionError("unterminated string", start);
        const d = text[i] as string;
        if (d === '"') {
          i++;
          break;
        }
        if (d === "\\") {
          const e = text[i + 1];
          if (e !== '"' && e !== "\\") throw new ExpressionError('only \\" and \\\\ may be escaped', i);
          value += e;
          i += 2;
          continue;
        }
        value += d;
        i++;
      }
      out.push({ type: "string", value, pos: start });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(text.slice(i));
      const word = m?.[0] ?? c;
      out.push({ type: "word", value: word, pos: i });
      i += word.length;
      continue;
    }
    throw new ExpressionError(`unexpected character ${JSON.stringify(c)}`, i);
  }
  out.push({ type: "end", pos: text.length });
  return out;
}

/** Parses `text`; `roots` are the path roots allowed (`jwt` only for OIDC providers). */
export function parseExpression(text: string, roots: readonly PathRoot[] = ["jwt"]): Expr {
  if (text.length > EIAM.expression.maxLength) {
    throw new ExpressionError(`the expression is longer than ${EIAM.expression.maxLength} characters`, 0);
  }
  const tokens = tokenize(text);
  let k = 0;
  const peek = (): Token => tokens[k] as Token;
  const next = (): Token => tokens[k++] as Token;
  const isOp = (t: Token, v: string): boolean => t.type === "op" && t.value === v;
  const expectOp = (v: string): void => {
    const t = next();
    if (!isOp(t, v)) throw new ExpressionError(`expected ${JSON.stringify(v)}`, t.pos);
  };
  const describe = (t: Token): string =>
    t.type === "end" ? "the end" : t.type === "string" ? "a string" : JSON.stringify(t.value);

  const path = (word: string, pos: number): Path => {
    const [root, ...segments] = word.split(".");
    if (
      (root !== "jwt" && root !== "cert") ||
      segments.length === 0 ||
      !segments.every((s) => SEGMENT.test(s))
    ) {
      throw new ExpressionError(
        `${JSON.stringify(word)} is not a path (jwt.<claim>[.<field>…]) or a known function`,
        pos,
      );
    }
    if (!roots.includes(root)) throw new ExpressionError(`${root}.… paths are not allowed here`, pos);
    return { root, segments };
  };
  const pathToken = (): Path => {
    const t = next();
    if (t.type !== "word") throw new ExpressionError(`expected a path, got ${describe(t)}`, t.pos);
    return path(t.value, t.pos);
  };
  const stringToken = (): string => {
    const t = next();
    if (t.type !== "string") throw new ExpressionError(`expected a string, got ${describe(t)}`, t.pos);
    return t.value;
  };
  const operand = (): Operand => {
    const t = next();
    if (t.type === "string") return { kind: "literal", value: t.value };
    if (t.type === "word") return { kind: "path", path: path(t.value, t.pos) };
    throw new ExpressionError(`expected a string or a path, got ${describe(t)}`, t.pos);
  };

  const expr = (depth: number): Expr => {
    let left = and(depth);
    while (isOp(peek(), "||")) {
      next();
      left = { kind: "or", left, right: and(depth) };
    }
    return left;
  };
  const and = (depth: number): Expr => {
    let left = unary(depth);
    while (isOp(peek(), "&&")) {
      next();
      left = { kind: "and", left, right: unary(depth) };
    }
    return left;
  };
  const unary = (depth: number): Expr => {
    const t = peek();
    if (depth > EIAM.expression.maxDepth) {
      throw new ExpressionError(`nested more than ${EIAM.expression.maxDepth} deep`, t.pos);
    }
    if (isOp(t, "!")) {
      next();
      return { kind: "not", operand: unary(depth + 1) };
    }
    if (isOp(t, "(")) {
      next();
      const inner = expr(depth + 1);
      expectOp(")");
      return inner;
    }
    if (t.type === "word" && (FUNCTIONS as readonly string[]).includes(t.value)) {
      next();
      expectOp("(");
      let result: Expr;
      if (t.value === "IsNullOrEmpty") {
        const a = peek();
        if (a.type === "string") {
          next();
          result = { kind: "isNullOrEmpty", path: path(a.value, a.pos), quoted: true };
        } else result = { kind: "isNullOrEmpty", path: pathToken(), quoted: false };
      } else {
        const p = pathToken();
        expectOp(",");
        result = {
          kind: t.value === "StartsWith" ? "startsWith" : "contains",
          path: p,
          value: stringToken(),
        };
      }
      expectOp(")");
      return result;
    }
    const left = operand();
    const op = next();
    if (!isOp(op, "==") && !isOp(op, "!=")) {
      throw new ExpressionError(`expected == or != after an operand, got ${describe(op)}`, op.pos);
    }
    return {
      kind: "compare",
      op: op.type === "op" && op.value === "!=" ? "!=" : "==",
      left,
      right: operand(),
    };
  };

  if (peek().type === "end") throw new ExpressionError("the expression is empty", 0);
  const result = expr(0);
  const rest = peek();
  if (rest.type !== "end") throw new ExpressionError(`unexpected ${describe(rest)}`, rest.pos);
  return result;
}

// ---- Printing (canonical form, for the property test and messages) -------------------------------

const quote = (s: string): string => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
const pathText = (p: Path): string => [p.root, ...p.segments].join(".");
const operandText = (o: Operand): string => (o.kind === "literal" ? quote(o.value) : pathText(o.path));

/** A canonical text that parses back to the same tree (binary nodes fully parenthesized). */
export function printExpression(e: Expr): string {
  switch (e.kind) {
    case "or":
    case "and":
      return `(${printExpression(e.left)} ${e.kind === "or" ? "||" : "&&"} ${printExpression(e.right)})`;
    case "not":
      return `!${printExpression(e.operand)}`;
    case "compare":
      return `${operandText(e.left)} ${e.op} ${operandText(e.right)}`;
    case "isNullOrEmpty":
      return `IsNullOrEmpty(${e.quoted ? quote(pathText(e.path)) : pathText(e.path)})`;
    case "startsWith":
      return `StartsWith(${pathText(e.path)}, ${quote(e.value)})`;
    case "contains":
      return `Contains(${pathText(e.path)}, ${quote(e.value)})`;
  }
}

// ---- Evaluation ------------------------------------------------------------------------------

export interface EvaluationContext {
  /** The token's claims. */
  jwt: Record<string, unknown>;
}

/** The value at a path; claim names containing dots are matched greedily (longest first). */
export function resolvePath(root: Record<string, unknown>, segments: readonly string[]): unknown {
  let node: unknown = root;
  let i = 0;
  while (i < segments.length) {
    if (node === null || typeof node !== "object" || Array.isArray(node)) return undefined;
    const obj = node as Record<string, unknown>;
    let found = false;
    for (let j = segments.length; j > i; j--) {
      const key = segments.slice(i, j).join(".");
      if (Object.hasOwn(obj, key)) {
        node = obj[key];
        i = j;
        found = true;
        break;
      }
    }
    if (!found) return undefined;
  }
  return node;
}

const scalarText = (v: unknown): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;

export function evaluateExpression(e: Expr, ctx: EvaluationContext): boolean {
  const value = (p: Path): unknown => {
    if (p.root !== "jwt") throw new Error(`${p.root}.… paths cannot be evaluated by the emulator`);
    return resolvePath(ctx.jwt, p.segments);
  };
  const operand = (o: Operand): string | undefined =>
    o.kind === "literal" ? o.value : scalarText(value(o.path));
  switch (e.kind) {
    case "or":
      return evaluateExpression(e.left, ctx) || evaluateExpression(e.right, ctx);
    case "and":
      return evaluateExpression(e.left, ctx) && evaluateExpression(e.right, ctx);
    case "not":
      return !evaluateExpression(e.operand, ctx);
    case "compare": {
      const l = operand(e.left);
      const r = operand(e.right);
      const equal = l !== undefined && r !== undefined && l === r;
      return e.op === "==" ? equal : !equal;
    }
    case "isNullOrEmpty": {
      const v = value(e.path);
      if (v === undefined || v === null || v === "") return true;
      if (Array.isArray(v)) return v.length === 0;
      return typeof v === "object" && Object.keys(v).length === 0;
    }
    case "startsWith": {
      const v = value(e.path);
      return typeof v === "string" && v.startsWith(e.value);
    }
    case "contains": {
      const v = value(e.path);
      if (Array.isArray(v)) return v.some((x) => scalarText(x) === e.value);
      return typeof v === "string" && v.includes(e.value);
    }
  }
}

/** True when the tree reads a `cert.…` path (such conditions are stored, never evaluated). */
export function usesCertificatePaths(e: Expr): boolean {
  switch (e.kind) {
    case "or":
    case "and":
      return usesCertificatePaths(e.left) || usesCertificatePaths(e.right);
    case "not":
      return usesCertificatePaths(e.operand);
    case "compare":
      return [e.left, e.right].some((o) => o.kind === "path" && o.path.root === "cert");
    default:
      return e.path.root === "cert";
  }
}
