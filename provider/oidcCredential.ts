/**
 * The OIDC role credential a CI job uses (`ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`,
 * `ALIBABA_CLOUD_OIDC_TOKEN_FILE`), built on `@alicloud/credentials`' own OIDC provider, with three
 * things a long `pulumi up` needs that the default chain lacks:
 *
 * - **Refresh on expiry.** The official provider refreshes by its own clock, 15 minutes before the
 *   expiry STS gave. A service that already calls the token expired (`InvalidSecurityToken.Expired`:
 *   the machine slept, its clock is behind) gets a fresh session from the token file and the call
 *   is sent once more (`refresh`, used by the call seam).
 * - **One clear error.** A token STS refuses (expired, or no longer trusted by the role) fails with
 *   one message naming the token file, the role and what to do, and is remembered for that token:
 *   every later call fails at once without asking STS again, until the file holds a new token.
 * - **The endpoint.** With `ALICLOUD_FEDERATION_ENDPOINT` set (the emulator), STS is asked there;
 *   the official provider only speaks HTTPS, so that endpoint must be `https://`.
 *
 * STS AssumeRoleWithOIDC: https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-assumerolewithoidc
 */
import { readFileSync } from "node:fs";
import type Credential from "@alicloud/credentials";
import type { OIDCRoleArnCredentialsProvider } from "@alicloud/credentials";
import { credentialsSdk } from "./client/sdk";
import { maskSecrets, messageOf, registerSecret } from "./errors";
import { STS } from "./limits";
import { once } from "./once";

/** The three variables a GitHub Actions job (or any OIDC CI) sets for the credential chain. */
export const OIDC_ENV = {
  roleArn: "ALIBABA_CLOUD_ROLE_ARN",
  providerArn: "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
  tokenFile: "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
} as const;

/** True when the environment asks for OIDC role credentials and holds no access key. */
export function oidcRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(
    env[OIDC_ENV.roleArn] &&
      env[OIDC_ENV.providerArn] &&
      env[OIDC_ENV.tokenFile] &&
      !env.ALIBABA_CLOUD_ACCESS_KEY_ID,
  );
}

type Inner = ReturnType<ReturnType<typeof OIDCRoleArnCredentialsProvider.builder>["build"]>;

/** What STS answered when it refused the token, from the official provider's error text. */
function refusal(err: unknown): { code: string; message: string } | undefined {
  const text = messageOf(err);
  const m = /get sts token failed with OIDC: (\{[\s\S]*\})/.exec(text);
  if (!m) return undefined;
  try {
    const body = JSON.parse(m[1]!) as { Code?: string; Message?: string };
    return { code: String(body.Code ?? "Unknown"), message: String(body.Message ?? "") };
  } catch {
    return undefined;
  }
}

/** The refusal in words: cause once, then what to do. */
function refusalMessage(file: string, roleArn: string, code: string, message: string): string {
  const what = /Expired/i.test(code)
    ? "the token has expired. CI platforms issue a fresh token per job: re-run the job (GitHub Actions: the job needs `permissions: id-token: write`), or write a new token to the file"
    : /NoPermission|Denied|NotTrusted/i.test(code)
      ? "the role does not trust this token: its trust policy no longer admits the token's subject (changed, or the token is from another repository, branch or event), so an administrator must restore the trust (see the README's break-glass steps)"
      : "check that the provider ARN, the role ARN and the token belong together";
  return maskSecrets(
    `cannot get credentials for role ${roleArn} with the OIDC token in ${file}: STS refused it (${code}: ${message}); ${what}.`,
  );
}

/**
 * A credentials provider for `new Credential(null, provider)`: the official OIDC provider, made
 * anew on `refresh()`, with refusals remembered per token.
 */
export class OidcRoleCredentials {
  private inner: Inner;
  private refused: { token: string; error: Error } | undefined;
  /** The credentials being fetched: concurrent calls (a refresh reads every resource at once) share one STS request. */
  private inflight: Promise<unknown> | undefined;

  constructor(
    private readonly options: {
      roleArn: string;
      providerArn: string;
      tokenFile: string;
      stsEndpoint?: string;
      /** `ALIBABA_CLOUD_ROLE_SESSION_NAME`, checked; the default when unset. */
      roleSessionName?: string;
    },
  ) {
    this.inner = this.build();
  }

