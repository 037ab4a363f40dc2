import { describe, expect, it } from "vitest";
import { unlessGoneBoth } from "../../provider/lifecycle";

const gone = Object.assign(new Error("gone"), { code: "NotFound" });
const broken = new Error("broken");
const isGone = (e: unknown) => (e as { code?: string }).code === "NotFound";
const ok =
  <T>(v: T) =>
  async () =>
    v;
const fail = (e: Error) => async () => Promise.reject(e);

describe("unlessGoneBoth: two reads of one object at once", () => {
  it("answers both values when both reads succeed", async () => {
    expect(await unlessGoneBoth(isGone, ok(1), ok("a"))).toEqual([1, "a"]);
  });

  it("is gone when the first read says so, whatever the second answered", async () => {
    expect(await unlessGoneBoth(isGone, fail(gone), ok("a"))).toBeUndefined();
    expect(await unlessGoneBoth(isGone, fail(gone), fail(broken))).toBeUndefined();
  });

  it("is gone when the second read says so and the first found the object", async () => {
    expect(await unlessGoneBoth(isGone, ok(1), fail(gone))).toBeUndefined();
  });

  it("throws the first read's failure, then the second's, and waits for both before throwing", async () => {
    await expect(unlessGoneBoth(isGone, fail(broken), ok("a"))).rejects.toBe(broken);
    await expect(unlessGoneBoth(isGone, ok(1), fail(broken))).rejects.toBe(broken);
    let settled = false;
    const slow = async () => {
      await new Promise((r) => setTimeout(r, 20));
      settled = true;
      return "late";
    };
    await expect(unlessGoneBoth(isGone, fail(broken), slow)).rejects.toBe(broken);
    expect(settled).toBe(true);
  });
});
