import type { z } from "zod";
import { containsUnknown } from "./normalize";

/** One problem with an input, as the engine shows it at preview. */
export interface CheckFailure {
  /** The argument, with an index for list items: `fingerprints[2]`. */
  property: string;
  /** What is wrong with the value and the limit that applies. Never echoes a secret. */
  reason: string;
}

/** A field's schema and whether it must be present. */
export interface FieldRule {
  schema: z.ZodType;
  required?: boolean;
}

function pathText(field: string, path: readonly PropertyKey[]): string {
  let out = field;
  for (const part of path) out += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
  return out;
}

/**
 * Validates each known field against its schema and collects every problem at
 * once. Fields whose value is unknown at preview pass through untouched (they
 * are checked again at `up`, when known). Returns the parsed (normalized)
 * values of the valid fields.
 */
export function validateFields(
  input: Record<string, unknown>,
  rules: Record<string, FieldRule>,
): { values: Record<string, unknown>; failures: CheckFailure[] } {
  const values: Record<string, unknown> = {};
  const failures: CheckFailure[] = [];
  for (const [field, rule] of Object.entries(rules)) {
    const raw = input[field];
    if (raw === undefined || raw === null) {
      if (rule.required) failures.push({ property: field, reason: "is required" });
      continue;
    }
    if (containsUnknown(raw)) {
      values[field] = raw;
      continue;
    }
    const parsed = rule.schema.safeParse(raw);
    if (parsed.success) {
      values[field] = parsed.data;
    } else {
      for (const issue of parsed.error.issues) {
        failures.push({ property: pathText(field, issue.path), reason: issue.message });
      }
    }
  }
  return { values, failures };
}

/** `is 129 characters long, but ... allows at most 128` style helpers. */
export function tooLong(actual: number, max: number, what: string): string {
  return `is ${actual} characters long, but ${what} allows at most ${max}`;
}

/** Renders failures as one multi-line message (for errors thrown outside `check`). */
export function formatFailures(failures: readonly CheckFailure[]): string {
  return failures.map((f) => `${f.property}: ${f.reason}`).join("\n");
}

/**
 * Re-runs a resource's check on the inputs that reach create/update and
 * returns them typed, or throws every problem at once. The engine has already
 * run check; this guards against values that were unknown at preview.
 */
export function requireChecked<T>(
  resource: string,
  check: (news: Record<string, unknown>) => { inputs: Record<string, unknown>; failures: CheckFailure[] },
  raw: Record<string, unknown>,
): T {
  const { inputs, failures } = check(raw);
  if (containsUnknown(inputs))
    failures.push({ property: "(inputs)", reason: "contain values unknown at apply" });
  if (failures.length > 0) throw new Error(`invalid ${resource} arguments:\n${formatFailures(failures)}`);
  return inputs as unknown as T;
}
