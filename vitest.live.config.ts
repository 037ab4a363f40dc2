import { defineConfig } from "vitest/config";
import { liveSuitesToRun } from "./test/live/suites";

/**
 * Live mode (`npm run test:live`, started through scripts/live.cjs): the suites in test/live, and
 * the lifecycle and end-to-end files test/live/suites.ts lists, against the account the
 * credentials belong to, or against the emulator when ALICLOUD_FEDERATION_ENDPOINT points at one. The global setup refuses any account not named in
 * ALICLOUD_FEDERATION_LIVE_ACCOUNT and removes what the run made.
 * ALICLOUD_FEDERATION_LIVE_SUITES narrows the lifecycle and end-to-end files to those it names.
 */
export default defineConfig({
  test: {
    include: ["test/live/**/*.live.ts", ...liveSuitesToRun()],
    globalSetup: ["test/live/globalSetup.ts"],
    // A real account answers in hundreds of milliseconds per call, and runs one file at a time:
    // the files share the account.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
