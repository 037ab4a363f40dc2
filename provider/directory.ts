/**
 * Declares one `ScimUser` per entry of a directory file (JSON or CSV), with
 * resource names derived from each entry's stable key, so that adding or
 * removing a line adds or removes exactly one user and reordering changes
 * nothing.
 */
import { readFileSync } from "node:fs";
import type * as pulumi from "@pulumi/pulumi";
import { ScimUser, type ScimUserArgs } from "./resources/scimUser";

/** One person in the directory. */
export interface DirectoryEntry {
  userName: string;
  displayName?: string;
  externalId?: string;
}

/** A problem with the file itself, listing every bad line at once. */
export class DirectoryError extends Error {
  constructor(
    file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join("; ")}`);
    this.name = "DirectoryError";
  }
}

/**
 * Parses CSV (RFC 4180: quoted fields, doubled quotes, CRLF or LF). Returns
 * rows of fields; a trailing empty line is ignored.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ""));
}

/** Reads a directory file: a JSON array of entries, or CSV with a header naming the columns. */
export function readDirectory(file: string, text = readFileSync(file, "utf8")): DirectoryEntry[] {
  const problems: string[] = [];
  let raw: Array<Record<string, unknown>>;
  if (file.toLowerCase().endsWith(".json")) {
    const parsed = JSON.parse(text) as unknown;
    if (!Array.isArray(parsed))
      throw new DirectoryError(file, ["must be a JSON array of {userName, displayName?, externalId?}"]);
    raw = parsed as Array<Record<string, unknown>>;
  } else {
    const [header, ...rows] = parseCsv(text);
    const columns = (header ?? []).map((h) => h.trim());
    if (!columns.includes("userName"))
      throw new DirectoryError(file, ["the header must name a userName column"]);
    raw = rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, (r[i] ?? "").trim()])));
  }
  const entries: DirectoryEntry[] = [];
  const places: string[] = [];
  raw.forEach((r, i) => {
    const where = file.toLowerCase().endsWith(".json") ? `entry ${i}` : `line ${i + 2}`;
    if (typeof r.userName !== "string" || r.userName === "") {
      problems.push(`${where}: userName is missing`);
      return;
    }
    const entry: DirectoryEntry = { userName: r.userName };
    if (typeof r.displayName === "string" && r.displayName !== "") entry.displayName = r.displayName;
    if (typeof r.externalId === "string" && r.externalId !== "") entry.externalId = r.externalId;
    entries.push(entry);
    places.push(where);
  });
  const seen = new Map<string, string>();
  entries.forEach((e, i) => {
    const key = entryKey(e);
    const first = seen.get(key);
    if (first !== undefined) problems.push(`${first} and ${places[i]} are the same person ('${key}')`);
    else seen.set(key, places[i]!);
  });
  if (problems.length > 0) throw new DirectoryError(file, problems);
  return entries;
}

/** The stable key of an entry: its externalId, else its user name (RAM names ignore case). */
export function entryKey(e: DirectoryEntry): string {
  return e.externalId ?? `user:${e.userName.toLowerCase()}`;
}

/** A Pulumi resource name for an entry, stable across reorderings and unique per key. */
export function resourceNameFor(prefix: string, e: DirectoryEntry): string {
  return `${prefix}${entryKey(e).replace(/[^A-Za-z0-9._:-]/g, "_")}`;
}

/**
 * Declares one `ScimUser` per directory entry.
 *
 * ```ts
 * const app = new ScimApplication("scim", { appName: "directory-sync" });
 * scimUsersFromDirectory("people.csv", { application: app });
 * ```
 */
export function scimUsersFromDirectory(
  file: string,
  options: Omit<ScimUserArgs, "userName" | "displayName" | "externalId"> & {
    /** Prefix of every resource name. Default `scim-`. */
    namePrefix?: string;
    opts?: pulumi.CustomResourceOptions;
  } = {},
): ScimUser[] {
  const { namePrefix = "scim-", opts, ...shared } = options;
  return readDirectory(file).map(
    (e) =>
      new ScimUser(
        resourceNameFor(namePrefix, e),
        { ...shared, userName: e.userName, displayName: e.displayName, externalId: e.externalId },
        opts,
      ),
  );
}
