/**
 * Helpers for your own test suites (vitest, jest, node:test, mocha: nothing here depends on a
 * runner): test who can assume your roles, offline.
 *
 * - {@link startTrustTestbed} starts the emulator with a test OIDC IdP standing in for the
 *   issuers you trust (GitHub Actions, GitLab, your Kubernetes cluster), so the OIDC provider
 *   and role your program declares are the real ones: same issuer URL, same trust policy.
 * - `testbed.githubActions.token(...)`, `testbed.gitlabCi.token(...)`,
 *   `testbed.kubernetes.token(...)` mint tokens with the claims those platforms present
 *   (subject grammar included), plus any claim the test gives.
 * - `testbed.up(...)` deploys a Pulumi program into the emulator through the Pulumi CLI
 *   (Automation API, a throw-away local backend), and returns its outputs.
 * - `testbed.canAssume(...)` asks the emulated STS, with a real `AssumeRoleWithOIDC` call as
 *   Alibaba Cloud's credential clients send it, whether a token may assume a role, and why not.
 *
 * ```ts
 * const testbed = await startTrustTestbed();
 * const { outputs } = await testbed.up({ workDir: "infra", config: { fingerprints: [testbed.fingerprint] } });
 * const main = testbed.githubActions.token({ repository: "acme/app", branch: "main" });
 * const verdict = await testbed.canAssume({ roleArn: outputs.roleArn, oidcProviderArn: outputs.oidcProviderArn, token: main });
 * ```
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  type Emulator,
  type EmulatorOptions,
  GITHUB_ACTIONS_ISSUER,
  type GitHubJob,
  githubActionsClaims,
  startEmulator,
  startTestIdp,
  type TestIdp,
} from "../emulator";
import { ISSUER_STAND_INS_ENV } from "../provider/trust/standIns";

export { GITHUB_ACTIONS_ISSUER };
/** GitLab.com's OIDC issuer (self-managed GitLab: your instance's URL). */
export const GITLAB_COM_ISSUER = "https://gitlab.com";
/** The audience Alibaba Cloud STS expects by default. */
export const STS_AUDIENCE = "sts.aliyuncs.com";

/** The OIDC issuer of an ACK cluster with RRSA enabled. */
export function ackRrsaIssuer(region: string, clusterId: string): string {
  return `https://oidc-ack-${region}.oss-${region}.aliyuncs.com/${clusterId}`;
}

/** What every token minter accepts besides its platform's own fields. */
export interface TokenOptions {
  /** `aud`. Default `sts.aliyuncs.com`. */
  audience?: string | string[];
  /** Claims added or replaced, e.g. `{ sub: "..." }` or `{ iss: "https://elsewhere" }`. */
  claims?: Record<string, unknown>;
  /** How long ago the token was issued, in seconds (to test `IssuanceLimitTime`). Default 0. */
  issuedSecondsAgo?: number;
  /** `exp - iat` in seconds; negative gives an expired token. Default 300. */
  expiresInSeconds?: number;
}

/** A GitHub Actions job's token: the job (repository, branch, pull request, ...) and the token's options. */
export interface GitHubActionsTokenOptions extends TokenOptions, GitHubJob {}

export interface GitLabCiTokenOptions extends TokenOptions {
  /** The project's full path, `group[/subgroup]/project`. */
  project: string;
  /** The branch the pipeline runs on. */
  branch?: string;
  /** The tag the pipeline runs for. */
  tag?: string;
  /** `ref_protected`. Default true for a branch named main or master, else false. */
  protectedRef?: boolean;
  /** `pipeline_source`. Default `push`. */
  pipelineSource?: string;
  /** The issuer: your GitLab's URL. Default `https://gitlab.com`; it must be one of the testbed's issuers. */
  gitlabUrl?: string;
}

