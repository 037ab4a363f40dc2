/**
 * Directory files (JSON or CSV) and the checks that apply to a whole
 * directory at once: every line's fields against RAM's limits, user names
 * unique ignoring case (as RAM compares them), externalIds unique, resource
 * names unique after sanitising. Every problem is reported together, each
 * with its line.
 *
 * `scimUsersFromDirectory` declares one `ScimUser` per entry (the per-user
 * program); `ScimDirectory` (resources/scimDirectory.ts) is the faster
 * single-resource alternative for whole directories.
 */
import { readFileSync } from "node:fs";
import type * as pulumi from "@pulumi/pulumi";
import { UserError } from "./errors";
import { RAM_USER } from "./limits";
import { type DeletionGuardArgs, DirectoryGuard } from "./resources/directoryGuard";
import { ScimUser, type ScimUserArgs } from "./resources/scimUser";

/** One person in the directory. */
export interface DirectoryEntry {
  userName: string;
  displayName?: string;
  externalId?: string;
}

/** externalId's bound (`RAM_USER.externalIdMaxLength`), exported under its older name. */
export const EXTERNAL_ID_MAX = RAM_USER.externalIdMaxLength;

/** How much of a directory's problems the message shows: the engine prints it twice, within 4 KB. */
export const DIRECTORY_ERROR_SHOWN = { problems: 8, chars: 120 } as const;

/**
 * A problem with the file itself: every bad line in `problems`, in line order; the message says
 * what to do first, then the first `DIRECTORY_ERROR_SHOWN.problems` of them, one per line, each
 * cut to `DIRECTORY_ERROR_SHOWN.chars` (10,000 bad people printed whole were 900 KB). A
 * `UserError`: thrown while the program runs, it is printed as its message alone.
 */
export class DirectoryError extends UserError {
  readonly problems: string[];

  constructor(file: string, problems: string[]) {
    const sorted = inLineOrder(problems);
    const cut = (p: string) =>
      p.length <= DIRECTORY_ERROR_SHOWN.chars ? p : `${p.slice(0, DIRECTORY_ERROR_SHOWN.chars - 1)}…`;
    const shown = sorted.slice(0, DIRECTORY_ERROR_SHOWN.problems).map((p) => `  ${cut(p)}`);
    const rest = sorted.length - shown.length;
    super(
      sorted.length === 1
        ? `${file}: ${cut(sorted[0] ?? "")}. Nothing was declared; correct it and run again.`
        : `${file}: ${sorted.length} problems, nothing was declared; correct them and run again:\n${shown.join("\n")}${
            rest > 0 ? `\n  ...and ${rest} more like them, not shown to keep this short` : ""
          }`,
    );
    this.name = "DirectoryError";
    this.problems = sorted;
  }
}

/** Problems sorted by the line (or list index) they start with; the order found is kept within one. */
function inLineOrder(problems: readonly string[]): string[] {
  const at = (p: string) => Number(/^(?:line (\d+)|[^[\s]*\[(\d+)\])/.exec(p)?.slice(1).find(Boolean) ?? -1);
  return problems
    .map((p, i) => ({ p, i, n: at(p) }))
    .sort((a, b) => a.n - b.n || a.i - b.i)
    .map((x) => x.p);
}

/** A CSV row and the line it starts on (1-based; a quoted field may span lines). */
interface CsvRow {
  fields: string[];
  line: number;
}

function parseCsvRows(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === "\n") line++;
        field += c;
      }
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push({ fields: row, line: rowLine });
      row = [];
      field = "";
      line++;
      rowLine = line;
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push({ fields: row, line: rowLine });
  }
  return rows.filter((r) => !(r.fields.length === 1 && r.fields[0] === ""));
}

/**
 * Parses CSV (RFC 4180: quoted fields, doubled quotes, CRLF or LF). Returns
 * rows of fields; empty lines are ignored.
 */
export function parseCsv(text: string): string[][] {
  return parseCsvRows(text).map((r) => r.fields);
}

/** The line on which each element of a top-level JSON array starts (1-based). */
function jsonElementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\n") line++;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (/\s/.test(c)) continue;
    if (depth === 1 && expectValue && c !== "]") {
      lines.push(line);
      expectValue = false;
    }
    if (c === '"') inString = true;
    else if (c === "[" || c === "{") {
      depth++;
      if (depth === 1) expectValue = true;
    } else if (c === "]" || c === "}") depth--;
    else if (c === "," && depth === 1) expectValue = true;
  }
  return lines;
}

/** An entry and where it came from (`line 4`, `people[3]`), for messages. */
export interface PlacedEntry {
  entry: DirectoryEntry;
  where: string;
}

/** The stable key of an entry: its externalId, else its user name (RAM names ignore case). */
export function entryKey(e: DirectoryEntry): string {
  return e.externalId ?? `user:${e.userName.toLowerCase()}`;
}

