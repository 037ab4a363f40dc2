/**
 * IMS state: external (official) applications provisioned in the account, and their application
 * assignments (who may use them), with every rule the service enforces.
 *
 * The catalogue holds one official application, `official-cli` (the Alibaba Cloud CLI), whose
 * AppId is the CLI's OAuth client_id: one id per site (`IMS_APP.officialCliAppId`). The emulated
 * account lives on one site (option `site`, default "cn"); the other site's id is unknown here.
 *
 * Assignments name RAM users (by user principal name) and RAM roles (by role name) of the shared
 * RAM state. Public docs are silent on several points; the choices, all guesses:
 * - Deprovisioning an application removes its assignments.
 * - Deleting a RAM user or role (through RAM or IMS) drops the assignments that name it, so a
 *   principal re-created later under the same name has no access until assigned again.
 * - Provisioning with `Scopes` omitted grants every predefined scope; `openid` is always granted
 *   (the SDK calls it "the default scope and cannot be deleted").
 */
import { z } from "zod";
import { IMS_APP } from "../../limits";
import type { RamState } from "../ram/state";
import * as E from "./errors";

export type Site = "cn" | "intl";
export type PrincipalType = (typeof IMS_APP.principalTypes)[number];

export interface OfficialApplication {
  appId: string;
  /** The name in AppPrincipalName, `<app_name>@app.<account_id>.onaliyun.com`. */
  appName: string;
  /** Guess: the console calls the application `official-cli`; its DisplayName is not published. */
  displayName: string;
  scopes: ReadonlyArray<{ name: string; description: string }>;
}

/** The official applications of a site: only official-cli is modelled. */
export function officialApplications(site: Site): OfficialApplication[] {
  return [
    {
      appId: IMS_APP.officialCliAppId[site],
      appName: "official-cli",
      displayName: "official-cli",
      scopes: IMS_APP.officialCliScopes,
    },
  ];
}

export const externalApplicationRecord = z.object({
  appId: z.string(),
  scopes: z.array(z.string()),
  createdMs: z.number(),
  updatedMs: z.number(),
});
export type ExternalApplicationRecord = z.infer<typeof externalApplicationRecord>;

export const assignmentRecord = z.object({
  appId: z.string(),
  principalType: z.enum(IMS_APP.principalTypes),
  /** The user's RAM UserName or the role's RoleName, as stored by RAM. */
  principalName: z.string(),
  createdMs: z.number(),
  /** Creation sequence number: list order and the Marker both use it. */
  seq: z.number().int(),
});
export type AssignmentRecord = z.infer<typeof assignmentRecord>;

/** Part of the IMS snapshot; every field defaults so state files from before this change load. */
export const applicationsSnapshot = z.object({
  externalApplications: z.array(externalApplicationRecord).default([]),
  applicationAssignments: z.array(assignmentRecord).default([]),
  nextAssignmentSeq: z.number().int().default(1),
});
export type ApplicationsSnapshot = z.infer<typeof applicationsSnapshot>;

export interface ApplicationView extends ExternalApplicationRecord {
  app: OfficialApplication;
}

export interface AssignmentView extends AssignmentRecord {
  /** As answered: a user principal name, or a role name. */
  displayName: string;
}

export interface AssignmentPage {
  items: AssignmentView[];
  isTruncated: boolean;
  marker?: string;
}

/** Who signs in to an official application (the OAuth service asks `hasAccess`). */
export type SignInPrincipal =
  | { type: "root" }
  | { type: "user"; userName: string }
  | { type: "role"; roleName: string };

export interface ImsApplicationsOptions {
  accountId: string;
  site: Site;
  ram: RamState;
  now: () => number;
}

const ci = (s: string): string => s.toLowerCase();

export class ImsApplications {
  private apps = new Map<string, ExternalApplicationRecord>();
  private assignments: AssignmentRecord[] = [];
  private nextSeq = 1;
  private readonly catalogue: OfficialApplication[];

  constructor(private readonly opts: ImsApplicationsOptions) {
    this.catalogue = officialApplications(opts.site);
    opts.ram.onPrincipalDeleted((kind, name) => this.dropPrincipal(kind, name));
    // A user renamed through SCIM PUT keeps its assignments (guess: assignments follow the user).
    opts.ram.onPrincipalRenamed((kind, oldName, newName) => {
      for (const a of this.assignments) {
        if (a.principalType === kind && ci(a.principalName) === ci(oldName)) a.principalName = newName;
      }
    });
  }

