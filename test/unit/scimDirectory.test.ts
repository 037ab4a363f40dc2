/**
 * The pure parts of ScimDirectory and the deletion guard: a person's value in
 * state reads back as the same person (property test), the maps the class
 * builds, and the guard of scimUsersFromDirectory at its edges.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkPeople, DirectoryError } from "../../provider/directory";
import {
  checkDirectoryGuardInputs,
  DEFAULT_MAX_DELETIONS,
  DirectoryGuardProvider,
  deletionGuardFailures,
} from "../../provider/resources/directoryGuard";
import {
  decodePerson,
  directoryIds,
  directoryMaps,
  encodePerson,
  IDS_HEADER,
  idsText,
  parseRoster,
  parseRosterLine,
  ROSTER_HEADER,
  rosterLine,
  rosterOf,
} from "../../provider/resources/scimDirectory";

const userName = fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/);
const displayName = fc.string({ minLength: 1, maxLength: 128 });

describe("a person's value in state", () => {
  it("reads back as the same user name and display name", () => {
    fc.assert(
      fc.property(userName, displayName, fc.string({ maxLength: 20 }), (u, d, ext) => {
        expect(decodePerson(encodePerson({ userName: u, displayName: d }), ext)).toEqual({
          userName: u,
          displayName: d,
          externalId: ext,
        });
      }),
      { seed: 14, numRuns: 500 },
    );
  });

  it("is just the user name when the display name is the same", () => {
    expect(encodePerson({ userName: "alice", displayName: "alice" })).toBe("alice");
    expect(encodePerson({ userName: "alice", displayName: "Alice (HR)" })).toBe("alice (Alice (HR))");
    expect(decodePerson("alice (Alice (HR))", "e")).toMatchObject({ displayName: "Alice (HR)" });
  });
});

describe("the roster (a person per line)", () => {
  it("reads every line back as the same person, whatever the characters (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }),
        fc.string({ minLength: 1, maxLength: 30 }),
        displayName,
        (ext, u, d) => {
          const line = rosterLine({ userName: u, displayName: d, externalId: ext });
          expect(line).not.toContain("\n");
          expect(parseRosterLine(line)).toEqual({ userName: u, displayName: d, externalId: ext });
        },
      ),
      { seed: 24, numRuns: 1000 },
    );
  });

  it("is a header, then one sorted line per person, names bare where they read unambiguously", () => {
    const text = rosterOf([
      { userName: "bob", externalId: "emp 2" },
      { userName: "alice", displayName: "Alice Chen", externalId: "emp-1" },
      { userName: "Carol" },
      { userName: "dash", externalId: "-" },
    ]);
    expect(text.split("\n")).toEqual([
      ROSTER_HEADER,
      '"-" dash',
      '"emp 2" bob',
      'emp-1 alice "Alice Chen"',
      "- Carol",
      "", // every line ends with a newline, the last too
    ]);
    expect([...parseRoster(text).persons.keys()]).toEqual(["e:-", "e:emp 2", "e:emp-1", "n:carol"]);
    // Neither JSON nor YAML can start with '@': the engine shows the text as a line diff.
    expect(ROSTER_HEADER.startsWith("@")).toBe(true);
  });
});

describe("the ids text", () => {
  it("reads back as the same ids, whatever the externalIds and user names hold (property)", () => {
    fc.assert(
      fc.property(
        // SCIM ids are never empty: an empty one reads as no id (the next test).
        fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ minLength: 1, maxLength: 20 })),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ minLength: 1, maxLength: 20 })),
        (ids, idsByName) => {
          const slots = new Map([
            ...Object.entries(ids).map(([k, v]): [string, string] => [`e:${k}`, v]),
            ...Object.entries(idsByName).map(([k, v]): [string, string] => [`n:${k}`, v]),
          ]);
          expect(directoryIds({ ids: idsText(slots) })).toEqual({ ids, idsByName });
        },
      ),
      { seed: 24, numRuns: 500 },
    );
  });

  it("reads an empty id, which a person whose id was lost is written with, as no id", () => {
    const text = idsText(
      new Map([
        ["e:emp-1", "1"],
        ["e:emp-2", ""],
        ["n:carol", ""],
      ]),
    );
    expect(directoryIds({ ids: text })).toEqual({ ids: { "emp-1": "1" }, idsByName: {} });
    expect(directoryIds({ ids: { "emp-1": "1", "emp-2": "" }, idsByName: { carol: "" } })).toEqual({
      ids: { "emp-1": "1" },
      idsByName: {},
    });
  });

  it("is a header, then one sorted line per person; the maps earlier versions wrote read the same", () => {
    const text = idsText(
      new Map([
        ["n:carol", "3"],
        ["e:emp 2", "2"],
        ["e:emp-1", "1"],
        ["e:-", "4"],
      ]),
    );
    expect(text.split("\n")).toEqual([IDS_HEADER, '"-" 4', '"emp 2" 2', "emp-1 1", "- carol 3", ""]);
    const maps = { ids: { "-": "4", "emp 2": "2", "emp-1": "1" }, idsByName: { carol: "3" } };
    expect(directoryIds({ ids: text })).toEqual(maps);
    expect(directoryIds(maps)).toEqual(maps);
    // A line that cannot be read is skipped, not guessed at.
    expect(directoryIds({ ids: `${IDS_HEADER}\nemp-1\n"open 5\nemp-3 3\n` })).toEqual({
      ids: { "emp-3": "3" },
      idsByName: {},
    });
  });
});

describe("directoryMaps and checkPeople", () => {
  it("keys people by externalId, and by lower-case user name where there is none", () => {
    expect(
      directoryMaps([{ userName: "alice", displayName: "Alice", externalId: "e1" }, { userName: "Bob" }]),
    ).toEqual({ people: { e1: "alice (Alice)" }, peopleByName: { bob: "Bob" } });
  });

  it("reports every problem of a list in code, with its index", () => {
    expect(() =>
      checkPeople([
        { userName: "a", externalId: "x" },
        { userName: "A" },
        { userName: "" },
        { userName: "b", externalId: "x" },
      ]),
    ).toThrow(DirectoryError);
    try {
      checkPeople([
        { userName: "a", externalId: "x" },
        { userName: "A" },
        { userName: "b", externalId: "x" },
      ]);
    } catch (e) {
      expect((e as DirectoryError).problems).toEqual([
        "people[1]: userName 'A' is already used on people[0] ('a'); RAM user names ignore case",
        "people[2]: externalId 'x' is already used on people[0]",
      ]);
    }
  });

  it("accepts any list with distinct names and ids (property)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { maxLength: 50 }), (ns) => {
        const list = ns.map((n) => ({ userName: `u${n}`, externalId: `e${n}` }));
        expect(checkPeople(list)).toHaveLength(list.length);
        const maps = directoryMaps(list);
        expect(Object.keys(maps.people)).toHaveLength(list.length);
      }),
      { seed: 14, numRuns: 100 },
    );
  });
});

describe("the deletion guard", () => {
  const keys = (n: number) => Array.from({ length: n }, (_, i) => `k${i}`);
  const settings = { maxDeletions: DEFAULT_MAX_DELETIONS, allowEmpty: false };

  it("lets exactly maxDeletions through and stops one more (property over maxDeletions)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), (max) => {
        const before = keys(max + 2);
        const s = { ...settings, maxDeletions: max };
        expect(deletionGuardFailures("p", before, before.slice(max), s)).toEqual([]);
        const refused = deletionGuardFailures("p", before, before.slice(max + 1), s);
        expect(refused[0]?.reason).toContain(
          `would delete ${max + 1} people, more than maxDeletions (${max})`,
        );
        expect(
          deletionGuardFailures("p", before, before.slice(max + 1), { ...s, confirmDeletions: max + 1 }),
        ).toEqual([]);
      }),
      { seed: 14, numRuns: 50 },
    );
  });

  it("counts replaced keys as deletions, not the change in size", () => {
    const before = keys(200);
    const after = [...before.slice(101), ...keys(400).slice(200, 301)]; // 101 gone, 101 new
    expect(deletionGuardFailures("p", before, after, settings)[0]?.reason).toMatch(/delete 101 people/);
  });

  it("refuses to let scimUsersFromDirectory's whole directory go unless an up recorded allowDestroy", async () => {
    const held = checkDirectoryGuardInputs({}, { keys: keys(101) }).inputs;
    await expect(DirectoryGuardProvider.delete("directory-guard", held)).rejects.toThrow(
      /^Set allowDestroy: true on it and run pulumi up first.*deleting this directory \(scimUsersFromDirectory\) would delete its 101 people/,
    );
    // Exactly maxDeletions, or allowDestroy recorded: let through. State from before allowDestroy: refused.
    await DirectoryGuardProvider.delete("directory-guard", { ...held, keys: keys(100) });
    await DirectoryGuardProvider.delete("directory-guard", { ...held, allowDestroy: true });
    await expect(DirectoryGuardProvider.delete("directory-guard", { keys: keys(101) })).rejects.toThrow(
      /allowDestroy/,
    );
    // A change of allowDestroy alone is an update, so the up that sets it records it.
    expect(
      (await DirectoryGuardProvider.diff("directory-guard", held, { ...held, allowDestroy: true })).changes,
    ).toBe(true);
  });

  it("DirectoryGuard's check says when confirmDeletions has nothing to confirm", () => {
    const olds = checkDirectoryGuardInputs({}, { keys: keys(150) }).inputs;
    expect(checkDirectoryGuardInputs(olds, { keys: keys(49), confirmDeletions: 101 }).notice).toBeUndefined();
    expect(checkDirectoryGuardInputs(olds, { keys: keys(150), confirmDeletions: 101 }).notice).toMatch(
      /^Remove confirmDeletions \(101\) from the program: this update deletes 0 people, within maxDeletions \(100\)/,
    );
    expect(checkDirectoryGuardInputs(olds, { keys: keys(150) }).notice).toBeUndefined();
  });

  it("guards scimUsersFromDirectory through DirectoryGuard's check, from the second run on", () => {
    expect(checkDirectoryGuardInputs({}, { keys: keys(3) }).failures).toEqual([]);
    expect(checkDirectoryGuardInputs({}, { keys: [] }).failures[0]?.reason).toMatch(/empty/);
    const olds = checkDirectoryGuardInputs({}, { keys: keys(150) }).inputs;
    expect(checkDirectoryGuardInputs(olds, { keys: keys(50) }).failures).toEqual([]); // 100: allowed
    expect(checkDirectoryGuardInputs(olds, { keys: keys(49) }).failures).toEqual([
      {
        property: "",
        reason: expect.stringMatching(/^Set confirmDeletions: 101 .*would delete 101 people/),
      },
    ]);
    // Emptying a large directory takes both: allowEmpty and the exact count.
    expect(checkDirectoryGuardInputs(olds, { keys: [], allowEmpty: true }).failures[0]?.reason).toMatch(
      /delete 150 people/,
    );
    expect(
      checkDirectoryGuardInputs(olds, { keys: [], allowEmpty: true, confirmDeletions: 150 }).failures,
    ).toEqual([]);
    expect(checkDirectoryGuardInputs(olds, { keys: keys(49), maxDeletions: 1.5 }).failures[0]).toEqual({
      property: "maxDeletions",
      reason: "must be a whole number, 0 or more (got 1.5)",
    });
  });
});
