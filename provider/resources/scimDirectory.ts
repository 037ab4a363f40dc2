/**
 * `ScimDirectory`: a whole directory of RAM users kept in step over SCIM, as
 * one resource.
 *
 * With one resource per person the engine's own cost per resource dominates
 * (a serialized provider, a copy of the app's secret and a refresh call per
 * person). Here the people are one roster in one resource's state, a line per
 * person; the engine shows a multi-line string's change as a line diff, so a
 * plan names each person added, changed or removed with two lines of context
 * instead of printing the whole directory; create and update run the calls with
 * bounded concurrency and one token; refresh reads the account with SCIM
 * paging, so the drift gate costs about N/100 calls.
 *
 * https://www.alibabacloud.com/help/en/ram/user-guide/synchronize-accounts-from-an-enterprise-internal-system-to-ram-based-on-scim
 */
import { createHash, randomUUID } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { accountBound } from "../account";
import * as scim from "../client/scim";
import { warn } from "../diagnostics";
import {
  checkPeople,
  type DirectoryEntry,
  DirectoryError,
  EXTERNAL_ID_MAX,
  quotableForms,
  readDirectory,
} from "../directory";
import { AlicloudApiError, messageOf, UserError } from "../errors";
import {
  claim,
  configure,
  hasClaim,
  PartialStateError,
  scimUserClaim,
  takeClaim,
  withSecretOutputs,
} from "../lifecycle";
import { RAM_USER } from "../limits";
import { containsUnknown } from "../normalize";
import { isAmbiguous } from "../retry";
import { withSecretInputs } from "../secretInputs";
import { runtimeSettings } from "../settings";
import { providerShim } from "../shim";
import { type CheckFailure, formatFailures } from "../validation";
import {
  DEFAULT_MAX_DELETIONS,
  type DeletionGuardArgs,
  type DeletionGuardSettings,
  deletionGuardFailures,
  destroyGuardRefusal,
  guardSettingFailures,
  guardSettings,
  idleConfirmation,
} from "./directoryGuard";
import type { ScimApplication } from "./scimApplication";

/** Calls in flight at once: the default, and the bounds of `concurrency`. */
export const SCIM_DIRECTORY_CONCURRENCY = { default: 16, min: 1, max: 64 } as const;

/** The arguments of a `ScimDirectory`. Give exactly one of `people` and `directory`. */
export interface ScimDirectoryArgs extends DeletionGuardArgs {
  /**
   * The people, in code. Each `userName` follows RAM's rule (1 to 64 letters,
   * digits, `.`, `-`, `_`, unique ignoring case), `displayName` 1 to 128
   * characters (default: the user name), `externalId` your directory's stable
   * id (at most 128 characters, unique). Checked as a whole at preview.
   * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createuser
   */
  people?: DirectoryEntry[] | pulumi.Input<DirectoryEntry[]>;
  /**
   * A directory file instead: CSV with a header naming `userName` (and
   * optionally `displayName`, `externalId`), or a JSON array of entries. The
   * whole file is checked at preview; every problem is reported with its line.
   */
  directory?: string;
  /**
   * The SCIM app whose credentials to use. Without it (and without
   * `clientId`/`clientSecret`) the provider reads
   * `alicloud-federation:scimClientId` / `scimClientSecret` (config) or
   * `ALICLOUD_FEDERATION_SCIM_CLIENT_ID` / `_SECRET` (environment).
   */
  application?: ScimApplication;
  /** The app's client id, when it is not managed in this stack. */
  clientId?: pulumi.Input<string>;
  /** The app's client secret (kept as a Pulumi secret, once for the whole directory). */
  clientSecret?: pulumi.Input<string>;
  /**
   * SCIM calls in flight at once during create, update and delete, and the pages of the account's
   * users read at once by create and refresh: 1 to 64. Default 16. Throttled calls back off and
   * retry either way.
   */
  concurrency?: pulumi.Input<number>;
  /**
   * Take over RAM users that hold a person's externalId under another user
   * name, or that have the person's user name and no externalId (created in
   * the console). Default `false`: such users are reported, not touched.
   * Users with the same user name and externalId are always taken over (that
   * is what a re-run after a lost response, or a migration from `ScimUser`s,
   * finds).
   */
  adoptExisting?: pulumi.Input<boolean>;
}

/** The inputs as `check` leaves them: the roster and the settings with their defaults. */
export interface ScimDirectoryInputs {
  /** The roster (`rosterText`): a header line, then one line per person. */
  people: string;
  maxDeletions: number;
  confirmDeletions?: number;
  allowEmpty: boolean;
  allowDestroy: boolean;
  concurrency: number;
  adoptExisting: boolean;
  clientId?: string;
  clientSecret?: string;
}

/** The settings, and the people by slot, as the provider works with them (read once per call). */
interface Desired extends Omit<ScimDirectoryInputs, "people"> {
  persons: Map<Slot, Person>;
}

/** What state records: the people, each one's SCIM id, and the creates that may have happened. */
interface Held extends Desired {
  ids: Map<Slot, string>;
  pending: Map<Slot, Person>;
}

/**
 * A `ScimDirectory`'s state. `people` is the roster (`rosterText`): one line per person, so the
 * engine's diff of a change is the changed lines with two lines of context, whatever the
 * directory's size, instead of the whole directory. `ids` is a text too, a line per person: the
 * engine and the SDKs pass a map of 10,000 keys between processes, and write it to the checkpoint
 * and the engine's log, at several times the cost of the same bytes as one string.
 */
export interface ScimDirectoryOutputs extends Omit<ScimDirectoryInputs, "people"> {
  /** The roster: a header line, then `externalId userName "displayName"` per person (`-`: none). */
  people: string;
  /**
   * Each person's SCIM id (RAM UserId), `idsText`: a header line, then `externalId id`, or
   * `- userName id` for a person without externalId. `directoryIds` reads it (and the maps
   * `ids`/`idsByName` that state written by earlier versions holds).
   */
  ids: string;
  /**
   * People whose create may have happened (no answer arrived, even after retries), by slot
   * (`e:<externalId>` / `n:<name>`): the next update takes them over if they exist, and a
   * destroy looks them up and deletes them, so a failed run strands nobody.
   */
  pending?: Record<string, string>;
}

// ---- One person per state line ------------------------------------------------------------------

interface Person {
  userName: string;
  displayName: string;
  /** "" when none. */
  externalId: string;
}

/**
 * A person's value in state: `userName`, or `userName (displayName)` when the
 * two differ (a user name has no spaces, so this reads back unambiguously). A
 * refresh that finds a person's externalId changed in the console stores the
 * whole record as JSON instead, so the change shows in the diff and is repaired.
 */
export function encodePerson(p: { userName: string; displayName: string }): string {
  return p.displayName === p.userName || p.displayName === ""
    ? p.userName
    : `${p.userName} (${p.displayName})`;
}

function encodeFound(rec: Person, expectedExternalId: string): string {
  if (rec.externalId === expectedExternalId) return encodePerson(rec);
  return JSON.stringify({ userName: rec.userName, displayName: rec.displayName, externalId: rec.externalId });
}

/** The person a value stands for (`externalId` from its key), or a reason it cannot be read. */
export function decodePerson(value: string, externalId: string): Person | string {
  if (value.startsWith("{")) {
    try {
      const o = JSON.parse(value) as Record<string, unknown>;
      return {
        userName: String(o.userName ?? ""),
        displayName: String(o.displayName ?? ""),
        externalId: String(o.externalId ?? ""),
      };
    } catch {
      return "is not a person's value";
    }
  }
  const space = value.indexOf(" ");
  if (space < 0) return { userName: value, displayName: value, externalId };
  const rest = value.slice(space + 1);
  if (!rest.startsWith("(") || !rest.endsWith(")")) return "must be `userName` or `userName (displayName)`";
  return { userName: value.slice(0, space), displayName: rest.slice(1, -1), externalId };
}

/** Slots name people across both maps: `e:<externalId>` or `n:<lower-case userName>`. */
type Slot = string;

function slots(people: Record<string, string>, byName: Record<string, string>): Map<Slot, Person> {
  const out = new Map<Slot, Person>();
  for (const [k, v] of Object.entries(people)) {
    const p = decodePerson(v, k);
    if (typeof p !== "string") out.set(`e:${k}`, p);
  }
  for (const [k, v] of Object.entries(byName)) {
    const p = decodePerson(v, "");
    if (typeof p !== "string") out.set(`n:${k}`, p);
  }
  return out;
}