  get accountId(): string {
    return this.opts.accountId;
  }

  /** `<account-id>.onaliyun.com`: the emulated account's default domain (no account alias). */
  get defaultDomain(): string {
    return `${this.opts.accountId}.onaliyun.com`;
  }

  appPrincipalName(app: OfficialApplication): string {
    return `${app.appName}@app.${this.opts.accountId}.onaliyun.com`;
  }

  // ---- External applications -----------------------------------------------------------------

  provision(appId: string, scopes: string | undefined): ApplicationView {
    const app = this.official(appId);
    const known = app.scopes.map((s) => s.name);
    const asked =
      scopes === undefined
        ? known
        : scopes
            .split(";")
            .map((s) => s.trim())
            .filter((s) => s !== "");
    for (const s of asked) if (!known.includes(s)) throw E.invalidScope(s, known);
    if (this.apps.has(appId)) throw E.externalApplicationAlreadyExists(appId);
    const granted = known.filter((k) => k === "openid" || asked.includes(k));
    const now = this.opts.now();
    const record: ExternalApplicationRecord = { appId, scopes: granted, createdMs: now, updatedMs: now };
    this.apps.set(appId, record);
    return { ...record, scopes: [...granted], app };
  }

  get(appId: string): ApplicationView {
    const app = this.official(appId);
    const record = this.apps.get(appId);
    if (!record) throw E.externalApplicationNotExist(appId);
    return { ...record, scopes: [...record.scopes], app };
  }

  /** Provisioned applications in catalogue order. */
  list(): ApplicationView[] {
    return this.catalogue.flatMap((app) => {
      const record = this.apps.get(app.appId);
      return record ? [{ ...record, scopes: [...record.scopes], app }] : [];
    });
  }

  /** Also removes the application's assignments (guess, see the file comment). */
  deprovision(appId: string): void {
    this.get(appId);
    this.apps.delete(appId);
    this.assignments = this.assignments.filter((a) => a.appId !== appId);
  }

  // ---- Assignments ---------------------------------------------------------------------------

  createAssignment(appId: string, principalType: string, principalName: string): AssignmentView {
    this.get(appId);
    const type = this.checkPrincipalType(principalType);
    const stored = this.resolvePrincipal(type, principalName);
    if (this.findAssignment(appId, type, stored)) throw E.assignmentAlreadyExists(type, principalName);
    const record: AssignmentRecord = {
      appId,
      principalType: type,
      principalName: stored,
      createdMs: this.opts.now(),
      seq: this.nextSeq++,
    };
    this.assignments.push(record);
    return this.view(record);
  }

  deleteAssignment(appId: string, principalType: string, principalName: string): void {
    this.get(appId);
    const type = this.checkPrincipalType(principalType);
    const stored = this.canonicalName(type, principalName);
    const hit = stored === undefined ? undefined : this.findAssignment(appId, type, stored);
    if (!hit) throw E.assignmentNotExist(type, principalName);
    this.assignments = this.assignments.filter((a) => a !== hit);
  }

  /** Assignments of one application in creation order; the Marker encodes the next one's sequence. */
  listAssignments(appId: string, opts: { marker?: string; maxItems?: number }): AssignmentPage {
    this.get(appId);
    const { min, max, default: def } = IMS_APP.assignmentListMaxItems;
    const maxItems = opts.maxItems ?? def;
    if (!Number.isInteger(maxItems) || maxItems < min || maxItems > max) {
      throw E.invalidRange("MaxItems", maxItems, min, max);
    }
    let fromSeq = 0;
    if (opts.marker !== undefined && opts.marker !== "") {
      const m = /^assignment:(\d+)$/.exec(Buffer.from(opts.marker, "base64url").toString("utf8"));
      if (!m?.[1]) throw E.invalidMarker();
      fromSeq = Number(m[1]);
    }
    const all = this.assignments
      .filter((a) => a.appId === appId && a.seq >= fromSeq)
      .sort((a, b) => a.seq - b.seq);
    const items = all.slice(0, maxItems).map((a) => this.view(a));
    const next = all[maxItems];
    if (next === undefined) return { items, isTruncated: false };
    return { items, isTruncated: true, marker: Buffer.from(`assignment:${next.seq}`).toString("base64url") };
  }

