import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DirectoryError, parseCsv, readDirectory, resourceNameFor } from "../../provider/directory";
import { checkScimUserInputs } from "../../provider/resources/scimUser";

describe("parseCsv", () => {
  it("handles quotes, doubled quotes, commas and CRLF", () => {
    expect(parseCsv('a,b,c\r\n"x, y","say ""hi""",z\n')).toEqual([
      ["a", "b", "c"],
      ["x, y", 'say "hi"', "z"],
    ]);
  });

  it("round-trips any table written the RFC 4180 way", () => {
    const cell = fc.string({ maxLength: 12 });
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 8 }),
        (rows) => {
          const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
          const text = `${rows.map((r) => r.map(quote).join(",")).join("\n")}\n`;
          expect(parseCsv(text)).toEqual(rows);
        },
      ),
    );
  });
});

describe("readDirectory", () => {
  it("reads CSV with a header, in any column order", () => {
    expect(readDirectory("p.csv", "externalId,userName,displayName\ne1,alice,Alice A\n,bob,\n")).toEqual([
      { userName: "alice", displayName: "Alice A", externalId: "e1" },
      { userName: "bob" },
    ]);
  });

  it("reads JSON", () => {
    expect(readDirectory("p.json", '[{"userName":"alice","externalId":"e1"}]')).toEqual([
      { userName: "alice", externalId: "e1" },
    ]);
  });

  it("reports every bad line at once: missing names and the same person twice", () => {
    let err: unknown;
    try {
      readDirectory("p.csv", "userName,externalId\nalice,e1\n,e2\nbob,e1\nAlice,\nalice,\n");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DirectoryError);
    expect((err as DirectoryError).problems).toEqual([
      "line 3: userName is missing",
      "line 4: externalId 'e1' is already used on line 2",
      "line 5: userName 'Alice' is already used on line 2 ('alice'); RAM user names ignore case",
      "line 6: userName 'alice' is already used on line 2 ('alice'); RAM user names ignore case",
    ]);
  });

  it("checks the whole file at once: case-insensitive names, externalIds, sanitised resource names, limits", () => {
    const text = [
      "userName,displayName,externalId",
      "alice2,Alice,emp 1", // line 2
      "ALICE2,Alice again,emp-2", // 3: same RAM user name ignoring case
      "bob,Bob,emp_1", // 4: 'emp_1' and 'emp 1' are one resource name
      "carol,Carol,emp-2", // 5: same externalId
      `${"d".repeat(65)},D,emp-5`, // 6: one past the user-name limit
      `${"e".repeat(64)},${"E".repeat(129)},emp-6`, // 7: name at the limit, display name one past
      "frank,Frank", // 8: cut short
      "gina,Gina,g,extra", // 9: too many fields
      `h@x,H,${"x".repeat(129)}`, // 10: bad characters, externalId one past
    ].join("\n");
    let err: unknown;
    try {
      readDirectory("p.csv", text);
    } catch (e) {
      err = e;
    }
    expect((err as DirectoryError).problems).toEqual([
      "line 3: userName 'ALICE2' is already used on line 2 ('alice2'); RAM user names ignore case",
      "line 4: key 'emp_1' gives the same resource name 'emp_1' as line 2 ('emp 1'); change one externalId",
      "line 5: externalId 'emp-2' is already used on line 3",
      "line 6: userName is 65 characters long, but a RAM user name allows at most 64",
      "line 7: displayName is 129 characters long, but a RAM display name allows at most 128",
      "line 8: has 2 fields, the header has 3 (a line cut short?)",
      "line 9: has 4 fields, the header has 3 (a line cut short?)",
      "line 10: userName 'h@x' is not allowed: use letters, digits, '.', '-' and '_'",
      "line 10: externalId is 129 characters long, but at most 128 are allowed",
    ]);
  });

  it("gives JSON entries their line numbers", () => {
    const text = '[\n  {"userName": "a", "externalId": "x"},\n\n  {"userName": "A", "externalId": "y"}\n]';
    expect(() => readDirectory("p.json", text)).toThrow(
      "line 4 (entry 1): userName 'A' is already used on line 2 (entry 0) ('a'); RAM user names ignore case",
    );
  });

  it("counts a quoted multi-line field's lines", () => {
    const text = 'userName,displayName\nalice,"two\nlines"\nALICE,x\n';
    expect(() => readDirectory("p.csv", text)).toThrow("line 4: userName 'ALICE' is already used on line 2");
  });

  it("reads a header-only file as an empty directory (the guards decide what that means)", () => {
    expect(readDirectory("p.csv", "userName,displayName,externalId\n")).toEqual([]);
  });

  it("refuses a CSV without a userName column", () => {
    expect(() => readDirectory("p.csv", "name\nalice\n")).toThrow(/userName column/);
  });
});

describe("resource names", () => {
  it("are stable under reordering and unique per person", () => {
    const entries = readDirectory("p.csv", "userName,externalId\nalice,e 1\nbob,\ncarol,e/3\n");
    const names = entries.map((e) => resourceNameFor("scim-", e));
    expect(names).toEqual(["scim-e_1", "scim-user:bob", "scim-e_3"]);
    const reversed = [...entries].reverse().map((e) => resourceNameFor("scim-", e));
    expect(new Set(reversed)).toEqual(new Set(names));
  });
});

describe("ScimUser check", () => {
  const failures = (over: Record<string, unknown>) =>
    checkScimUserInputs({ userName: "alice", ...over }).failures;
  it("checks RAM user-name and display-name limits at the edge and one past", () => {
    expect(failures({ userName: "u".repeat(64) })).toEqual([]);
    expect(failures({ userName: "u".repeat(65) })[0]?.reason).toBe(
      "must be at most 64 characters for a RAM user name, but has 65",
    );
    expect(failures({ userName: "a b" })[0]?.property).toBe("userName");
    expect(failures({ displayName: "d".repeat(128) })).toEqual([]);
    expect(failures({ displayName: "d".repeat(129) })[0]?.property).toBe("displayName");
    expect(checkScimUserInputs({ userName: "alice" }).inputs).toMatchObject({
      displayName: "alice",
      externalId: "",
    });
  });
});
