import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { type Emulator, startEmulator } from "../../emulator";
import { $Ims, caught, createRequest, fp, imsClient } from "./helpers";

let emulator: Emulator;
let ims: ReturnType<typeof imsClient>;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  ims = imsClient(emulator);
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const get = (name: string) =>
  ims.getOIDCProvider(new $Ims.GetOIDCProviderRequest({ OIDCProviderName: name }));
const providerNames = async (): Promise<string[]> => {
  const s = (await emulator.state()) as { services: { ims: { oidcProviders: Array<{ name: string }> } } };
  return s.services.ims.oidcProviders.map((p) => p.name);
};
const isoSecondsRe = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

describe("OIDC provider lifecycle through the SDK", () => {
  test("CreateOIDCProvider answers the SDK model's wire shape", async () => {
    const res = await ims.createOIDCProvider(
      createRequest("GitHub", {
        issuerUrl: "https://token.actions.githubusercontent.com",
        clientIds: "sts.aliyuncs.com,other",
        fingerprints: `${fp(1)},${fp(2)}`,
        description: "CI",
        issuanceLimitTime: 6,
      }),
    );
    expect(res.statusCode).toBe(200);
    const body = res.body!.toMap();
    expect(body.RequestId).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    const p = body.OIDCProvider as Record<string, unknown>;
    expect(p).toMatchObject({
      OIDCProviderName: "GitHub",
      Arn: `acs:ram::${emulator.accountId}:oidc-provider/GitHub`,
      IssuerUrl: "https://token.actions.githubusercontent.com",
      ClientIds: "sts.aliyuncs.com,other",
      Fingerprints: `${fp(1)},${fp(2)}`,
      Description: "CI",
      IssuanceLimitTime: 6,
    });
    expect(p.CreateDate).toMatch(isoSecondsRe);
    expect(p.UpdateDate).toBe(p.CreateDate);
    expect(p.GmtCreate).toMatch(/^\d{13}$/);
    expect(p.GmtModified).toBe(p.GmtCreate);
    expect(Math.abs(Number(p.GmtCreate) - Date.parse(p.CreateDate as string))).toBeLessThan(1000);
  });

  test("IssuanceLimitTime defaults to 12 hours when omitted", async () => {
    const res = await ims.createOIDCProvider(createRequest("p"));
    expect(res.body!.OIDCProvider!.issuanceLimitTime).toBe(12);
  });

  test("GetOIDCProvider returns what was created", async () => {
    await ims.createOIDCProvider(createRequest("p", { clientIds: "a" }));
    const res = await get("p");
    expect(res.body!.OIDCProvider!.clientIds).toBe("a");
    expect(res.body!.OIDCProvider!.issuerUrl).toBe("https://issuer.example.com/p");
  });

  test("GetOIDCProvider of an unknown name is 404 EntityNotExist.OIDCProvider", async () => {
    const err = await caught(() => get("nope"));
    expect(err.code).toBe("EntityNotExist.OIDCProvider");
    expect(err.statusCode).toBe(404);
    expect(err.data).toMatchObject({
      Code: "EntityNotExist.OIDCProvider",
      HostId: "ims.aliyuncs.com",
      Recommend: expect.stringMatching(
        /^https:\/\/api\.aliyun\.com\/troubleshoot\?q=EntityNotExist\.OIDCProvider&product=Ims&requestId=[0-9A-F-]{36}$/,
      ),
    });
    expect(err.data?.RequestId).toBe(String(err.data?.Recommend).split("requestId=")[1]);
  });

  test("UpdateOIDCProvider replaces the client ID list, description and issuance limit", async () => {
    await ims.createOIDCProvider(createRequest("p", { clientIds: "a,b", description: "old" }));
    const res = await ims.updateOIDCProvider(
      new $Ims.UpdateOIDCProviderRequest({
        OIDCProviderName: "p",
        clientIds: "c",
        newDescription: "new",
        issuanceLimitTime: 24,
      }),
    );
    const p = res.body!.OIDCProvider!;
    expect([p.clientIds, p.description, p.issuanceLimitTime]).toEqual(["c", "new", 24]);
    expect(p.fingerprints).toBe(fp(1));
    expect((await get("p")).body!.OIDCProvider!.clientIds).toBe("c");
  });

  test("UpdateOIDCProvider without ClientIds keeps the list", async () => {
    await ims.createOIDCProvider(createRequest("p", { clientIds: "a,b" }));
    await ims.updateOIDCProvider(
      new $Ims.UpdateOIDCProviderRequest({ OIDCProviderName: "p", newDescription: "d" }),
    );
    expect((await get("p")).body!.OIDCProvider!.clientIds).toBe("a,b");
  });

  test("every mutation moves GmtModified/UpdateDate but never GmtCreate", async () => {
    let now = Date.UTC(2030, 0, 1);
    const clocked = await startEmulator({ clock: () => now });
    try {
      // This emulator's clock is far from the SDK's x-acs-date, so drive it through the console
      // (same rules, no signature check).
      await clocked.console("ims", "CreateOIDCProvider", {
        OIDCProviderName: "p",
        IssuerUrl: "https://i.example.com",
        Fingerprints: fp(1),
      });
      const steps: Array<[string, Record<string, string>]> = [
        ["UpdateOIDCProvider", { NewDescription: "x" }],
        ["AddClientIdToOIDCProvider", { ClientId: "c" }],
        ["RemoveClientIdFromOIDCProvider", { ClientId: "c" }],
        ["AddFingerprintToOIDCProvider", { Fingerprint: fp(2) }],
        ["RemoveFingerprintFromOIDCProvider", { Fingerprint: fp(2) }],
      ];
      for (const [action, params] of steps) {
        now += 60_000;
        const body = (await clocked.console("ims", action, { OIDCProviderName: "p", ...params })) as {
          OIDCProvider: Record<string, string>;
        };
        expect(body.OIDCProvider.GmtModified, action).toBe(String(now));
        expect(body.OIDCProvider.UpdateDate, action).toBe(
          new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z"),
        );
        expect(body.OIDCProvider.GmtCreate, action).toBe(String(Date.UTC(2030, 0, 1)));
      }
    } finally {
      await clocked.close();
    }
  });

  test("DeleteOIDCProvider removes the provider and answers only RequestId", async () => {
    await ims.createOIDCProvider(createRequest("p"));
    const res = await ims.deleteOIDCProvider(new $Ims.DeleteOIDCProviderRequest({ OIDCProviderName: "p" }));
    expect(Object.keys(res.body!.toMap())).toEqual(["RequestId"]);
    expect(await providerNames()).toEqual([]);
    expect((await caught(() => get("p"))).code).toBe("EntityNotExist.OIDCProvider");
  });

  test("DeleteOIDCProvider of an unknown name is 404", async () => {
    const err = await caught(() =>
      ims.deleteOIDCProvider(new $Ims.DeleteOIDCProviderRequest({ OIDCProviderName: "nope" })),
    );
    expect([err.statusCode, err.code]).toEqual([404, "EntityNotExist.OIDCProvider"]);
  });

  test("Add and Remove client IDs edit one entry at a time", async () => {
    await ims.createOIDCProvider(createRequest("p", { clientIds: "a" }));
    const added = await ims.addClientIdToOIDCProvider(
      new $Ims.AddClientIdToOIDCProviderRequest({ OIDCProviderName: "p", clientId: "b" }),
    );
    expect(added.body!.OIDCProvider!.clientIds).toBe("a,b");
    const removed = await ims.removeClientIdFromOIDCProvider(
      new $Ims.RemoveClientIdFromOIDCProviderRequest({ OIDCProviderName: "p", clientId: "a" }),
    );
    expect(removed.body!.OIDCProvider!.clientIds).toBe("b");
  });

  test("adding a client ID twice is 409, removing an absent one is 404", async () => {
    await ims.createOIDCProvider(createRequest("p", { clientIds: "a" }));
    const dup = await caught(() =>
      ims.addClientIdToOIDCProvider(
        new $Ims.AddClientIdToOIDCProviderRequest({ OIDCProviderName: "p", clientId: "a" }),
      ),
    );
    expect([dup.statusCode, dup.code]).toEqual([409, "EntityAlreadyExists.OIDCProvider.ClientId"]);
    const absent = await caught(() =>
      ims.removeClientIdFromOIDCProvider(
        new $Ims.RemoveClientIdFromOIDCProviderRequest({ OIDCProviderName: "p", clientId: "z" }),
      ),
    );
    expect([absent.statusCode, absent.code]).toEqual([404, "EntityNotExist.OIDCProvider.ClientId"]);
  });

  test("Add and Remove fingerprints edit one entry at a time, matching case-insensitively", async () => {
    await ims.createOIDCProvider(createRequest("p", { fingerprints: fp(1) }));
    const added = await ims.addFingerprintToOIDCProvider(
      new $Ims.AddFingerprintToOIDCProviderRequest({ OIDCProviderName: "p", fingerprint: fp(2) }),
    );
    expect(added.body!.OIDCProvider!.fingerprints).toBe(`${fp(1)},${fp(2)}`);
    const removed = await ims.removeFingerprintFromOIDCProvider(
      new $Ims.RemoveFingerprintFromOIDCProviderRequest({
        OIDCProviderName: "p",
        fingerprint: fp(1).toUpperCase(),
      }),
    );
    expect(removed.body!.OIDCProvider!.fingerprints).toBe(fp(2));
  });

  test("adding a fingerprint twice is 409, removing an absent one is 404", async () => {
    await ims.createOIDCProvider(createRequest("p", { fingerprints: `${fp(1)},${fp(2)}` }));
    const dup = await caught(() =>
      ims.addFingerprintToOIDCProvider(
        new $Ims.AddFingerprintToOIDCProviderRequest({
          OIDCProviderName: "p",
          fingerprint: fp(1).toUpperCase(),
        }),
      ),
    );
    expect([dup.statusCode, dup.code]).toEqual([409, "EntityAlreadyExists.OIDCProvider.Fingerprint"]);
    const absent = await caught(() =>
      ims.removeFingerprintFromOIDCProvider(
        new $Ims.RemoveFingerprintFromOIDCProviderRequest({ OIDCProviderName: "p", fingerprint: fp(9) }),
      ),
    );
    expect([absent.statusCode, absent.code]).toEqual([404, "EntityNotExist.OIDCProvider.Fingerprint"]);
  });

  test("removing the last fingerprint is refused and leaves it in place", async () => {
    await ims.createOIDCProvider(createRequest("p", { fingerprints: fp(1) }));
    const err = await caught(() =>
      ims.removeFingerprintFromOIDCProvider(
        new $Ims.RemoveFingerprintFromOIDCProviderRequest({ OIDCProviderName: "p", fingerprint: fp(1) }),
      ),
    );
    expect([err.statusCode, err.code]).toEqual([409, "LimitExceeded.OIDCProvider.Fingerprint"]);
    expect((await get("p")).body!.OIDCProvider!.fingerprints).toBe(fp(1));
  });

  test("adding a 6th fingerprint is refused; the 5th is accepted", async () => {
    await ims.createOIDCProvider(createRequest("p", { fingerprints: [1, 2, 3, 4].map(fp).join(",") }));
    const add = (i: number) =>
      ims.addFingerprintToOIDCProvider(
        new $Ims.AddFingerprintToOIDCProviderRequest({ OIDCProviderName: "p", fingerprint: fp(i) }),
      );
    await add(5);
    const err = await caught(() => add(6));
    expect([err.statusCode, err.code]).toEqual([409, "LimitExceeded.OIDCProvider.Fingerprint"]);
    expect((await get("p")).body!.OIDCProvider!.fingerprints!.split(",")).toHaveLength(5);
  });

  test("fingerprintCase 'lower' echoes fingerprints lower-cased", async () => {
    const lower = await startEmulator({ fingerprintCase: "lower" });
    try {
      const res = await imsClient(lower).createOIDCProvider(
        createRequest("p", { fingerprints: "ABCDEF0123" }),
      );
      expect(res.body!.OIDCProvider!.fingerprints).toBe("abcdef0123");
    } finally {
      await lower.close();
    }
  });
});

