/**
 * A faithful local emulator of the Alibaba Cloud APIs this library calls: IMS (OIDC providers,
 * official applications and their assignments, users), RAM (roles, policies, users), STS
 * (AssumeRoleWithOIDC), the CLI's OAuth login (`/oauth2/v1/auth`, `/v1/token`, `/v1/exchange`),
 * IDaaS EIAM 2021-12-01 (one instance, with its M2M token endpoint), plus a test OIDC IdP.
 *
 * ```ts
 * const emulator = await startEmulator({ port: 0 });
 * const ims = new Ims(new $OpenApiUtil.Config({
 *   accessKeyId: emulator.accessKeyId, accessKeySecret: emulator.accessKeySecret,
 *   endpoint: emulator.endpoint, protocol: "http",
 * }));
 * ```
 */
import { consoleResult } from "./client";
import { EmulatorCore } from "./server";
import type { Emulator, EmulatorOptions } from "./types";

export type { StsCredentials } from "./auth/credentials";
export { connectEmulator } from "./client";
export { AlibabaError, type AlibabaErrorBody } from "./errors";
export {
  createTestCertificates,
  reissueUnderSameRoot,
  sha1Fingerprint,
  startTestIdp,
  type TestCertificateOptions,
  type TestCertificates,
  type TestIdp,
  type TestIdpClaims,
  type TestIdpOptions,
} from "./idp";
export { GITHUB_ACTIONS_ISSUER, type GitHubJob, githubActionsClaims } from "./idp/github";
export { DEFAULT_ACCOUNT_ID } from "./server";
export { DEFAULT_EIAM_INSTANCE_ID } from "./services/eiam";
export type { FingerprintCase } from "./services/ims";
export {
  evaluatePermission,
  type PermissionDecision,
  parsePermissionPolicy,
  type RamLimits,
} from "./services/ram";
export {
  ConsoleCallError,
  type Emulator,
  type EmulatorOptions,
  type FaultSpec,
  type RequestLogEntry,
} from "./types";

/** Starts an emulator in this process; resolves once it is listening. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const core = new EmulatorCore(options);
  await core.listen(options.port ?? 0, options.host ?? "127.0.0.1");
  return {
    url: core.url,
    endpoint: core.endpoint,
    ...(core.httpsUrl === undefined ? {} : { httpsUrl: core.httpsUrl }),
    ...(core.httpsEndpoint === undefined ? {} : { httpsEndpoint: core.httpsEndpoint }),
    ...(core.httpsCaPem === undefined ? {} : { httpsCaPem: core.httpsCaPem }),
    accessKeyId: core.accessKeyId,
    accessKeySecret: core.accessKeySecret,
    accountId: core.accountId,
    accounts: core.others.map((o) => ({
      accountId: o.accountId,
      accessKeyId: o.accessKeyId,
      accessKeySecret: o.accessKeySecret,
    })),
    eiamInstanceId: core.eiamInstanceId,
    close: () => core.close(),
    reset: async () => core.reset(),
    requests: async (filter) => core.log.list(filter),
    clearRequests: async () => core.log.clear(),
    injectFault: async (spec) => core.faults.add(spec),
    clearFaults: async () => core.faults.clear(),
    console: async (service, action, params) => consoleResult(await core.runConsole(service, action, params)),
    state: async () => core.snapshot(),
    issueStsCredentials: async (opts) => core.issueStsCredentials(opts),
  };
}
export { type CliLogin, cliOAuthLogin } from "./cliLogin";
