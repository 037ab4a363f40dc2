/** What the bench's sections share: the load average, seconds, calls by kind, medians, and lists of ms. */
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

/** The median (of an even count, the mean of the middle two); 0 for none. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  if (s.length === 0) return 0;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** A comma-separated list of milliseconds from `variable` (or `fallback`), each checked. */
export function msList(variable: string, fallback: string): number[] {
  return (process.env[variable] ?? fallback).split(",").map((v) => {
    const ms = Number(v);
    if (v.trim() === "" || !Number.isFinite(ms) || ms < 0)
      throw new Error(`${variable}: '${v}' is not a number of ms (e.g. ${fallback})`);
    return ms;
  });
}