export interface KubernetesTokenOptions extends TokenOptions {
  /** The cluster's OIDC issuer, e.g. {@link ackRrsaIssuer}; it must be one of the testbed's issuers. */
  issuer: string;
  namespace: string;
  serviceAccount: string;
  /** The pod the token is projected into. Default `<serviceAccount>-0`. */
  pod?: string;
}

/** The emulated STS's answer to "can this token assume that role?". */
export type AssumeRoleVerdict =
  | {
      allowed: true;
      /** `acs:ram::<account>:role/<role>/<session>` */
      assumedRoleArn: string;
      /** The temporary AccessKey id (`STS.…`); the secret and token are not kept. */
      accessKeyId: string;
      expiration: string;
      /** The token's `sub` as STS read it. */
      subject: string;
    }
  | {
      allowed: false;
      /** Alibaba's error code, e.g. `AuthenticationFail.NoPermission`, `AuthenticationFail.OIDCToken.Invalid`. */
      code: string;
      message: string;
      status: number;
      /**
       * True when the emulator refused only because it cannot decide the role's trust policy for
       * this token (an undocumented operator or key, a `NotPrincipal`, a member named twice...):
       * real STS might allow it. A test that expects a refusal should also expect this to be false,
       * or it proves nothing.
       */
      undetermined: boolean;
    };

export interface CanAssumeRequest {
  roleArn: string;
  oidcProviderArn: string;
  /** The raw JWT. */
  token: string;
  /** Default `trust-test`. */
  roleSessionName?: string;
  durationSeconds?: number;
}

export interface UpOptions {
  /** The Pulumi program's folder (holding Pulumi.yaml). */
  workDir: string;
  /** Default `trust-test`. */
  stackName?: string;
  /** Stack config; non-string values are stored as JSON, as `pulumi config set --path` would. */
  config?: Record<string, unknown>;
  /** The folder holding the `pulumi` CLI. Default: the one on PATH. */
  pulumiBinDir?: string;
  /** Receives the engine's output (default: discarded). */
  onOutput?: (text: string) => void;
}

export interface UpResult {
  /** The stack's outputs, as plain values (secrets included, unwrapped: this is a test). */
  // biome-ignore lint/suspicious/noExplicitAny: a program's outputs are whatever it exports
  outputs: Record<string, any>;
  /** Destroys the stack's resources in the emulator and removes the stack. */
  destroy(): Promise<void>;
}

export interface TrustTestbedOptions {
  /**
   * Issuers the test IdP answers for, besides GitHub Actions' and GitLab.com's (always included):
   * a self-managed GitLab, your cluster's ({@link ackRrsaIssuer}).
   */
  issuers?: string[];
  /** Options of the emulator (accounts, clock, limits, ...). */
  emulator?: Omit<EmulatorOptions, "issuerStandIns" | "port">;
}

