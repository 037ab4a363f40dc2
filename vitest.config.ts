import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The end-to-end suites drive the real Pulumi engine; each `up` takes seconds,
    // and several times that on a loaded 2-core CI machine. A time-out is not an
    // assertion here: what a test checks is state and calls, never speed.
    testTimeout: 180_000,
    // Vitest's default is one worker per core less one: a single worker on CI's 2 cores. Most of
    // an end-to-end file's time is spent waiting on the engine's own processes, so two files at
    // once keep both cores busy.
    maxWorkers: 2,
    minWorkers: 1,
    hookTimeout: 120_000,
    // Stray console output from library code is a bug (secrets could leak that way).
    onConsoleLog(_log, type) {
      if (process.env.ALLOW_CONSOLE === "1") return;
      throw new Error(`unexpected console.${type} output in a test`);
    },
    coverage: {
      provider: "v8",
      include: ["provider/**", "emulator/**"],
    },
  },
});
