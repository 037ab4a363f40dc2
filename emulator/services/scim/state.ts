/**
 * SCIM for RAM (docs/alibaba-api.md §5): state and rules. A SCIM user IS a RAM user of the shared RAM
 * store (RAM GetUser, IMS GetUser and application assignments see it); users created in the
 * console (RAM/IMS CreateUser) have no externalId and are visible here too. This state only adds
 * what RAM does not hold: each user's `externalId` (keyed by RAM UserId; persisted).
 *
 * Rules: bearer token from the `client_credentials` grant with scope `/acs/scim`; `userName` per
 * RAM (1-64 letters, digits, `.`, `_`, `-`; unique case-insensitively; renamable by PUT);
 * `displayName` 1-128 (defaults to userName, as RAM CreateUser); `externalId` unique per account
 * (compared exactly: RFC 7643 caseExact); filter = `eq` joined by `and`, on `id`, `userName`
 * (case-insensitive) and `externalId`, values quoted; DELETE is hard and refused while RAM holds
 * policies on the user (access keys are not modelled).
 *
 * Guesses: `schemas` must name the core User schema (RFC 7644 §3.3); a PUT without `externalId`
 * removes it (full replace); `startIndex` < 1 is 1 and `count` < 0 is 0 (RFC 7644 §3.4.2.4),
 * `count` default 30 (§5.3's itemsPerPage) and capped at `SCIM.listCount.max`; list order is
 * creation order; `active`, `emails`, `name` and other attributes are ignored on write.
 */
import { z } from "zod";
import { AlibabaError } from "../../errors";
import { RAM_USER, SCIM } from "../../limits";
import type { AppTokenCheck } from "../oauth/clientCredentials";
import type { RamState, UserRecord } from "../ram/state";
import * as E from "./errors";

export const SCIM_USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";

export const scimSnapshot = z.object({
  externalIds: z.array(z.object({ userId: z.string(), externalId: z.string() })).default([]),
});
export type ScimSnapshot = z.infer<typeof scimSnapshot>;

export interface ScimDependencies {
  ram: RamState;
  /** Checks a bearer token from `POST /v1/token` (client_credentials). */
  verifyToken: (token: string) => AppTokenCheck;
}

export interface ScimUser extends UserRecord {
  externalId?: string;
}

export interface ScimPage {
  totalResults: number;
  startIndex: number;
  items: ScimUser[];
}

interface UserInput {
  userName: string;
  displayName: string;
  externalId?: string;
}

type FilterTerm = { attr: "id" | "userName" | "externalId"; value: string };

export class ScimState {
  /** RAM UserId → externalId. Entries of users deleted elsewhere are swept. */
  private externalIds = new Map<string, string>();
  /** externalId → RAM UserId: the uniqueness check is a lookup, not a scan of the directory. */
  private byExternalId = new Map<string, string>();
  private ownDelete = false;

  constructor(private readonly deps: ScimDependencies) {
    deps.ram.onPrincipalDeleted((kind) => {
      if (kind === "user" && !this.ownDelete) this.sweep();
    });
  }

  /** `Authorization: Bearer <token>` with the SCIM scope, not expired. */
  authenticate(authorization: string | undefined): void {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (!m?.[1]) throw E.invalidToken("Send the access token as Authorization: Bearer <access_token>.");
    const check = this.deps.verifyToken(m[1]);
    if (!check.ok) {
      if (check.reason === "expired") throw E.expiredToken();
      throw E.invalidToken("The access token is invalid.");
    }
    if (!check.scopes.includes(SCIM.scope)) throw E.insufficientScope(SCIM.scope);
  }

  // ---- Users ---------------------------------------------------------------------------------

  create(body: unknown): ScimUser {
    const input = this.userInput(body);
    this.checkExternalId(input.externalId, undefined);
    const u = this.ram(() =>
      this.deps.ram.createUser({ userName: input.userName, displayName: input.displayName }),
    );
    if (input.externalId !== undefined) this.setExternalId(u.userId, input.externalId);
    return this.view(u);
  }

  get(id: string): ScimUser {
    return this.view(this.mustGet(id));
  }

