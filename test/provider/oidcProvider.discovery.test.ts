/**
 * OidcProvider and the issuer's live chain: without fingerprints, check() pins the recommended set
 * (trust anchor + current intermediate) and an intermediate rotation shows as a diff at the next
 * preview while the anchor keeps logins working; with fingerprints, check() judges them against
 * the live chain: a failure when none matches, warnings when none is the anchor or one expires
 * soon. The test IdP presents leaf + intermediate, as GitHub does.
 */
import { createServer as createHttpServer } from "node:http";
import { type AddressInfo, createServer as createNetServer, type Socket } from "node:net";
import { createSecureContext, TLSSocket } from "node:tls";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestCertificates, type Emulator, startTestIdp, type TestIdp } from "../../emulator";
import { setWarningSink } from "../../provider/diagnostics";
import { type OidcProviderOutputs, OidcProviderProvider as P } from "../../provider/resources/oidcProvider";
import { resetSettings } from "../../provider/settings";
import { DiscoveryError, discoverOidcFingerprint } from "../../provider/trust/discovery";
import { actions, configOf, startWired } from "./harness";

let emulator: Emulator;
let config: Record<string, string>;
let idp: TestIdp;

beforeAll(async () => {
  idp = await startTestIdp();
  ({ emulator, config } = await startWired());
  await P.configure(configOf({ ...config, "alicloud-federation:caCertificates": idp.rootCaPem }));
});
afterAll(async () => {
  await emulator?.close();
  await idp?.close();
  resetSettings();
});
beforeEach(async () => {
  await emulator.reset();
});

const args = () => ({ oidcProviderName: "idp", issuerUrl: idp.issuer, clientIds: ["sts.aliyuncs.com"] });

/** The recommended set as check() stores it: normalized and sorted. */
const recommended = (i: TestIdp = idp) => [i.rootFingerprint, i.intermediateFingerprint].sort();

/** Runs check() and collects the warnings it shows. */
async function checkWithWarnings(news: Record<string, unknown>) {
  const warnings: string[] = [];
  setWarningSink((m) => void warnings.push(m));
  try {
    return { ...(await P.check({}, news)), warnings };
  } finally {
    setWarningSink(undefined);
  }
}

