import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll } from "vitest";

const made: string[] = [];

// Registered while the importing test file is collected, so it runs once that file's tests are
// done (each file gets its own copy of this module).
afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A new directory in the OS's temporary directory, removed with everything in it once the test
 * file that asked for it is done: test runs leave no token, credentials or state file behind.
 */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