const sanitise = (key: string) => key.replace(/[^A-Za-z0-9._:-]/g, "_");

/**
 * Every text a directory problem may quote for this entry (its values, its key, the resource name
 * made from the key): what a secret roster's problems must not show.
 */
export function quotableForms(e: Partial<Record<keyof DirectoryEntry, unknown>>): string[] {
  const own = [e.userName, e.externalId, e.displayName].filter(
    (v): v is string => typeof v === "string" && v !== "",
  );
  const key =
    typeof e.externalId === "string"
      ? e.externalId
      : typeof e.userName === "string"
        ? `user:${e.userName.toLowerCase()}`
        : undefined;
  return key === undefined ? own : [...own, key, sanitise(key)];
}

/** A Pulumi resource name for an entry, stable across reorderings and unique per key. */
export function resourceNameFor(prefix: string, e: DirectoryEntry): string {
  return `${prefix}${sanitise(entryKey(e))}`;
}

/** Why one entry's fields break RAM's limits (each problem prefixed with `where`). */
function fieldProblems(raw: Record<string, unknown>, where: string): string[] {
  const problems: string[] = [];
  const { userName, displayName, externalId } = raw;
  if (typeof userName !== "string" || userName === "") problems.push(`${where}: userName is missing`);
  else if (userName.length > RAM_USER.name.maxLength)
    problems.push(
      `${where}: userName is ${userName.length} characters long, but a RAM user name allows at most ${RAM_USER.name.maxLength}`,
    );
  else if (!RAM_USER.name.pattern.test(userName))
    problems.push(`${where}: userName '${userName}' is not allowed: use ${RAM_USER.name.rule}`);
  if (displayName !== undefined && displayName !== "") {
    if (typeof displayName !== "string") problems.push(`${where}: displayName must be a string`);
    else if (displayName.length > RAM_USER.displayName.maxLength)
      problems.push(
        `${where}: displayName is ${displayName.length} characters long, but a RAM display name allows at most ${RAM_USER.displayName.maxLength}`,
      );
  }
  if (externalId !== undefined && externalId !== "") {
    if (typeof externalId !== "string") problems.push(`${where}: externalId must be a string`);
    else if (externalId.length > EXTERNAL_ID_MAX)
      problems.push(
        `${where}: externalId is ${externalId.length} characters long, but at most ${EXTERNAL_ID_MAX} are allowed`,
      );
  }
  return problems;
}

/**
 * The whole-directory checks: user names unique ignoring case (RAM's rule),
 * externalIds unique, and one resource name per person after sanitising
 * (`emp 1` and `emp_1` would both be `scim-emp_1`). Every problem, in order.
 */
export function directoryProblems(entries: readonly PlacedEntry[]): string[] {
  const problems: string[] = [];
  const byName = new Map<string, PlacedEntry>();
  const byExternalId = new Map<string, PlacedEntry>();
  const byResourceName = new Map<string, PlacedEntry>();
  for (const p of entries) {
    const { entry, where } = p;
    const name = entry.userName.toLowerCase();
    const sameName = byName.get(name);
    if (sameName)
      problems.push(
        `${where}: userName '${entry.userName}' is already used on ${sameName.where} ('${sameName.entry.userName}'); RAM user names ignore case`,
      );
    else byName.set(name, p);
    if (entry.externalId !== undefined) {
      const sameId = byExternalId.get(entry.externalId);
      if (sameId)
        problems.push(`${where}: externalId '${entry.externalId}' is already used on ${sameId.where}`);
      else byExternalId.set(entry.externalId, p);
    }
    const resource = sanitise(entryKey(entry));
    const sameResource = byResourceName.get(resource);
    // Only when the two are not already reported as the same name or externalId.
    if (sameResource && !sameName && sameResource.entry.externalId !== entry.externalId)
      problems.push(
        `${where}: key '${entryKey(entry)}' gives the same resource name '${resource}' as ${sameResource.where} ('${entryKey(sameResource.entry)}'); change one externalId`,
      );
    else if (!sameResource) byResourceName.set(resource, p);
  }
  return problems;
}

/** Turns raw records into entries, collecting field problems. */
function toEntries(raw: ReadonlyArray<{ record: Record<string, unknown>; where: string }>): {
  entries: PlacedEntry[];
  problems: string[];
} {
  const problems: string[] = [];
  const entries: PlacedEntry[] = [];
  for (const { record, where } of raw) {
    const own = fieldProblems(record, where);
    problems.push(...own);
    if (typeof record.userName !== "string" || record.userName === "") continue;
    const entry: DirectoryEntry = { userName: record.userName };
    if (typeof record.displayName === "string" && record.displayName !== "")
      entry.displayName = record.displayName;
    if (typeof record.externalId === "string" && record.externalId !== "")
      entry.externalId = record.externalId;
    entries.push({ entry, where });
  }
  return { entries, problems };
}

