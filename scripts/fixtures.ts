/**
 * A federated account to test and measure against: providers, roles trusting
 * them (each with a subject condition and a policy), roles trusting only RAM,
 * and CLI logins. Made through the emulator's console (out of band).
 */
import type { Emulator } from "../emulator";

/** official-cli's AppId on the China site (the emulator's default site). */
export const CLI_APP_CN = "4038181954557748008";

export async function populateFederatedAccount(
  emulator: Emulator,
  opts: { providers: number; federatedRoles: number; otherRoles: number; cliUsers: number },
): Promise<void> {
  const acct = emulator.accountId;
  for (let p = 0; p < opts.providers; p++)
    await emulator.console("ims", "CreateOIDCProvider", {
      OIDCProviderName: `idp-${p}`,
      IssuerUrl: `https://issuer-${p}.example.com`,
      ClientIds: "sts.aliyuncs.com",
      Fingerprints: String(p).padStart(40, "a"),
    });
  for (let r = 0; r < opts.federatedRoles; r++) {
    const p = r % Math.max(1, opts.providers);
    await emulator.console("ram", "CreateRole", {
      RoleName: `fed-${String(r).padStart(4, "0")}`,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "1",
        Statement: [
          {
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Principal: { Federated: [`acs:ram::${acct}:oidc-provider/idp-${p}`] },
            Condition: {
              StringEquals: {
                "oidc:iss": `https://issuer-${p}.example.com`,
                "oidc:aud": "sts.aliyuncs.com",
                "oidc:sub": `repo:acme/app-${r}:ref:refs/heads/main`,
              },
            },
          },
        ],
      }),
    });
    await emulator.console("ram", "AttachPolicyToRole", {
      RoleName: `fed-${String(r).padStart(4, "0")}`,
      PolicyType: "System",
      PolicyName: "AliyunOSSReadOnlyAccess",
    });
  }
  for (let r = 0; r < opts.otherRoles; r++)
    await emulator.console("ram", "CreateRole", {
      RoleName: `ram-${r}`,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "1",
        Statement: [
          { Effect: "Allow", Action: "sts:AssumeRole", Principal: { RAM: [`acs:ram::${acct}:root`] } },
        ],
      }),
    });
  if (opts.cliUsers > 0) {
    await emulator.console("ims", "ProvisionExternalApplication", {
      AppId: CLI_APP_CN,
      Scopes: "/internal/ram/usersts;openid",
    });
    for (let u = 0; u < opts.cliUsers; u++) {
      await emulator.console("ram", "CreateUser", { UserName: `user${u}` });
      await emulator.console("ims", "CreateApplicationAssignment", {
        AppId: CLI_APP_CN,
        PrincipalType: "user",
        PrincipalName: `user${u}@${acct}.onaliyun.com`,
      });
    }
  }
}
