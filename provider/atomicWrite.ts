/**
 * Atomic file writes that a local attacker cannot redirect: the temporary file is created next
 * to its target under a random name with O_CREAT|O_EXCL|O_NOFOLLOW, so a file or symlink planted
 * at a guessable name (the old `<target>.<pid>.tmp`) makes the write fail instead of writing
 * through it; then a rename over the target (which replaces a link, never follows it). A reader
 * sees the old file or the new one, never half of one.
 * https://man7.org/linux/man-pages/man2/open.2.html (O_EXCL, O_NOFOLLOW), rename(2).
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Writes `text` to `target` atomically; the directory must exist. */
export async function writeFileAtomic(target: string, text: string, mode: number): Promise<void> {
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(12).toString("hex")}.tmp`);
  const handle = await open(
    tmp,
    constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | (constants.O_NOFOLLOW ?? 0),
    mode,
  );
  try {
    try {
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
