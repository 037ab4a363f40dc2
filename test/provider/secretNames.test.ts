/**
 * A program's secret inputs stay secret on the paths no check precedes. The engine gives a dynamic
 * provider secrets as plain values, and runs no check before a refresh or a delete (`destroy`, a
 * resource removed from the program). So a create or update records the names of the secret inputs
 * in its outputs, a read or delete masks the values those names hold, every output that holds one
 * is marked secret for the engine, and an id that quotes one is replaced by an opaque one.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { createScimUser } from "../../provider/client/scim";
import { setWarningSink } from "../../provider/diagnostics";
import { isKnownSecret } from "../../provider/errors";
import { PENDING_ID_PREFIX } from "../../provider/lifecycle";
import { ApplicationAssignmentProvider } from "../../provider/resources/applicationAssignment";
import { IdaasM2mApplicationProvider } from "../../provider/resources/idaasM2mApplication";
import { OFFICIAL_CLI_APP_IDS } from "../../provider/resources/officialCliApplication";
import { OidcProviderProvider } from "../../provider/resources/oidcProvider";
import { OidcRoleProvider } from "../../provider/resources/oidcRole";
import { RamPolicyProvider } from "../../provider/resources/ramPolicy";
import { ScimApplicationProvider } from "../../provider/resources/scimApplication";
import { directoryMaps, rosterOf, ScimDirectoryProvider } from "../../provider/resources/scimDirectory";
import { ScimUserProvider } from "../../provider/resources/scimUser";
import { isSecretWire } from "../../provider/secretWire";
import { destroy, type Held, refreshDiff, unsealed, up } from "./engine";
import { configOf, startWired, trustedProviderArn } from "./harness";

let emulator: Emulator;
let config: Record<string, string>;
beforeAll(async () => {
  ({ emulator, config } = await startWired());
});
afterAll(async () => emulator?.close());
beforeEach(async () => {
  await emulator.reset();
  await RamPolicyProvider.configure(configOf(config));
  await OidcRoleProvider.configure(configOf(config));
});

const isSealed = isSecretWire;
const doc = JSON.stringify({
  Version: "1",
  Statement: [{ Effect: "Allow", Action: "oss:GetObject", Resource: "*" }],
});

/**
 * A SCIM application made through its provider, with `consumer` (ScimDirectory, ScimUser)
 * configured: the credentials the consumer syncs with.
 */
async function scimApp(consumer: {
  configure(req: ReturnType<typeof configOf>): Promise<void>;
}): Promise<{ clientId: string; clientSecret: string }> {
  await ScimApplicationProvider.configure(configOf(config));
  await consumer.configure(configOf(config));
  const made = await up(ScimApplicationProvider as never, undefined, { appName: "directory-sync" });
  return made.held?.outs as { clientId: string; clientSecret: string };
}

/** An OidcRole whose name the program marks secret. */
const secretRole = async (roleName: string) => ({
  roleName,
  providerArn: await trustedProviderArn(emulator, "github"),
  audiences: ["sts.aliyuncs.com"],
  subjects: ["repo:acme/app:ref:refs/heads/main"],
  secretInputs: ["roleName"],
});

