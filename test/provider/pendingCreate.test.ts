/**
 * Creates of objects whose id the service assigns, when the answer is lost and the run dies right
 * after: the next run adopts only what is provably its own, and refuses (naming them, deleting
 * nothing) when several objects could be it. Secrets stay out of errors.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { PENDING_ID_PREFIX } from "../../provider/lifecycle";
import { IdaasClientSecretProvider } from "../../provider/resources/idaasClientSecret";
import { IdaasM2mApplicationProvider } from "../../provider/resources/idaasM2mApplication";
import { destroy, up } from "./engine";
import { configOf, startWired } from "./harness";

let emulator: Emulator;
let config: Record<string, string>;

const eiamConsole = (action: string, params: Record<string, string>) =>
  emulator.console("eiam", action, { InstanceId: emulator.eiamInstanceId, ...params }) as Promise<
    Record<string, unknown>
  >;

/**
 * Call `nth` is done, its answer lost, and the service is down after it: the run dies there.
 * (The account check's STS GetCallerIdentity is answered from its cache, warmed in beforeEach.)
 */
async function loseThenDown(nth = 1): Promise<void> {
  await emulator.injectFault({ kind: "lost", nth, count: 1 });
  await emulator.injectFault({ kind: "server-error", nth, count: 16 });
}

async function appsNamed(name: string): Promise<string[]> {
  const body = (await eiamConsole("ListApplications", { ApplicationName: name })) as {
    Applications: { ApplicationId: string; ApplicationName: string }[];
  };
  return body.Applications.filter((a) => a.ApplicationName === name).map((a) => a.ApplicationId);
}

async function secretIds(app: string): Promise<string[]> {
  const body = (await eiamConsole("ListApplicationClientSecrets", { ApplicationId: app })) as {
    ApplicationClientSecrets: { SecretId: string }[];
  };
  return body.ApplicationClientSecrets.map((x) => x.SecretId);
}

beforeAll(async () => {
  ({ emulator, config } = await startWired());
});
afterAll(async () => {
  await emulator?.close();
});
beforeEach(async () => {
  await emulator.reset();
  await IdaasM2mApplicationProvider.configure(configOf(config));
  await IdaasClientSecretProvider.configure(configOf(config));
  // Warms the caller-account cache (a read of an application that does not exist: gone).
  await IdaasM2mApplicationProvider.read("app_none", { instanceId: emulator.eiamInstanceId });
});

describe("a service-id create left pending", () => {
  const decl = () => ({ instanceId: emulator.eiamInstanceId, applicationName: "orders-worker" });

  it("is recorded under a stand-in id; two candidate applications are refused by id, and none is deleted", async () => {
    await loseThenDown();
    const first = await up(IdaasM2mApplicationProvider, undefined, decl());
    await emulator.clearFaults();
    expect(first.error).toBeDefined();
    expect(first.held?.id).toBe(`${PENDING_ID_PREFIX}orders-worker`);
    expect(first.held?.initErrors).toBe(true);
    const [mine] = await appsNamed("orders-worker");
    // Someone makes a twin in the same minute: which one is ours cannot be told.
    const twin = (await eiamConsole("CreateApplication", {
      ApplicationName: "orders-worker",
      ApplicationSourceType: "urn:alibaba:idaas:app:source:standard",
      SsoType: "oidc",
    })) as { ApplicationId: string };
    const second = await up(IdaasM2mApplicationProvider, first.held, decl());
    expect(String(second.error)).toContain(mine);
    expect(String(second.error)).toContain(twin.ApplicationId);
    expect(second.held?.id).toBe(`${PENDING_ID_PREFIX}orders-worker`);
    const gone = await destroy(IdaasM2mApplicationProvider, second.held);
    expect(String(gone.error)).toContain(twin.ApplicationId);
    expect((await appsNamed("orders-worker")).sort()).toEqual([mine, twin.ApplicationId].sort());
    // The twin removed: the next up adopts ours, no third application.
    await eiamConsole("DeleteApplication", { ApplicationId: twin.ApplicationId });
    const third = await up(IdaasM2mApplicationProvider, second.held, decl());
    expect(third.error).toBeUndefined();
    expect(third.held?.outs.applicationId).toBe(mine);
    expect(await appsNamed("orders-worker")).toEqual([mine]);
  });

  it("an application made before the attempt (clock skew aside) is not taken: a new one is created", async () => {
    await loseThenDown();
    const first = await up(IdaasM2mApplicationProvider, undefined, decl());
    await emulator.clearFaults();
    const [lost] = await appsNamed("orders-worker");
    // The pending record says the attempt started long ago: the application is not provably its.
    const held = {
      ...first.held!,
      outs: { ...first.held!.outs, createPendingSince: Date.now() + 3_600_000 },
    };
    const second = await up(IdaasM2mApplicationProvider, held, decl());
    expect(second.error).toBeUndefined();
    expect(second.held?.outs.applicationId).not.toBe(lost);
    expect(await appsNamed("orders-worker")).toHaveLength(2);
  });

  it("a client secret: the one new secret is adopted with its value; a second new one is refused, none deleted, no value in the error", async () => {
    const app = (
      (await eiamConsole("CreateApplication", {
        ApplicationName: "worker",
        ApplicationSourceType: "urn:alibaba:idaas:app:source:standard",
        SsoType: "oidc",
      })) as { ApplicationId: string }
    ).ApplicationId;
    await eiamConsole("EnableApplicationM2MClient", { ApplicationId: app });
    const sdecl = { instanceId: emulator.eiamInstanceId, applicationId: app };
    // Calls: ListApplicationClientSecrets, then CreateApplicationClientSecret (lost, then down).
    await loseThenDown(2);
    const first = await up(IdaasClientSecretProvider, undefined, sdecl);
    await emulator.clearFaults();
    expect(first.held?.id).toBe(`${PENDING_ID_PREFIX}${app}`);
    expect(first.held?.outs.clientSecret).toBe("");
    const [mine] = await secretIds(app);
    const value = (
      (await eiamConsole("ObtainApplicationClientSecret", { ApplicationId: app, SecretId: mine! })) as {
        ApplicationClientSecret: { ClientSecret: string };
      }
    ).ApplicationClientSecret.ClientSecret;
    const other = (await eiamConsole("CreateApplicationClientSecret", { ApplicationId: app })) as {
      ApplicationClientSecret?: { SecretId: string };
    };
    const otherId = (await secretIds(app)).find((x) => x !== mine)!;
    expect(other).toBeDefined();
    const second = await up(IdaasClientSecretProvider, first.held, sdecl);
    expect(String(second.error)).toContain(otherId);
    expect(String(second.error)).not.toContain(value);
    const gone = await destroy(IdaasClientSecretProvider, second.held);
    expect(String(gone.error)).toContain(otherId);
    expect((await secretIds(app)).sort()).toEqual([mine, otherId].sort());
    await eiamConsole("DeleteApplicationClientSecret", { ApplicationId: app, SecretId: otherId });
    const third = await up(IdaasClientSecretProvider, second.held, sdecl);
    expect(third.error).toBeUndefined();
    expect(third.held?.outs.secretId).toBe(mine);
    expect(third.held?.outs.clientSecret).toBe(value);
    expect(await secretIds(app)).toEqual([mine]);
  });
});
