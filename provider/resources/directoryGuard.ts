/**
 * The accidental-deletion guard of a directory sync, as Microsoft Entra
 * Connect and the Entra provisioning service have it (they stop an export
 * that deletes more than a threshold until an admin confirms):
 * https://learn.microsoft.com/en-us/entra/identity/hybrid/connect/how-to-connect-sync-feature-prevent-accidental-deletes
 *
 * `deletionGuardFailures` is the rule, shared by `ScimDirectory` (its check
 * asks for a confirmation, its diff and update count exactly from the state)
 * and by `scimUsersFromDirectory`, whose people are separate
 * resources that no single `check` sees: it declares a `DirectoryGuard`, a
 * resource with no API calls that remembers the directory's keys in state so
 * that its `check` can compare the previous directory with the new one at
 * preview, before anything is deleted.
 */
import * as pulumi from "@pulumi/pulumi";
import { warn } from "../diagnostics";
import { UserError } from "../errors";
import { containsUnknown } from "../normalize";
import { withSecretInputs } from "../secretInputs";
import { providerShim } from "../shim";
import { type CheckFailure, forEngine } from "../validation";

/**
 * The default `maxDeletions`: 100. Entra's default is 500, sized for
 * directories of tens of thousands; a RAM account holds 1,000 users unless
 * its quota is raised, so 500 would let half an account go unnoticed. 100 is
 * 10% of that default quota: a day's offboarding passes, a truncated export
 * of any directory over 200 people does not.
 */
export const DEFAULT_MAX_DELETIONS = 100;

/** The guard's settings, as arguments of `ScimDirectory` and `scimUsersFromDirectory`. */
export interface DeletionGuardArgs {
  /**
   * An update that would delete more people than this fails at preview, naming the count.
   * A whole number, 0 or more. Default 100 (`DEFAULT_MAX_DELETIONS`).
   */
  maxDeletions?: pulumi.Input<number>;
  /**
   * Lets one larger deletion through: set it to the exact number of people the
   * update deletes, as the refusal names it. A different number is refused
   * again, so a confirmation left in code cannot let a later, different mass
   * deletion through. Ignored when the deletions are within `maxDeletions`.
   */
  confirmDeletions?: pulumi.Input<number>;
  /**
   * An empty directory is refused (an export that came out empty would delete
   * everyone) unless this is `true`. Default `false`.
   */
  allowEmpty?: pulumi.Input<boolean>;
  /**
   * Deleting the whole directory (the resource removed from the program,
   * `pulumi destroy`, or a replacement) when it holds more than `maxDeletions`
   * people is refused unless an `up` recorded `allowDestroy: true` first: set
   * it, run `pulumi up`, then remove or destroy. Default `false`. With the
   * `retainOnDelete` resource option nobody is deleted and this does not apply.
   */
  allowDestroy?: pulumi.Input<boolean>;
}

export interface DeletionGuardSettings {
  maxDeletions: number;
  confirmDeletions?: number;
  allowEmpty: boolean;
  allowDestroy?: boolean;
}

const wholeNumber = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 0;

/** Checks the settings themselves (each problem named by field). */
export function guardSettingFailures(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const field of ["maxDeletions", "confirmDeletions"] as const) {
    const v = news[field];
    if (v !== undefined && v !== null && !containsUnknown(v) && !wholeNumber(v))
      failures.push({
        property: field,
        reason: `must be a whole number, 0 or more (got ${JSON.stringify(v)})`,
      });
  }
  for (const field of ["allowEmpty", "allowDestroy"] as const) {
    const allow = news[field];
    if (allow !== undefined && allow !== null && !containsUnknown(allow) && typeof allow !== "boolean")
      failures.push({ property: field, reason: "must be true or false" });
  }
  return failures;
}

/** The settings with defaults (after `guardSettingFailures` passed). */
export function guardSettings(news: Record<string, unknown>): DeletionGuardSettings {
  return {
    maxDeletions: typeof news.maxDeletions === "number" ? news.maxDeletions : DEFAULT_MAX_DELETIONS,
    ...(typeof news.confirmDeletions === "number" ? { confirmDeletions: news.confirmDeletions } : {}),
    allowEmpty: news.allowEmpty === true,
    allowDestroy: news.allowDestroy === true,
  };
}

/**
 * Why this change of directory must not go ahead, or nothing. `oldKeys` is
 * undefined for a new directory (nothing to delete yet). Reported on the resource, not on the
 * people: the engine would print the whole directory beside it.
 */
export function deletionGuardFailures(
  _property: string,
  oldKeys: readonly string[] | undefined,
  newKeys: readonly string[],
  s: DeletionGuardSettings,
): CheckFailure[] {
  const kept = new Set(newKeys);
  const deleted = oldKeys === undefined ? 0 : oldKeys.filter((k) => !kept.has(k)).length;
  // What to do comes first: the engine puts its own ~100 characters before the reason.
  if (newKeys.length === 0 && !s.allowEmpty) {
    const what =
      deleted > 0 ? `it would delete all ${deleted} people of the directory` : "it would manage nobody";
    return [
      {
        property: "",
        reason:
          `Set allowEmpty: true if the directory really is empty now. Refused: the directory is empty, so ${what}; ` +
          "an export that came out empty looks exactly like this.",
      },
    ];
  }
  if (deleted <= s.maxDeletions) return [];
  if (s.confirmDeletions === deleted) return [];
  const confirmed =
    s.confirmDeletions === undefined
      ? ""
      : ` (confirmDeletions is ${s.confirmDeletions}, which does not match)`;
  return [
    {
      property: "",
      reason:
        `Set confirmDeletions: ${deleted} to let these deletions through once (or raise maxDeletions). ` +
        `Refused: this update would delete ${deleted} people, more than maxDeletions (${s.maxDeletions})${confirmed}; ` +
        "check the directory first: a truncated or partial export looks exactly like this.",
    },
  ];
}

