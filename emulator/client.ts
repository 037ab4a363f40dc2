/** `connectEmulator`: the `Emulator` interface over the HTTP control routes, for another process. */
import type { ApiResult } from "./server";
import {
  ConsoleCallError,
  type Emulator,
  type FaultSpec,
  type RequestLogEntry,
  type StsCredentials,
} from "./types";

interface Info {
  url: string;
  endpoint: string;
  accessKeyId: string;
  accountId: string;
  accounts?: Array<{ accountId: string; accessKeyId: string }>;
  eiamInstanceId: string;
}

/** Turns a console call's result into the API body, or throws like the SDK would. */
export function consoleResult(result: ApiResult): unknown {
  if (result.status < 400) return result.body;
  const code = typeof result.body.Code === "string" ? result.body.Code : "Unknown";
  const message = typeof result.body.Message === "string" ? result.body.Message : "";
  throw new ConsoleCallError(result.status, code, message, result.body);
}

/**
 * Connects to a running emulator (e.g. the CLI). The control routes never reveal the secret, so
 * `accessKeySecret` is whatever the caller passes (default ""). `controlToken`: the emulator's,
 * when it has one. `close()` only forgets the connection; it does not stop the remote emulator.
 */
export async function connectEmulator(
  url: string,
  opts: { accessKeySecret?: string; controlToken?: string } = {},
): Promise<Emulator> {
  const base = url.replace(/\/+$/, "");
  const auth: Record<string, string> =
    opts.controlToken === undefined ? {} : { authorization: `Bearer ${opts.controlToken}` };
  const call = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    // Every write says application/json, even without a body: the emulator refuses other writes
    // to its control routes as cross-site.
    const write = method !== "GET";
    const res = await fetch(`${base}/__emulator/${route}`, {
      method,
      headers: write ? { ...auth, "content-type": "application/json" } : auth,
      body: write ? JSON.stringify(body ?? {}) : undefined,
    });
    const text = await res.text();
    const value: unknown = text === "" ? undefined : JSON.parse(text);
    if (!res.ok) {
      const msg = (value as { error?: string } | undefined)?.error ?? `HTTP ${res.status}`;
      throw new Error(`emulator control ${method} ${route}: ${msg}`);
    }
    return value as T;
  };
  const info = await call<Info>("GET", "info");
  return {
    url: info.url,
    endpoint: info.endpoint,
    accessKeyId: info.accessKeyId,
    accessKeySecret: opts.accessKeySecret ?? "",
    accountId: info.accountId,
    accounts: (info.accounts ?? []).map((a) => ({ ...a, accessKeySecret: "" })),
    eiamInstanceId: info.eiamInstanceId,
    close: async () => {},
    reset: async () => {
      await call("POST", "reset");
    },
    requests: (filter = {}) => {
      const q = new URLSearchParams();
      if (filter.service !== undefined) q.set("service", filter.service);
      if (filter.action !== undefined) q.set("action", filter.action);
      if (filter.includeConsole) q.set("includeConsole", "true");
      const qs = q.toString();
      return call<RequestLogEntry[]>("GET", qs === "" ? "requests" : `requests?${qs}`);
    },
    clearRequests: async () => {
      await call("DELETE", "requests");
    },
    injectFault: async (spec: FaultSpec) => {
      await call("POST", "faults", spec);
    },
    clearFaults: async () => {
      await call("DELETE", "faults");
    },
    console: async (service, action, params) =>
      consoleResult(await call<ApiResult>("POST", "console", { service, action, params })),
    state: () => call<unknown>("GET", "state"),
    issueStsCredentials: (o = {}) => call<StsCredentials>("POST", "sts-credentials", o),
  };
}
