/**
 * A program's secret inputs stay secret on the paths no check precedes. The engine gives a dynamic
 * provider secrets as plain values, and runs no check before a refresh or a delete (`destroy`, a
 * resource removed from the program). So a create or update records the names of the secret inputs
 * in its outputs, a read or delete masks the values those names hold, every output that holds one
 * is marked secret for the engine, and an id that quotes one is replaced by an opaque one.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { isKnownSecret } from "../../provider/errors";
import { OidcRoleProvider } from "../../provider/resources/oidcRole";
import { RamPolicyProvider } from "../../provider/resources/ramPolicy";
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

const SIG = "4dabf18193072939515e22adb298388d";
const isSealed = (v: unknown) => !!v && typeof v === "object" && SIG in (v as object);
const doc = JSON.stringify({
  Version: "1",
  Statement: [{ Effect: "Allow", Action: "oss:GetObject", Resource: "*" }],
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
    const made = await RamPolicyProvider.create(check.inputs as never);
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
    const decl = {
      roleName,
      providerArn: await trustedProviderArn(emulator, "github"),
      audiences: ["sts.aliyuncs.com"],
      subjects: ["repo:acme/app:ref:refs/heads/main"],
      secretInputs: ["roleName"],
    };
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
