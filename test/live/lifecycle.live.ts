/**
 * Provider lifecycles against the target, through the resources' own providers as the engine
 * drives them: create, read back with no drift, update in place, read, delete, and read again to
 * see it gone. Names carry the run's prefix.
 */
import { expect, test } from "vitest";
import { checkOidcProviderInputs, OidcProviderProvider } from "../../provider/resources/oidcProvider";
import { checkOidcRoleInputs, OidcRoleProvider } from "../../provider/resources/oidcRole";
import { resetSettings } from "../../provider/settings";
import { checkAccount } from "./account";
import { targetFromEnv } from "./target";

const prefix = process.env.ALICLOUD_FEDERATION_LIVE_PREFIX ?? "";
const ISSUER = "https://token.actions.githubusercontent.com";
// A 40-hex pin: the provider accepts any; STS is not called here.
const FINGERPRINT = "6938fd4d98bab03faadb97b34396831e3780aea1";
const noConfig = {
  config: {
    get: () => undefined,
    require: (k: string): string => {
      throw new Error(`missing ${k}`);
    },
  },
};

test("OidcProvider and OidcRole: create, read, update, delete", async () => {
  const accountId = await checkAccount(targetFromEnv());
  resetSettings();
  await OidcProviderProvider.configure(noConfig as never);
  await OidcRoleProvider.configure(noConfig as never);

  const providerInputs = (description: string) => {
    const { inputs, failures } = checkOidcProviderInputs({
      oidcProviderName: `${prefix}github`,
      issuerUrl: ISSUER,
      fingerprints: [FINGERPRINT],
      clientIds: ["sts.aliyuncs.com"],
      description,
    });
    expect(failures).toEqual([]);
    return inputs;
  };
  const created = await OidcProviderProvider.create(providerInputs("live"));
  expect(created.outs.arn).toBe(`acs:ram::${accountId}:oidc-provider/${prefix}github`);
  const read = await OidcProviderProvider.read(created.id, created.outs);
  expect((await OidcProviderProvider.diff(created.id, read.props, providerInputs("live"))).changes).toBe(
    false,
  );
  const updated = await OidcProviderProvider.update(created.id, read.props, providerInputs("live 2"));
  expect((updated.outs as { description?: string }).description).toBe("live 2");

  const roleInputs = (description: string) => {
    const { inputs, failures } = checkOidcRoleInputs({
      roleName: `${prefix}deployer`,
      providerArn: created.outs.arn,
      issuerUrl: ISSUER,
      audiences: ["sts.aliyuncs.com"],
      subjects: ["repo:acme/app:ref:refs/heads/main"],
      description,
    });
    expect(failures).toEqual([]);
    return inputs;
  };
  const role = await OidcRoleProvider.create(roleInputs("live"));
  const roleRead = await OidcRoleProvider.read(role.id, role.outs);
  expect((await OidcRoleProvider.diff(role.id, roleRead.props, roleInputs("live"))).changes).toBe(false);
  await OidcRoleProvider.update(role.id, roleRead.props, roleInputs("live 2"));
  expect(
    ((await OidcRoleProvider.read(role.id, role.outs)).props as { description?: string }).description,
  ).toBe("live 2");
  await OidcRoleProvider.delete(role.id, role.outs);
  expect((await OidcRoleProvider.read(role.id, role.outs)).props).toEqual({});
  await OidcProviderProvider.delete(created.id, updated.outs);
  expect((await OidcProviderProvider.read(created.id, updated.outs)).props).toEqual({});
});
