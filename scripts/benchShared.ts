/** What the bench's sections print alike: the load average, seconds, and calls by kind. */
import * as os from "node:os";
import type { RequestLogEntry } from "../emulator";

/** The 1/5/15-minute load average, as the bench prints it beside each figure. */
export const load = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join("/");

export const seconds = (ms: number): string => (ms / 1000).toFixed(2);

/** Successful calls by action; refused (throttled, failed) attempts left out. */
export function successfulCallsByKind(log: readonly RequestLogEntry[]): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const r of log) if (r.status > 0 && r.status < 400) calls[r.action] = (calls[r.action] ?? 0) + 1;
  return calls;
}