export interface TrustTestbed {
  emulator: Emulator;
  /** The issuers the test IdP stands in for. */
  issuers: string[];
  /**
   * The SHA-1 fingerprint of the test IdP's root CA, the trust anchor of the chain its issuers
   * present (leaf + intermediate, like GitHub's; the root is not sent): what to list in an
   * `OidcProvider` for any of these issuers, e.g. `fingerprints: [testbed.fingerprint]`. It stays
   * through {@link TrustTestbed.rotateIntermediate}; {@link TrustTestbed.rotateCertificates}
   * changes it.
   */
  readonly fingerprint: string;
  /** The SHA-1 fingerprints of the certificates the test IdP serves now, and its root's PEM. */
  readonly certificates: { root: string; intermediate: string; leaf: string; rootCaPem: string };
  /**
   * The issuers' intermediate CA rotates: a new intermediate and leaf under the same root, as
   * GitHub rotated token.actions.githubusercontent.com's on 2026-05-13. A provider pinning the
   * root keeps working; one pinning only the old intermediate is refused with
   * `AuthenticationFail.OIDCToken.PublicKeyFingerprintMismatch`.
   */
  rotateIntermediate(): Promise<void>;
  /**
   * Everything rotates, root included (a move to another CA): every fingerprint changes. The
   * emulated STS trusts the new root too.
   */
  rotateCertificates(): Promise<void>;
  /**
   * The environment that points this package's resources at the emulator (endpoint, keys, and
   * the stand-in issuers with their trusted root, so an `OidcProvider` discovers and checks its
   * fingerprints against the chain the emulated STS checks), for a Pulumi program run by other
   * means than {@link TrustTestbed.up}.
   */
  env: Record<string, string>;
  githubActions: { token(options: GitHubActionsTokenOptions): string };
  gitlabCi: { token(options: GitLabCiTokenOptions): string };
  kubernetes: { token(options: KubernetesTokenOptions): string };
  /** A token from any of the testbed's issuers with exactly the claims given (plus iat/exp/aud). */
  token(issuer: string, claims: Record<string, unknown>, options?: Omit<TokenOptions, "claims">): string;
  /** A real AssumeRoleWithOIDC call to the emulated STS. */
  canAssume(request: CanAssumeRequest): Promise<AssumeRoleVerdict>;
  /** Deploys a Pulumi program into the emulator (`pulumi up`) and returns its outputs. */
  up(options: UpOptions): Promise<UpResult>;
  /** Destroys what {@link TrustTestbed.up} deployed, stops the emulator and the IdP. */
  close(): Promise<void>;
}

