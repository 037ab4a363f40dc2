/**
 * Modules that a dependency requires as it loads but that no call of ours reaches, handed over as
 * a stand-in that loads the real module the first time anything is read from it.
 *
 * The engine starts a fresh provider process for every command, and each one that calls the API
 * loads openapi-core and, at the first check, zod. Measured on Node 20 (no compile cache): zod
 * loads in about 43 ms, 20 of them for the 64 locales behind `z.locales` (its schemas take their
 * English messages from `locales/en` directly); `@alicloud/credentials` with openapi-core in about
 * 54 ms, 35 of them for what `@darabonba/typescript`'s index loads for features the JSON RPC calls
 * we make never use: lodash (one 540 KB file), moment (dates), xml2js with xmlbuilder and sax (XML
 * bodies), ws with three proxy agents (WebSocket clients), and openapi-core's own WebSocket
 * helpers. On the first `up` those loads sit on the engine's critical path: it checks one resource
 * after another.
 *
 * A stand-in behaves as the namespace object TypeScript's `__importStar` makes of a module
 * (`__esModule`, every own key, `default` for a CommonJS module), which is all the modules listed
 * here do with what they require: read members. Anything else (a module already loaded, another
 * parent, another request) loads as usual. test/unit/deferredRequires.test.ts checks that a
 * provider's check, create and read load none of them, and that each still works when reached.
 */
import Module = require("node:module");

import { loadCached } from "./compileCache";

interface Deferral {
  /** The requiring module's file. */
  parent: RegExp;
  /** The request exactly as that module writes it. */
  requests: readonly string[];
}

const DARA = String.raw`[\\/]node_modules[\\/]@darabonba[\\/]typescript[\\/]dist[\\/]`;

/** What is deferred, by requiring module. */
const DEFERRALS: readonly Deferral[] = [
  // `z.locales` (zod 4): classic and core both import every locale.
  {
    parent: /[\\/]node_modules[\\/]zod[\\/]v4[\\/](?:classic[\\/]external|core[\\/]index)\.cjs$/,
    requests: ["../locales/index.cjs"],
  },
  { parent: new RegExp(`${DARA}func\\.js$`), requests: ["lodash"] },
  { parent: new RegExp(`${DARA}date\\.js$`), requests: ["moment"] },
  { parent: new RegExp(`${DARA}xml\\.js$`), requests: ["xml2js"] },
  // Its WebSocket client, and the proxy agents only that client uses (the HTTP client, httpx,
  // takes no proxy agent of its own).
  {
    parent: new RegExp(`${DARA}websocket\\.js$`),
    requests: ["ws", "https-proxy-agent", "http-proxy-agent", "socks-proxy-agent"],
  },
  // openapi-core's WebSocket helpers, read only by a call whose protocol is ws or wss. Its four
  // requires of them get four stand-ins, which load the one module.
  {
    parent: /[\\/]node_modules[\\/]@alicloud[\\/]openapi-core[\\/]dist[\\/]client\.js$/,
    requests: ["./websocketUtils"],
  },
];

type Load = (request: string, parent: NodeJS.Module | undefined, isMain: boolean) => unknown;
const internals = Module as unknown as {
  _load: Load;
  _resolveFilename(request: string, parent: NodeJS.Module, isMain: boolean): string;
  _cache: NodeJS.Dict<NodeJS.Module>;
};

let active = false;

/**
 * A dependency's `require`, from the code cache (compileCache.ts) and with its deferrable requires
 * deferred: how zod and the Alibaba SDKs are loaded.
 *
 * @internal
 */
export function loadDependency<T>(load: () => T): T {
  return loadCached(() => withDeferredRequires(load));
}

/**
 * `load()`, with the requires listed in {@link DEFERRALS} that it makes answered by stand-ins.
 * Nested calls share one hook.
 *
 * @internal
 */
export function withDeferredRequires<T>(load: () => T): T {
  if (active) return load();
  const original = internals._load;
  internals._load = function (this: unknown, request, parent, isMain) {
    const file = parent?.filename;
    if (
      file &&
      DEFERRALS.some((d) => d.requests.includes(request) && d.parent.test(file)) &&
      !loadedAlready(request, parent)
    )
      return standIn(() => original.call(Module, request, parent, isMain));
    return original.call(this, request, parent, isMain);
  };
  active = true;
  try {
    return load();
  } finally {
    active = false;
    internals._load = original;
  }
}

function loadedAlready(request: string, parent: NodeJS.Module): boolean {
  try {
    return internals._cache[internals._resolveFilename(request, parent, false)] !== undefined;
  } catch {
    // Not resolvable: let Node's own load say so, now.
    return true;
  }
}

let made = 0;

/** How many stand-ins this process has handed out (tests). @internal */
export function standInsMade(): number {
  return made;
}

/** The namespace object of the module `loadReal` loads, loaded on first read. */
function standIn(loadReal: () => unknown): object {
  made++;
  let real: Record<PropertyKey, unknown> | undefined;
  const target = () => {
    real ??= Object(loadReal()) as Record<PropertyKey, unknown>;
    return real;
  };
  // `__esModule` without loading: the requiring module asks it as it loads (`__importStar`).
  const read = (key: PropertyKey): unknown => {
    if (key === "__esModule") return true;
    const m = target();
    return key === "default" && m.__esModule !== true ? m : m[key];
  };
  const keys = () => {
    const own = Reflect.ownKeys(target());
    return [
      ...new Set<PropertyKey>([...own, "__esModule", ...(target().__esModule === true ? [] : ["default"])]),
    ];
  };
  return new Proxy(
    {},
    {
      get: (_t, key) => read(key),
      has: (_t, key) => keys().includes(key),
      ownKeys: () => keys() as (string | symbol)[],
      getOwnPropertyDescriptor: (_t, key) =>
        keys().includes(key)
          ? { value: read(key), enumerable: key !== "__esModule", writable: false, configurable: true }
          : undefined,
      set: (_t, key, value) => Reflect.set(target(), key, value),
    },
  );
}
