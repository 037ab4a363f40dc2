/**
 * RAM's SCIM 2.0 service and the OAuth client-credentials token it needs.
 * https://www.alibabacloud.com/help/en/ram/user-guide/synchronize-accounts-from-an-enterprise-internal-system-to-ram-based-on-scim
 *
 * One token per provider process and client, shared by every concurrent call
 * (single flight), refreshed before it expires, and fetched again once when a
 * call meets an expired token: a thousand users cost one token request.
 */
import * as http from "node:http";
import * as https from "node:https";
import { AlicloudApiError, maskSecrets, registerSecret } from "../errors";
import { SCIM } from "../limits";
import { parseEndpoint, runtimeSettings } from "../settings";
import { type CallOptions, callApi } from "./call";

/** The SCIM and token endpoints of the China site (docs/alibaba-api.md §5.1). */
export const PUBLIC_SCIM = {
  scimBase: "https://scim.aliyun.com",
  tokenUrl: "https://oauth.aliyun.com/v1/token",
};

export interface ScimCredentials {
  /** The ServerApp's AppId (its OAuth client_id). */
  clientId: string;
  clientSecret: string;
}

/** A RAM user as SCIM shows it. */
export interface ScimUserRecord {
  id: string;
  userName: string;
  displayName: string;
  externalId: string;
  created: string;
  lastModified: string;
}

interface Endpoints {
  scimBase: string;
  tokenUrl: string;
}

function endpoints(): Endpoints {
  const { endpoint } = runtimeSettings();
  if (!endpoint) return PUBLIC_SCIM;
  const { protocol, host } = parseEndpoint(endpoint);
  // The emulator (or a gateway) serves SCIM at its root and the token at /v1/token.
  return { scimBase: `${protocol}://${host}`, tokenUrl: `${protocol}://${host}/v1/token` };
}

/** An HTTP failure, in the shape `callApi` understands (status, code, message). */
class HttpFailure extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    /** From Retry-After, in ms: `callApi` waits at least this long before retrying. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** Retry-After in seconds (RFC 9110); an HTTP date is not worth parsing here. */
function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const seconds = typeof header === "string" ? Number(header) : Number.NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** No answer within this long: the call fails as a network error (and is retried as one). */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * One connection pool per protocol, kept alive between calls: a directory sync makes thousands of
 * calls, and a new TCP (and TLS) connection each would cost more than the call. An idle connection
 * is closed after 4 s, or a second before the server's own `Keep-Alive: timeout` (Node's agent
 * reads it), so a request is not sent on a connection the server is closing.
 */
const agents = {
  "http:": new http.Agent({ keepAlive: true, timeout: 4000 }),
  "https:": new https.Agent({ keepAlive: true, timeout: 4000 }),
};

/** What `request` sends. */
interface RequestInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * One HTTP exchange with node:http(s), not `fetch`: at thousands of calls fetch's web streams,
 * abort signals and Request/Response objects cost several times the CPU of the call itself, and
 * that CPU is spent while the other calls in flight wait for their answers.
 */
