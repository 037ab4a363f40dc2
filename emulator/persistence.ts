import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
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
  const raw: unknown = JSON.parse(readFileSync(file, "utf8"));
  return persistedState.parse(raw);
}

/** Writes atomically: a temporary file next to the target, then a rename over it. */
export function saveState(file: string, state: PersistedState): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}