  /**
   * May this principal use the application? It must be provisioned; the account root always may
   * (§2.2); a user or role only when assigned ("on-demand" mode, the default; the console-only
   * "assign to all" mode is not modelled).
   */
  hasAccess(appId: string, principal: SignInPrincipal): boolean {
    if (!this.apps.has(appId)) return false;
    if (principal.type === "root") return true;
    const name = principal.type === "user" ? principal.userName : principal.roleName;
    return this.findAssignment(appId, principal.type, name) !== undefined;
  }

  /** Whether the AppId is an official application of this site (provisioned or not). */
  isOfficial(appId: string): boolean {
    return this.catalogue.some((a) => a.appId === appId);
  }

  isProvisioned(appId: string): boolean {
    return this.apps.has(appId);
  }

  // ---- Snapshot ------------------------------------------------------------------------------

  snapshot(): ApplicationsSnapshot {
    return {
      externalApplications: [...this.apps.values()].map((a) => ({ ...a, scopes: [...a.scopes] })),
      applicationAssignments: this.assignments.map((a) => ({ ...a })),
      nextAssignmentSeq: this.nextSeq,
    };
  }

  restore(snapshot: unknown): void {
    const s = applicationsSnapshot.parse(snapshot);
    this.apps = new Map(s.externalApplications.map((a) => [a.appId, a]));
    this.assignments = s.applicationAssignments;
    this.nextSeq = s.nextAssignmentSeq;
  }

  reset(): void {
    this.apps.clear();
    this.assignments = [];
    this.nextSeq = 1;
  }

  // ---- Rules ---------------------------------------------------------------------------------

  private official(appId: string): OfficialApplication {
    const app = this.catalogue.find((a) => a.appId === appId);
    if (!app) throw E.applicationNotExist(appId);
    return app;
  }

  private checkPrincipalType(value: string): PrincipalType {
    // Exact match: `User`/`ROLE` and group types are refused (§2.1: lower-case user or role).
    if (value !== "user" && value !== "role") throw E.invalidPrincipalType(value);
    return value;
  }

  /** The stored name of an existing principal, or the error naming what is missing. */
  private resolvePrincipal(type: PrincipalType, principalName: string): string {
    if (type === "role") {
      const role = this.opts.ram.findRole(principalName);
      if (!role) throw E.roleNotExist(principalName);
      return role.roleName;
    }
    const userName = this.userNameOf(principalName);
    const user = this.opts.ram.findUser(userName);
    if (!user) throw E.userNotExist(principalName);
    return user.userName;
  }

  /** Like resolvePrincipal, for deletion: the principal itself may be gone (never for a kept assignment). */
  private canonicalName(type: PrincipalType, principalName: string): string | undefined {
    if (type === "role") return principalName;
    try {
      return this.userNameOf(principalName);
    } catch {
      return undefined;
    }
  }

  /**
   * The RAM UserName in a user principal name `<username>@<account-id>.onaliyun.com`, compared
   * case-insensitively. A user of another domain cannot be in this account: EntityNotExist.User.
   */
  private userNameOf(upn: string): string {
    const at = upn.lastIndexOf("@");
    if (at <= 0 || at === upn.length - 1) {
      throw E.invalidPrincipalName("a user is named by its user principal name <username>@<default domain>");
    }
    if (ci(upn.slice(at + 1)) !== ci(this.defaultDomain)) throw E.userNotExist(upn);
    return upn.slice(0, at);
  }

  private findAssignment(appId: string, type: PrincipalType, name: string): AssignmentRecord | undefined {
    return this.assignments.find(
      (a) => a.appId === appId && a.principalType === type && ci(a.principalName) === ci(name),
    );
  }

  private view(a: AssignmentRecord): AssignmentView {
    const displayName =
      a.principalType === "user" ? `${a.principalName}@${this.defaultDomain}` : a.principalName;
    return { ...a, displayName };
  }

  /** RAM deleted a user or role: its assignments go (guess, see the file comment). */
  private dropPrincipal(kind: PrincipalType, name: string): void {
    this.assignments = this.assignments.filter(
      (a) => !(a.principalType === kind && ci(a.principalName) === ci(name)),
    );
  }
}