describe("OIDC provider rules at their edges", () => {
  const expectError = async (fn: () => Promise<unknown>, status: number, code: string) => {
    const err = await caught(fn);
    expect({ status: err.statusCode, code: err.code }).toEqual({ status, code });
    expect(await providerNames()).toEqual([]);
  };

  test("OIDCProviderName of 128 characters is accepted, 129 is refused", async () => {
    await ims.createOIDCProvider(createRequest("n".repeat(128), { issuerUrl: "https://a.example.com" }));
    await emulator.reset();
    await expectError(
      () => ims.createOIDCProvider(createRequest("n".repeat(129), { issuerUrl: "https://a.example.com" })),
      400,
      "InvalidParameter.OIDCProviderName.Length",
    );
  });

  test.each(["-lead", "trail_", "has space", "dot.", "ünï"])(
    "OIDCProviderName %j is refused",
    async (name) => {
      await expectError(
        () => ims.createOIDCProvider(createRequest(name, { issuerUrl: "https://a.example.com" })),
        400,
        "InvalidParameter.OIDCProviderName.InvalidChars",
      );
    },
  );

  test("a missing OIDCProviderName is MissingParameter", async () => {
    await expectError(
      () =>
        ims.createOIDCProvider(new $Ims.CreateOIDCProviderRequest({ issuerUrl: "https://a.example.com" })),
      400,
      "MissingParameter.OIDCProviderName",
    );
  });

  test("IssuerUrl of 255 characters is accepted, 256 is refused", async () => {
    const base = "https://a.example.com/";
    await ims.createOIDCProvider(createRequest("p", { issuerUrl: base + "x".repeat(255 - base.length) }));
    await emulator.reset();
    await expectError(
      () => ims.createOIDCProvider(createRequest("p", { issuerUrl: base + "x".repeat(256 - base.length) })),
      400,
      "InvalidParameter.IssuerUrl.Length",
    );
  });

  test.each([
    ["http", "http://a.example.com"],
    ["query", "https://a.example.com/?x=1"],
    ["empty query", "https://a.example.com/?"],
    ["fragment", "https://a.example.com/#f"],
    ["userinfo", "https://user@a.example.com"],
    ["user:password", "https://u:p@a.example.com/x"],
    ["not a URL", "https://"],
    ["plain text", "issuer"],
  ])("IssuerUrl with %s is refused", async (_label, issuerUrl) => {
    await expectError(
      () => ims.createOIDCProvider(createRequest("p", { issuerUrl })),
      400,
      "InvalidParameter.IssuerUrl.Format",
    );
  });

  test("Description of 256 characters is accepted, 257 is refused", async () => {
    await ims.createOIDCProvider(createRequest("p", { description: "d".repeat(256) }));
    await emulator.reset();
    await expectError(
      () => ims.createOIDCProvider(createRequest("p", { description: "d".repeat(257) })),
      400,
      "InvalidParameter.Description.Length",
    );
  });

  test("NewDescription of 257 characters is refused and nothing changes", async () => {
    await ims.createOIDCProvider(createRequest("p", { description: "keep" }));
    const err = await caught(() =>
      ims.updateOIDCProvider(
        new $Ims.UpdateOIDCProviderRequest({
          OIDCProviderName: "p",
          newDescription: "d".repeat(257),
          clientIds: "z",
        }),
      ),
    );
    expect(err.code).toBe("InvalidParameter.NewDescription.Length");
    const p = (await get("p")).body!.OIDCProvider!;
    expect([p.description, p.clientIds]).toEqual(["keep", ""]);
  });

  test("5 fingerprints at create are accepted, 6 are refused", async () => {
    await ims.createOIDCProvider(createRequest("p", { fingerprints: [1, 2, 3, 4, 5].map(fp).join(",") }));
    await emulator.reset();
    await expectError(
      () =>
        ims.createOIDCProvider(createRequest("p", { fingerprints: [1, 2, 3, 4, 5, 6].map(fp).join(",") })),
      409,
      "LimitExceeded.OIDCProvider.Fingerprint",
    );
  });

  test("creating without a fingerprint is refused", async () => {
    await expectError(
      () => ims.createOIDCProvider(createRequest("p", { fingerprints: "" })),
      409,
      "LimitExceeded.OIDCProvider.Fingerprint",
    );
  });

  test("a fingerprint of 128 letters and digits is accepted, 129 or a colon is refused", async () => {
    await ims.createOIDCProvider(createRequest("p", { fingerprints: "F".repeat(128) }));
    await emulator.reset();
    await expectError(
      () => ims.createOIDCProvider(createRequest("p", { fingerprints: "F".repeat(129) })),
      400,
      "InvalidParameter.Fingerprint.Length",
    );
    await expectError(
      () => ims.createOIDCProvider(createRequest("p", { fingerprints: "AB:CD" })),
      400,
      "InvalidParameter.Fingerprint.InvalidChars",
    );
  });

  const ids = (n: number) => Array.from({ length: n }, (_, i) => `client-${i}`).join(",");

  test("50 client IDs are accepted, one more is refused", async () => {
    await ims.createOIDCProvider(createRequest("p", { clientIds: ids(50) }));
    await emulator.reset();
    await expectError(
      () => ims.createOIDCProvider(createRequest("p", { clientIds: ids(51) })),
      409,
      "LimitExceeded.OIDCProvider.ClientId",
    );
  });

  test("adding the 51st client ID is refused", async () => {
    await ims.createOIDCProvider(createRequest("p", { clientIds: ids(50) }));
    const err = await caught(() =>
      ims.addClientIdToOIDCProvider(
        new $Ims.AddClientIdToOIDCProviderRequest({ OIDCProviderName: "p", clientId: "x" }),
      ),
    );
    expect([err.statusCode, err.code]).toEqual([409, "LimitExceeded.OIDCProvider.ClientId"]);
  });

  test("UpdateOIDCProvider with 51 client IDs is refused", async () => {
    await ims.createOIDCProvider(createRequest("p"));
    const err = await caught(() =>
      ims.updateOIDCProvider(
        new $Ims.UpdateOIDCProviderRequest({ OIDCProviderName: "p", clientIds: ids(51) }),
      ),
    );
    expect(err.code).toBe("LimitExceeded.OIDCProvider.ClientId");
  });

  test("limits.oidc.maxClientIds 20 (the older docs) refuses the 21st client ID", async () => {
    const old = await startEmulator({ limits: { oidc: { maxClientIds: 20 } } });
    try {
      const client = imsClient(old);
      await client.createOIDCProvider(createRequest("p", { clientIds: ids(20) }));
      const err = await caught(() => client.createOIDCProvider(createRequest("q", { clientIds: ids(21) })));
      expect(err.code).toBe("LimitExceeded.OIDCProvider.ClientId");
    } finally {
      await old.close();
    }
  });

  test("a client ID of 128 characters is accepted, 129 or a leading special is refused", async () => {
    await ims.createOIDCProvider(createRequest("p", { clientIds: "c".repeat(128) }));
    const add = (clientId: string) =>
      ims.addClientIdToOIDCProvider(
        new $Ims.AddClientIdToOIDCProviderRequest({ OIDCProviderName: "p", clientId }),
      );
    expect((await caught(() => add("c".repeat(129)))).code).toBe("InvalidParameter.ClientId.Length");
    expect((await caught(() => add("/path"))).code).toBe("InvalidParameter.ClientId.InvalidChars");
    await add("api://my-app_1.0");
  });

  test.each([
    [0, false],
    [1, true],
    [168, true],
    [169, false],
  ])("IssuanceLimitTime %i accepted: %s", async (hours, ok) => {
    const call = () => ims.createOIDCProvider(createRequest("p", { issuanceLimitTime: hours }));
    if (ok) {
      expect((await call()).body!.OIDCProvider!.issuanceLimitTime).toBe(hours);
    } else {
      await expectError(call, 400, "InvalidParameter.IssuanceLimitTime.Range");
    }
  });

  test("a non-integer IssuanceLimitTime is a Format error", async () => {
    const err = await caught(() =>
      emulator.console("ims", "CreateOIDCProvider", {
        OIDCProviderName: "p",
        IssuerUrl: "https://a.example.com",
        Fingerprints: fp(1),
        IssuanceLimitTime: "1.5",
      }),
    );
    expect([err.statusCode, err.code]).toEqual([400, "InvalidParameter.IssuanceLimitTime.Format"]);
  });

  test("a duplicate name is 409 EntityAlreadyExists.OIDCProvider", async () => {
    await ims.createOIDCProvider(createRequest("p", { issuerUrl: "https://a.example.com" }));
    const err = await caught(() =>
      ims.createOIDCProvider(createRequest("p", { issuerUrl: "https://b.example.com" })),
    );
    expect([err.statusCode, err.code]).toEqual([409, "EntityAlreadyExists.OIDCProvider"]);
    expect(await providerNames()).toEqual(["p"]);
  });

  test("a duplicate issuer (host case-insensitive) is 409 EntityAlreadyExists.OIDCProvider.Url", async () => {
    await ims.createOIDCProvider(createRequest("p", { issuerUrl: "https://a.example.com/tenant" }));
    const err = await caught(() =>
      ims.createOIDCProvider(createRequest("q", { issuerUrl: "https://A.Example.COM/tenant" })),
    );
    expect([err.statusCode, err.code]).toEqual([409, "EntityAlreadyExists.OIDCProvider.Url"]);
    await ims.createOIDCProvider(createRequest("r", { issuerUrl: "https://a.example.com/Tenant" }));
    expect(await providerNames()).toEqual(["p", "r"]);
  });

  test("the 100th provider is accepted, the 101st is 409 LimitExceeded.OIDCProvider", async () => {
    for (let i = 1; i <= 99; i++) {
      await emulator.console("ims", "CreateOIDCProvider", {
        OIDCProviderName: `p${i}`,
        IssuerUrl: `https://i.example.com/${i}`,
        Fingerprints: fp(1),
      });
    }
    await ims.createOIDCProvider(createRequest("p100"));
    const err = await caught(() => ims.createOIDCProvider(createRequest("p101")));
    expect([err.statusCode, err.code]).toEqual([409, "LimitExceeded.OIDCProvider"]);
    expect(await providerNames()).toHaveLength(100);
  });
});