describe("a RamPolicy named by a secret", () => {
  const name = "Pn-secret-policy-name-7c1v";
  const note = "a secret description of this policy 3m8z";
  const decl = {
    policyName: name,
    policyDocument: doc,
    description: note,
    secretInputs: ["policyName", "description"],
  };

  it("records the names, marks the outputs secret, keeps the name out of the id; refresh and delete find it by its recorded name", async () => {
    const check = await RamPolicyProvider.check({}, decl);
    expect(check.inputs).not.toHaveProperty("secretInputs");
    const made = await RamPolicyProvider.create(unsealed(check.inputs) as never);
    expect(made.id).not.toContain(name);
    expect(made.id).toMatch(/^secret-[0-9a-f-]{36}$/);
    const outs = made.outs as unknown as Record<string, unknown>;
    expect(outs.secretInputs).toEqual(["policyName", "description"]);
    expect(isSealed(outs.policyName)).toBe(true);
    expect(isSealed(outs.description)).toBe(true);
    // Nothing secret in what is left in plain text.
    const plain = Object.entries(outs).filter(([, v]) => !isSealed(v));
    expect(JSON.stringify(plain)).not.toContain(name);
    expect(JSON.stringify(plain)).not.toContain(note);

    // Refresh: found by the name recorded in state (the id is opaque); the id and names stay.
    const held: Held = { id: made.id, outs: unsealed(outs), initErrors: false };
    const read = await RamPolicyProvider.read(held.id, held.outs);
    expect(read.id).toBe(made.id);
    expect((read.props as Record<string, unknown>).secretInputs).toEqual(["policyName", "description"]);
    expect(isSealed((read.props as Record<string, unknown>).policyName)).toBe(true);
    expect((read as { inputs?: object }).inputs).not.toHaveProperty("secretInputs");
    expect(await refreshDiff(RamPolicyProvider as never, held, decl)).toEqual([]);

    // An update to a plain description: the new outputs record only the secret that is left.
    const changed = await up(RamPolicyProvider as never, held, {
      ...decl,
      description: "now plain",
      secretInputs: ["policyName"],
    });
    expect(changed.error).toBeUndefined();
    expect(changed.held?.outs.secretInputs).toEqual(["policyName"]);
    expect(changed.held?.outs.description).toBe("now plain");

    // Destroy: the policy goes, found by its recorded name.
    expect((await destroy(RamPolicyProvider as never, changed.held)).error).toBeUndefined();
    await expect(
      emulator.console("ram", "GetPolicy", { PolicyName: name, PolicyType: "Custom" }),
    ).rejects.toThrow(/EntityNotExist/);
  });

  it("a delete in a process that ran no check masks the values the state names secret", async () => {
    // Another name than the test above's: this process has not seen it as a secret.
    const fresh = "Pn-never-checked-name-9q4w";
    await emulator.console("ram", "CreatePolicy", { PolicyName: fresh, PolicyDocument: doc });
    await emulator.console("ram", "CreateUser", { UserName: "by-hand" });
    await emulator.console("ram", "AttachPolicyToUser", {
      UserName: "by-hand",
      PolicyType: "Custom",
      PolicyName: fresh,
    });
    expect(isKnownSecret(fresh)).toBe(false);
    const props = { policyName: fresh, policyDocument: doc, description: "", secretInputs: ["policyName"] };
    const err = (await RamPolicyProvider.delete("secret-00000000-0000-4000-8000-000000000000", props).catch(
      (e) => e,
    )) as Error;
    expect(err.message).toMatch(/is still attached to a RAM user, group or role/);
    expect(err.message).not.toContain(fresh);
    expect(isKnownSecret(fresh)).toBe(true);
  });

  it("a read in a process that ran no check registers them too; state without recorded names keeps its id", async () => {
    const other = "Pn-read-only-name-5t2e";
    await emulator.console("ram", "CreatePolicy", { PolicyName: other, PolicyDocument: doc });
    expect(isKnownSecret(other)).toBe(false);
    const props = { policyName: other, policyDocument: doc, description: "", secretInputs: ["policyName"] };
    const read = await RamPolicyProvider.read(other, props);
    expect(isKnownSecret(other)).toBe(true);
    // The stored id quoted the secret (state written before the names were recorded): replaced.
    expect(read.id).toMatch(/^secret-/);
    // State that records no names (a plain name, or an import) keeps the name as its id.
    const plain = await RamPolicyProvider.read(other, {
      policyName: other,
      policyDocument: doc,
      description: "",
    });
    expect(plain.id).toBe(other);
    expect(isSealed((plain.props as Record<string, unknown>).policyName)).toBe(false);
  });
});

describe("an OidcRole named by a secret", () => {
  it("its ARN, built from the name, is marked secret too; refresh, update and delete find the role", async () => {
    const roleName = "secret-role-name-6h3p";
    const decl = await secretRole(roleName);
    const first = await up(OidcRoleProvider as never, undefined, decl);
    expect(first.error).toBeUndefined();
    const held = first.held!;
    expect(held.id).not.toContain(roleName);
    // The engine gets them sealed: the arn quotes the name.
    const made = await OidcRoleProvider.read(held.id, held.outs);
    const props = made.props as Record<string, unknown>;
    expect(isSealed(props.arn)).toBe(true);
    expect(isSealed(props.roleName)).toBe(true);
    expect(isSealed(props.roleId)).toBe(false);
    expect(made.id).toBe(held.id);
    expect(await refreshDiff(OidcRoleProvider as never, held, decl)).toEqual([]);
    const changed = await up(OidcRoleProvider as never, held, { ...decl, description: "deploys acme/app" });
    expect(changed.error).toBeUndefined();
    expect(changed.held?.outs.description).toBe("deploys acme/app");
    expect((await destroy(OidcRoleProvider as never, changed.held)).error).toBeUndefined();
    await expect(emulator.console("ram", "GetRole", { RoleName: roleName })).rejects.toThrow(
      /EntityNotExist/,
    );
  });
});