  list(query: { filter?: string; startIndex?: string; count?: string }): ScimPage {
    const terms = query.filter === undefined ? [] : parseFilter(query.filter);
    const startIndex = Math.max(1, integerParam("startIndex", query.startIndex) ?? 1);
    const count = Math.min(
      SCIM.listCount.max,
      Math.max(0, integerParam("count", query.count) ?? SCIM.listCount.default),
    );
    // Filter on the stored records and copy only the page.
    const all = this.deps.ram
      .usersInOrder()
      .filter((u) => terms.length === 0 || terms.every((t) => matches(this.viewRef(u), t)));
    const page = all.slice(startIndex - 1, startIndex - 1 + count);
    return { totalResults: all.length, startIndex, items: page.map((u) => this.view(structuredClone(u))) };
  }

  /** PUT: full replace of userName (rename allowed), displayName and externalId. */
  replace(id: string, body: unknown): ScimUser {
    const user = this.mustGet(id);
    const input = this.userInput(body);
    this.checkExternalId(input.externalId, user.userId);
    const u = this.ram(() =>
      this.deps.ram.updateUser(user.userName, {
        newUserName: input.userName,
        newDisplayName: input.displayName,
      }),
    );
    this.setExternalId(u.userId, input.externalId);
    return this.view(u);
  }

  delete(id: string): void {
    const user = this.mustGet(id);
    // Our own delete drops its entry itself: no sweep of every entry per deleted user.
    this.ownDelete = true;
    try {
      this.ram(() => this.deps.ram.deleteUser(user.userName));
    } finally {
      this.ownDelete = false;
    }
    this.setExternalId(user.userId, undefined);
  }

  // ---- Snapshot ------------------------------------------------------------------------------

  snapshot(): ScimSnapshot {
    return { externalIds: [...this.externalIds].map(([userId, externalId]) => ({ userId, externalId })) };
  }

  restore(snapshot: unknown): void {
    const s = scimSnapshot.parse(snapshot);
    this.externalIds = new Map(s.externalIds.map((e) => [e.userId, e.externalId]));
    this.byExternalId = new Map(s.externalIds.map((e) => [e.externalId, e.userId]));
  }

  reset(): void {
    this.externalIds.clear();
    this.byExternalId.clear();
  }

  // ---- Rules ---------------------------------------------------------------------------------

  private mustGet(id: string): UserRecord {
    const u = this.deps.ram.findUserById(id);
    if (!u) throw E.userNotFound(id);
    return u;
  }

  /** The user with its externalId, for matching only (not copied; never returned). */
  private viewRef(u: Readonly<UserRecord>): Readonly<ScimUser> {
    const externalId = this.externalIds.get(u.userId);
    return externalId === undefined ? u : { ...u, externalId };
  }

  private view(u: UserRecord): ScimUser {
    const externalId = this.externalIds.get(u.userId);
    return externalId === undefined ? u : { ...u, externalId };
  }

  private setExternalId(userId: string, externalId: string | undefined): void {
    const previous = this.externalIds.get(userId);
    if (previous !== undefined && this.byExternalId.get(previous) === userId)
      this.byExternalId.delete(previous);
    if (externalId === undefined) this.externalIds.delete(userId);
    else {
      this.externalIds.set(userId, externalId);
      this.byExternalId.set(externalId, userId);
    }
  }

  private sweep(): void {
    for (const userId of [...this.externalIds.keys()]) {
      if (!this.deps.ram.hasUserId(userId)) this.setExternalId(userId, undefined);
    }
  }

  /**
   * RFC 7644 §3.3: 409 with scimType `uniqueness`. RFC 7644 gives the scimType no attribute
   * name, so the detail starts with the attribute that collided (`externalId: ...`, as the
   * userName case does): a client can name the field without guessing.
   */
  private checkExternalId(externalId: string | undefined, self: string | undefined): void {
    if (externalId === undefined) return;
    const holder = this.byExternalId.get(externalId);
    if (holder !== undefined && holder !== self && this.deps.ram.hasUserId(holder)) {
      throw E.uniqueness(`externalId: ${JSON.stringify(externalId)} is already used by another user.`);
    }
  }