  private build(): Inner {
    const b = credentialsSdk()
      .OIDCRoleArnCredentialsProvider.builder()
      .withRoleArn(this.options.roleArn)
      .withOIDCProviderArn(this.options.providerArn)
      .withOIDCTokenFilePath(this.options.tokenFile)
      .withRoleSessionName(this.options.roleSessionName || "alicloud-federation")
      // The SDK clients' own timeouts (session.ts), not the credential client's 5 s connect.
      .withConnectTimeout(10_000)
      .withReadTimeout(30_000);
    return (this.options.stsEndpoint ? b.withStsEndpoint(this.options.stsEndpoint) : b).build();
  }

  getProviderName(): string {
    return "oidc_role_arn";
  }

  async getCredentials(): Promise<unknown> {
    let token = "";
    try {
      token = readFileSync(this.options.tokenFile, "utf8");
    } catch (err) {
      throw new Error(
        `cannot get credentials for role ${this.options.roleArn}: the OIDC token file ${this.options.tokenFile} ` +
          `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); ${OIDC_ENV.tokenFile} must name the file the CI job writes its token to.`,
      );
    }
    // The token, and the credentials it buys, are masked wherever a message would quote them.
    registerSecret(token.trim());
    // Refused before, same token: no second request (a run of many resources makes no storm).
    if (this.refused && this.refused.token === token) throw this.refused.error;
    const inner = this.inner;
    this.inflight ??= inner.getCredentials().finally(() => {
      this.inflight = undefined;
    });
    try {
      const got = await this.inflight;
      const c = (got ?? {}) as { accessKeySecret?: unknown; securityToken?: unknown };
      for (const v of [c.accessKeySecret, c.securityToken]) if (typeof v === "string") registerSecret(v);
      return got;
    } catch (err) {
      const r = refusal(err);
      if (!r) throw err;
      const error = new Error(
        refusalMessage(this.options.tokenFile, this.options.roleArn, r.code, r.message),
      );
      this.refused = { token, error };
      // A new session next time: the official provider would otherwise keep serving the old one.
      if (this.inner === inner) this.inner = this.build();
      throw error;
    }
  }

  /** Drops the session: the next call assumes the role again with the token file's token. */
  refresh(): void {
    this.inner = this.build();
  }
}

/**
 * The credential for OIDC mode: STS at `endpoint` when one is set (it must be https: the official
 * provider speaks nothing else), else Alibaba's own (`ALIBABA_CLOUD_STS_REGION` is honoured).
 */
export function oidcCredential(
  endpoint: { protocol: "http" | "https"; host: string } | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { credential: Credential; refresh: () => boolean } {
  if (endpoint && endpoint.protocol !== "https")
    throw new Error(
      `${OIDC_ENV.roleArn} asks for OIDC role credentials, and Alibaba's OIDC credential client reaches STS only over ` +
        `https, but the endpoint is http://${endpoint.host}. Point ALICLOUD_FEDERATION_ENDPOINT at an https endpoint ` +
        "(the emulator's: `alicloud-federation-emulator --https` prints it, with the CA to trust in NODE_EXTRA_CA_CERTS).",
    );
  const session = env.ALIBABA_CLOUD_ROLE_SESSION_NAME;
  const { minLength, maxLength, pattern } = STS.roleSessionName;
  if (session && (session.length < minLength || session.length > maxLength || !pattern.test(session)))
    throw new Error(
      `ALIBABA_CLOUD_ROLE_SESSION_NAME: use ${minLength} to ${maxLength} letters, digits, '.', '@', '-' or '_' ` +
        `(STS refuses the session name it holds, ${session.length} characters), or unset it to use 'alicloud-federation'.`,
    );
  const provider = new OidcRoleCredentials({
    roleArn: env[OIDC_ENV.roleArn]!,
    providerArn: env[OIDC_ENV.providerArn]!,
    tokenFile: env[OIDC_ENV.tokenFile]!,
    stsEndpoint: endpoint?.host,
    ...(session ? { roleSessionName: session } : {}),
  });
  // Made on first use, like the other credentials (provider/settings.ts).
  const credential = once(() => new (credentialsSdk().default)(null, provider));
  return {
    get credential() {
      return credential();
    },
    refresh: () => {
      provider.refresh();
      return true;
    },
  };
}
