import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { z } from "zod";
import { stsCredentialSnapshot } from "./auth/credentials";

export const STATE_FORMAT = "alicloud-federation-emulator/1";

export const persistedState = z.object({
  format: z.literal(STATE_FORMAT),
  accountId: z.string(),
  services: z.record(z.string(), z.unknown()),
  stsCredentials: z.array(stsCredentialSnapshot),
});
export type PersistedState = z.infer<typeof persistedState>;

/** Reads a state file written by `saveState`, or undefined if there is none. Throws if it is malformed. */
export function loadState(file: string): PersistedState | undefined {
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    // JSON.parse's message quotes the text, and a mistyped path may name any file (a
    // credentials file, say): say what it is not, never what it holds.
    throw new Error(`state file ${file} is not JSON: give a file the emulator wrote, or a new path`);
  }
  const parsed = persistedState.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `state file ${file} is not an emulator state file (${STATE_FORMAT}): give a file the emulator wrote, or a new path`,
    );
  return parsed.data;
}

/**
 * Writes atomically: a new temporary file next to the target, then a rename over it. The
 * temporary name is random and the file is created with O_CREAT|O_EXCL|O_NOFOLLOW, so a file or
 * symlink planted at a guessable name makes the save fail instead of writing through it
 * (https://man7.org/linux/man-pages/man2/open.2.html); rename replaces a link, never follows it.
 */
export function saveState(file: string, state: PersistedState): void {
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(12).toString("hex")}.tmp`);
  const fd = openSync(
    tmp,
    constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | (constants.O_NOFOLLOW ?? 0),
    0o600,
  );
  try {
    try {
      writeFileSync(fd, `${JSON.stringify(state, null, 2)}\n`);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