/** The two maps of a list of entries (the class builds inputs with it). */
export function directoryMaps(entries: readonly DirectoryEntry[]): {
  people: Record<string, string>;
  peopleByName: Record<string, string>;
} {
  const people: Record<string, string> = {};
  const peopleByName: Record<string, string> = {};
  for (const e of entries) {
    const value = encodePerson({ userName: e.userName, displayName: e.displayName ?? e.userName });
    if (e.externalId) people[e.externalId] = value;
    else peopleByName[e.userName.toLowerCase()] = value;
  }
  return { people, peopleByName };
}

// ---- The roster: the people as one text, a person per line ---------------------------------------

/**
 * The roster's first line. It starts with `@`, which can start neither JSON nor YAML: the engine
 * shows a multi-line string that parses as either as a structure (every element, changed or
 * not), and any other multi-line string as a line diff (changed lines, two lines of context).
 */
export const ROSTER_HEADER = '@ externalId userName "displayName" (- for no externalId)';

/** Characters JSON never escapes and that no reader splits on. */
const PLAIN_TOKEN = /^[A-Za-z0-9._@+:/=-]+$/;
/** Whether `v` holds a control character, which a JSON string may not hold unescaped. */
function hasControl(v: string): boolean {
  for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) < 0x20) return true;
  return false;
}

/** A token of a roster line: bare when it cannot be misread, else a JSON string. */
function rosterToken(v: string): string {
  // The common case, decided without building the JSON string (10,000 people, several tokens each).
  if (PLAIN_TOKEN.test(v) && v !== "-") return v;
  const quoted = JSON.stringify(v);
  // JSON escapes nothing in it (no quote, backslash or control character), and no space splits it.
  return quoted === `"${v}"` && v !== "" && v !== "-" && !/\s/.test(v) ? v : quoted;
}

/** One person's line: `externalId userName "displayName"`, the display name only when it differs. */
export function rosterLine(p: Person): string {
  const shown =
    p.displayName !== "" && p.displayName !== p.userName ? ` ${JSON.stringify(p.displayName)}` : "";
  return `${p.externalId === "" ? "-" : rosterToken(p.externalId)} ${rosterToken(p.userName)}${shown}`;
}

/** The roster of `persons` (by slot), sorted by slot so the text never depends on input order. */
export function rosterText(persons: ReadonlyMap<Slot, Person>): string {
  const lines = [...persons].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => rosterLine(p));
  // Every line ends with a newline, the last too: a line added at the end is then one added line,
  // not a change of the line before it.
  return `${[ROSTER_HEADER, ...lines].join("\n")}\n`;
}

