import type { RequestLogEntry } from "./types";

const SECRET_PARAM = /secret|token|password|signature/i;

/**
 * Copies params, replacing with "***" the value of any parameter whose name looks secret, or is
 * one of `extraSecrets` (a path-routed service's own secrets, e.g. OAuth's `code`).
 */
export function maskParams(
  params: Readonly<Record<string, string>>,
  extraSecrets: readonly string[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    out[k] = SECRET_PARAM.test(k) || extraSecrets.includes(k) ? "***" : v;
  }
  return out;
}

/** Every API call (and console edit) the emulator answered, in arrival order. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;

  add(entry: Omit<RequestLogEntry, "seq">, extraSecrets: readonly string[] = []): RequestLogEntry {
    const full: RequestLogEntry = {
      seq: ++this.seq,
      ...entry,
      params: maskParams(entry.params, extraSecrets),
    };
    this.entries.push(full);
    return full;
  }

  list(filter: { service?: string; action?: string; includeConsole?: boolean } = {}): RequestLogEntry[] {
    return this.entries
      .filter((e) => filter.includeConsole === true || e.console !== true)
      .filter((e) => filter.service === undefined || e.service === filter.service)
      .filter((e) => filter.action === undefined || e.action === filter.action)
      .map((e) => ({ ...e, params: { ...e.params } }));
  }

  /** Forgets the entries; sequence numbers keep counting, so a later entry is never confused with a cleared one. */
  clear(): void {
    this.entries = [];
  }

  /** Forgets the entries and restarts sequence numbers at 1 (emulator reset). */
  reset(): void {
    this.entries = [];
    this.seq = 0;
  }
}