describe("fingerprint discovery", () => {
  it("pins the trust anchor and the current intermediate when fingerprints are omitted, never the leaf, no warning, and no API call but the new provider's name/issuer look-up", async () => {
    const res = await checkWithWarnings(args());
    expect(res.failures).toEqual([]);
    expect(res.inputs?.fingerprints).toEqual(recommended());
    expect(res.inputs?.fingerprints).toContain(idp.rootFingerprint);
    expect(res.inputs?.fingerprints).not.toContain(idp.leafFingerprint);
    expect(res.warnings).toEqual([]);
    // Discovery calls no API; a check of a create (no old inputs) looks its name and issuer up once.
    expect(await actions(emulator)).toEqual(["ListOIDCProviders"]);
  });

  it("looks the new provider's name and issuer up while it reads the issuer's chain, not after", async () => {
    // The issuer answers 400 ms late, the look-up 700 ms: one after the other would add 700 ms.
    const far = await startTestIdp({ latencyMs: 400 });
    try {
      await P.configure(configOf({ ...config, "alicloud-federation:caCertificates": far.rootCaPem }));
      await emulator.injectFault({
        service: "ims",
        action: "ListOIDCProviders",
        kind: "latency",
        latencyMs: 700,
      });
      const news = { ...args(), issuerUrl: far.issuer, fingerprints: [far.rootFingerprint] };
      const timed = async (olds: Record<string, unknown>) => {
        const started = performance.now();
        const res = await P.check(olds, news);
        expect(res.failures).toEqual([]);
        return performance.now() - started;
      };
      // An existing provider's check reads the chain alone; a new one's also looks its name up.
      // (Old inputs of another name and issuer: this check holds neither of the new ones.)
      const chainAlone = await timed({
        ...news,
        oidcProviderName: "idp-old",
        issuerUrl: "https://old.example.com",
      });
      expect(await actions(emulator)).toEqual([]);
      const withLookup = await timed({});
      expect(await actions(emulator)).toEqual(["ListOIDCProviders"]);
      expect(withLookup).toBeGreaterThanOrEqual(700);
      expect(withLookup - chainAlone).toBeLessThan(400);
      // The look-up's answer still counts: a taken name fails the check.
      await emulator.console("ims", "CreateOIDCProvider", {
        OIDCProviderName: "idp",
        IssuerUrl: "https://elsewhere.example.com",
        ClientIds: "sts.aliyuncs.com",
        Fingerprints: "a".repeat(40),
      });
      const taken = await P.check({}, news);
      expect(taken.failures?.map((f) => f.reason)).toEqual([expect.stringMatching(/oidcProviderName/)]);
    } finally {
      await emulator.clearFaults();
      await P.configure(configOf({ ...config, "alicloud-federation:caCertificates": idp.rootCaPem }));
      await far.close();
    }
  });

  it("shows an intermediate rotation as one added and one removed fingerprint; the anchor stays", async () => {
    const created = await P.create((await P.check({}, args())).inputs as Record<string, unknown>);
    const before = idp.intermediateFingerprint;
    await idp.rotateIntermediate();
    const news = (await P.check({}, args())).inputs as Record<string, unknown>;
    expect(news.fingerprints).toEqual(recommended());
    expect(news.fingerprints).not.toContain(before);
    expect(await P.diff("idp", created.outs, news)).toMatchObject({
      changes: true,
      replaces: [],
    });
    await emulator.clearRequests();
    const updated = await P.update("idp", created.outs as OidcProviderOutputs, news);
    expect(updated.outs.fingerprints).toEqual(recommended());
    expect(await emulator.requests({ service: "ims" })).toMatchObject([
      { action: "AddFingerprintToOIDCProvider", params: { Fingerprint: idp.intermediateFingerprint } },
      { action: "RemoveFingerprintFromOIDCProvider", params: { Fingerprint: before } },
    ]);
  });

  it("a stack created by an older version, which discovered the intermediate alone, is shown adding the anchor: one call", async () => {
    const created = await P.create({
      ...((await P.check({}, args())).inputs as Record<string, unknown>),
      fingerprints: [idp.intermediateFingerprint],
    });
    const news = (await P.check({}, args())).inputs as Record<string, unknown>;
    expect(await P.diff("idp", created.outs, news)).toMatchObject({ changes: true, replaces: [] });
    await emulator.clearRequests();
    const updated = await P.update("idp", created.outs as OidcProviderOutputs, news);
    expect(updated.outs.fingerprints).toEqual(recommended());
    expect(await emulator.requests({ service: "ims" })).toMatchObject([
      { action: "AddFingerprintToOIDCProvider", params: { Fingerprint: idp.rootFingerprint } },
    ]);
  });

  it("shows an IdP certificate rotation as a fingerprint change at the next check", async () => {
    const created = await P.create((await P.check({}, args())).inputs as Record<string, unknown>);
    const before = idp.rootFingerprint;
    await idp.rotateCertificates();
    expect(idp.rootFingerprint).not.toBe(before);
    // The engine's own trust would still need the new root; configure again as a user would.
    await P.configure(configOf({ ...config, "alicloud-federation:caCertificates": idp.rootCaPem }));
    const news = (await P.check({}, args())).inputs as Record<string, unknown>;
    expect(news.fingerprints).toEqual(recommended());
    const d = await P.diff("idp", created.outs, news);
    expect(d).toMatchObject({ changes: true, replaces: [] });
    await emulator.clearRequests();
    const updated = await P.update("idp", created.outs as OidcProviderOutputs, news);
    expect(updated.outs.fingerprints).toEqual(recommended());
    // Two new pins for two old ones, added before the old go: never fewer than 1, never over 5.
    expect(await actions(emulator)).toEqual([
      "AddFingerprintToOIDCProvider",
      "AddFingerprintToOIDCProvider",
      "RemoveFingerprintFromOIDCProvider",
      "RemoveFingerprintFromOIDCProvider",
    ]);
  });

  it("fails at preview, naming the field and the step, when the issuer cannot be reached", async () => {
    const res = await P.check({}, { ...args(), issuerUrl: "https://127.0.0.1:9" });
    expect(res.failures).toHaveLength(1);
    expect(res.failures?.[0]?.property).toBe("");
    expect(res.failures?.[0]?.reason).toMatch(
      /^fingerprints: Give fingerprints explicitly, or make the issuer reachable: they were not given, and discovering them from https:\/\/127\.0\.0\.1:9 failed: ./,
    );
  });
});