describe("the recorded secrets hold across a refresh, a carried ARN, a pending create and a directory", () => {
  it("a refresh seals exactly the outputs the create sealed; an ARN carried into the next check's inputs is sealed there", async () => {
    const roleName = "secret-role-name-2k8d";
    const decl = await secretRole(roleName);
    const check = await OidcRoleProvider.check({}, decl);
    const made = await OidcRoleProvider.create(unsealed(check.inputs) as never);
    const outs = made.outs as unknown as Record<string, unknown>;
    const sealedAtCreate = Object.keys(outs)
      .filter((k) => isSealed(outs[k]))
      .sort();
    expect(outs.secretOutputs).toEqual(sealedAtCreate);
    expect(sealedAtCreate).toEqual(expect.arrayContaining(["arn", "roleName"]));
    const read = await OidcRoleProvider.read(made.id, unsealed(outs));
    const props = read.props as Record<string, unknown>;
    expect(
      Object.keys(props)
        .filter((k) => isSealed(props[k]))
        .sort(),
    ).toEqual(sealedAtCreate);
    // The inputs a refresh returns carry the ARN: sealed there too.
    const inputs = (read as { inputs?: Record<string, unknown> }).inputs ?? {};
    expect(isSealed(inputs.arn)).toBe(true);
    // The next check carries the stable ARN from the old inputs: sealed, not plain.
    const next = await OidcRoleProvider.check(unsealed(inputs), decl);
    const carried = (next.inputs as Record<string, unknown>).arn;
    expect(isSealed(carried)).toBe(true);
    expect(JSON.stringify(unsealed(carried))).toContain(roleName);
  });

  it("a pending create named by a secret keeps the pending mark in its opaque id, and the next run resumes it", async () => {
    await IdaasM2mApplicationProvider.configure(configOf(config));
    const name = "secret-app-name-4r7u";
    const decl = {
      instanceId: emulator.eiamInstanceId,
      applicationName: name,
      secretInputs: ["applicationName"],
    };
    await emulator.injectFault({ service: "eiam", action: "CreateApplication", kind: "lost", count: 1 });
    await emulator.injectFault({
      service: "eiam",
      action: "ListApplications",
      kind: "server-error",
      count: 16,
    });
    const first = await up(IdaasM2mApplicationProvider as never, undefined, decl);
    await emulator.clearFaults();
    expect(first.error).toBeDefined();
    expect(first.held?.id).toMatch(new RegExp(`^${PENDING_ID_PREFIX}secret-`));
    expect(first.held?.id).not.toContain(name);
    const second = await up(IdaasM2mApplicationProvider as never, first.held, decl);
    expect(second.error).toBeUndefined();
    const apps = async () =>
      (
        (await emulator.console("eiam", "ListApplications", { InstanceId: emulator.eiamInstanceId })) as {
          Applications: { ApplicationName: string }[];
        }
      ).Applications.map((a) => a.ApplicationName);
    expect(await apps()).toEqual([name]);
    // Refresh finds it (not gone), and destroy deletes it (not taken for gone).
    expect(await refreshDiff(IdaasM2mApplicationProvider as never, second.held!, decl)).toEqual([]);
    expect((await destroy(IdaasM2mApplicationProvider as never, second.held)).error).toBeUndefined();
    expect(await apps()).toEqual([]);
  });

  it("a directory whose people are a secret stores the ids made from them as secrets too", async () => {
    const app = await scimApp(ScimDirectoryProvider);
    const decl = {
      ...directoryMaps([{ userName: "secret-person-9x2", externalId: "emp-secret-77" }]),
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      secretInputs: ["people"],
    };
    const check = await ScimDirectoryProvider.check({}, decl);
    expect(check.failures ?? []).toEqual([]);
    const made = await ScimDirectoryProvider.create(unsealed(check.inputs) as never);
    const outs = made.outs as unknown as Record<string, unknown>;
    expect(isSealed(outs.people)).toBe(true);
    expect(isSealed(outs.ids)).toBe(true);
    const plain = Object.entries(outs).filter(([, v]) => !isSealed(v));
    expect(JSON.stringify(plain)).not.toMatch(/secret-person-9x2|emp-secret-77/);
    await ScimDirectoryProvider.delete(made.id, { ...unsealed(outs), allowDestroy: true });
  });
});