describe("ListOIDCProviders", () => {
  const list = (maxItems?: number, marker?: string) =>
    ims.listOIDCProviders(new $Ims.ListOIDCProvidersRequest({ maxItems, marker }));

  beforeEach(async () => {
    for (const name of ["c", "a", "b", "e", "d"]) await ims.createOIDCProvider(createRequest(name));
  });

  test("lists every provider in creation order, wrapped as OIDCProviders.OIDCProvider", async () => {
    const res = await list();
    const body = res.body!.toMap();
    expect(body.IsTruncated).toBe(false);
    expect(body).not.toHaveProperty("Marker");
    const items = (body.OIDCProviders as { OIDCProvider: Array<Record<string, unknown>> }).OIDCProvider;
    expect(items.map((p) => p.OIDCProviderName)).toEqual(["c", "a", "b", "e", "d"]);
    expect(items[0]).toMatchObject({ Fingerprints: fp(1), ClientIds: "", IssuanceLimitTime: 12 });
  });

  test("pages with MaxItems and Marker without gaps or repeats", async () => {
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const body = (await list(2, marker)).body!;
      pages++;
      seen.push(...body.OIDCProviders!.OIDCProvider!.map((p) => p.OIDCProviderName!));
      expect(body.isTruncated).toBe(body.marker !== undefined);
      marker = body.marker;
    } while (marker !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual(["c", "a", "b", "e", "d"]);
  });

  test("a provider deleted between pages does not shift the next page", async () => {
    const first = (await list(2)).body!;
    await ims.deleteOIDCProvider(new $Ims.DeleteOIDCProviderRequest({ OIDCProviderName: "b" }));
    const second = (await list(2, first.marker)).body!;
    expect(second.OIDCProviders!.OIDCProvider!.map((p) => p.OIDCProviderName)).toEqual(["e", "d"]);
  });

  test.each([0, 101])("MaxItems %i is refused", async (maxItems) => {
    const err = await caught(() => list(maxItems));
    expect([err.statusCode, err.code]).toEqual([400, "InvalidParameter.MaxItems.Range"]);
  });

  test("MaxItems 100 and 1 are accepted", async () => {
    expect((await list(100)).body!.OIDCProviders!.OIDCProvider).toHaveLength(5);
    expect((await list(1)).body!.OIDCProviders!.OIDCProvider).toHaveLength(1);
  });

  test("a forged Marker is refused", async () => {
    const err = await caught(() => list(2, "garbage"));
    expect([err.statusCode, err.code]).toEqual([400, "InvalidParameter.Marker"]);
  });
});
