/**
 * The emulator core: one HTTP server that routes RPC calls by (version, action) to the
 * registered services, authenticates them, applies injected faults, logs every call, and
 * persists state after mutations. Control routes live under `/__emulator/` (see control.ts).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { hostname, networkInterfaces } from "node:os";
import { performance } from "node:perf_hooks";
import { type Credential, CredentialStore, type StsCredentials } from "./auth/credentials";
import { parseQueryPairs, type SignedRequest, verifyRequest } from "./auth/signature";
import { handleControl } from "./control";
import {
  AlibabaError,
  errorBody,
  internalError,
  invalidActionNotFound,
  invalidVersion,
  missingAction,
  missingVersion,
  serviceUnavailable,
  throttlingUser,
} from "./errors";
import { FaultRegistry } from "./faults";
import { createTestCertificates } from "./idp/certs";
import { DEFAULT_OIDC_LIMITS } from "./limits";
import { loadState, type PersistedState, STATE_FORMAT, saveState } from "./persistence";
import { RequestLog } from "./requestLog";
import {
  type ActionSpec,
  matchRoute,
  type PathServiceDefinition,
  RouteMethodNotAllowed,
  type RouteResult,
  type RouteSpec,
  type ServiceDefinition,
} from "./service";
import { createEiamService } from "./services/eiam";
import type { EiamState } from "./services/eiam/state";
import { createImsService } from "./services/ims";
import { createOAuthService } from "./services/oauth";
import { createRamService, DEFAULT_RAM_LIMITS, type RamState } from "./services/ram";
import { authorizeCaller, requestResource } from "./services/ram/permissions";
import { createScimService } from "./services/scim";
import { createStsService } from "./services/sts";
import type { EmulatorOptions, FaultSpec } from "./types";
import { newRequestId, randomAlphanumeric, sleep, sleepAbout } from "./util";

/** How long an idle client connection stays open (see where it is set). */
const KEEP_ALIVE_MS = 5000;
export const CONTROL_PREFIX = "/__emulator/";
/**
 * The emulated account's id unless option `accountId` says otherwise: fixed, so that state written
 * against the emulator names an account that is recognisably not a real one (README "Accounts").
 */
export const DEFAULT_ACCOUNT_ID = "1234567890123456";
export const DEFAULT_ACCESS_KEY_ID = "LTAI5tEmulatorAccessKey";
/** Guess: HostId used when no service matched the request's version. */
const FALLBACK_HOST_ID = "openapi.aliyuncs.com";
const MAX_BODY_BYTES = 1024 * 1024;
/**
 * The SDKs put every RPC parameter in the query string: a 6144-character policy document,
 * percent-encoded, is up to ~18 KB of URL, past Node's default 16 KB header limit.
 */
const MAX_HEADER_BYTES = 64 * 1024;

export interface ApiResult {
  status: number;
  body: Record<string, unknown>;
}

export class EmulatorCore {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly accountId: string;
  readonly credentials: CredentialStore;
  readonly log: RequestLog;
  readonly faults: FaultRegistry;
  /** The other accounts of option `accounts`: same listener, their own state. */
  readonly others: EmulatorCore[] = [];
  readonly now: () => number;
  /** Signs tokens for the `oidc-token` control route, when a stand-in issuer is wired in. */
  readonly oidcTokenMinter: ((claims: Record<string, unknown>) => string) | undefined;
  /** The clock the signature date check reads (default: `now`). */
  private readonly signatureNow: () => number;
  url = "";
  endpoint = "";
  /** Set when the HTTPS listener runs (option `https`). */
  httpsUrl: string | undefined;
  httpsEndpoint: string | undefined;
  /** The PEM root to trust for the HTTPS listener, when the emulator generated its certificate. */
  httpsCaPem: string | undefined;
  private readonly ram: RamState;
  private readonly eiam: EiamState;
  private readonly httpsOption: EmulatorOptions["https"];
  private readonly httpsPortOption: number | undefined;
  private httpsServer: Server | undefined;
  private readonly services = new Map<string, ServiceDefinition>();
  private readonly byVersion = new Map<string, ServiceDefinition>();
  /** Path-routed services (OAuth), in registration order. */
  private readonly pathServices = new Map<string, PathServiceDefinition>();
  private readonly stateFile: string | undefined;
  /** Option `latencyMs`: the delay of every API call. */
  private readonly latencyMs: number;
  private server: Server | undefined;
  private readonly controlTokenDigest: Buffer | undefined;
  private readonly extraHosts: string[];
  /** Host names (lower case) the Host header may name; set by `listen`. */
  private readonly acceptedHosts = new Set<string>();
  /** Set for a core serving one of the other accounts: its calls are logged with its account id. */
  private readonly secondary: boolean;

