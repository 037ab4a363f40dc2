import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The end-to-end suites drive the real Pulumi engine; each `up` takes seconds,
    // and several times that on a loaded 2-core CI machine. A time-out is not an
    // assertion here: what a test checks is state and calls, never speed.
    testTimeout: 180_000,
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