describe("what a value test alone would miss", () => {
  it("a name in mixed case, which RAM writes in lower case in the ARN, and a name of two letters", async () => {
    for (const roleName of ["GitHubDeployer-7Q", "ci"]) {
      const check = await OidcRoleProvider.check({}, await secretRole(roleName));
      const made = await OidcRoleProvider.create(unsealed(check.inputs) as never);
      const outs = made.outs as unknown as Record<string, unknown>;
      expect(JSON.stringify(unsealed(outs.arn)).toLowerCase()).toContain(roleName.toLowerCase());
      expect(isSealed(outs.arn), roleName).toBe(true);
      expect(made.id, roleName).toMatch(/^secret-/);
      await OidcRoleProvider.delete(made.id, unsealed(outs));
    }
  });

  it("a refresh seals an output that quotes a secret only now (state from a pending create had no ARN)", async () => {
    const decl = await secretRole("late-arn-role-5w");
    const check = await OidcRoleProvider.check({}, decl);
    const made = await OidcRoleProvider.create(unsealed(check.inputs) as never);
    const { arn: _arn, ...before } = unsealed(made.outs as unknown as Record<string, unknown>);
    const state = { ...before, secretOutputs: ["roleName"] };
    const read = await OidcRoleProvider.read(made.id, state);
    const props = read.props as Record<string, unknown>;
    expect(isSealed(props.arn)).toBe(true);
    expect(props.secretOutputs).toEqual(["arn", "roleName"]);
  });
});

describe("short secret values", () => {
  it("an opaque id stays at every refresh, whatever it happens to contain", async () => {
    // 'se' is in every opaque id ('secret-…'): the old test made a new id at each refresh.
    await emulator.console("ram", "CreatePolicy", { PolicyName: "se", PolicyDocument: doc });
    const opaque = "secret-0e6b1c3a-1f2d-4c5b-8a9e-7d6c5b4a3f21";
    const props = { policyName: "se", policyDocument: doc, description: "", secretInputs: ["policyName"] };
    const first = await RamPolicyProvider.read(opaque, props);
    expect(first.id).toBe(opaque);
    const second = await RamPolicyProvider.read(first.id, unsealed(first.props as Record<string, unknown>));
    expect(second.id).toBe(opaque);
  });

  it("a short secret seals the output that is it, not every output that happens to contain it", async () => {
    const decl = {
      policyName: "prod-deployer-x",
      policyDocument: doc,
      description: "prod",
      secretInputs: ["description"],
    };
    const check = await RamPolicyProvider.check({}, decl);
    const made = await RamPolicyProvider.create(unsealed(check.inputs) as never);
    const outs = made.outs as unknown as Record<string, unknown>;
    expect(isSealed(outs.description)).toBe(true);
    expect(isSealed(outs.policyName)).toBe(false);
    expect(outs.secretOutputs).toEqual(["description"]);
    // The id quotes it as a word: replaced (reads and deletes take the name from state).
    expect(made.id).toMatch(/^secret-/);
    expect(
      (await destroy(RamPolicyProvider as never, { id: made.id, outs: unsealed(outs), initErrors: false }))
        .error,
    ).toBeUndefined();
  });
});