describe("a private issuer needs allowPrivateIssuer", () => {
  it("refuses to discover from a loopback issuer without it, and names the option", async () => {
    await P.configure(configOf({ ...config, "alicloud-federation:allowPrivateIssuer": "false" }));
    try {
      const res = await P.check({}, args());
      expect(res.failures).toEqual([
        {
          property: "",
          reason: expect.stringMatching(
            /^fingerprints: Give fingerprints explicitly, or make the issuer reachable: they were not given, and discovering them from https:\/\/127\.0\.0\.1:\d+ failed: issuer: 127\.0\.0\.1 is a loopback address: discovery connects only to public hosts.*alicloud-federation:allowPrivateIssuer: true\)/,
          ),
        },
      ]);
    } finally {
      await P.configure(configOf({ ...config, "alicloud-federation:caCertificates": idp.rootCaPem }));
    }
  });
});

describe("given fingerprints are judged against the live chain", () => {
  const pinned = (fingerprints: string[]) => checkWithWarnings({ ...args(), fingerprints });

  it("the recommended set, or the anchor alone: no failure, no warning, kept as given", async () => {
    for (const set of [recommended(), [idp.rootFingerprint]]) {
      const res = await pinned(set.map((f) => f.toUpperCase()));
      expect(res.failures).toEqual([]);
      expect(res.warnings).toEqual([]);
      expect(res.inputs?.fingerprints).toEqual(set);
    }
  });

  it("an existing stack pinned to the intermediate alone gets a warning naming the pin and the anchor to add, not a change", async () => {
    const res = await pinned([idp.intermediateFingerprint]);
    expect(res.failures).toEqual([]);
    expect(res.inputs?.fingerprints).toEqual([idp.intermediateFingerprint]);
    expect(res.warnings).toHaveLength(1);
    const [w] = res.warnings;
    expect(w).toContain(`OidcProvider 'idp' (${idp.issuer}): no pinned fingerprint is the trust anchor`);
    expect(w).toContain("one intermediate rotation away from failing with PublicKeyFingerprintMismatch");
    expect(w).toMatch(
      new RegExp(`${idp.intermediateFingerprint} \\(the intermediate 'CN=test IdP[^']*', expires \\d{4}-`),
    );
    expect(w).toContain(`Add the anchor ${idp.rootFingerprint} 'CN=test IdP`);
    expect(w!.length).toBeLessThan(1000);
    // Discovery calls no API; checked as a create (no old inputs), the name/issuer look-up is the one call.
    expect(await actions(emulator)).toEqual(["ListOIDCProviders"]);
  });

  it("no pin on the live chain fails, naming each pin and what it is, the chain and what to pin", async () => {
    const stranger = "ab".repeat(20);
    const res = await pinned([idp.leafFingerprint, stranger]);
    expect(res.failures).toHaveLength(1);
    expect(res.failures?.[0]?.property).toBe("");
    const reason = res.failures?.[0]?.reason ?? "";
    // What to do first, then why.
    expect(reason).toMatch(
      new RegExp(
        `^fingerprints: Pin ${idp.rootFingerprint}, ${idp.intermediateFingerprint} \\(the anchor and the current intermediate\\), ` +
          "or omit fingerprints to have them discovered: none of the pinned ones is a certificate of the chain 127\\.0\\.0\\.1:\\d+ presents up to its trust anchor",
      ),
    );
    expect(reason).toContain("AuthenticationFail.OIDCToken.PublicKeyFingerprintMismatch");
    expect(reason).toContain(`${idp.leafFingerprint} (the server's own leaf certificate`);
    expect(reason).toContain(`${stranger} (not a certificate of the live chain)`);
    expect(reason).toContain(`anchor ${idp.rootFingerprint}`);
    expect(reason).toContain(`Pin ${idp.rootFingerprint}, ${idp.intermediateFingerprint}`);
    expect(res.warnings).toEqual([]);
  });

  it("a pinned certificate expiring within 30 days warns; at 31 days it does not", async () => {
    const soon = await startTestIdp({ intermediateValidDays: 30 });
    const later = await startTestIdp({ intermediateValidDays: 31 });
    try {
      await P.configure(
        configOf({
          ...config,
          "alicloud-federation:caCertificates": [idp.rootCaPem, soon.rootCaPem, later.rootCaPem].join(""),
        }),
      );
      const alone = await checkWithWarnings({
        ...args(),
        issuerUrl: soon.issuer,
        fingerprints: [soon.intermediateFingerprint],
      });
      expect(alone.failures).toEqual([]);
      expect(alone.warnings).toHaveLength(2);
      expect(alone.warnings[1]).toMatch(
        new RegExp(
          `the pinned intermediate ${soon.intermediateFingerprint} 'CN=test IdP[^']*' expires on \\d{4}-\\d{2}-\\d{2}, in (29|30) days: no other pin outlives it`,
        ),
      );
      const covered = await checkWithWarnings({
        ...args(),
        issuerUrl: soon.issuer,
        fingerprints: [soon.intermediateFingerprint, soon.rootFingerprint],
      });
      expect(covered.warnings).toHaveLength(1);
      expect(covered.warnings[0]).toContain(
        `logins keep working through the other pin (${soon.rootFingerprint})`,
      );
      const fine = await checkWithWarnings({
        ...args(),
        issuerUrl: later.issuer,
        fingerprints: [later.intermediateFingerprint, later.rootFingerprint],
      });
      expect(fine.warnings).toEqual([]);
    } finally {
      await P.configure(configOf({ ...config, "alicloud-federation:caCertificates": idp.rootCaPem }));
      await soon.close();
      await later.close();
    }
  });

  it("an issuer this machine cannot reach keeps the given fingerprints, with a warning that they were not checked", async () => {
    const res = await checkWithWarnings({
      ...args(),
      fingerprints: ["a".repeat(40)],
      issuerUrl: "https://127.0.0.1:9",
    });
    expect(res.failures).toEqual([]);
    expect(res.inputs?.fingerprints).toEqual(["a".repeat(40)]);
    expect(res.warnings).toHaveLength(1);
    expect(res.warnings[0]).toMatch(
      /^OidcProvider 'idp' \(https:\/\/127\.0\.0\.1:9\): the fingerprints could not be checked against the issuer's live chain: discovery document: /,
    );
  });
});