  /**
   * `shared` is for the cores of other accounts (option `accounts`): they log into, and take
   * faults from, the main core's log and registry.
   */
  constructor(options: EmulatorOptions = {}, shared?: { log: RequestLog; faults: FaultRegistry }) {
    this.secondary = shared !== undefined;
    this.log = shared?.log ?? new RequestLog();
    const token = options.controlToken;
    if (token !== undefined && token.length < 16) {
      throw new Error(`controlToken must be at least 16 characters, got ${token.length}`);
    }
    this.controlTokenDigest = token === undefined ? undefined : sha256(token);
    this.extraHosts = (options.allowedHosts ?? []).map((h) => h.toLowerCase());
    this.now = options.clock ?? Date.now;
    this.signatureNow = options.signatureClock ?? this.now;
    this.oidcTokenMinter = options.oidcTokenMinter;
    this.latencyMs = options.latencyMs ?? 0;
    if (!Number.isFinite(this.latencyMs) || this.latencyMs < 0) {
      throw new Error(`latencyMs must be a non-negative number, got ${String(options.latencyMs)}`);
    }
    this.stateFile = options.stateFile;
    const persisted = this.stateFile === undefined ? undefined : loadState(this.stateFile);
    if (persisted && options.accountId !== undefined && persisted.accountId !== options.accountId) {
      throw new Error(
        `state file ${this.stateFile} belongs to account ${persisted.accountId}, not ${options.accountId}`,
      );
    }
    this.accountId = options.accountId ?? persisted?.accountId ?? DEFAULT_ACCOUNT_ID;
    if (!/^\d{16}$/.test(this.accountId))
      throw new Error(`accountId must be 16 digits, got ${this.accountId}`);
    this.accessKeyId = options.accessKeyId ?? DEFAULT_ACCESS_KEY_ID;
    this.accessKeySecret = options.accessKeySecret ?? randomAlphanumeric(30);
    const root: Credential = {
      accessKeyId: this.accessKeyId,
      accessKeySecret: this.accessKeySecret,
      kind: "access-key",
      principal: `acs:ram::${this.accountId}:root`,
    };
    this.credentials = new CredentialStore(root, this.now);
    this.faults = shared?.faults ?? new FaultRegistry(options.seed ?? 1);

    const ram = createRamService({
      accountId: this.accountId,
      limits: { ...DEFAULT_RAM_LIMITS, ...options.limits?.ram },
      reshapeTrustPolicies: options.reshapeTrustPolicies ?? true,
      now: this.now,
    });
    const site = options.site ?? "cn";
    if (site !== "cn" && site !== "intl") throw new Error(`site must be "cn" or "intl", got ${String(site)}`);
    const ims = createImsService({
      accountId: this.accountId,
      limits: { ...DEFAULT_OIDC_LIMITS, ...options.limits?.oidc },
      fingerprintCase: options.fingerprintCase ?? "preserve",
      now: this.now,
      site,
      ram: ram.state,
    });
    this.ram = ram.state;
    this.register(ims);
    this.register(ram);
    this.register(
      createStsService({
        accountId: this.accountId,
        ims: ims.state,
        ram: ram.state,
        credentials: this.credentials,
        now: this.now,
        trustedCertificates: options.trustedCertificates ?? [],
        issuerStandIns: options.issuerStandIns ?? {},
        outboundTimeoutMs: options.outboundTimeoutMs ?? 5000,
      }),
    );
    const oauth = createOAuthService({
      accountId: this.accountId,
      applications: ims.applications,
      oauthApps: ims.oauthApps,
      ram: ram.state,
      credentials: this.credentials,
      now: this.now,
    });
    this.registerPaths(oauth);
    const clientCredentials = oauth.clientCredentials;
    this.registerPaths(
      createScimService({
        ram: ram.state,
        verifyToken: (token) => clientCredentials?.verify(token) ?? { ok: false, reason: "invalid" },
        baseUrl: () => this.url,
      }),
    );
    const eiam = createEiamService({
      instanceId: options.eiam?.instanceId,
      now: this.now,
      // The DefaultDomain, computed when answered: the HTTPS listener's when it runs (the Python
      // SDK forces https), else the HTTP one's.
      domain: () => this.httpsEndpoint ?? this.endpoint,
      httpsEndpoint: () => this.httpsEndpoint,
      trustedCertificates: options.trustedCertificates ?? [],
      outboundTimeoutMs: options.outboundTimeoutMs ?? 5000,
    });
    this.eiam = eiam.state;
    this.register(eiam);
    this.registerPaths(eiam.oauth);
    this.httpsOption = options.https;
    this.httpsPortOption = options.httpsPort;

    if (persisted) this.restore(persisted);

    const seenIds = new Set([this.accountId]);
    const seenKeys = new Set([this.accessKeyId]);
    for (const other of options.accounts ?? []) {
      if (seenIds.has(other.accountId))
        throw new Error(`accounts: account ${other.accountId} is listed twice`);
      if (seenKeys.has(other.accessKeyId)) {
        throw new Error(`accounts: access key ${other.accessKeyId} belongs to another account already`);
      }
      seenIds.add(other.accountId);
      seenKeys.add(other.accessKeyId);
      this.others.push(
        new EmulatorCore(
          {
            accountId: other.accountId,
            accessKeyId: other.accessKeyId,
            accessKeySecret: other.accessKeySecret,
            clock: options.clock,
            limits: options.limits,
            reshapeTrustPolicies: options.reshapeTrustPolicies,
            trustedCertificates: options.trustedCertificates,
            issuerStandIns: options.issuerStandIns,
            outboundTimeoutMs: options.outboundTimeoutMs,
            fingerprintCase: options.fingerprintCase,
            site: options.site,
            latencyMs: options.latencyMs,
            eiam: options.eiam,
          },
          { log: this.log, faults: this.faults },
        ),
      );
    }
  }