describe("outputs each resource makes from a short secret", () => {
  it("an assignment to a user named by a secret: the name as IMS shows it is sealed, and the id is opaque", async () => {
    await ApplicationAssignmentProvider.configure(configOf(config));
    await emulator.console("ims", "ProvisionExternalApplication", {
      AppId: OFFICIAL_CLI_APP_IDS.cn,
      Scopes: "openid;/internal/ram/usersts",
    });
    await emulator.console("ram", "CreateUser", { UserName: "bob" });
    const decl = {
      appId: OFFICIAL_CLI_APP_IDS.cn,
      principalType: "user",
      principalName: "bob",
      secretInputs: ["principalName"],
    };
    const check = await ApplicationAssignmentProvider.check({}, decl);
    const made = await ApplicationAssignmentProvider.create(unsealed(check.inputs) as never);
    const outs = made.outs as unknown as Record<string, unknown>;
    expect(String(unsealed(outs.assignedPrincipalName))).toMatch(/^bob@/);
    expect(isSealed(outs.assignedPrincipalName)).toBe(true);
    expect(isSealed(outs.principalName)).toBe(true);
    expect(made.id).toMatch(/^secret-/);
    const held: Held = { id: made.id, outs: unsealed(outs), initErrors: false };
    expect(await refreshDiff(ApplicationAssignmentProvider as never, held, decl)).toEqual([]);
    expect((await destroy(ApplicationAssignmentProvider as never, held)).error).toBeUndefined();
  });

  it("a SCIM user named by a secret: the display name that defaults to it is sealed", async () => {
    const app = await scimApp(ScimUserProvider);
    const decl = {
      userName: "ed",
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      secretInputs: ["userName"],
    };
    const check = await ScimUserProvider.check({}, decl);
    expect(check.failures ?? []).toEqual([]);
    const made = await ScimUserProvider.create(unsealed(check.inputs) as never);
    const outs = made.outs as unknown as Record<string, unknown>;
    expect(unsealed(outs.displayName)).toBe("ed");
    expect(isSealed(outs.displayName)).toBe(true);
    expect(isSealed(outs.userName)).toBe(true);
    await ScimUserProvider.delete(made.id, unsealed(outs));
  });
});

describe("secrets in partial state and in errors", () => {
  it("an update stopped half-way keeps what the old state held secret sealed and recorded, though the program no longer marks it", async () => {
    const old = "a secret description that must stay hidden 4k2w";
    const first = await up(RamPolicyProvider as never, undefined, {
      policyName: "pn-partial-secret",
      policyDocument: doc,
      description: old,
      secretInputs: ["description"],
    });
    expect(first.error).toBeUndefined();
    // The new version is made, then the description's update fails past every retry: the partial
    // state is the old one with the new version, the old description in it.
    await emulator.injectFault({ service: "ram", action: "UpdatePolicyDescription", kind: "server-error" });
    const second = await up(RamPolicyProvider as never, first.held, {
      policyName: "pn-partial-secret",
      policyDocument: doc.replace("oss:GetObject", "oss:PutObject"),
      description: "a plain new description",
    });
    await emulator.clearFaults();
    const err = second.error as { message: string; properties?: Record<string, unknown> };
    expect(err.properties).toBeDefined();
    const props = err.properties!;
    expect(unsealed(props.description)).toBe(old);
    expect(isSealed(props.description)).toBe(true);
    expect(props.secretInputs).toEqual(["description"]);
    expect(props.secretOutputs).toContain("description");
    const plain = Object.entries(props).filter(([, v]) => !isSealed(v));
    expect(JSON.stringify(plain)).not.toContain("must stay hidden");
    expect(err.message).not.toContain("must stay hidden");
    // The next run (no check marks it secret) finishes the update; the refresh before it keeps it sealed.
    const read = await RamPolicyProvider.read(second.held!.id, second.held!.outs);
    expect(isSealed((read.props as Record<string, unknown>).description)).toBe(true);
  });

  it("a secret roster's people are masked one by one in a failed sync's error and its partial state", async () => {
    const app = await scimApp(ScimDirectoryProvider);
    // A console-made user holds the name: the sync refuses that one person, naming them.
    await emulator.console("ram", "CreateUser", { UserName: "alice" });
    // Another directory's user holds an employee number: that person is refused, quoting it.
    await createScimUser(app, { userName: "other.person", displayName: "Other", externalId: "123456" });
    // The roster text, as the class builds `people` from a list.
    const decl = {
      people: rosterOf([
        { userName: "alice", externalId: "e1" },
        { userName: "jo", externalId: "emp-jo-2" },
        { userName: "cy", externalId: "123456" },
      ]),
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      secretInputs: ["people"],
    };
    const made = await up(ScimDirectoryProvider as never, undefined, decl);
    const err = made.error as { message: string; properties?: Record<string, unknown>; reasons?: string[] };
    expect(err).toBeDefined();
    expect(err.message).toMatch(/\*\*\*: userName is taken by a RAM user without externalId/);
    expect(err.message).toMatch(/\*\*\*: externalId '\*\*\*' is already held by RAM user 'other\.person'/);
    const printed = JSON.stringify([err.message, err.reasons ?? []]);
    expect(printed).not.toMatch(/\balice\b|\be1\b|\bcy\b|123456/);
    const plain = Object.entries(err.properties ?? {}).filter(([, v]) => !isSealed(v));
    expect(JSON.stringify(plain)).not.toMatch(/\balice\b|emp-jo-2|"e1"/);
  });
});