/** Reads one token at `at`: a JSON string, or a run of non-space characters. */
function readToken(line: string, at: number): [string, number] | undefined {
  if (line[at] !== '"') {
    const end = line.indexOf(" ", at);
    const stop = end < 0 ? line.length : end;
    return stop > at ? [line.slice(at, stop), stop] : undefined;
  }
  // No escape before the closing quote (the common case): the text between the quotes is the value.
  const close = line.indexOf('"', at + 1);
  const backslash = line.indexOf("\\", at + 1);
  if (close > at && (backslash < 0 || backslash > close)) {
    const value = line.slice(at + 1, close);
    return hasControl(value) ? undefined : [value, close + 1];
  }
  for (let i = at + 1; i < line.length; i++) {
    if (line[i] === "\\") i++;
    else if (line[i] === '"') {
      try {
        return [JSON.parse(line.slice(at, i + 1)) as string, i + 1];
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The person on a roster line, or why the line cannot be read. */
export function parseRosterLine(line: string): Person | string {
  const ext = readToken(line, 0);
  if (!ext || line[ext[1]] !== " ")
    return 'must be `externalId userName` or `externalId userName "displayName"`';
  const name = readToken(line, ext[1] + 1);
  if (!name) return "has no userName";
  let displayName = name[0];
  if (name[1] < line.length) {
    const shown =
      line[name[1]] === " " && line[name[1] + 1] === '"' ? readToken(line, name[1] + 1) : undefined;
    if (!shown || shown[1] !== line.length) return "must end with the userName or a quoted displayName";
    displayName = shown[0];
  }
  const externalId = line[0] === '"' ? ext[0] : ext[0] === "-" ? "" : ext[0];
  return { userName: name[0], displayName, externalId };
}

/** The people of a roster by slot, and every line that cannot be read. */
export function parseRoster(text: string): { persons: Map<Slot, Person>; problems: CheckFailure[] } {
  const persons = new Map<Slot, Person>();
  const problems: CheckFailure[] = [];
  const lines = text.split("\n");
  if (lines[0] !== ROSTER_HEADER)
    problems.push({ property: "people", reason: `the roster's first line must be '${ROSTER_HEADER}'` });
  for (const [i, line] of lines.slice(1).entries()) {
    if (line === "") continue;
    const p = parseRosterLine(line);
    const where = `people line ${i + 2}`;
    if (typeof p === "string") {
      problems.push({ property: where, reason: p });
      continue;
    }
    const slot = p.externalId !== "" ? `e:${p.externalId}` : `n:${p.userName.toLowerCase()}`;
    if (persons.has(slot))
      problems.push({
        property: where,
        reason:
          p.externalId !== ""
            ? `externalId '${p.externalId}' is listed twice`
            : `userName '${p.userName}' is listed twice`,
      });
    else persons.set(slot, p);
  }
  return { persons, problems };
}

/** The first line of `ids`; it starts with `@` for the reason `ROSTER_HEADER` does. */
export const IDS_HEADER = "@ externalId id, or - userName id (the SCIM id of each person)";

/** The `ids` text of SCIM ids by slot, in slot order like the roster. */
export function idsText(ids: ReadonlyMap<Slot, string>): string {
  const lines = [...ids]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([slot, id]) =>
      slot.startsWith("e:")
        ? `${rosterToken(slot.slice(2))} ${rosterToken(id)}`
        : `- ${rosterToken(slot.slice(2))} ${rosterToken(id)}`,
    );
  return `${[IDS_HEADER, ...lines].join("\n")}\n`;
}

/**
 * The SCIM ids of a `ScimDirectory`'s state: by externalId, and by lower-case user name for the
 * people without one; from the `ids` text, or from the two maps that earlier versions wrote.
 * A line that cannot be read is skipped: its person then counts as having no known id, which
 * refresh and update handle as they do a person deleted outside (looked up, or made again).
 */
export function directoryIds(o: { ids?: unknown; idsByName?: unknown }): {
  ids: Record<string, string>;
  idsByName: Record<string, string>;
} {
  const ids: Record<string, string> = {};
  const idsByName: Record<string, string> = {};
  for (const [slot, id] of idSlots(o)) {
    if (slot.startsWith("e:")) ids[slot.slice(2)] = id;
    else idsByName[slot.slice(2)] = id;
  }
  return { ids, idsByName };
}

/** The SCIM ids of a state by slot (see `directoryIds`). */
function idSlots(o: { ids?: unknown; idsByName?: unknown }): Map<Slot, string> {
  const out = new Map<Slot, string>();
  if (typeof o.ids !== "string") {
    // An empty id is no id: a person written without one (see Progress.outputs) stays unknown.
    if (isStringMap(o.ids)) for (const [k, v] of Object.entries(o.ids)) if (v) out.set(`e:${k}`, v);
    if (isStringMap(o.idsByName))
      for (const [k, v] of Object.entries(o.idsByName)) if (v) out.set(`n:${k}`, v);
    return out;
  }
  for (const line of o.ids.split("\n").slice(1)) {
    const first = readToken(line, 0);
    if (!first || line[first[1]] !== " ") continue;
    const byName = line[0] !== '"' && first[0] === "-";
    const key = byName ? readToken(line, first[1] + 1) : first;
    if (!key || line[key[1]] !== " ") continue;
    const id = readToken(line, key[1] + 1);
    if (!id || id[1] !== line.length || id[0] === "") continue;
    out.set(`${byName ? "n" : "e"}:${key[0]}`, id[0]);
  }
  return out;
}

/** The roster of a list of entries (the class builds its `people` input with it). */
export function rosterOf(entries: readonly DirectoryEntry[]): string {
  const persons = new Map<Slot, Person>();
  for (const e of entries) {
    const externalId = e.externalId ?? "";
    const displayName = e.displayName === undefined || e.displayName === "" ? e.userName : e.displayName;
    persons.set(externalId !== "" ? `e:${externalId}` : `n:${e.userName.toLowerCase()}`, {
      userName: e.userName,
      displayName,
      externalId,
    });
  }
  return rosterText(persons);
}

/**
 * What a message may quote of each person of a roster (or of a map of the older form, keyed by
 * externalId or user name): user name, display name, externalId. A number of 1 to 3 digits is
 * left out: masked (as a whole word), it would blank every count and limit a message states.
 */
function rosterPieces(value: unknown): string[] {
  const out: string[] = [];
  if (typeof value === "string")
    for (const p of parseRoster(value).persons.values()) out.push(p.userName, p.displayName, p.externalId);
  else if (isStringMap(value))
    for (const [key, v] of Object.entries(value)) {
      const p = decodePerson(v, key);
      out.push(key, ...(typeof p === "string" ? [v] : [p.userName, p.displayName]));
    }
  return out.filter((v) => v !== "" && !/^\d{1,3}$/.test(v));
}

/** The people of a state or inputs by slot, whether `people` is a roster or (older state) a map. */
function personsOf(o: { people?: unknown; peopleByName?: unknown }): Map<Slot, Person> {
  if (typeof o.people === "string") return parseRoster(o.people).persons;
  return slots(isStringMap(o.people) ? o.people : {}, isStringMap(o.peopleByName) ? o.peopleByName : {});
}

/** The people of a state or inputs as the two maps, whether `people` is a roster or (older state) a map. */
export function peopleMaps(o: { people?: unknown; peopleByName?: unknown }): {
  people: Record<string, string>;
  peopleByName: Record<string, string>;
} {
  if (typeof o.people === "string") {
    const people: Record<string, string> = {};
    const peopleByName: Record<string, string> = {};
    for (const [slot, p] of parseRoster(o.people).persons) {
      if (slot.startsWith("e:")) people[slot.slice(2)] = encodePerson(p);
      else peopleByName[slot.slice(2)] = encodePerson(p);
    }
    return { people, peopleByName };
  }
  return {
    people: isStringMap(o.people) ? o.people : {},
    peopleByName: isStringMap(o.peopleByName) ? o.peopleByName : {},
  };
}

// ---- check --------------------------------------------------------------------------------------

function isStringMap(v: unknown): v is Record<string, string> {
  return (
    v !== null &&
    typeof v === "object" &&
    !Array.isArray(v) &&
    Object.values(v).every((x) => typeof x === "string")
  );
}

function personFailures(map: "people" | "peopleByName", key: string, p: Person | string): CheckFailure[] {
  const property = `${map}["${key}"]`;
  if (typeof p === "string") return [{ property, reason: p }];
  const out: CheckFailure[] = [];
  const { maxLength, pattern, rule } = RAM_USER.name;
  if (p.userName === "") out.push({ property, reason: "userName must not be empty" });
  else if (p.userName.length > maxLength)
    out.push({
      property,
      reason: `userName is ${p.userName.length} characters long, but a RAM user name allows at most ${maxLength}`,
    });
  else if (!pattern.test(p.userName))
    out.push({ property, reason: `userName '${p.userName}' is not allowed: use ${rule}` });
  if (p.displayName.length > RAM_USER.displayName.maxLength)
    out.push({
      property,
      reason: `displayName is ${p.displayName.length} characters long, but a RAM display name allows at most ${RAM_USER.displayName.maxLength}`,
    });
  if (map === "people" && key.length > EXTERNAL_ID_MAX)
    out.push({
      property,
      reason: `externalId is ${key.length} characters long, but at most ${EXTERNAL_ID_MAX} are allowed`,
    });
  if (map === "people" && key === "") out.push({ property, reason: "externalId must not be empty" });
  if (map === "peopleByName" && key !== p.userName.toLowerCase())
    out.push({ property, reason: `the key must be the lower-case user name '${p.userName.toLowerCase()}'` });
  return out;
}

/** The slots of a directory's people (either form), or undefined when it has none recorded. */
/**
 * The people whose key changed but whose user name did not (a new externalId, or one added or
 * dropped), by new slot to old: the same RAM user, so one PUT, not a delete and a create. Only a
 * person who has a SCIM id (`hasId`) can be re-keyed. One rule for the update that does it and the
 * deletion guard that counts what the update would delete.
 */
function rekeys(
  before: ReadonlyMap<Slot, Person>,
  after: ReadonlyMap<Slot, Person>,
  hasId: (slot: Slot) => boolean,
): Map<Slot, Slot> {
  const rekeyed = new Map<Slot, Slot>();
  const removedByName = new Map<string, Slot>();
  for (const [s, p] of before) if (!after.has(s)) removedByName.set(p.userName.toLowerCase(), s);
  for (const [s, p] of after) {
    if (before.has(s)) continue;
    const from = removedByName.get(p.userName.toLowerCase());
    if (from !== undefined && hasId(from)) {
      rekeyed.set(s, from);
      removedByName.delete(p.userName.toLowerCase());
    }
  }
  return rekeyed;
}

/**
 * The slots of the people a directory held (`olds`), a re-keyed person's under the new slot they
 * keep (`rekeys`): what the deletion guard compares with the new roster. Undefined when `olds`
 * records no people.
 */
function keptKeysOf(olds: Record<string, unknown>, now: ReadonlyMap<Slot, Person>): string[] | undefined {
  const held = personsOf(olds);
  const keys = keysOf(olds, held);
  if (keys === undefined) return undefined;
  // The engine gives a check the old inputs, which hold no SCIM ids: then any old person may be
  // one the update re-keys. That counts no deletion the update would make: one without an id is
  // never deleted by it either.
  const ids = idSlots(olds);
  const rekeyed = rekeys(held, now, ids.size > 0 ? (s) => ids.has(s) : () => true);
  const renamed = new Map([...rekeyed].map(([to, from]) => [from, to]));
  return keys.map((k) => renamed.get(k) ?? k);
}

/**
 * The deletion guard's refusal for an update from a state (`olds`: the people it holds, with their
 * ids and pending creates) to `after`, or undefined: whom `update` deletes, counted as it deletes
 * them (removed people not re-keyed, and pending creates no longer wanted). The check counts from
 * the old inputs, which equal the state after a successful up; after a failed one the state is the
 * people done so far, and this count, made by `diff` at preview and again before `update`'s first
 * call, is what `up` does. So the check asks for a confirmation, and the exact count is this one.
 */
function stateGuardRefusal(
  held: readonly Slot[],
  after: ReadonlyMap<Slot, Person>,
  s: DeletionGuardSettings,
): string | undefined {
  return deletionGuardFailures("people", held, [...after.keys()], s)[0]?.reason;
}

/** The inputs the deletion guard counts with: one unknown at preview leaves the count to update. */
const GUARD_FIELDS = ["maxDeletions", "confirmDeletions", "allowEmpty"] as const;

/**
 * The slots a state holds, a re-keyed person's under their new slot, and its pending creates. A
 * person without a known id counts as re-keyable: update looks them up first and re-keys them if
 * found, and deletes nobody it cannot find.
 */
function heldKeys(olds: Held, after: ReadonlyMap<Slot, Person>): Slot[] {
  const rekeyed = rekeys(olds.persons, after, () => true);
  const renamed = new Map([...rekeyed].map(([to, from]) => [from, to]));
  return [...[...olds.persons.keys()].map((k) => renamed.get(k) ?? k), ...olds.pending.keys()];
}

/** The inputs checks of this process returned (planKey): the plans a diff judges the guard for. */
const planned = new Map<string, number>();

/**
 * Whether a check of this process returned these inputs, and one such check is used up: another
 * directory's refresh with the same roster (`up --refresh --run-program`) finds none left.
 */
function takePlan(news: Record<string, unknown>): boolean {
  const key = planKey(news);
  const n = planned.get(key) ?? 0;
  if (n === 0) return false;
  if (n === 1) planned.delete(key);
  else planned.set(key, n - 1);
  return true;
}

/** A checked roster with its guard settings, as one short key. */
function planKey(inputs: Record<string, unknown>): string {
  const s = guardSettings(inputs);
  return createHash("sha256")
    .update(`${String(inputs.people)}\0${s.maxDeletions}\0${s.confirmDeletions ?? ""}\0${s.allowEmpty}`)
    .digest("hex");
}

/** The slots `o` records (`held`: its people, as `personsOf` read them), or undefined when none. */
function keysOf(o: Record<string, unknown>, held: ReadonlyMap<Slot, Person>): string[] | undefined {
  if (typeof o.people === "string") return [...held.keys()];
  if (!isStringMap(o.people) || !isStringMap(o.peopleByName)) return undefined;
  return [...Object.keys(o.people).map((k) => `e:${k}`), ...Object.keys(o.peopleByName).map((k) => `n:${k}`)];
}

/**
 * Every problem at once: each person against RAM's limits, user names unique
 * ignoring case, the settings, and the deletion guard against the previous
 * directory (`olds`), so a mass deletion or an empty directory fails at preview.
 * `people` is the roster (`rosterText`), or, as older programs and state have it, a map by
 * externalId beside `peopleByName`; the checked inputs always hold the roster.
 */
export function checkScimDirectoryInputs(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const { inputs, failures } = checkDirectory(olds, news);
  return { inputs, failures };
}

/** `checkScimDirectoryInputs`, with the people it read (none while they are unknown). */
function checkDirectory(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
  persons?: Map<Slot, Person>;
} {
  const failures: CheckFailure[] = guardSettingFailures(news);
  const inputs: Record<string, unknown> = { ...news };
  const c = news.concurrency;
  if (c === undefined || c === null) inputs.concurrency = SCIM_DIRECTORY_CONCURRENCY.default;
  else if (
    !containsUnknown(c) &&
    (typeof c !== "number" ||
      !Number.isInteger(c) ||
      c < SCIM_DIRECTORY_CONCURRENCY.min ||
      c > SCIM_DIRECTORY_CONCURRENCY.max)
  )
    failures.push({
      property: "concurrency",
      reason: `must be a whole number from ${SCIM_DIRECTORY_CONCURRENCY.min} to ${SCIM_DIRECTORY_CONCURRENCY.max} (got ${JSON.stringify(c)})`,
    });
  const adopt = news.adoptExisting;
  if (adopt === undefined || adopt === null) inputs.adoptExisting = false;
  else if (!containsUnknown(adopt) && typeof adopt !== "boolean")
    failures.push({ property: "adoptExisting", reason: "must be true or false" });
  if (containsUnknown(inputs.people) || containsUnknown(inputs.peopleByName)) return { inputs, failures };
  let persons: Map<Slot, Person>;
  if (typeof inputs.people === "string") {
    const parsed = parseRoster(inputs.people);
    failures.push(...parsed.problems);
    persons = parsed.persons;
  } else {
    inputs.people ??= {};
    inputs.peopleByName ??= {};
    const badMaps = (["people", "peopleByName"] as const).filter((map) => !isStringMap(inputs[map]));
    for (const map of badMaps)
      failures.push({
        property: map,
        reason: "must be the roster (rosterOf), or a map of keys to `userName` or `userName (displayName)`",
      });
    if (badMaps.length > 0) return { inputs, failures };
    persons = new Map();
    for (const map of ["people", "peopleByName"] as const)
      for (const [key, value] of Object.entries(inputs[map] as Record<string, string>)) {
        const p = decodePerson(value, map === "people" ? key : "");
        if (typeof p === "string") failures.push({ property: `${map}["${key}"]`, reason: p });
        else if (map === "peopleByName" && key !== p.userName.toLowerCase())
          failures.push({
            property: `${map}["${key}"]`,
            reason: `the key must be the lower-case user name '${p.userName.toLowerCase()}'`,
          });
        else persons.set(map === "people" ? `e:${key}` : `n:${key}`, p);
      }
  }
  const names = new Map<string, string>();
  for (const [slot, p] of persons) {
    const where = slot.startsWith("e:") ? `people["${slot.slice(2)}"]` : `peopleByName["${slot.slice(2)}"]`;
    failures.push(...personFailures(slot.startsWith("e:") ? "people" : "peopleByName", slot.slice(2), p));
    const lower = p.userName.toLowerCase();
    const other = names.get(lower);
    if (other !== undefined)
      failures.push({
        property: where,
        reason: `userName '${p.userName}' is also the user name of ${other}; RAM user names ignore case`,
      });
    else names.set(lower, where);
  }
  inputs.people = rosterText(persons);
  delete inputs.peopleByName;
  const settings = guardSettings(news);
  Object.assign(inputs, settings);
  if (!("confirmDeletions" in settings)) delete inputs.confirmDeletions;
  // A setting unknown at preview (another resource's output) stays unknown: counting with its
  // default could refuse what the real value allows; update counts with the real one.
  const unknown = GUARD_FIELDS.filter((k) => containsUnknown(news[k]));
  for (const k of unknown) inputs[k] = news[k];
  if (failures.length === 0 && unknown.length === 0) {
    const now = [...persons.keys()];
    // The same roster as before (every preview of an unchanged directory) deletes nobody.
    const before =
      typeof olds.people === "string" && olds.people === inputs.people ? now : keptKeysOf(olds, persons);
    // Counted from the old inputs: what the state holds after a successful up. After a failed one it
    // holds others, and diff (at preview) and update count exactly from it (stateGuardRefusal); so
    // once a confirmation is given, its exact value is theirs to judge, or the two counts could ask
    // for two values no setting satisfies. A replacement, which no diff sees, needs one all the same.
    const asked =
      settings.confirmDeletions === undefined ? settings : { ...settings, maxDeletions: Infinity };
    failures.push(...deletionGuardFailures("people", before, now, asked));
  }
  return { inputs, failures, persons };
}

function requireInputs(raw: Record<string, unknown>): Desired {
  // The guard ran in check and diff at preview, and runs again in update; here only the values matter.
  const { inputs, failures, persons } = checkDirectory({}, { ...raw, allowEmpty: true });
  if (containsUnknown(inputs) || !persons)
    failures.push({ property: "(inputs)", reason: "contain values unknown at apply" });
  if (failures.length > 0 || !persons)
    throw new Error(`invalid ScimDirectory arguments:\n${formatFailures(failures)}`);
  // The engine keeps `__provider` beside the outputs itself; it is not one of ours.
  const { __provider: _p, people: _roster, ...own } = inputs;
  return { ...(own as unknown as Omit<Desired, "persons">), persons, allowEmpty: raw.allowEmpty === true };
}

/** A state as the provider works with it: its people, ids and pending creates, each read once. */
function readOlds(raw: object): Held {
  const o = raw as {
    people?: unknown;
    peopleByName?: unknown;
    ids?: unknown;
    idsByName?: unknown;
    pending?: unknown;
  };
  const pending = new Map<Slot, Person>();
  for (const [slot, value] of Object.entries(isStringMap(o.pending) ? o.pending : {})) {
    const p = decodePerson(value, slot.startsWith("e:") ? slot.slice(2) : "");
    if (typeof p !== "string") pending.set(slot, p);
  }
  return { ...oldSettings(raw), persons: personsOf(o), ids: idSlots(o), pending };
}

/** The settings a state records, with the defaults of state written before they existed. */
function oldSettings(raw: object): Omit<Desired, "persons"> {
  const o = raw as Partial<ScimDirectoryOutputs>;
  return {
    maxDeletions: o.maxDeletions ?? DEFAULT_MAX_DELETIONS,
    ...(o.confirmDeletions === undefined ? {} : { confirmDeletions: o.confirmDeletions }),
    allowEmpty: o.allowEmpty ?? false,
    allowDestroy: o.allowDestroy ?? false,
    concurrency: o.concurrency ?? SCIM_DIRECTORY_CONCURRENCY.default,
    adoptExisting: o.adoptExisting ?? false,
    clientId: o.clientId,
    clientSecret: o.clientSecret,
  };
}

function credentials(from: { clientId?: string; clientSecret?: string }): scim.ScimCredentials {
  if (from.clientId && from.clientSecret) return { clientId: from.clientId, clientSecret: from.clientSecret };
  const configured = runtimeSettings().scim;
  if (configured) return configured;
  throw new Error(
    "ScimDirectory: no SCIM credentials. Pass `application` (a ScimApplication) or clientId/clientSecret, or set " +
      "alicloud-federation:scimClientId and alicloud-federation:scimClientSecret (--secret), or " +
      "ALICLOUD_FEDERATION_SCIM_CLIENT_ID/_SECRET.",
  );
}

// ---- The sync -----------------------------------------------------------------------------------

const isStatus = (err: unknown, status: number) => AlicloudApiError.is(err) && err.status === status;

/** A problem with one person (a conflict), reported with the others; the sync goes on. */
class PersonProblem extends Error {}

/**
 * A PUT that SCIM refused because another user holds the value it sets (409 `uniqueness`): a swap
 * or a chain of renames within the directory, done once the others have moved (`Sync.putAll`).
 */
class ValueHeld extends Error {
  constructor(
    readonly field: scim.ConflictField,
    readonly value: string,
    readonly person: Person,
    readonly detail: string,
  ) {
    super(`${field} '${value}' is held by another user`);
  }

  /** The problem to report when nothing this sync does frees the value. */
  problem(): PersonProblem {
    return new PersonProblem(
      `${this.person.userName}: SCIM refused to set ${this.field} '${this.value}' (${this.detail || "409"}): another ` +
        `RAM user holds it, and this sync does not move it away. Free it (rename or delete that user), or choose another ${this.field}.`,
    );
  }
}

/** What is in RAM for the directory so far: the outputs under construction. */
class Progress {
  readonly people = new Map<Slot, Person>();
  readonly ids = new Map<Slot, string>();
  readonly pending = new Map<Slot, Person>();

  constructor(
    readonly settings: Desired,
    from?: Held,
  ) {
    if (!from) return;
    for (const [slot, p] of from.persons) {
      this.people.set(slot, p);
      const id = from.ids.get(slot);
      if (id !== undefined) this.ids.set(slot, id);
    }
    for (const [slot, p] of from.pending) this.pending.set(slot, p);
  }

  done(slot: Slot, p: Person, id: string): void {
    this.people.set(slot, p);
    this.ids.set(slot, id);
    this.pending.delete(slot);
  }

  gone(slot: Slot): void {
    this.people.delete(slot);
    this.ids.delete(slot);
    this.pending.delete(slot);
  }

  /** The settings part of the outputs. */
  settingOutputs(): Omit<Desired, "persons"> {
    // `settings` is the olds' record on refresh and delete: its ids are rebuilt, not copied.
    const {
      persons: _persons,
      ids: _ids,
      pending: _pending,
      ...settings
    } = this.settings as Desired & Partial<Held>;
    return settings;
  }

  outputs(): ScimDirectoryOutputs {
    const o: ScimDirectoryOutputs = { ...this.settingOutputs(), people: "", ids: "" };
    if (this.pending.size > 0)
      o.pending = Object.fromEntries(
        [...this.pending]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([slot, p]) => [slot, encodeFound(p, p.externalId)]),
      );
    else delete o.pending;
    // A person whose externalId was changed outside (the console) is listed under the one RAM
    // has, so the diff shows the change and the next update puts it back. Should two people then
    // claim one line, the second keeps its old line: nobody drops out of state.
    const roster = new Map<Slot, Person>();
    const ids = new Map<Slot, string>();
    for (const slot of [...this.people.keys()].sort()) {
      const p = this.people.get(slot)!;
      const found: Slot = p.externalId !== "" ? `e:${p.externalId}` : `n:${p.userName.toLowerCase()}`;
      const at = roster.has(found) ? slot : found;
      roster.set(at, at === found ? p : { ...p, externalId: slot.startsWith("e:") ? slot.slice(2) : "" });
      ids.set(at, this.ids.get(slot) ?? "");
    }
    o.people = rosterText(roster);
    o.ids = idsText(ids);
    return o;
  }
}

/**
 * Runs `fn` over `items`, at most `limit` at a time. A `PersonProblem` is
 * recorded and the rest go on; any other failure stops new work (calls in
 * flight finish), so a quota or an outage does not cost one failed call per
 * remaining person.
 */
async function inPool<T>(
  items: readonly T[],
  limit: number,
  fn: (t: T) => Promise<void>,
): Promise<unknown[]> {
  const errors: unknown[] = [];
  let next = 0;
  let stopped = false;
  const worker = async () => {
    while (!stopped && next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        errors.push(err);
        if (!(err instanceof PersonProblem)) stopped = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return errors;
}

const sameUser = (a: Person, b: scim.ScimUserRecord) =>
  a.userName === b.userName && a.displayName === b.displayName && a.externalId === b.externalId;

/** Known users of the account, by externalId and by lower-case user name. */
interface Found {
  byExternalId: Map<string, scim.ScimUserRecord>;
  byName: Map<string, scim.ScimUserRecord>;
}

function index(users: readonly scim.ScimUserRecord[]): Found {
  const found: Found = { byExternalId: new Map(), byName: new Map() };
  for (const u of users) {
    if (u.externalId !== "") found.byExternalId.set(u.externalId, u);
    found.byName.set(u.userName.toLowerCase(), u);
  }
  return found;
}

class Sync {
  constructor(
    private readonly creds: scim.ScimCredentials,
    private readonly progress: Progress,
    private readonly adoptExisting: boolean,
  ) {}

  /**
   * What to do with an existing RAM user that holds this person's externalId
   * or user name: take it over (same user name and externalId: ours, from a
   * lost response or a migration; or `adoptExisting`), or a problem naming the
   * field, with the adoption advice only where adoption can work.
   */
  private async takeOver(slot: Slot, p: Person, existing: scim.ScimUserRecord, field: scim.ConflictField) {
    const sameName = existing.userName.toLowerCase() === p.userName.toLowerCase();
    const exact = sameName && existing.externalId === p.externalId;
    if (!exact && !this.adoptExisting) {
      if (field === "externalId")
        throw new PersonProblem(
          `${p.userName}: externalId '${p.externalId}' is already held by RAM user '${existing.userName}'. To make ` +
            `that user this person (it is renamed to '${p.userName}'), set adoptExisting: true.`,
        );
      if (existing.externalId === "")
        throw new PersonProblem(
          `${p.userName}: userName is taken by a RAM user without externalId (made in the console or by another ` +
            "tool). To manage that user from this directory, set adoptExisting: true.",
        );
      throw new PersonProblem(
        `${p.userName}: userName is taken by another directory person (externalId '${existing.externalId}'); ` +
          "RAM user names ignore case. Choose another user name.",
      );
    }
    if (!exact && field === "userName" && existing.externalId !== "" && existing.externalId !== p.externalId)
      throw new PersonProblem(
        `${p.userName}: userName is taken by another directory person (externalId '${existing.externalId}'); ` +
          "RAM user names ignore case. Choose another user name.",
      );
    const rec = sameUser(p, existing) ? existing : await scim.replaceScimUser(this.creds, existing.id, p);
    this.progress.done(slot, p, rec.id);
    // Taken over from whoever held the user: when that is the directory this one replaces (the
    // engine creates the new one first), its delete leaves the user alone (scimUserClaim).
    claim(scimUserClaim(rec.id));
  }

  /** Creates a person, or takes over the user already there (see `takeOver`). */
  async add(slot: Slot, p: Person, found?: Found): Promise<void> {
    if (found) {
      const byId = p.externalId !== "" ? found.byExternalId.get(p.externalId) : undefined;
      if (byId) return this.takeOver(slot, p, byId, "externalId");
      const byName = found.byName.get(p.userName.toLowerCase());
      if (byName) return this.takeOver(slot, p, byName, "userName");
    }
    try {
      const rec = await scim.createScimUser(this.creds, p);
      this.progress.done(slot, p, rec.id);
    } catch (err) {
      // No answer, even after retries: the user may exist now. Remembered, so nobody is stranded.
      if (isAmbiguous(err)) this.progress.pending.set(slot, p);
      if (!isStatus(err, 409)) throw err;
      // Created by a call whose answer was lost, or there before us: SCIM names the field.
      const field = scim.conflictField(err);
      if (field === undefined)
        throw new PersonProblem(
          `${p.userName}: SCIM refused to create the user (${(err as AlicloudApiError).detail || "409"}); ` +
            "it did not say which attribute conflicts.",
        );
      const value = field === "externalId" ? p.externalId : p.userName;
      const [existing] = await scim.findScimUsers(this.creds, field, value);
      if (!existing)
        throw new PersonProblem(
          `${p.userName}: SCIM reported ${field} '${value}' as taken, but no user has it (deleted meanwhile?); run again.`,
        );
      await this.takeOver(slot, p, existing, field);
    }
  }

  /** The user a pending create made, if it exists: same user name and externalId, nothing else. */
  async findPending(p: Person): Promise<scim.ScimUserRecord | undefined> {
    const [found] =
      p.externalId !== ""
        ? await scim.findScimUsers(this.creds, "externalId", p.externalId)
        : await scim.findScimUsers(this.creds, "userName", p.userName);
    const exact =
      found && found.userName.toLowerCase() === p.userName.toLowerCase() && found.externalId === p.externalId;
    return exact ? found : undefined;
  }

  /** A pending person the directory no longer wants: deleted if the lost create made them. */
  async dropPending(slot: Slot, p: Person): Promise<void> {
    const found = await this.findPending(p);
    if (found) await this.remove(slot, found.id, p);
    this.progress.gone(slot);
  }

  /**
   * Brings an existing person (by SCIM id) to `p`; one deleted out of band is created again. A
   * value another user holds is thrown as `ValueHeld`.
   */
  async change(fromSlot: Slot, toSlot: Slot, id: string, p: Person): Promise<void> {
    try {
      const rec = await scim.replaceScimUser(this.creds, id, p);
      if (fromSlot !== toSlot) this.progress.gone(fromSlot);
      this.progress.done(toSlot, p, rec.id);
    } catch (err) {
      const field = scim.conflictField(err);
      if (field)
        throw new ValueHeld(
          field,
          field === "userName" ? p.userName : p.externalId,
          p,
          (err as AlicloudApiError).detail,
        );
      if (!isStatus(err, 404)) throw err;
      this.progress.gone(fromSlot);
      await this.add(toSlot, p);
    }
  }

  /**
   * Every PUT of an update (`puts`: from slot, to slot), at most `limit` at a time. One refused
   * because another person of the directory still holds the value (people swapping user names, or
   * a chain a -> b -> c) is tried again once a round has moved others. A round that moves nobody
   * is a cycle: one of its people is renamed to a free temporary name, recorded in state as such
   * (a re-run after a crash renames them on), which frees the name the cycle waits for. A value no
   * rename of this sync frees is a problem of its own, and the other people go on.
   */
  async putAll(
    puts: ReadonlyArray<[Slot, Slot]>,
    after: ReadonlyMap<Slot, Person>,
    limit: number,
  ): Promise<unknown[]> {
    const errors: unknown[] = [];
    let waiting = puts;
    for (let round = 0; waiting.length > 0; round++) {
      const held: Array<{ put: [Slot, Slot]; err: ValueHeld }> = [];
      const failed = await inPool(waiting, limit, async ([from, to]) => {
        const id = this.progress.ids.get(from);
        try {
          await (id === undefined ? this.add(to, after.get(to)!) : this.change(from, to, id, after.get(to)!));
        } catch (err) {
          if (!(err instanceof ValueHeld)) throw err;
          held.push({ put: [from, to], err });
        }
      });
      errors.push(...failed);
      // An outage stops the sync: the next run tries them again.
      if (held.length === 0 || failed.some((e) => !(e instanceof PersonProblem))) break;
      let moved = held.length < waiting.length;
      try {
        moved ||= await this.breakCycle(held);
      } catch (err) {
        errors.push(err);
        break;
      }
      // Each round moves someone or steps one person of a cycle aside: 2 rounds a PUT at most.
      if (!moved || round > 2 * puts.length) {
        errors.push(...held.map(({ err }) => err.problem()));
        break;
      }
      waiting = held.map(({ put }) => put);
    }
    return errors;
  }

  /**
   * Renames one person of a cycle of user names out of the way (see `putAll`): one whose name
   * another waiting person wants, while they wait, through others, for a name the first holds.
   * False when no refused user name leads round to a cycle (a name held outside the directory).
   */
  private async breakCycle(held: ReadonlyArray<{ put: [Slot, Slot]; err: ValueHeld }>): Promise<boolean> {
    type Waiting = (typeof held)[number];
    const byName = new Map<string, Waiting>();
    for (const h of held) {
      const now = this.progress.people.get(h.put[0]);
      if (now) byName.set(now.userName.toLowerCase(), h);
    }
    const next = (h: Waiting) =>
      h.err.field === "userName" ? byName.get(h.err.value.toLowerCase()) : undefined;
    const leadsNowhere = new Set<Waiting>();
    for (const start of held) {
      const path = new Set<Waiting>([start]);
      let at = next(start);
      while (at && !path.has(at) && !leadsNowhere.has(at)) {
        path.add(at);
        at = next(at);
      }
      const id = at && path.has(at) ? this.progress.ids.get(at.put[0]) : undefined;
      if (!at || id === undefined) {
        for (const h of path) leadsNowhere.add(h);
        continue;
      }
      const from = at.put[0];
      const now = this.progress.people.get(from)!;
      const aside = { ...now, userName: `${now.userName.slice(0, 40)}.moving-${randomUUID().slice(0, 8)}` };
      const rec = await scim.replaceScimUser(this.creds, id, aside);
      this.progress.done(from, aside, rec.id);
      return true;
    }
    return false;
  }

  async remove(slot: Slot, known: string | undefined, p: Person): Promise<void> {
    // A person whose SCIM id the state does not hold (an id line that could not be read) is looked
    // up as a lost create is: the same user name and externalId, nobody else. Not found: gone.
    const id = known || (await this.findPending(p))?.id;
    // Another directory took this user over in this deployment (a replacement, or the person moved
    // between directories): it is theirs now, so it leaves this state without being deleted.
    if (id !== undefined && takeClaim(scimUserClaim(id))) {
      this.progress.gone(slot);
      return;
    }
    try {
      if (id !== undefined) await scim.deleteScimUser(this.creds, id);
    } catch (err) {
      if (isStatus(err, 404)) {
        this.progress.gone(slot);
        return;
      }
      if (isStatus(err, 409))
        throw new PersonProblem(
          `${p.userName}: RAM refused to delete the user (${(err as AlicloudApiError).detail}): a user with ` +
            "AccessKeys or attached policies cannot be deleted over SCIM. Remove them and run again.",
        );
      throw err;
    }
    this.progress.gone(slot);
  }
}

/**
 * The outputs of a failed sync with the deletion guard no looser than the last successful up left
 * it (none, for a first sync): only a successful up records `allowDestroy: true` or a higher
 * `maxDeletions`, so a run that failed half-way cannot open the guard for the destroy after it.
 */
function guardedAsBefore(outs: ScimDirectoryOutputs, before: Held | undefined): ScimDirectoryOutputs {
  return {
    ...outs,
    allowDestroy: before?.allowDestroy === true && outs.allowDestroy === true,
    maxDeletions: Math.min(
      outs.maxDeletions ?? DEFAULT_MAX_DELETIONS,
      before?.maxDeletions ?? DEFAULT_MAX_DELETIONS,
    ),
  };
}

/**
 * The engine's partial-state error (`PartialStateError`): the resource exists and `outs` (the
 * people done) are recorded, so the next `up` runs `update` for the rest instead of starting over.
 */
function partialState(
  what: string,
  id: string,
  outs: ScimDirectoryOutputs,
  raw: Record<string, unknown>,
  errors: unknown[],
): Error {
  const reasons = errors.map(messageOf);
  const shown = reasons.slice(0, 20);
  if (reasons.length > shown.length) shown.push(`... and ${reasons.length - shown.length} more`);
  const summary =
    `ScimDirectory: ${what} stopped with ${reasons.length} problem${reasons.length === 1 ? "" : "s"} ` +
    `(${outs.ids.split("\n").length - 2} people in step):\n${shown.join("\n")}`;
  // The host stores these properties as they are: `__provider` must be among them.
  return new PartialStateError(id, { ...outs, __provider: raw.__provider }, new Error(summary));
}

// Bound to the account of the stack's credentials like every resource: refresh, update and delete
// refuse another account before any SCIM call (a stack built against the emulator cannot read
// "everyone is gone" in a real account and create the whole directory there).
export const ScimDirectoryProvider = accountBound(
  {
    kind: "ScimDirectory",
    identity: [],
    secrets: ["clientSecret"],
    // Each person's externalId or user name, beside their SCIM id or pending record.
    secretDerived: { people: ["ids", "pending"] },
    // A problem with one person names them (`alice: userName is taken ...`).
    secretParts: { people: rosterPieces, peopleByName: rosterPieces },
  },
  {
    configure,

    async check(
      olds: Record<string, unknown>,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.CheckResult> {
      const checked = checkScimDirectoryInputs(olds, news);
      if (checked.failures.length === 0) {
        const key = planKey(checked.inputs);
        planned.set(key, (planned.get(key) ?? 0) + 1);
      }
      return checked;
    },

    async diff(
      _id: string,
      rawOlds: object,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.DiffResult> {
      const olds = rawOlds as { people?: unknown; peopleByName?: unknown };
      const o = oldSettings(rawOlds) as unknown as Record<string, unknown>;
      const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
      // The people compared as people, whichever form the old state holds them in. `news.people`
      // is check's rosterText, so the same text (an unchanged directory) is the same people, and
      // otherwise only the old side needs writing the same way to be compared.
      const samePeople = () =>
        (typeof olds.people === "string" && olds.people === news.people) ||
        rosterText(personsOf(olds)) ===
          (typeof news.people === "string" ? news.people : rosterText(personsOf(news)));
      const changes: string[] = containsUnknown(news.people) || !samePeople() ? ["people"] : [];
      for (const k of ["maxDeletions", "confirmDeletions", "allowEmpty", "allowDestroy", "concurrency"])
        if (containsUnknown(news[k]) || !same(o[k] ?? null, news[k] ?? null)) changes.push(k);
      // A rotated app secret reaches state through an update (no API call).
      for (const k of ["clientId", "clientSecret"])
        if (news[k] !== undefined && (containsUnknown(news[k]) || o[k] !== news[k])) changes.push(k);
      // Creates whose answers were lost: the next up resolves them (keeps whom the directory still
      // wants, deletes whom it no longer does). A refresh clears the engine's own reminder
      // (initErrors), so the diff is what keeps asking for that up.
      const pending = (rawOlds as { pending?: unknown }).pending;
      if (isStringMap(pending) && Object.keys(pending).length > 0) changes.push("pending");
      // The guard once more, against the state: after a failed up it holds other people than the
      // old inputs the check counted from (see stateGuardRefusal). And a confirmation with nothing
      // to confirm, counted the same way, is said at every preview until it is removed.
      // Only for inputs a check of this process returned: a refresh diffs the refreshed state with
      // the stored inputs, and plans no deletion to refuse or confirm.
      const settings = guardSettings(news);
      const counted = (changes.length > 0 || settings.confirmDeletions !== undefined) && takePlan(news);
      const known = ![...GUARD_FIELDS, "people"].some((k) => containsUnknown(news[k]));
      if (counted && known && typeof news.people === "string") {
        const after = personsOf(news);
        const held = heldKeys(readOlds(rawOlds), after);
        const refusal = stateGuardRefusal(held, after, settings);
        if (refusal) throw new UserError(refusal);
        const idle = idleConfirmation(held, [...after.keys()], settings);
        if (idle) await warn(`ScimDirectory: ${idle}`);
      }
      return { changes: changes.length > 0, replaces: [], deleteBeforeReplace: false };
    },

    async create(raw: Record<string, unknown>): Promise<{ id: string; outs: ScimDirectoryOutputs }> {
      const desired = requireInputs(raw);
      const creds = credentials(desired);
      const id = randomUUID();
      const progress = new Progress(desired);
      const sync = new Sync(creds, progress, desired.adoptExisting);
      // One paged read of the account first: people already there (a migration from ScimUser
      // resources, a re-run after a lost response) are taken over instead of meeting 409s.
      const found = index(await scim.listAllScimUsers(creds, undefined, desired.concurrency));
      const people = [...desired.persons];
      const errors = await inPool(people, desired.concurrency, ([slot, p]) => sync.add(slot, p, found));
      if (errors.length > 0) {
        // Nobody synced and nobody pending: nothing exists, a plain failure. A create whose answer
        // was lost is remembered even then, so a `destroy` right after strands nobody.
        if (progress.people.size === 0 && progress.pending.size === 0) throw partialOrPlain(errors);
        throw partialState("the first sync", id, guardedAsBefore(progress.outputs(), undefined), raw, errors);
      }
      return { id, outs: progress.outputs() };
    },

    async read(
      id: string,
      props?: object,
    ): Promise<{ id: string; props: ScimDirectoryOutputs; inputs: object }> {
      const olds = readOlds(props ?? {});
      const creds = credentials(olds);
      const current = new Progress(olds, olds);
      // Its pages as many at once as its writes (`concurrency`): at 10,000 people, 100 pages.
      const byId = new Map(
        (await scim.listAllScimUsers(creds, undefined, olds.concurrency)).map((u) => [u.id, u]),
      );
      // State in today's form with everyone found as recorded (an unchanged account, what every
      // drift gate reads) keeps its texts as they are instead of writing 10,000 lines again.
      const raw = (props ?? {}) as { people?: unknown; ids?: unknown };
      let inStep =
        typeof raw.people === "string" &&
        typeof raw.ids === "string" &&
        olds.pending.size === 0 &&
        current.ids.size === current.people.size;
      for (const [slot, userId] of [...current.ids]) {
        let rec = byId.get(userId);
        if (!rec) {
          // Not on any page: deleted, or shifted between pages by a concurrent change. Ask.
          try {
            rec = await scim.getScimUser(creds, userId);
          } catch (err) {
            if (!isStatus(err, 404)) throw err;
          }
        }
        if (rec && inStep && (rec.id !== userId || !sameUser(current.people.get(slot)!, rec))) inStep = false;
        if (rec) current.done(slot, rec, rec.id);
        else {
          inStep = false;
          current.gone(slot);
        }
      }
      const outs =
        inStep && typeof raw.people === "string" && typeof raw.ids === "string"
          ? { ...current.settingOutputs(), people: raw.people, ids: raw.ids }
          : current.outputs();
      const { ids: _i, pending: _p, ...inputs } = outs;
      return { id, props: outs, inputs };
    },

    async update(
      id: string,
      rawOlds: object,
      rawNews: Record<string, unknown>,
    ): Promise<{ outs: ScimDirectoryOutputs }> {
      const olds = readOlds(rawOlds);
      const news = requireInputs(rawNews);
      const refusal = stateGuardRefusal(heldKeys(olds, news.persons), news.persons, news);
      if (refusal) throw new UserError(refusal);
      const creds = credentials(news);
      const progress = new Progress(news, olds);
      const sync = new Sync(creds, progress, news.adoptExisting);
      const before = new Map(progress.people);
      const after = news.persons;
      // A person the state holds without a SCIM id (an id line that could not be read) and the new
      // roster drops or re-keys is looked up first (same user name and externalId), so that a re-key
      // stays one PUT of the same RAM user, not a delete and a create.
      const idless = [...before].filter(([slot]) => !after.has(slot) && !progress.ids.has(slot));
      const lookups = await inPool(idless, news.concurrency, async ([slot, p]) => {
        const found = await sync.findPending(p);
        if (found) progress.ids.set(slot, found.id);
      });
      if (lookups.length > 0) throw lookups[0];
      const removed = [...before.keys()].filter((s) => !after.has(s));
      const added = [...after.keys()].filter((s) => !before.has(s));
      const changed = [...after.keys()].filter((s) => {
        const a = before.get(s);
        const b = after.get(s)!;
        return (
          a !== undefined &&
          (a.userName !== b.userName || a.displayName !== b.displayName || a.externalId !== b.externalId)
        );
      });
      const rekeyed = rekeys(before, after, (s) => progress.ids.has(s));
      const fromRekey = new Set(rekeyed.values());
      const limit = news.concurrency;
      // Deletes first: they free the user names that creates and renames may take. Pending people
      // still wanted are among `added` (a 409 then finds them); the others are looked up and deleted.
      const unwanted = [...progress.pending].filter(([s]) => !after.has(s));
      const errors = await inPool(unwanted, limit, ([s, p]) => sync.dropPending(s, p));
      errors.push(
        ...(await inPool(
          removed.filter((s) => !fromRekey.has(s)),
          limit,
          (s) => sync.remove(s, progress.ids.get(s), before.get(s)!),
        )),
      );
      // A person who could not be deleted (a user with AccessKeys) does not hold the others back.
      if (!errors.some((e) => !(e instanceof PersonProblem))) {
        const puts = [
          ...changed.map((s): [Slot, Slot] => [s, s]),
          ...[...rekeyed].map(([to, from]): [Slot, Slot] => [from, to]),
        ];
        errors.push(...(await sync.putAll(puts, after, limit)));
      }
      if (errors.length === 0 || errors.every((e) => e instanceof PersonProblem))
        errors.push(
          ...(await inPool(
            added.filter((s) => !rekeyed.has(s)),
            limit,
            (s) => sync.add(s, after.get(s)!),
          )),
        );
      if (errors.length > 0)
        throw partialState("the sync", id, guardedAsBefore(progress.outputs(), olds), rawNews, errors);
      return { outs: progress.outputs() };
    },

    async delete(_id: string, props: object): Promise<void> {
      const olds = readOlds(props);
      // The guard counts whom this delete would remove: not those the replacing directory took over
      // in this deployment (create before delete), who stay in the account under it.
      // Pending creates count too: the delete looks each one up and removes it if it was made.
      const taken = [...olds.persons.keys()].filter((slot) => {
        const userId = olds.ids.get(slot);
        return userId !== undefined && hasClaim(scimUserClaim(userId));
      }).length;
      const held = olds.persons.size - taken + olds.pending.size;
      const refusal = destroyGuardRefusal("ScimDirectory", held, olds);
      if (refusal && taken > 0) throw new UserError(replacementRefusal(taken, held, olds.maxDeletions));
      if (refusal) throw new UserError(refusal);
      const creds = credentials(olds);
      const progress = new Progress(olds, olds);
      const sync = new Sync(creds, progress, false);
      const people = [...progress.people];
      // Every person is attempted; what failed stays in state and is deleted by the next run.
      const errors: unknown[] = await inPool([...progress.pending], olds.concurrency, ([slot, p]) =>
        sync.dropPending(slot, p),
      );
      for (let i = 0; i < people.length; i += 1000) {
        const batch = people.slice(i, i + 1000);
        errors.push(
          ...(await inPool(batch, olds.concurrency, ([slot, p]) =>
            sync.remove(slot, progress.ids.get(slot), p),
          )),
        );
        if (errors.some((e) => !(e instanceof PersonProblem))) break;
      }
      if (errors.length > 0 && taken > 0) {
        // Being replaced: a failure here would leave this directory as a pending delete, and the
        // retry, in another process, would no longer know whom the new directory took over and
        // would delete them too. Its delete ends here instead; the few it could not delete stay in
        // the account, named, for a person to remove.
        await warn(
          `ScimDirectory (replaced): ${errors.length} people it no longer lists could not be deleted and stay in ` +
            `the account, unmanaged; delete them yourself if they should go:\n${errors
              .slice(0, 8)
              .map(messageOf)
              .join("\n")}`,
        );
        return;
      }
      if (errors.length > 0)
        throw new Error(
          `ScimDirectory: ${errors.length} people could not be deleted; run the destroy again:\n` +
            errors.slice(0, 20).map(messageOf).join("\n"),
        );
    },
  },
);

/**
 * The guard's refusal when the directory is being replaced (the new one, created first, took over
 * `taken` of its people) and `held` more would go with it. The engine keeps the old directory as
 * pending deletion and tries again at every run, and no program change reaches its recorded
 * settings: the way out is the state command, which leaves those people in the account.
 */
function replacementRefusal(taken: number, held: number, maxDeletions: number): string {
  return (
    "Remove this old ScimDirectory from the stack's state (pulumi state delete with its URN): its " +
    `${held} people not in the new one stay in the account, unmanaged; delete them yourself if they should go. ` +
    `Refused: this directory is being replaced; the new one took over ${taken} of its people, and deleting it ` +
    `would delete the other ${held}, more than maxDeletions (${maxDeletions}), and its last up did not record ` +
    "allowDestroy: true. Nothing was deleted. Before replacing a directory that drops people, set allowDestroy: " +
    "true on it and run pulumi up."
  );
}

function partialOrPlain(errors: unknown[]): Error {
  if (errors.length === 1 && errors[0] instanceof Error && !(errors[0] instanceof PersonProblem))
    return errors[0];
  return new Error(
    `ScimDirectory: nobody could be synced:\n${errors.slice(0, 20).map(messageOf).join("\n")}`,
  );
}

/**
 * The roster of people that arrive as an Output, checked when they resolve. When they are a Pulumi
 * secret, a problem is reported by position and kind, never with the values it quotes.
 *
 * @internal
 */
export function checkedSecretly(people: pulumi.Output<DirectoryEntry[]>): pulumi.Output<string> {
  const secret = pulumi.isSecret(people);
  return people.apply(async (list) => {
    try {
      return rosterOf(checkPeople(list));
    } catch (err) {
      if (!(err instanceof DirectoryError) || !(await secret)) throw err;
      // Each text a problem may quote, as it quotes it ('o'brien' too), longest first.
      const quoted = list
        .flatMap((p) => quotableForms(p ?? {}))
        .map((v) => `'${v}'`)
        .sort((a, b) => b.length - a.length);
      throw new DirectoryError(
        "people",
        err.problems.map((p) => quoted.reduce((text, q) => text.split(q).join("'***'"), p)),
      );
    }
  });
}

/**
 * A whole directory of RAM users over SCIM, in one resource. `preview --diff`
 * shows each person added (`+`) or removed (`-`), a changed person as both,
 * as their roster lines (externalId, user name, display name) with two lines
 * of context, whatever the directory's size; an update that would delete more
 * than `maxDeletions` people, or empty the directory, fails at preview; deleting
 * the whole directory (removed from the program, destroyed, or replaced) is
 * refused, before any call, unless `allowDestroy` was set by an `up`.
 *
 * ```ts
 * const app = new ScimApplication("scim", { appName: "directory-sync" });
 * new ScimDirectory("people", { directory: "people.csv", application: app });
 * ```
 */
export class ScimDirectory extends pulumi.dynamic.Resource {
  /**
   * The roster: a header line, then one line per person, `externalId userName "displayName"`
   * (`-` for no externalId; the display name only when it differs). `peopleMaps` reads it.
   */
  declare readonly people: pulumi.Output<string>;
  /** SCIM ids (RAM UserIds) of the people with an externalId, by externalId. */
  declare readonly ids: pulumi.Output<Record<string, string>>;
  /** SCIM ids of the people without externalId, by lower-case user name. */
  declare readonly idsByName: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: ScimDirectoryArgs, opts?: pulumi.CustomResourceOptions) {
    if ((args.people === undefined) === (args.directory === undefined))
      throw new Error(`ScimDirectory ${name}: give exactly one of people and directory`);
    const app = args.application;
    // Checked here, as a whole, so every problem is reported with its line before anything runs.
    const roster =
      args.directory !== undefined
        ? rosterOf(readDirectory(args.directory))
        : Array.isArray(args.people) && !containsOutputs(args.people)
          ? rosterOf(checkPeople(args.people as DirectoryEntry[]))
          : checkedSecretly(pulumi.output(args.people as pulumi.Input<DirectoryEntry[]>));
    const secret = app ? app.clientSecret : args.clientSecret;
    super(
      providerShim("ScimDirectoryProvider"),
      name,
      withSecretInputs({
        people: roster,
        maxDeletions: args.maxDeletions,
        confirmDeletions: args.confirmDeletions,
        allowEmpty: args.allowEmpty,
        allowDestroy: args.allowDestroy,
        concurrency: args.concurrency,
        adoptExisting: args.adoptExisting,
        clientId: app ? app.clientId : args.clientId,
        // Secret in, so the engine keeps the same-named output secret too; held once, not per person.
        clientSecret: secret === undefined ? undefined : pulumi.secret(secret),
        ids: undefined,
      }),
      withSecretOutputs(opts, ["clientSecret"]),
      "alicloud-federation",
      "ScimDirectory",
    );
    // State holds the ids as one text (see ScimDirectoryOutputs); the program reads them as maps.
    const held = (this as unknown as { ids: pulumi.Output<unknown> }).ids.apply((ids) =>
      directoryIds({ ids }),
    );
    this.ids = held.apply((h) => h.ids);
    this.idsByName = held.apply((h) => h.idsByName);
  }
}

function containsOutputs(people: readonly unknown[]): boolean {
  return people.some(
    (p) =>
      pulumi.Output.isInstance(p) ||
      (p !== null && typeof p === "object" && Object.values(p).some((v) => pulumi.Output.isInstance(v))),
  );
}
