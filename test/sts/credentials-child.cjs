// Runs the official @alicloud/credentials OIDC provider the way a CI job does, in a process of its
// own so that NODE_EXTRA_CA_CERTS (read by Node at start-up) makes it trust the emulator's HTTPS
// listener. Input: a JSON object in argv[2]. Output: one JSON line on stdout.
//   { oidc: { roleArn, oidcProviderArn, oidcTokenFilePath, roleSessionName, stsEndpoint },
//     ram?: { endpoint, allowed: { roleName }, denied: { userName } } }
const { default: Credential, Config } = require("@alicloud/credentials");

async function main() {
  const input = JSON.parse(process.argv[2]);
  const out = {};
  const credential = new Credential(new Config({ type: "oidc_role_arn", ...input.oidc }));
  try {
    const c = await credential.getCredential();
    out.credential = {
      accessKeyId: c.accessKeyId,
      accessKeySecret: c.accessKeySecret,
      securityToken: c.securityToken,
      type: c.type,
    };
  } catch (e) {
    out.error = String(e?.message);
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  if (input.ram) {
    const { default: Ram, GetRoleRequest, CreateUserRequest } = require("@alicloud/ram20150501");
    const { $OpenApiUtil } = require("@alicloud/openapi-core");
    // The SDK signs every call with the provider's current credentials (config.credential).
    const ram = new Ram(
      new $OpenApiUtil.Config({ credential, endpoint: input.ram.endpoint, protocol: "http" }),
    );
    const attempt = async (fn) => {
      try {
        const res = await fn();
        return { status: res.statusCode, body: res.body.toMap() };
      } catch (e) {
        return { status: e.statusCode, code: e.code, message: e.message, data: e.data };
      }
    };
    out.allowed = await attempt(() =>
      ram.getRole(new GetRoleRequest({ roleName: input.ram.allowed.roleName })),
    );
    out.denied = await attempt(() =>
      ram.createUser(new CreateUserRequest({ userName: input.ram.denied.userName })),
    );
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e) => {
  process.stdout.write(`${JSON.stringify({ error: `child crashed: ${e?.stack}` })}\n`);
});
