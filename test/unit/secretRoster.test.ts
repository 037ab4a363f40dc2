/**
 * A ScimDirectory's people given as a Pulumi secret are checked in the program when they resolve:
 * a problem is reported by position and kind, never with the names it would quote.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { checkedSecretly } from "../../provider/resources/scimDirectory";

async function problemOf(
  people: pulumi.Output<{ userName: string; externalId?: string }[]>,
): Promise<string> {
  // A failing Output rejects three promises: its value's, whether it is known, whether it is
  // secret. All three are settled here, or the two not awaited reject unhandled after the test
  // and vitest fails the run.
  const out = checkedSecretly(people) as unknown as {
    promise(): Promise<unknown>;
    isKnown: Promise<boolean>;
    isSecret: Promise<boolean>;
  };
  await Promise.allSettled([out.isKnown, out.isSecret]);
  try {
    await out.promise();
    return "";
  } catch (err) {
    return (err as Error).message;
  }
}

describe("secret people", () => {
  const bad = [
    { userName: "j.smith-confidential", externalId: "EMP-777" },
    { userName: "bad name!", externalId: "EMP-778" },
    { userName: "other", externalId: "EMP-777" },
    { userName: "o'brien-hr", externalId: "emp'7" },
  ];

  it("a problem in a secret roster names the position and the problem, not the values", async () => {
    const message = await problemOf(pulumi.secret(bad));
    expect(message).toMatch(/people\[1\]: userName '\*\*\*' is not allowed/);
    expect(message).toMatch(/people\[2\]: externalId '\*\*\*' is already used on people\[0\]/);
    expect(message).toMatch(/people\[3\]: userName '\*\*\*' is not allowed/);
    expect(message).not.toMatch(/bad name|EMP-777|confidential|brien|emp'7/);
  });

  it("what is derived from a secret value (a key, a resource name) is not shown either", async () => {
    const message = await problemOf(
      pulumi.secret([
        { userName: "jane", externalId: "jane doe" },
        { userName: "jdoe", externalId: "jane+doe" },
      ]),
    );
    expect(message).toMatch(/people\[1\]: key '\*\*\*' gives the same resource name '\*\*\*'/);
    expect(message).not.toMatch(/jane/);
  });

  it("a plain roster's problems quote the values, as they always did", async () => {
    const message = await problemOf(pulumi.output(bad));
    expect(message).toMatch(/userName 'bad name!' is not allowed/);
  });

  it("a valid secret roster passes", async () => {
    expect(await problemOf(pulumi.secret([{ userName: "alice", externalId: "e-1" }]))).toBe("");
  });
});