describe("outputs written from secret inputs no value test finds", () => {
  it("a role's trust policy, written from a short secret audience, is sealed", async () => {
    const decl = {
      ...(await secretRole("plain-role-trusting-a-secret")),
      audiences: ["ci-aud"],
      secretInputs: ["audiences"],
    };
    const check = await OidcRoleProvider.check({}, decl);
    expect(check.failures ?? []).toEqual([]);
    const made = await OidcRoleProvider.create(unsealed(check.inputs) as never);
    const outs = made.outs as unknown as Record<string, unknown>;
    expect(String(unsealed(outs.trustPolicy))).toContain('"ci-aud"');
    expect(isSealed(outs.trustPolicy)).toBe(true);
    expect(isSealed(outs.roleName)).toBe(false);
  });

  it("a SCIM application's display name, the first 24 characters of a secret name, is sealed", async () => {
    await ScimApplicationProvider.configure(configOf(config));
    const appName = "corp-directory-sync-prod-eu-central";
    const check = await ScimApplicationProvider.check({}, { appName, secretInputs: ["appName"] });
    expect(check.failures ?? []).toEqual([]);
    const made = await ScimApplicationProvider.create(unsealed(check.inputs) as never);
    const outs = made.outs as unknown as Record<string, unknown>;
    expect(unsealed(outs.displayName)).toBe(appName.slice(0, 24));
    expect(isSealed(outs.displayName)).toBe(true);
    // Carried into the next check's inputs, it is sealed there as well.
    const again = await ScimApplicationProvider.check(unsealed(outs), { appName, secretInputs: ["appName"] });
    const carried = (again.inputs ?? {}) as Record<string, unknown>;
    if (carried.displayName !== undefined) expect(isSealed(carried.displayName)).toBe(true);
  });
});

describe("a check that throws", () => {
  it("masks the secret name its error quotes (the account refused before a look-up)", async () => {
    await OidcRoleProvider.configure(
      configOf({ ...config, "alicloud-federation:allowedAccountIds": "1111111111111111" }),
    );
    try {
      const decl = {
        ...(await secretRole("acme-payments-prod-deployer")),
        // Not a well-known name: the check looks it up, after the account is checked.
        policies: [{ type: "System", name: "AliyunSomethingRareAccess" }],
      };
      const err = await OidcRoleProvider.check({}, decl).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).toMatch(/refusing to create it in account/);
      expect(err?.message).not.toContain("acme-payments-prod-deployer");
      expect(String(err?.stack)).not.toContain("acme-payments-prod-deployer");
    } finally {
      await OidcRoleProvider.configure(configOf(config));
    }
  });
});

describe("a check's own warnings", () => {
  it("mask the program's secret inputs: the check registers them before it runs", async () => {
    await OidcProviderProvider.configure(configOf(config));
    const warnings: string[] = [];
    setWarningSink((text) => warnings.push(text));
    try {
      const r = await OidcProviderProvider.check(
        {},
        {
          oidcProviderName: "secret-provider-name-5t",
          // Nothing listens there: the pins cannot be checked, which the check says as a warning.
          issuerUrl: "https://127.0.0.1:9",
          clientIds: ["sts.aliyuncs.com"],
          fingerprints: ["ab".repeat(20)],
          secretInputs: ["oidcProviderName"],
        },
      );
      expect(r.failures ?? []).toEqual([]);
    } finally {
      setWarningSink(undefined);
    }
    expect(warnings.join("\n")).toMatch(
      /OidcProvider '\*\*\*' \(https:\/\/127\.0\.0\.1:9\): the fingerprints could not be checked/,
    );
  });
});
