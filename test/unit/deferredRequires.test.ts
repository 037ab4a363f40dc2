import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../emulator";

// Run against the built package in a fresh process, as the engine's provider process loads it:
// this process has long since loaded every module the tests use.
const ROOT = path.join(__dirname, "..", "..");

/** Which deferred modules a script's process has loaded, by the names DEFERRALS defers. */
const LOADED = `
  const has = (part) => Object.keys(require.cache).some((f) => f.includes(part));
  const loaded = () => ({
    locales: has("/zod/v4/locales/fr.cjs"),
    lodash: has("/node_modules/lodash/"),
    moment: has("/node_modules/moment/"),
    xml2js: has("/node_modules/xml2js/"),
    ws: has("/node_modules/ws/"),
    // The copies darabonba's WebSocket client resolves (@pulumi/pulumi's npm client loads its own).
    proxyAgents: ["https-proxy-agent", "http-proxy-agent", "socks-proxy-agent"].filter(
      (m) => require.cache[require("node:module").createRequire(require.resolve("@darabonba/typescript/dist/websocket.js")).resolve(m)] !== undefined,
    ),
    websocketUtils: has("/openapi-core/dist/websocketUtils/"),
  });`;
const NONE = {
  locales: false,
  lodash: false,
  moment: false,
  xml2js: false,
  ws: false,
  proxyAgents: [],
  websocketUtils: false,
};

async function node(script: string, env: NodeJS.ProcessEnv = {}): Promise<unknown> {
  const { stdout } = await promisify(execFile)(process.execPath, ["-e", `${LOADED}\n${script}`], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  return JSON.parse(stdout);
}

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
});

describe("deferred requires", () => {
  it("are never reached by a provider's check, create, read and delete, so they are never loaded", async () => {
    const script = `
      const { provider } = require("alicloud-federation/providers");
      const p = provider("RamPolicyProvider");
      (async () => {
        const inputs = {
          policyName: "deferred-probe",
          policyDocument: JSON.stringify({ Version: "1", Statement: [{ Effect: "Allow", Action: "oss:GetObject", Resource: "*" }] }),
        };
        const checked = await p.check({}, inputs);
        const created = await p.create(checked.inputs);
        const read = await p.read(created.id, created.outs);
        await p.delete(created.id, created.outs);
        const zod = has("/node_modules/zod/"), sdk = has("/node_modules/@alicloud/openapi-core/");
        console.log(JSON.stringify({ failures: checked.failures ?? [], read: read.id, zod, sdk, loaded: loaded() }));
      })().catch((e) => { console.log(JSON.stringify({ error: String(e) })); });`;
    const out = await node(script, {
      ALICLOUD_FEDERATION_ENDPOINT: emulator.url,
      ALIBABA_CLOUD_ACCESS_KEY_ID: emulator.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: emulator.accessKeySecret,
    });
    // zod and openapi-core did load and answer: the deferral took nothing they use.
    expect(out).toEqual({ failures: [], read: "deferred-probe", zod: true, sdk: true, loaded: NONE });
    expect(
      (await emulator.requests()).filter((r) => r.service === "ram").map((r) => [r.action, r.status]),
    ).toEqual([
      ["GetPolicy", 404],
      ["CreatePolicy", 200],
      ["GetPolicy", 200],
      ["DeletePolicy", 200],
    ]);
  });

  it("load the real module when reached, and behave as its namespace object", async () => {
    const script = `
      const { loadDependency } = require("./dist/provider/deferredRequires.js");
      const { z } = loadDependency(() => require("zod"));
      const dara = loadDependency(() => require("@darabonba/typescript"));
      const openapi = loadDependency(() => require("@alicloud/openapi-core"));
      const before = loaded();
      const english = z.string().max(1).safeParse("ab").error.issues[0].message;
      z.config(z.locales.fr());
      const french = z.string().max(1).safeParse("ab").error.issues[0].message;
      z.config(z.locales.en());
      console.log(JSON.stringify({
        before,
        english,
        french,
        localeKeys: Object.keys(z.locales).includes("fr") && "de" in z.locales,
        merged: dara.merge({ a: { b: 1 } }, { a: { c: 2 } }),
        year: new dara.Date("2020-05-06T07:08:09Z").format("yyyy"),
        xml: dara.XML.parseXml("<r><a>1</a></r>", null),
        awap: openapi.websocketUtils.SubProtocolAWAP,
        newClient: typeof openapi.$WebSocketUtils.newWebSocketClient,
        // What a WebSocket call behind a proxy does with the three agents (the constructor wants a
        // handler and a connection; the proxy set-up needs neither).
        proxies: (() => {
          const client = Object.create(dara.DefaultWebSocketClient.prototype);
          const [wss, ws, socks] = [{}, {}, {}];
          client.configureHTTPProxy(wss, require("url").parse("wss://h.example/"), { httpsProxy: "http://127.0.0.1:1" }, {});
          client.configureHTTPProxy(ws, require("url").parse("ws://h.example/"), { httpProxy: "http://127.0.0.1:1" }, {});
          client.configureSOCKS5Proxy(socks, { socks5Proxy: "socks5://127.0.0.1:1" });
          return [wss, ws, socks].map((o) => o.agent.constructor.name);
        })(),
        after: loaded(),
      }));`;
    expect(await node(script)).toEqual({
      before: NONE,
      english: "Too big: expected string to have <=1 characters",
      french: expect.stringMatching(/^Trop grand/),
      localeKeys: true,
      merged: { a: { b: 1, c: 2 } },
      year: "2020",
      xml: { r: { a: "1" } },
      awap: expect.any(String),
      newClient: "function",
      proxies: ["HttpsProxyAgent", "HttpProxyAgent", "SocksProxyAgent"],
      // ws is reached as moment is (`__importDefault`), only by a WebSocket client's connection.
      after: {
        ...NONE,
        locales: true,
        lodash: true,
        moment: true,
        xml2js: true,
        websocketUtils: true,
        proxyAgents: ["https-proxy-agent", "http-proxy-agent", "socks-proxy-agent"],
      },
    });
  });

  it("leave a module that is already loaded, and any other parent's require, as Node loads them", async () => {
    const script = `
      const { loadDependency, standInsMade, withDeferredRequires } = require("./dist/provider/deferredRequires.js");
      const lodash = require("lodash");
      const dara = loadDependency(() => require("@darabonba/typescript"));
      // moment, xml2js, ws and the three proxy agents were deferred; lodash, already loaded, was not.
      const made = standInsMade();
      // A require of a listed name from a module the list does not name gets the module itself.
      const again = withDeferredRequires(() => require("lodash"));
      console.log(JSON.stringify({ made, same: again === lodash, merged: dara.merge({ a: 1 }, { b: 2 }) }));`;
    expect(await node(script)).toEqual({ made: 6, same: true, merged: { a: 1, b: 2 } });
    // Without lodash loaded first, it is deferred too.
    const fresh = `
      const { loadDependency, standInsMade } = require("./dist/provider/deferredRequires.js");
      loadDependency(() => require("@darabonba/typescript"));
      console.log(JSON.stringify({ made: standInsMade(), lodash: loaded().lodash }));`;
    expect(await node(fresh)).toEqual({ made: 7, lodash: false });
  });
});