  /** The core whose account owns `accessKeyId` (its long-term key or STS credentials it minted). */
  private accountOf(accessKeyId: string | undefined): EmulatorCore {
    if (accessKeyId === undefined || this.credentials.find(accessKeyId)) return this;
    return this.others.find((o) => o.credentials.find(accessKeyId) !== undefined) ?? this;
  }

  /** The one IDaaS EIAM instance (option `eiam.instanceId`, or a state file's). */
  get eiamInstanceId(): string {
    return this.eiam.instanceId;
  }

  /** Adds a service; its version must not collide with one already registered. */
  register(service: ServiceDefinition): void {
    if (this.byVersion.has(service.version)) throw new Error(`version ${service.version} is already routed`);
    if (this.services.has(service.name)) throw new Error(`service ${service.name} is already registered`);
    this.services.set(service.name, service);
    this.byVersion.set(service.version, service);
  }

  /**
   * Adds a path-routed service (OAuth; SCIM later). Its name shares the namespace of the RPC
   * services (state file, log, faults); a method and path may be routed to one service only.
   */
  registerPaths(service: PathServiceDefinition): void {
    if (this.services.has(service.name) || this.pathServices.has(service.name)) {
      throw new Error(`service ${service.name} is already registered`);
    }
    for (const route of service.routes) {
      if (route.path === "/" || route.path.startsWith(CONTROL_PREFIX)) {
        throw new Error(`path ${route.path} is reserved`);
      }
      for (const other of this.pathServices.values()) {
        if (other.routes.some((r) => r.method === route.method && r.path === route.path)) {
          throw new Error(`${route.method} ${route.path} is already routed to ${other.name}`);
        }
      }
    }
    this.pathServices.set(service.name, service);
  }

