/**
 * Response shapes: keys, value types, error codes and HTTP status, never values or identifiers.
 * What live mode records from a real account into snapshots.json and what the emulator's answers
 * are compared with (the way LocalStack's snapshot tests compare an emulator with recorded AWS
 * answers, with named paths to skip).
 */
import type { Answer } from "./target";

export type Shape = "string" | "number" | "boolean" | "null" | Shape[] | { [key: string]: Shape };

export interface SnapshotEntry {
  /** Where the entry comes from: a documentation page (its example), or `live YYYY-MM-DD`. */
  source: string;
  status: number;
  /** The answer's shape (successful calls). */
  body?: Shape;
  /** The refusal's code (error probes). */
  code?: string;
  /** Paths left out of the comparison, each with the reason. */
  ignore?: Array<{ path: string; reason: string }>;
}

export function shapeOf(value: unknown): Shape {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (typeof value === "object") {
    const out: Record<string, Shape> = {};
    for (const key of Object.keys(value as object).sort())
      out[key] = shapeOf((value as Record<string, unknown>)[key]);
    return out;
  }
  const t = typeof value;
  return t === "number" || t === "boolean" ? t : "string";
}

/** An answer as a snapshot entry (without its source). */
export function entryOf(answer: Answer): Omit<SnapshotEntry, "source"> {
  return answer.ok
    ? { status: answer.status, body: shapeOf(answer.body) }
    : { status: answer.status, code: answer.code };
}

/** The differences between a recorded entry and an answer, as readable lines (empty: same shape). */
export function compareEntry(recorded: SnapshotEntry, answer: Answer): string[] {
  const actual = entryOf(answer);
  const diffs: string[] = [];
  if (recorded.status !== actual.status)
    diffs.push(`HTTP status: recorded ${recorded.status}, got ${actual.status}`);
  if (recorded.code !== actual.code)
    diffs.push(`error code: recorded ${recorded.code ?? "(none)"}, got ${actual.code ?? "(none)"}`);
  if (recorded.body !== undefined && actual.body !== undefined) {
    const ignored = new Set((recorded.ignore ?? []).map((i) => i.path));
    compareShape(recorded.body, actual.body, "", ignored, diffs);
  }
  return diffs;
}

function kind(s: Shape): string {
  return Array.isArray(s) ? "array" : typeof s === "object" ? "object" : s;
}

function compareShape(want: Shape, got: Shape, path: string, ignored: Set<string>, diffs: string[]): void {
  if (ignored.has(path)) return;
  if (kind(want) !== kind(got)) {
    diffs.push(`${path || "(body)"}: recorded ${kind(want)}, got ${kind(got)}`);
    return;
  }
  if (Array.isArray(want) && Array.isArray(got)) {
    // An empty list shows no item shape: nothing to compare.
    if (want[0] !== undefined && got[0] !== undefined)
      compareShape(want[0], got[0], `${path}[]`, ignored, diffs);
    return;
  }
  if (typeof want === "object" && typeof got === "object") {
    const w = want as Record<string, Shape>;
    const g = got as Record<string, Shape>;
    for (const key of Object.keys(w)) {
      const p = path ? `${path}.${key}` : key;
      if (ignored.has(p)) continue;
      if (!(key in g)) diffs.push(`${p}: recorded, missing`);
      else compareShape(w[key] as Shape, g[key] as Shape, p, ignored, diffs);
    }
    for (const key of Object.keys(g)) {
      const p = path ? `${path}.${key}` : key;
      if (!(key in w) && !ignored.has(p)) diffs.push(`${p}: not recorded, answered`);
    }
  }
}