/**
 * A warning when `confirmDeletions` is set but this update has nothing for it to let through (its
 * deletions are within `maxDeletions`), or undefined. A confirmation left in the program would let
 * a later deletion of exactly that many people through without asking: a truncated export that
 * happens to drop as many people as the last confirmed removal.
 */
export function idleConfirmation(
  oldKeys: readonly string[] | undefined,
  newKeys: readonly string[],
  s: DeletionGuardSettings,
): string | undefined {
  if (s.confirmDeletions === undefined) return undefined;
  const kept = new Set(newKeys);
  const deleted = oldKeys === undefined ? 0 : oldKeys.filter((k) => !kept.has(k)).length;
  if (deleted > s.maxDeletions) return undefined;
  return (
    `Remove confirmDeletions (${s.confirmDeletions}) from the program: this update deletes ${deleted} ` +
    `${deleted === 1 ? "person" : "people"}, within maxDeletions (${s.maxDeletions}), so there is nothing for it to ` +
    `confirm; left in place, it lets a later update that deletes exactly ${s.confirmDeletions} people through without asking.`
  );
}

/**
 * Why deleting a whole directory of `count` people must not go ahead, or undefined: more than
 * `maxDeletions` people and no `allowDestroy: true` recorded by an earlier `up`. Checked in
 * `delete`, the one step a removal from the program, a `destroy` and a replacement all reach
 * (none of them runs `check` with the old settings).
 */
export function destroyGuardRefusal(
  kind: string,
  count: number,
  s: { maxDeletions: number; allowDestroy?: boolean },
  what = "people",
): string | undefined {
  if (count <= s.maxDeletions || s.allowDestroy === true) return undefined;
  return (
    // What to do first: the engine puts the resource's whole URN (~130 characters) before it.
    "Set allowDestroy: true on it and run pulumi up first, then remove or destroy it (or set the retainOnDelete " +
    `resource option to leave them in place). Refused: deleting this ${kind} would delete its ${count} ${what}, ` +
    `more than maxDeletions (${s.maxDeletions}), and the last up did not record allowDestroy: true. Nothing was deleted. ` +
    "If it was replaced or renamed in an up that stopped " +
    "before this delete, and another directory now holds these people, remove it from the state instead " +
    "(pulumi state delete with its URN)."
  );
}

// ---- DirectoryGuard: the guard as a resource, for scimUsersFromDirectory ------------------------

export interface DirectoryGuardInputs extends DeletionGuardSettings {
  /** The directory's keys (externalId, or `user:<name>`), sorted. */
  keys: string[];
}

export function checkDirectoryGuardInputs(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): { inputs: Record<string, unknown>; failures: CheckFailure[]; notice?: string } {
  const failures = guardSettingFailures(news);
  const keys = news.keys;
  if (containsUnknown(keys)) return { inputs: news, failures };
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== "string"))
    return {
      inputs: news,
      failures: [...failures, { property: "keys", reason: "must be a list of strings" }],
    };
  const sorted = [...new Set(keys as string[])].sort();
  const settings = guardSettings(news);
  const oldKeys = Array.isArray(olds.keys) ? (olds.keys as string[]) : undefined;
  if (failures.length === 0) failures.push(...deletionGuardFailures("directory", oldKeys, sorted, settings));
  const notice = failures.length === 0 ? idleConfirmation(oldKeys, sorted, settings) : undefined;
  return { inputs: { ...news, ...settings, keys: sorted }, failures, ...(notice ? { notice } : {}) };
}

const sameKeys = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * No API calls: it keeps the keys in state for the next preview's check, and its delete refuses to
 * let the whole directory go (scimUsersFromDirectory makes it depend on every ScimUser, so the
 * engine deletes it first, and a refusal stops the run before any of them).
 */
export const DirectoryGuardProvider = {
  async configure(): Promise<void> {},
  async check(
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.CheckResult> {
    const { notice, ...checked } = checkDirectoryGuardInputs(olds, news);
    if (notice) await warn(`DirectoryGuard: ${notice}`);
    return forEngine(checked, news);
  },
  async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    const changed = ["keys", "maxDeletions", "confirmDeletions", "allowEmpty", "allowDestroy"].some(
      (k) => containsUnknown(news[k]) || !sameKeys(olds[k], news[k]),
    );
    return { changes: changed, replaces: [], deleteBeforeReplace: false };
  },
  async create(inputs: Record<string, unknown>) {
    return { id: "directory-guard", outs: inputs };
  },
  async read(id: string, props?: Record<string, unknown>) {
    return { id, props: props ?? {} };
  },
  async update(_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>) {
    return { outs: news };
  },
  async delete(_id: string, props: Record<string, unknown>): Promise<void> {
    const keys = Array.isArray(props.keys) ? props.keys.length : 0;
    // State written before allowDestroy existed reads as not allowed: fail safe.
    const refusal = destroyGuardRefusal("directory (scimUsersFromDirectory)", keys, guardSettings(props));
    if (refusal) throw new UserError(refusal);
  },
};

/**
 * Remembers a directory's keys so the next preview can refuse an update that
 * deletes more than `maxDeletions` people or empties the directory.
 * `scimUsersFromDirectory` declares one; there is rarely a reason to declare it yourself.
 */
export class DirectoryGuard extends pulumi.dynamic.Resource {
  constructor(
    name: string,
    args: DeletionGuardArgs & { keys: pulumi.Input<string[]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      providerShim("DirectoryGuardProvider"),
      name,
      withSecretInputs(args),
      opts,
      "alicloud-federation",
      "DirectoryGuard",
    );
  }
}