  async listen(port: number, host: string): Promise<void> {
    if (!isLoopback(host) && this.controlTokenDigest === undefined) {
      throw new Error(
        `host ${host} is not a loopback address: the emulator's control routes (its state, with ` +
          "plaintext secrets, and minting credentials) would be open to the network. Set a control " +
          "token (option controlToken, CLI --control-token) to bind it there, or use 127.0.0.1.",
      );
    }
    const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
      this.handle(req, res).catch(() => {
        // The handlers answer every error themselves; this only guards against a write after
        // the socket closed.
        if (!res.headersSent) res.destroy();
      });
    });
    // Node's default keep-alive (close() ends every connection, dropped ones included). Not less:
    // fetch (undici) subtracts 1 s from the server's hint, so a 1 s hint means a new connection
    // for every call, which made the emulator, not the API, the bound of a 1,000-person sync.
    server.keepAliveTimeout = KEEP_ALIVE_MS;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.server = server;
    const addr = server.address() as AddressInfo;
    const shownHost = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
    this.endpoint = `${shownHost}:${addr.port}`;
    this.url = `http://${this.endpoint}`;
    this.acceptHosts(host);
    if (this.httpsOption) await this.listenHttps(host);
    for (const other of this.others) {
      other.url = this.url;
      other.endpoint = this.endpoint;
      other.httpsUrl = this.httpsUrl;
      other.httpsEndpoint = this.httpsEndpoint;
    }
  }

  /** The names a Host header may carry: loopback, the bound address, and on a wildcard address this machine's. */
  private acceptHosts(host: string): void {
    // An allowedHosts entry may carry a port ("name:8080"); the name is what counts.
    const add = (h: string) =>
      this.acceptedHosts.add(
        h
          .toLowerCase()
          .replace(/^([^:[\]]+):\d+$/, "$1")
          .replace(/^\[(.*)\](?::\d+)?$/, "$1"),
      );
    for (const h of ["localhost", "127.0.0.1", "::1", host, ...this.extraHosts]) add(h);
    if (host === "0.0.0.0" || host === "::") {
      add(hostname());
      for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) add(i.address);
    }
  }

  /**
   * Whether the Host header names this emulator: an accepted name, with any port or none. The name
   * is what stops a web page that rebinds its own domain to 127.0.0.1 from driving the emulator;
   * the port is not checked because official clients leave it out (the Python credentials
   * library's OAuth provider sends the sign-in URL's host name alone) and a port forward changes it.
   */
  private hostAccepted(req: IncomingMessage): boolean {
    const raw = req.headers.host;
    if (raw === undefined || raw === "") return false;
    const lower = raw.toLowerCase();
    if (this.extraHosts.includes(lower)) return true;
    const m = /^(\[[^\]]+\]|[^:]+)(?::\d*)?$/.exec(lower);
    if (!m) return false;
    const name = (m[1] ?? "").replace(/^\[(.*)\]$/, "$1");
    return this.acceptedHosts.has(name) || /^127\.\d+\.\d+\.\d+$/.test(name);
  }

  /** Whether a control request carries the control token (always true when none is set). */
  private controlAuthorized(req: IncomingMessage): boolean {
    if (this.controlTokenDigest === undefined) return true;
    const auth = req.headers.authorization ?? "";
    const m = /^Bearer (.+)$/.exec(auth);
    return m !== null && timingSafeEqual(sha256(m[1] ?? ""), this.controlTokenDigest);
  }

  /**
   * A second listener over HTTPS, same routes and state: for clients that force https, such as
   * @alicloud/credentials' OIDC provider (it always calls `https://<stsEndpoint>`). With
   * `https: true` the emulator makes its own test CA (`httpsCaPem`); clients must trust it
   * (NODE_EXTRA_CA_CERTS for the credentials client).
   */
  private async listenHttps(host: string): Promise<void> {
    const option = this.httpsOption;
    if (!option) return;
    let key: string;
    let cert: string;
    if (option === true) {
      const certs = createTestCertificates({
        label: "alicloud-federation emulator",
        // allowedHosts names too, so a client that only calls a production name (the Python
        // credentials library's CLI OAuth profile calls https://oauth.aliyun.com) can be pointed here.
        hosts: [host, "localhost", ...this.extraHosts.map((h) => h.replace(/:\d+$/, ""))],
      });
      key = certs.leafKeyPem;
      cert = certs.leafPem + certs.intermediateCaPem;
      this.httpsCaPem = certs.rootCaPem;
    } else {
      key = option.key;
      cert = option.cert;
    }
    const server = createHttpsServer({ key, cert, maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) res.destroy();
      });
    });
    server.keepAliveTimeout = KEEP_ALIVE_MS;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.httpsPortOption ?? 0, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.httpsServer = server;
    const addr = server.address() as AddressInfo;
    const shownHost = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
    this.httpsEndpoint = `${shownHost}:${addr.port}`;
    this.httpsUrl = `https://${this.httpsEndpoint}`;
  }

  async close(): Promise<void> {
    const servers = [this.server, this.httpsServer].filter((s): s is Server => s !== undefined);
    this.server = undefined;
    this.httpsServer = undefined;
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve, reject) => {
            server.close((err) => (err ? reject(err) : resolve()));
            server.closeAllConnections();
          }),
      ),
    );
  }

  // ---- State ---------------------------------------------------------------------------------

  snapshot(): PersistedState {
    const services: Record<string, unknown> = {};
    for (const [name, s] of this.services) services[name] = s.snapshot();
    for (const [name, s] of this.pathServices) services[name] = s.snapshot();
    return {
      format: STATE_FORMAT,
      accountId: this.accountId,
      services,
      stsCredentials: this.credentials.snapshot(),
    };
  }

  private restore(state: PersistedState): void {
    for (const [name, s] of this.services) {
      if (state.services[name] !== undefined) s.restore(state.services[name]);
    }
    for (const [name, s] of this.pathServices) {
      if (state.services[name] !== undefined) s.restore(state.services[name]);
    }
    this.credentials.restore(state.stsCredentials);
  }

  reset(): void {
    for (const other of this.others) other.reset();
    for (const s of this.services.values()) s.reset();
    for (const s of this.pathServices.values()) s.reset();
    this.credentials.reset();
    this.log.reset();
    this.faults.reset();
    this.persist();
  }

  issueStsCredentials(opts?: { durationSeconds?: number; principal?: string }): StsCredentials {
    const creds = this.credentials.issueSts(opts);
    this.persist();
    return creds;
  }

  private persist(): void {
    if (this.stateFile !== undefined) saveState(this.stateFile, this.snapshot());
  }

  // ---- Console -------------------------------------------------------------------------------

  /** Runs an action out of band (no auth, no faults), logged with `console: true`. */
  async runConsole(serviceName: string, action: string, params: Record<string, string>): Promise<ApiResult> {
    const started = performance.now();
    const time = new Date(this.now()).toISOString();
    const requestId = newRequestId();
    const service = this.services.get(serviceName);
    let result: ApiResult;
    let error: string | undefined;
    try {
      const spec = service ? lookupAction(service, action) : undefined;
      if (!service || !spec) throw invalidActionNotFound();
      result = await this.runAction(spec, params, undefined, requestId);
    } catch (e) {
      ({ result, error } = this.errorResult(e, service, requestId));
    }
    this.log.add({
      time,
      service: service?.name ?? serviceName,
      version: service?.version ?? "",
      action,
      status: result.status,
      ...codeOf(result),
      params,
      console: true,
      ...(error === undefined ? {} : { error }),
      durationMs: performance.now() - started,
    });
    return result;
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q === -1 ? "" : rawUrl.slice(q + 1);
    if (!this.hostAccepted(req)) {
      const payload = JSON.stringify({
        error: `Host ${JSON.stringify(req.headers.host ?? "")} is not this emulator's; use ${this.endpoint} or localhost (option allowedHosts adds names)`,
      });
      res
        .writeHead(421, { "content-type": "application/json;charset=utf-8", connection: "close" })
        .end(payload);
      return;
    }
    const body = await readBody(req);
    if (body === undefined) {
      res.writeHead(413).end();
      return;
    }
    if (rawPath.startsWith(CONTROL_PREFIX)) {
      // Before the token: a web page the developer visits must not drive the emulator, token or not.
      const crossSite = crossSiteReason(req, body);
      if (crossSite !== undefined) {
        const payload = JSON.stringify({
          error: `control routes refuse cross-site requests: ${crossSite}. Call them from a program (connectEmulator), with content-type application/json and no Origin header`,
        });
        res.writeHead(403, { "content-type": "application/json;charset=utf-8" }).end(payload);
        return;
      }
      if (!this.controlAuthorized(req)) {
        const payload = JSON.stringify({
          error: "this emulator requires its control token (Authorization: Bearer <token>)",
        });
        res
          .writeHead(401, { "content-type": "application/json;charset=utf-8", "www-authenticate": "Bearer" })
          .end(payload);
        return;
      }
      await handleControl(
        this,
        req.method ?? "GET",
        rawPath.slice(CONTROL_PREFIX.length),
        rawQuery,
        body,
        res,
      );
      return;
    }
    if (this.latencyMs > 0) await sleepAbout(this.latencyMs);
    for (const service of this.pathServices.values()) {
      const match = matchRoute(service.routes, (req.method ?? "GET").toUpperCase(), rawPath);
      if (match.allowed.length > 0) {
        await this.handlePath(req, res, service, match, rawPath, rawQuery, body);
        return;
      }
    }
    await this.handleApi(req, res, rawPath, rawQuery, body);
  }

  /** A path-routed call: faults, the route, persistence, the log; the service shapes every answer. */
  private async handlePath(
    req: IncomingMessage,
    res: ServerResponse,
    service: PathServiceDefinition,
    match: { route?: RouteSpec; allowed: string[] },
    rawPath: string,
    rawQuery: string,
    body: Buffer,
  ): Promise<void> {
    const started = performance.now();
    const time = new Date(this.now()).toISOString();
    const requestId = newRequestId();
    const headers = headerMap(req.rawHeaders);
    const method = (req.method ?? "GET").toUpperCase();
    const params = requestParams(headers, rawQuery, body);
    const route = match.route;
    const action = route?.action ?? "";
    let fault: FaultSpec | undefined;
    let error: string | undefined;
    const log = (status: number, code?: string): void => {
      this.log.add(
        {
          time,
          service: service.name,
          version: "",
          action,
          method,
          path: rawPath,
          status,
          ...(code === undefined ? {} : { code }),
          params,
          ...(fault === undefined ? {} : { fault: fault.kind }),
          ...(error === undefined ? {} : { error }),
          durationMs: performance.now() - started,
        },
        route?.secretParams ?? [],
      );
    };

    let result: RouteResult;
    try {
      if (!route) throw new RouteMethodNotAllowed(method, match.allowed);
      fault = this.faults.take(service.name, route.action);
      if (fault?.kind === "drop") {
        log(0);
        req.socket.destroy();
        return;
      }
      if (fault) await applyFault(fault);
      try {
        result = await route.handle({ method, path: rawPath, params, headers, body, requestId });
      } finally {
        // A failed call may change state too (a reused OAuth code revokes tokens).
        if (route.mutates) this.persist();
      }
    } catch (e) {
      const answer = service.errorResult(e, requestId);
      result = answer.result;
      error = answer.bug;
    }
    // OAuth bodies name the error in `error`, SCIM (RFC 7644) ones in `scimType`, when they have one.
    const errorCode = result.status >= 400 ? (result.body?.error ?? result.body?.scimType) : undefined;
    log(result.status, typeof errorCode === "string" ? errorCode : undefined);
    if (fault?.kind === "lost") {
      // Done and persisted; the answer never reaches the caller.
      req.socket.destroy();
      return;
    }
    const payload = result.body === undefined ? "" : JSON.stringify(result.body);
    res.writeHead(result.status, {
      ...(result.body === undefined ? {} : { "content-type": "application/json;charset=utf-8" }),
      "content-length": Buffer.byteLength(payload),
      "x-acs-request-id": requestId,
      ...result.headers,
    });
    res.end(payload);
  }

  private async handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    rawPath: string,
    rawQuery: string,
    body: Buffer,
  ): Promise<void> {
    const started = performance.now();
    const time = new Date(this.now()).toISOString();
    const requestId = newRequestId();
    const headers = headerMap(req.rawHeaders);
    const method = (req.method ?? "GET").toUpperCase();

    const params = requestParams(headers, rawQuery, body);
    const owner = this.accountOf(signingKeyId(headers, params));
    if (owner !== this) return owner.handleApi(req, res, rawPath, rawQuery, body);
    const action = headers.get("x-acs-action")?.[0] ?? params.Action ?? "";
    const version = headers.get("x-acs-version")?.[0] ?? params.Version ?? "";

    let service: ServiceDefinition | undefined;
    let fault: FaultSpec | undefined;
    let result: ApiResult;
    let error: string | undefined;
    const log = (status: number, code?: string): void => {
      this.log.add({
        time,
        service: service?.name ?? "",
        version,
        action,
        status,
        ...(code === undefined ? {} : { code }),
        ...(this.secondary ? { accountId: this.accountId } : {}),
        params,
        ...(fault === undefined ? {} : { fault: fault.kind }),
        ...(error === undefined ? {} : { error }),
        durationMs: performance.now() - started,
      });
    };

    try {
      if ((method !== "GET" && method !== "POST") || rawPath !== "/") throw invalidActionNotFound();
      if (version === "") throw missingVersion();
      if (action === "") throw missingAction();
      service = this.byVersion.get(version);
      if (!service) throw invalidVersion(version);
      const spec = lookupAction(service, action);
      if (!spec) throw invalidActionNotFound();

      fault = this.faults.take(service.name, action);
      if (fault?.kind === "drop") {
        log(0);
        req.socket.destroy();
        return;
      }
      if (fault) await applyFault(fault);

      let credential: Credential | undefined;
      if (!spec.anonymous) {
        const signed: SignedRequest = { method, rawPath, rawQuery, headers, body, params };
        credential = verifyRequest(signed, this.credentials, this.signatureNow()).credential;
        if (!spec.noAuthorization) {
          authorizeCaller(
            this.ram,
            this.accountId,
            credential,
            `${service.actionNamespace ?? service.name}:${action}`,
            service.name === "ram" || service.name === "ims" ? requestResource(this.accountId, params) : "*",
          );
        }
      }
      result = await this.runAction(spec, params, credential, requestId);
    } catch (e) {
      ({ result, error } = this.errorResult(e, service, requestId));
    }
    log(result.status, codeOf(result).code);
    if (fault?.kind === "lost") {
      // Done and persisted; the answer never reaches the caller.
      req.socket.destroy();
      return;
    }
    const payload = JSON.stringify(result.body);
    res.writeHead(result.status, {
      "content-type": "application/json;charset=utf-8",
      "content-length": Buffer.byteLength(payload),
      "x-acs-request-id": requestId,
    });
    res.end(payload);
  }

  private async runAction(
    spec: ActionSpec,
    params: Record<string, string>,
    caller: Credential | undefined,
    requestId: string,
  ): Promise<ApiResult> {
    const out = await spec.handle(params, { caller, requestId });
    if (spec.mutates) this.persist();
    return { status: 200, body: { RequestId: requestId, ...out } };
  }

  private errorResult(
    e: unknown,
    service: ServiceDefinition | undefined,
    requestId: string,
  ): { result: ApiResult; error?: string } {
    const hostId = service?.hostId ?? FALLBACK_HOST_ID;
    const product = service?.product ?? "";
    if (e instanceof AlibabaError) {
      return { result: { status: e.status, body: { ...errorBody(e, requestId, hostId, product) } } };
    }
    const err = internalError();
    return {
      result: { status: err.status, body: { ...errorBody(err, requestId, hostId, product) } },
      error: e instanceof Error ? (e.stack ?? e.message) : String(e),
    };
  }
}