describe("discovery you can trust", () => {
  /**
   * An HTTPS IdP whose discovery document names `docIssuer`, and which presents `other`'s
   * certificate to its `otherOn`-th connection only (1-based, in the order they arrive), as an
   * interceptor answering one of them would. `documentOn()` says which connection asked for the
   * document, so a test never assumes the order discovery connects in.
   */
  async function trickyIdp(opts: {
    docIssuer?: (origin: string) => string;
    otherOn?: number;
    /** The document's jwks_uri origin; default its own. */
    jwksOrigin?: string;
    /** Milliseconds before the document is answered. */
    documentDelayMs?: number;
    /** This connection (1-based, by arrival) is accepted but never answered: no TLS at all. */
    stallOn?: number;
  }) {
    const good = createTestCertificates({ label: "good idp" });
    const other = createTestCertificates({ label: "other idp" });
    const ctx = (c: typeof good) =>
      createSecureContext({ key: c.leafKeyPem, cert: c.leafPem + c.intermediateCaPem + c.rootCaPem });
    let origin = "";
    /** How many connections had arrived when the document was answered. */
    let connectionsAtDocument: number | undefined;
    let documentOn: number | undefined;
    const arrival = new WeakMap<object, number>();
    const http = createHttpServer((req, res) => {
      res.setHeader("content-type", "application/json");
      if (req.url === "/.well-known/openid-configuration")
        setTimeout(() => {
          documentOn = arrival.get(req.socket);
          connectionsAtDocument = connections;
          res.end(
            JSON.stringify({
              issuer: opts.docIssuer ? opts.docIssuer(origin) : origin,
              jwks_uri: `${opts.jwksOrigin ?? origin}/jwks`,
            }),
          );
        }, opts.documentDelayMs ?? 0);
      else res.end(JSON.stringify({ keys: [] }));
    });
    let connections = 0;
    const sockets = new Set<Socket>();
    /** When the stalled connection was closed by the client, if it was. */
    let stalledClosedAt: number | undefined;
    const server = createNetServer((raw) => {
      connections++;
      sockets.add(raw);
      raw.on("close", () => sockets.delete(raw));
      if (connections === opts.stallOn) {
        // Read and drop the client's hello, so that its closing is seen.
        raw.resume();
        raw.on("close", () => {
          stalledClosedAt = performance.now();
        });
        return;
      }
      const secureContext = connections === opts.otherOn ? ctx(other) : ctx(good);
      const tls = new TLSSocket(raw, { isServer: true, secureContext });
      arrival.set(tls, connections);
      tls.on("error", () => raw.destroy());
      http.emit("connection", tls);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
      origin,
      good,
      other,
      connections: () => connections,
      connectionsAtDocument: () => connectionsAtDocument,
      documentOn: () => documentOn,
      stalledClosedAt: () => stalledClosedAt,
      close: () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          server.close(() => r());
        }),
    };
  }

  async function discover(origin: string, ca: string) {
    await P.configure(configOf({ ...config, "alicloud-federation:caCertificates": ca }));
    try {
      return await P.check({}, { ...args(), issuerUrl: origin });
    } finally {
      await P.configure(configOf({ ...config, "alicloud-federation:caCertificates": idp.rootCaPem }));
    }
  }

  it("refuses the chain when any one of discovery's connections meets an untrusted certificate, whichever it is", async () => {
    // Discovery makes three connections: the document's, and the chain's verified and unverified
    // ones. Another, untrusted certificate on any one of them fails the check: the document
    // cannot be fetched, the verified connection fails, or the unverified one shows another leaf.
    // None takes fingerprints from it.
    const outcomes: string[] = [];
    for (const otherOn of [1, 2, 3]) {
      const t = await trickyIdp({ otherOn });
      try {
        const res = await discover(t.origin, t.good.rootCaPem);
        expect(t.connections()).toBe(3);
        expect(res.failures).toHaveLength(1);
        expect(res.failures?.[0]?.property).toBe("");
        expect(res.inputs?.fingerprints).toBeUndefined();
        const reason = res.failures?.[0]?.reason ?? "";
        expect(reason).toMatch(
          /^fingerprints: Give fingerprints explicitly, .*: they were not given, and discovering them from /,
        );
        // The document's own connection failing never gets to ask for the document.
        const step = /failed: (discovery document|TLS connect|TLS identity): /.exec(reason)?.[1];
        if (t.documentOn() === undefined) expect(step).toBe("discovery document");
        else expect(["TLS connect", "TLS identity"]).toContain(step);
        outcomes.push(String(step));
      } finally {
        await t.close();
      }
    }
    // Each run connects alike, so the three runs meet each connection once: the unverified one's
    // failure must be the leaf comparison, never a verification it does not make.
    expect(outcomes.sort()).toEqual(["TLS connect", "TLS identity", "discovery document"]);
  });

  it("refuses a chain whose two connections show different leaves, both trusted, whichever shows the other", async () => {
    // Both certificates verify here, so only the comparison of the two leaves can refuse: on the
    // document's connection another leaf is harmless (the chain is read from the other two).
    const outcomes: string[] = [];
    for (const otherOn of [1, 2, 3]) {
      const t = await trickyIdp({ otherOn });
      try {
        const res = await discover(t.origin, [t.good.rootCaPem, t.other.rootCaPem].join("\n"));
        if (otherOn === t.documentOn()) {
          expect(res.failures).toEqual([]);
          expect(res.inputs?.fingerprints).toEqual(
            [t.good.rootFingerprint, t.good.intermediateFingerprint].sort(),
          );
          outcomes.push("document");
        } else {
          expect(res.failures).toHaveLength(1);
          expect(res.failures?.[0]?.reason).toMatch(
            /^fingerprints: .*TLS identity: 127\.0\.0\.1:\d+ presented leaf certificate sha256:[0-9a-f]{16}… to the unverified connection that reads the chain, but sha256:[0-9a-f]{16}… to the verified one/,
          );
          expect(res.inputs?.fingerprints).toBeUndefined();
          outcomes.push("refused");
        }
      } finally {
        await t.close();
      }
    }
    expect(outcomes.sort()).toEqual(["document", "refused", "refused"]);
  });

  it("opens nothing to an issuer on a private address unless allowed, early connections included", async () => {
    const t = await trickyIdp({});
    try {
      const err = await discoverOidcFingerprint(t.origin, { ca: t.good.rootCaPem, timeoutMs: 2000 }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DiscoveryError);
      expect((err as DiscoveryError).step).toBe("issuer");
      await new Promise((r) => setTimeout(r, 100));
      expect(t.connections()).toBe(0);
    } finally {
      await t.close();
    }
  });

  it("opens the chain's two connections with the document's request when the jwks_uri is on the issuer's host", async () => {
    // The document is answered 300 ms late: one connection after another would open the
    // chain's two only after it (three round trips in turn against a far issuer).
    const t = await trickyIdp({ documentDelayMs: 300 });
    try {
      const res = await discover(t.origin, t.good.rootCaPem);
      expect(res.failures).toEqual([]);
      expect(t.connectionsAtDocument()).toBe(3);
      expect(t.connections()).toBe(3);
    } finally {
      await t.close();
    }
  });

  it("reads the chain from the jwks_uri's host when it is another: the issuer's early connections count for nothing", async () => {
    const keys = await trickyIdp({});
    const doc = await trickyIdp({ jwksOrigin: keys.origin });
    try {
      const res = await discover(doc.origin, [doc.good.rootCaPem, keys.good.rootCaPem].join("\n"));
      expect(res.failures).toEqual([]);
      expect(res.inputs?.fingerprints).toEqual(
        [keys.good.rootFingerprint, keys.good.intermediateFingerprint].sort(),
      );
      // The document's connection and the two opened early, unused; the chain's two at the keys.
      expect(doc.connections()).toBe(3);
      expect(keys.connections()).toBe(2);
    } finally {
      await doc.close();
      await keys.close();
    }
  });

  it("takes the chain from the jwks_uri's host whatever the issuer's host shows the early connections", async () => {
    for (const otherOn of [1, 2, 3]) {
      const keys = await trickyIdp({});
      const doc = await trickyIdp({ jwksOrigin: keys.origin, otherOn });
      try {
        const res = await discover(doc.origin, [doc.good.rootCaPem, keys.good.rootCaPem].join("\n"));
        if (doc.documentOn() === undefined) {
          expect(res.failures?.[0]?.reason).toMatch(/failed: discovery document: /);
        } else {
          expect(res.failures).toEqual([]);
          expect(res.inputs?.fingerprints).toEqual(
            [keys.good.rootFingerprint, keys.good.intermediateFingerprint].sort(),
          );
        }
      } finally {
        await doc.close();
        await keys.close();
      }
    }
  });

  it("closes an early connection it does not use at once, not when it times out", async () => {
    // One of the issuer's connections never answers; the chain is read from another host. An
    // unused early connection is closed as soon as the document names that host, not at the 3 s
    // timeout; a stalled document's connection fails discovery (after twice the timeout: Node's
    // request timeout, as before this change).
    let closedEarly = 0;
    for (const stallOn of [1, 2, 3]) {
      const keys = await trickyIdp({});
      const doc = await trickyIdp({ jwksOrigin: keys.origin, stallOn });
      try {
        const ca = [doc.good.rootCaPem, keys.good.rootCaPem].join("\n");
        const outcome = await discoverOidcFingerprint(doc.origin, {
          ca,
          allowPrivateIssuer: true,
          timeoutMs: 3000,
        })
          .then((found) => ({ found, done: performance.now() }))
          .catch((e: unknown) => ({ error: e as DiscoveryError, done: performance.now() }));
        if ("error" in outcome) {
          expect(outcome.error.step).toBe("discovery document");
          continue;
        }
        expect(outcome.found.recommended).toEqual([
          keys.good.rootFingerprint,
          keys.good.intermediateFingerprint,
        ]);
        for (let i = 0; i < 50 && doc.stalledClosedAt() === undefined; i++)
          await new Promise((r) => setTimeout(r, 20));
        expect((doc.stalledClosedAt() ?? Number.POSITIVE_INFINITY) - outcome.done).toBeLessThan(1000);
        closedEarly++;
      } finally {
        await doc.close();
        await keys.close();
      }
    }
    expect(closedEarly).toBe(2);
  });

  it("the same server on both connections passes", async () => {
    const t = await trickyIdp({});
    try {
      const res = await discover(t.origin, t.good.rootCaPem);
      expect(res.failures).toEqual([]);
      expect(res.inputs?.fingerprints).toEqual(
        [t.good.rootFingerprint, t.good.intermediateFingerprint].sort(),
      );
    } finally {
      await t.close();
    }
  });

  it("refuses a discovery document whose issuer is not the configured issuer, naming both", async () => {
    const t = await trickyIdp({ docIssuer: () => "https://token.actions.githubusercontent.com" });
    try {
      const res = await discover(t.origin, t.good.rootCaPem);
      expect(res.failures?.[0]?.reason).toContain(
        `discovery document: its issuer is "https://token.actions.githubusercontent.com", not the configured ${t.origin}`,
      );
    } finally {
      await t.close();
    }
    // Only a trailing slash apart is still another issuer (iss is compared exactly).
    const slash = await trickyIdp({ docIssuer: (o) => `${o}/` });
    try {
      expect((await discover(slash.origin, slash.good.rootCaPem)).failures?.[0]?.reason).toContain(
        "discovery document: its issuer is",
      );
    } finally {
      await slash.close();
    }
    // A document without issuer is refused too.
    const none = await trickyIdp({ docIssuer: () => undefined as unknown as string });
    try {
      expect((await discover(none.origin, none.good.rootCaPem)).failures?.[0]?.reason).toContain(
        "its issuer is null",
      );
    } finally {
      await none.close();
    }
  });
});