  /** The writable attributes of a User body, with RAM's rules (RAM checks them again). */
  private userInput(body: unknown): UserInput {
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      throw E.invalidSyntax("The request body must be a JSON object.");
    }
    const b = body as Record<string, unknown>;
    if (!Array.isArray(b.schemas) || !b.schemas.includes(SCIM_USER_SCHEMA)) {
      throw E.invalidSyntax(`schemas must contain ${SCIM_USER_SCHEMA}.`);
    }
    const userName = b.userName;
    if (typeof userName !== "string" || userName === "") throw E.invalidValue("userName is required.");
    const { maxLength, pattern, rule } = RAM_USER.name;
    if (userName.length > maxLength || !pattern.test(userName)) {
      throw E.invalidValue(`userName must be 1 to ${maxLength} characters: ${rule}.`);
    }
    const displayName = b.displayName ?? userName;
    if (
      typeof displayName !== "string" ||
      displayName.length < 1 ||
      displayName.length > SCIM.displayName.maxLength
    ) {
      throw E.invalidValue(`displayName must be a string of 1 to ${SCIM.displayName.maxLength} characters.`);
    }
    const externalId = b.externalId;
    if (
      externalId !== undefined &&
      externalId !== null &&
      (typeof externalId !== "string" || externalId === "")
    ) {
      throw E.invalidValue("externalId must be a non-empty string.");
    }
    return {
      userName,
      displayName,
      ...(typeof externalId === "string" ? { externalId } : {}),
    };
  }

  /** Runs a RAM call, turning RAM's own errors into SCIM ones. */
  private ram<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof AlibabaError)) throw e;
      if (e.code === "EntityAlreadyExists.User") throw E.uniqueness(`userName: ${e.message}`);
      if (e.code.startsWith("DeleteConflict.")) throw E.deleteConflict(`${e.code}: ${e.message}`);
      if (e.code === "EntityNotExist.User") throw E.userNotFound(e.message);
      if (e.status === 400) throw E.invalidValue(`${e.code}: ${e.message}`);
      throw e;
    }
  }
}

function integerParam(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  if (!/^-?\d+$/.test(value)) throw E.invalidValue(`${name} must be an integer.`);
  return Number(value);
}

function matches(u: ScimUser, t: FilterTerm): boolean {
  if (t.attr === "id") return u.userId === t.value;
  if (t.attr === "userName") return u.userName.toLowerCase() === t.value.toLowerCase();
  return u.externalId === t.value;
}

/** A Map: `constructor eq "x"` names no attribute, rather than an inherited member. */
const ATTRIBUTES: ReadonlyMap<string, FilterTerm["attr"]> = new Map<string, FilterTerm["attr"]>([
  ["id", "id"],
  ["username", "userName"],
  ["externalid", "externalId"],
]);

/**
 * `attr eq "value" [and attr eq "value"]...`: the only grammar RAM supports (§5.3). Attribute
 * names and operators are case-insensitive (RFC 7644 §3.4.2.2); a core-schema URN prefix is allowed.
 */
export function parseFilter(filter: string): FilterTerm[] {
  const tokens: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|[()[\]]|[^\s"()[\]]+)/y;
  let m: RegExpExecArray | null;
  let pos = 0;
  for (;;) {
    re.lastIndex = pos;
    m = re.exec(filter);
    if (!m?.[1]) break;
    tokens.push(m[1]);
    pos = re.lastIndex;
  }
  if (filter.slice(pos).trim() !== "")
    throw E.invalidFilter(`Cannot parse the filter at: ${filter.slice(pos)}`);
  const bad = (why: string): never => {
    throw E.invalidFilter(
      `${why}. Only 'eq' on id, userName or externalId, with a quoted value, joined by 'and', is supported.`,
    );
  };
  const terms: FilterTerm[] = [];
  let i = 0;
  for (;;) {
    const [rawAttr, op, rawValue] = [tokens[i], tokens[i + 1], tokens[i + 2]];
    if (rawAttr === undefined || op === undefined || rawValue === undefined) bad("Incomplete filter");
    const name = String(rawAttr)
      .replace(new RegExp(`^${SCIM_USER_SCHEMA.replace(/[.]/g, "\\.")}:`, "i"), "")
      .toLowerCase();
    const attr = ATTRIBUTES.get(name);
    if (attr === undefined) bad(`Unsupported attribute ${rawAttr}`);
    if (String(op).toLowerCase() !== "eq") bad(`Unsupported operator ${op}`);
    const value = String(rawValue);
    if (!value.startsWith('"')) bad(`The value ${value} must be a quoted string`);
    let parsed: string;
    try {
      parsed = JSON.parse(value) as string;
    } catch {
      return bad(`The value ${value} is not a valid string`);
    }
    terms.push({ attr: attr as FilterTerm["attr"], value: parsed });
    i += 3;
    if (i === tokens.length) return terms;
    const joiner = String(tokens[i]).toLowerCase();
    if (joiner !== "and") bad(`Unsupported logical operator ${tokens[i]}`);
    i += 1;
  }
}