/**
 * Why a control request looks like one a browser sent for a web page, or undefined. Browsers put
 * `Origin` on every cross-origin request they let a page send without asking (a form post, a
 * no-cors fetch; https://fetch.spec.whatwg.org/#origin-header) and `Sec-Fetch-Site` on every
 * request (https://www.w3.org/TR/fetch-metadata/); the only bodies a page can send without a CORS
 * preflight are form and text types (https://fetch.spec.whatwg.org/#cors-safelisted-request-header),
 * so a write with a body must say `application/json`, which a page cannot without the preflight
 * this emulator never answers. Programs (`connectEmulator`, curl, the SDKs) send none of the first two.
 */
function crossSiteReason(req: IncomingMessage, body: Buffer): string | undefined {
  if (req.headers.origin !== undefined) return "the request has an Origin header (a web page sent it)";
  const site = req.headers["sec-fetch-site"];
  if (site !== undefined && site !== "none") return `the browser marks it Sec-Fetch-Site: ${site}`;
  const method = (req.method ?? "GET").toUpperCase();
  if (method === "GET" || method === "HEAD") return undefined;
  const raw = req.headers["content-type"];
  // No body and no type says nothing a page could have chosen (its requests carry Origin anyway).
  if (raw === undefined && body.length === 0) return undefined;
  const type = (raw ?? "").split(";")[0]?.trim().toLowerCase();
  return type === "application/json"
    ? undefined
    : `a ${method} with a body must have content-type application/json${type ? `, not ${type}` : ""}`;
}