/**
 * Checks a list of people given in code (`people[i]` in messages); throws a
 * `DirectoryError` listing every problem.
 */
export function checkPeople(people: readonly DirectoryEntry[], label = "people"): DirectoryEntry[] {
  const { entries, problems } = toEntries(
    people.map((p, i) => ({
      record: (p ?? {}) as unknown as Record<string, unknown>,
      where: `${label}[${i}]`,
    })),
  );
  problems.push(...directoryProblems(entries));
  if (problems.length > 0) throw new DirectoryError(label, problems);
  return entries.map((e) => e.entry);
}

/**
 * Reads a directory file: a JSON array of entries, or CSV with a header
 * naming the columns (every row must have as many fields as the header: a
 * short row is the mark of a file cut off mid-line). Throws a
 * `DirectoryError` listing every problem of the file, each with its line.
 */
export function readDirectory(file: string, text = readFileSync(file, "utf8")): DirectoryEntry[] {
  const problems: string[] = [];
  let raw: Array<{ record: Record<string, unknown>; where: string }>;
  if (file.toLowerCase().endsWith(".json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch (err) {
      throw new DirectoryError(file, [`is not valid JSON (${(err as Error).message})`]);
    }
    if (!Array.isArray(parsed))
      throw new DirectoryError(file, ["must be a JSON array of {userName, displayName?, externalId?}"]);
    const lines = jsonElementLines(text);
    raw = parsed.map((r, i) => ({
      record: r !== null && typeof r === "object" ? (r as Record<string, unknown>) : {},
      where: `line ${lines[i] ?? "?"} (entry ${i})`,
    }));
  } else {
    const [header, ...rows] = parseCsvRows(text);
    const columns = (header?.fields ?? []).map((h) => h.trim());
    if (!columns.includes("userName"))
      throw new DirectoryError(file, ["the header must name a userName column"]);
    raw = [];
    for (const r of rows) {
      if (r.fields.length !== columns.length) {
        problems.push(
          `line ${r.line}: has ${r.fields.length} field${r.fields.length === 1 ? "" : "s"}, the header has ${columns.length} (a line cut short?)`,
        );
        continue;
      }
      raw.push({
        record: Object.fromEntries(columns.map((c, i) => [c, (r.fields[i] ?? "").trim()])),
        where: `line ${r.line}`,
      });
    }
  }
  const { entries, problems: fieldIssues } = toEntries(raw);
  problems.push(...fieldIssues, ...directoryProblems(entries));
  if (problems.length > 0) throw new DirectoryError(file, problems);
  return entries.map((e) => e.entry);
}

/**
 * Declares one `ScimUser` per directory entry, and a `DirectoryGuard` that
 * stops, at preview, an update that would delete more than `maxDeletions`
 * of them or empty the directory (see `DeletionGuardArgs`).
 *
 * ```ts
 * const app = new ScimApplication("scim", { appName: "directory-sync" });
 * scimUsersFromDirectory("people.csv", { application: app });
 * ```
 *
 * For directories of more than a few dozen people, `ScimDirectory` does the
 * same in one resource, an order of magnitude faster.
 */
export function scimUsersFromDirectory(
  file: string,
  options: Omit<ScimUserArgs, "userName" | "displayName" | "externalId"> &
    DeletionGuardArgs & {
      /** Prefix of every resource name. Default `scim-`. */
      namePrefix?: string;
      opts?: pulumi.CustomResourceOptions;
    } = {},
): ScimUser[] {
  const {
    namePrefix = "scim-",
    opts,
    maxDeletions,
    confirmDeletions,
    allowEmpty,
    allowDestroy,
    ...shared
  } = options;
  const entries = readDirectory(file);
  const users = entries.map(
    (e) =>
      new ScimUser(
        resourceNameFor(namePrefix, e),
        { ...shared, userName: e.userName, displayName: e.displayName, externalId: e.externalId },
        opts,
      ),
  );
  // The guard's name follows the prefix, so two directories in one stack keep two guards. It
  // depends on every user so that the engine deletes it before any of them: removing this call or
  // `pulumi destroy` reaches the guard's delete first, which refuses a directory of more than
  // maxDeletions people unless an up recorded allowDestroy.
  new DirectoryGuard(
    `${namePrefix}directory-guard`,
    { keys: entries.map(entryKey), maxDeletions, confirmDeletions, allowEmpty, allowDestroy },
    // Retained with the users: when they stay in the account, so may the guard's directory.
    { parent: opts?.parent, retainOnDelete: opts?.retainOnDelete, dependsOn: users },
  );
  return users;
}
