import { afterEach, describe, expect, it, vi } from "vitest";
import { sleepAbout } from "../../emulator/util";

// Fake timers: what is asked of the timer, not how long the machine takes.
describe("option latencyMs's wait (sleepAbout)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("asks for one ms less every other call, so whole-ms timers average the latency", async () => {
    vi.useFakeTimers();
    const asked: number[] = [];
    const spy = vi.spyOn(globalThis, "setTimeout");
    const waits = Array.from({ length: 4 }, () => sleepAbout(20));
    for (const call of spy.mock.calls) asked.push(Number(call[1]));
    await vi.advanceTimersByTimeAsync(20);
    await Promise.all(waits);
    expect([...asked].sort()).toEqual([19, 19, 20, 20]);
  });

  it("leaves a latency that is not whole milliseconds above 1 as it is", async () => {
    vi.useFakeTimers();
    const spy = vi.spyOn(globalThis, "setTimeout");
    const waits = [sleepAbout(1), sleepAbout(1), sleepAbout(2.5), sleepAbout(2.5)];
    const asked = spy.mock.calls.map((c) => Number(c[1]));
    await vi.advanceTimersByTimeAsync(3);
    await Promise.all(waits);
    expect(asked).toEqual([1, 1, 2.5, 2.5]);
  });
});