function lookupAction(service: ServiceDefinition, action: string): ActionSpec | undefined {
  return Object.hasOwn(service.actions, action) ? service.actions[action] : undefined;
}

function codeOf(result: ApiResult): { code?: string } {
  const code = result.body.Code;
  return result.status >= 400 && typeof code === "string" ? { code } : {};
}

/** Throws the fault's error, or waits for a latency fault and returns. */
async function applyFault(fault: FaultSpec): Promise<void> {
  switch (fault.kind) {
    case "latency":
      await sleep(fault.latencyMs ?? 1000);
      return;
    case "throttle": {
      const base = throttlingUser();
      throw new AlibabaError(fault.status ?? base.status, fault.code ?? base.code, base.message);
    }
    case "server-error": {
      const base = fault.status === 503 ? serviceUnavailable() : internalError();
      throw new AlibabaError(fault.status ?? base.status, fault.code ?? base.code, base.message);
    }
    case "drop":
    case "lost":
      return;
  }
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Loopback names and addresses: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** The access key id a signed RPC request names (ACS3 `Credential=`, or V1 `AccessKeyId`), unverified. */
function signingKeyId(
  headers: ReadonlyMap<string, readonly string[]>,
  params: Readonly<Record<string, string>>,
): string | undefined {
  const auth = headers.get("authorization")?.[0];
  const m = auth === undefined ? null : /(?:^|[\s,])Credential=([^,\s]+)/.exec(auth);
  return m?.[1] ?? params.AccessKeyId;
}

function headerMap(rawHeaders: string[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? "").toLowerCase();
    const list = map.get(name) ?? [];
    list.push(rawHeaders[i + 1] ?? "");
    map.set(name, list);
  }
  return map;
}

/** The whole body, or undefined when it is larger than MAX_BODY_BYTES. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Query parameters, then form-body parameters (which win), as the gateway merges them. */
function requestParams(
  headers: ReadonlyMap<string, readonly string[]>,
  rawQuery: string,
  body: Buffer,
): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [k, v] of parseQueryPairs(rawQuery)) params[k] = v;
  const contentType = headers.get("content-type")?.[0] ?? "";
  if (body.length > 0 && contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    for (const [k, v] of parseQueryPairs(body.toString("utf8"))) params[k] = v;
  }
  return params;
}
