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
      "line 2 and line 4 are the same person ('e1')",
      "line 5 and line 6 are the same person ('user:alice')",
    ]);
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
      "is 65 characters long, but a RAM user name allows at most 64",
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