/** Starts the emulator and a test IdP standing in for the issuers; resolves once both listen. */
export async function startTrustTestbed(options: TrustTestbedOptions = {}): Promise<TrustTestbed> {
  const issuers = [...new Set([GITHUB_ACTIONS_ISSUER, GITLAB_COM_ISSUER, ...(options.issuers ?? [])])];
  for (const issuer of issuers) {
    if (!/^https:\/\/[^/?#]+(\/[^?#]*)?$/.test(issuer))
      throw new Error(`issuers: '${issuer}' is not an https issuer URL without query or fragment`);
  }
  const idp: TestIdp = await startTestIdp();
  // The emulator reads this very array at each outbound call, so a rotated root is added to it.
  const trusted = [...(options.emulator?.trustedCertificates ?? []), idp.rootCaPem];
  let emulator: Emulator;
  try {
    emulator = await startEmulator({
      ...options.emulator,
      port: 0,
      trustedCertificates: trusted,
      issuerStandIns: Object.fromEntries(issuers.map((i) => [i, idp.issuer])),
    });
  } catch (e) {
    await idp.close();
    throw e;
  }
  const stacks: UpResult[] = [];
  // The deploying process discovers and checks fingerprints from the stand-in (the chain the
  // emulated STS checks), trusting the test IdP's root like the emulator does: your own
  // NODE_EXTRA_CA_CERTS plus that root, in a file of the testbed's.
  const caDir = fs.mkdtempSync(path.join(os.tmpdir(), "alicloud-federation-testbed-"));
  const caFile = path.join(caDir, "trusted.pem");
  const ownExtra = process.env.NODE_EXTRA_CA_CERTS;
  const writeTrust = () => {
    let own = "";
    try {
      own = ownExtra ? fs.readFileSync(ownExtra, "utf8") : "";
    } catch {
      // Unreadable: Node ignores it too.
    }
    fs.writeFileSync(caFile, `${own}\n${trusted.join("\n")}`);
  };
  writeTrust();
  const env = {
    ALICLOUD_FEDERATION_ENDPOINT: emulator.url,
    ALIBABA_CLOUD_ACCESS_KEY_ID: emulator.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: emulator.accessKeySecret,
    // The test IdP listens on loopback, which fingerprint discovery refuses without this.
    ALICLOUD_FEDERATION_ALLOW_PRIVATE_ISSUER: "true",
    [ISSUER_STAND_INS_ENV]: JSON.stringify(Object.fromEntries(issuers.map((i) => [i, idp.issuer]))),
    NODE_EXTRA_CA_CERTS: caFile,
  };

  const mint = (issuer: string, claims: Record<string, unknown>, o: Omit<TokenOptions, "claims">): string => {
    if (!issuers.includes(issuer))
      throw new Error(
        `issuer ${issuer} is not stood in for by this testbed: add it to startTrustTestbed({ issuers })`,
      );
    return idp.mintToken({
      aud: o.audience ?? STS_AUDIENCE,
      iatOffsetSeconds: -(o.issuedSecondsAgo ?? 0),
      expiresInSeconds: o.expiresInSeconds ?? 300,
      ...claims,
      iss: claims.iss ?? issuer,
      sub: String(claims.sub ?? ""),
    } as Parameters<TestIdp["mintToken"]>[0]);
  };

  return {
    emulator,
    issuers,
    get fingerprint() {
      return idp.rootFingerprint;
    },
    get certificates() {
      return {
        root: idp.rootFingerprint,
        intermediate: idp.intermediateFingerprint,
        leaf: idp.leafFingerprint,
        rootCaPem: idp.rootCaPem,
      };
    },
    rotateIntermediate: () => idp.rotateIntermediate(),
    async rotateCertificates() {
      await idp.rotateCertificates();
      trusted.push(idp.rootCaPem);
      writeTrust();
    },
    env,
    githubActions: {
      token: (o) => mint(GITHUB_ACTIONS_ISSUER, { ...githubActionsClaims(o), ...o.claims }, o),
    },
    gitlabCi: {
      token: (o) =>
        mint((o.gitlabUrl ?? GITLAB_COM_ISSUER).replace(/\/$/, ""), { ...gitlabClaims(o), ...o.claims }, o),
    },
    kubernetes: { token: (o) => mint(o.issuer, { ...kubernetesClaims(o), ...o.claims }, o) },
    token: (issuer, claims, o = {}) => mint(issuer, claims, o),
    canAssume: (request) => assumeRoleWithOidc(emulator.url, request),
    up: async (o) => {
      const result = await up(o, env);
      stacks.push(result);
      return result;
    },
    async close() {
      const problems: unknown[] = [];
      for (const stack of stacks.reverse()) await stack.destroy().catch((e) => problems.push(e));
      await emulator.close().catch((e) => problems.push(e));
      await idp.close().catch((e) => problems.push(e));
      fs.rmSync(caDir, { recursive: true, force: true });
      if (problems.length > 0) throw problems[0];
    },
  };
}

/** The claims of a GitLab CI `id_tokens` token. */
function gitlabClaims(o: GitLabCiTokenOptions): Record<string, unknown> {
  const refType = o.tag !== undefined ? "tag" : "branch";
  const ref = o.tag ?? o.branch ?? "main";
  const namespace = o.project.split("/").slice(0, -1).join("/");
  return {
    sub: `project_path:${o.project}:ref_type:${refType}:ref:${ref}`,
    namespace_path: namespace,
    project_path: o.project,
    ref,
    ref_type: refType,
    ref_path: `refs/${refType === "tag" ? "tags" : "heads"}/${ref}`,
    ref_protected: String(o.protectedRef ?? (ref === "main" || ref === "master")),
    pipeline_source: o.pipelineSource ?? "push",
    runner_environment: "gitlab-hosted",
  };
}

/** The claims of a projected Kubernetes service account token. */
function kubernetesClaims(o: KubernetesTokenOptions): Record<string, unknown> {
  return {
    sub: `system:serviceaccount:${o.namespace}:${o.serviceAccount}`,
    "kubernetes.io": {
      namespace: o.namespace,
      pod: { name: o.pod ?? `${o.serviceAccount}-0`, uid: "00000000-0000-4000-8000-000000000001" },
      serviceaccount: { name: o.serviceAccount, uid: "00000000-0000-4000-8000-000000000002" },
    },
  };
}

/**
 * AssumeRoleWithOIDC as Alibaba Cloud's credential clients send it: anonymous (no signature),
 * a form-encoded POST (docs/alibaba-api.md §6.5).
 */
/** What the emulated STS says when it refuses a token only because it cannot decide the trust policy. */
const UNDETERMINED_REFUSAL = "the emulator cannot decide the trust policy";

async function assumeRoleWithOidc(url: string, r: CanAssumeRequest): Promise<AssumeRoleVerdict> {
  const params = new URLSearchParams({
    Action: "AssumeRoleWithOIDC",
    Version: "2015-04-01",
    Format: "JSON",
    OIDCProviderArn: r.oidcProviderArn,
    RoleArn: r.roleArn,
    OIDCToken: r.token,
    RoleSessionName: r.roleSessionName ?? "trust-test",
    ...(r.durationSeconds === undefined ? {} : { DurationSeconds: String(r.durationSeconds) }),
  });
  const res = await fetch(`${url}/`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: params.toString(),
  });
  const body = (await res.json()) as {
    Code?: string;
    Message?: string;
    AssumedRoleUser?: { Arn: string };
    Credentials?: { AccessKeyId: string; Expiration: string };
    OIDCTokenInfo?: { Subject: string };
  };
  if (res.ok && body.AssumedRoleUser && body.Credentials && body.OIDCTokenInfo) {
    return {
      allowed: true,
      assumedRoleArn: body.AssumedRoleUser.Arn,
      accessKeyId: body.Credentials.AccessKeyId,
      expiration: body.Credentials.Expiration,
      subject: body.OIDCTokenInfo.Subject,
    };
  }
  const message = String(body.Message);
  return {
    allowed: false,
    code: String(body.Code),
    message,
    status: res.status,
    undetermined: message.includes(UNDETERMINED_REFUSAL),
  };
}

/** `pulumi up` of a program against the emulator, with a throw-away local backend. */
async function up(o: UpOptions, endpointEnv: Record<string, string>): Promise<UpResult> {
  const { LocalWorkspace, PulumiCommand } = await import("@pulumi/pulumi/automation");
  const stackName = o.stackName ?? "trust-test";
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "alicloud-federation-trust-"));
  const envVars: Record<string, string> = {
    ...(Object.fromEntries(Object.entries(process.env).filter((e) => e[1] !== undefined)) as Record<
      string,
      string
    >),
    ...endpointEnv,
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: "trust-test",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
  };
  // The emulator's keys replace whatever account the shell is logged in to.
  delete envVars.ALIBABA_CLOUD_SECURITY_TOKEN;
  if (o.pulumiBinDir) envVars.PATH = `${o.pulumiBinDir}${path.delimiter}${envVars.PATH ?? ""}`;
  const pulumiCommand = o.pulumiBinDir
    ? await PulumiCommand.get({ root: path.dirname(o.pulumiBinDir), skipVersionCheck: true })
    : undefined;
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName, workDir: o.workDir },
    { envVars, ...(pulumiCommand ? { pulumiCommand } : {}) },
  );
  const cleanUp = async () => {
    await stack.workspace.removeStack(stackName, { force: true }).catch(() => undefined);
    fs.rmSync(stateDir, { recursive: true, force: true });
    // The Automation API leaves the stack's config file beside the program.
    fs.rmSync(path.join(o.workDir, `Pulumi.${stackName}.yaml`), { force: true });
  };
  try {
    for (const [key, value] of Object.entries(o.config ?? {})) {
      await stack.setConfig(key, { value: typeof value === "string" ? value : JSON.stringify(value) });
    }
    const result = await stack.up({ onOutput: o.onOutput ?? (() => undefined) });
    const outputs = Object.fromEntries(Object.entries(result.outputs).map(([k, v]) => [k, v.value]));
    let destroyed = false;
    return {
      outputs,
      async destroy() {
        if (destroyed) return;
        destroyed = true;
        try {
          await stack.destroy({ onOutput: o.onOutput ?? (() => undefined) });
        } finally {
          await cleanUp();
        }
      },
    };
  } catch (e) {
    await cleanUp();
    throw e;
  }
}