function send(
  url: string,
  init: RequestInit,
): Promise<{ status: number; statusText: string; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const agent = target.protocol === "https:" ? agents["https:"] : agents["http:"];
    const req = (target.protocol === "https:" ? https : http).request(
      target,
      {
        method: init.method,
        agent,
        headers: {
          ...init.headers,
          // As fetch does: a POST or PUT always says its length, 0 when it has no body.
          ...(init.body !== undefined || init.method === "POST" || init.method === "PUT"
            ? { "content-length": Buffer.byteLength(init.body ?? "") }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? "",
            headers: res.headers,
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () =>
      req.destroy(
        Object.assign(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`), { code: "ETIMEDOUT" }),
      ),
    );
    req.on("error", reject);
    req.end(init.body);
  });
}

async function request(
  url: string,
  init: RequestInit,
): Promise<{ status: number; body: Record<string, unknown> }> {
  let res: Awaited<ReturnType<typeof send>>;
  try {
    res = await send(url, init);
  } catch (err) {
    // No answer: status 0, retried as a network error. Node names the socket error in `code`.
    const e = err as { code?: unknown };
    throw Object.assign(new Error((err as Error).message), {
      code: typeof e.code === "string" ? e.code : "ECONNRESET",
    });
  }
  const text = res.text;
  let body: Record<string, unknown> = {};
  if (text) {
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // Masked before it is cut: a cut through a secret would leave its first part.
      body = { detail: maskSecrets(text.slice(0, 2000)).slice(0, 200) };
    }
  }
  if (res.status >= 400) {
    // SCIM errors carry scimType/detail (RFC 7644); OAuth errors error/error_description.
    const code = String(
      body.scimType ?? body.error ?? body.Code ?? (res.status === 429 ? "Throttling" : `HTTP${res.status}`),
    );
    const message = String(body.detail ?? body.error_description ?? body.Message ?? res.statusText);
    const requestId = (body.request_id ?? body.requestId ?? body.RequestId) as string | undefined;
    throw new HttpFailure(
      res.status,
      code,
      maskSecrets(message),
      requestId,
      retryAfterMs(res.headers["retry-after"]),
    );
  }
  return { status: res.status, body };
}

type Token = { value: string; expiresAt: number };
const tokens = new Map<string, Promise<Token>>();
let tokenRequests = 0;

/** Token requests made by this process (the benchmark reports it). */
export function tokenRequestCount(): number {
  return tokenRequests;
}

/** Forgets cached tokens (tests; a changed secret). */
export function resetScimTokens(): void {
  tokens.clear();
}

// Refresh this long before expiry, so no call starts with a token about to lapse.
const REFRESH_MARGIN_MS = 60_000;

async function fetchToken(creds: ScimCredentials, ep: Endpoints): Promise<Token> {
  tokenRequests++;
  const url = new URL(ep.tokenUrl);
  url.searchParams.set("grant_type", "client_credentials");
  url.searchParams.set("client_id", creds.clientId);
  const basic = Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString("base64");
  const { body } = await callApi("Token", runtimeSettings(), () =>
    request(url.toString(), { method: "POST", headers: { authorization: `Basic ${basic}` } }),
  );
  const value = body.access_token;
  if (typeof value !== "string" || value === "")
    throw new Error("Token: the response carried no access_token");
  registerSecret(value);
  // The service sends expires_in as a string ("3599").
  const seconds = Number(body.expires_in);
  const lifetime = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 3_600_000;
  return { value, expiresAt: Date.now() + lifetime };
}

async function token(creds: ScimCredentials, ep: Endpoints): Promise<string> {
  registerSecret(creds.clientSecret);
  const key = `${ep.tokenUrl}|${creds.clientId}|${creds.clientSecret}`;
  let pending = tokens.get(key);
  if (pending) {
    const t = await pending.catch(() => undefined);
    if (t && t.expiresAt - REFRESH_MARGIN_MS > Date.now()) return t.value;
    if (tokens.get(key) === pending) tokens.delete(key);
    pending = tokens.get(key);
  }
  if (!pending) {
    pending = fetchToken(creds, ep);
    tokens.set(key, pending);
    pending.catch(() => tokens.delete(key));
  }
  return (await pending).value;
}

function invalidate(creds: ScimCredentials, ep: Endpoints): void {
  tokens.delete(`${ep.tokenUrl}|${creds.clientId}|${creds.clientSecret}`);
}

/** One SCIM call with the shared token, retried like every API call; an expired token is replaced once. */
async function scim(
  creds: ScimCredentials,
  action: string,
  method: string,
  path: string,
  body?: unknown,
  options: Partial<CallOptions> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const ep = endpoints();
  for (let attempt = 0; ; attempt++) {
    const bearer = await token(creds, ep);
    try {
      return await callApi(action, { ...runtimeSettings(), ...options }, () =>
        request(`${ep.scimBase}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${bearer}`,
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
    } catch (err) {
      if (attempt === 0 && AlicloudApiError.is(err) && err.status === 401) {
        invalidate(creds, ep); // expired mid-run: one fresh token, once
        continue;
      }
      throw err;
    }
  }
}

const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";

function toUser(raw: Record<string, unknown>): ScimUserRecord {
  const meta = (raw.meta ?? {}) as Record<string, unknown>;
  return {
    id: String(raw.id ?? ""),
    userName: String(raw.userName ?? ""),
    displayName: String(raw.displayName ?? ""),
    externalId: raw.externalId === undefined || raw.externalId === null ? "" : String(raw.externalId),
    created: String(meta.created ?? ""),
    lastModified: String(meta.lastModified ?? ""),
  };
}

export interface ScimUserInput {
  userName: string;
  displayName: string;
  externalId: string;
}

function userBody(u: ScimUserInput): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA],
    userName: u.userName,
    displayName: u.displayName,
    ...(u.externalId === "" ? {} : { externalId: u.externalId }),
  };
}

/** `options`: `{retryAmbiguous: false}` from `createOnce`, which looks before it retries a POST. */
export async function createScimUser(
  creds: ScimCredentials,
  u: ScimUserInput,
  options: Partial<CallOptions> = {},
): Promise<ScimUserRecord> {
  return toUser((await scim(creds, "ScimCreateUser", "POST", "/Users", userBody(u), options)).body);
}

export async function getScimUser(creds: ScimCredentials, id: string): Promise<ScimUserRecord> {
  return toUser((await scim(creds, "ScimGetUser", "GET", `/Users/${encodeURIComponent(id)}`)).body);
}

export async function replaceScimUser(
  creds: ScimCredentials,
  id: string,
  u: ScimUserInput,
): Promise<ScimUserRecord> {
  return toUser(
    (await scim(creds, "ScimReplaceUser", "PUT", `/Users/${encodeURIComponent(id)}`, userBody(u))).body,
  );
}

export async function deleteScimUser(creds: ScimCredentials, id: string): Promise<void> {
  await scim(creds, "ScimDeleteUser", "DELETE", `/Users/${encodeURIComponent(id)}`);
}

/** Finds users by `userName` or `externalId` (the only filters RAM supports, with `eq`). */
export async function findScimUsers(
  creds: ScimCredentials,
  attribute: "userName" | "externalId",
  value: string,
): Promise<ScimUserRecord[]> {
  const filter = `${attribute} eq "${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  const { body } = await scim(creds, "ScimListUsers", "GET", `/Users?filter=${encodeURIComponent(filter)}`);
  const list = Array.isArray(body.Resources) ? (body.Resources as Record<string, unknown>[]) : [];
  return list.map(toUser);
}

/** Pages fetched at once after the first (which tells how many there are), unless told otherwise. */
const LIST_PAGES_IN_FLIGHT = 8;

/**
 * Every user of the account, page by page (RFC 7644 §3.4.2.4, `startIndex` 1-based, `count`). We
 * ask for the largest page (`SCIM.listCount.max`) but follow what the service answers: the first
 * page gives `totalResults` and the page size the service really uses, and the other pages are
 * then fetched `inFlight` at a time. Paging is not a snapshot (RFC 7644): a user created or deleted
 * meanwhile can shift another across a page boundary, so duplicates are dropped by id, and a
 * caller that must know whether a user exists asks for it by id when it is not in the list.
 */
export async function listAllScimUsers(
  creds: ScimCredentials,
  pageSize: number = SCIM.listCount.max,
  inFlight: number = LIST_PAGES_IN_FLIGHT,
): Promise<ScimUserRecord[]> {
  const page = async (startIndex: number) => {
    const { body } = await scim(
      creds,
      "ScimListUsers",
      "GET",
      `/Users?startIndex=${startIndex}&count=${pageSize}`,
    );
    const resources = Array.isArray(body.Resources) ? (body.Resources as Record<string, unknown>[]) : [];
    return { users: resources.map(toUser), total: Number(body.totalResults) };
  };
  const first = await page(1);
  const pages = [first.users];
  const stride = first.users.length;
  if (stride > 0 && Number.isFinite(first.total) && first.total > stride) {
    const starts: number[] = [];
    for (let start = 1 + stride; start <= first.total; start += stride) starts.push(start);
    const rest: ScimUserRecord[][] = new Array(starts.length);
    let next = 0;
    const worker = async () => {
      while (next < starts.length) {
        const i = next++;
        rest[i] = (await page(starts[i]!)).users;
      }
    };
    await Promise.all(Array.from({ length: Math.min(Math.max(1, inFlight), starts.length) }, worker));
    pages.push(...rest);
  }
  const seen = new Set<string>();
  const users: ScimUserRecord[] = [];
  for (const u of pages.flat()) {
    if (seen.has(u.id)) continue;
    seen.add(u.id);
    users.push(u);
  }
  return users;
}

/** The field a SCIM 409 `uniqueness` answer names, or undefined when it names none we know. */
export type ConflictField = "userName" | "externalId";

/**
 * The field a 409 reports. RFC 7644 §3.12's `uniqueness` carries no attribute name, so it is read
 * from `detail`, and only when `detail` names exactly one of the two unique attributes: otherwise
 * undefined, and callers say what SCIM said instead of guessing.
 */
export function conflictField(err: unknown): ConflictField | undefined {
  if (!AlicloudApiError.is(err) || err.status !== 409 || err.code !== "uniqueness") return undefined;
  const names = (["userName", "externalId"] as const).filter((f) =>
    new RegExp(`\\b${f}\\b`, "i").test(err.detail),
  );
  return names.length === 1 ? names[0] : undefined;
}
