/**
 * `IdaasClientConfig`: the `client-config.json` a workload's `cloud-idaas-core`
 * SDK reads, produced from the other `Idaas*` resources' outputs and validated
 * at preview with the SDK's own rules (see `provider/idaasClientConfig.ts`).
 * It holds environment-variable names, never a secret. Optionally written to
 * `path`; always available as the `json` output for a stack output, a
 * Kubernetes ConfigMap or a CI artifact.
 *
 * The issuer and token endpoint come from the instance's domain
 * (GetInstance: https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-getinstance)
 * unless given. Format: docs/alibaba-api.md §7.4, https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/python-sdk
 */
import { mkdir, readFile, rm } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { accountBound } from "../account";
import { writeFileAtomic } from "../atomicWrite";
import * as eiam from "../client/eiam";
import { session } from "../client/session";
import { isKnownSecret, maskSecrets } from "../errors";
import {
  buildIdaasClientConfig,
  ENV_VAR_FIELDS,
  type IdaasAuthnMethod,
  type IdaasClientConfigJson,
  type IdaasClientConfigSpec,
  idaasEndpoints,
  METHOD_FIELDS,
  secretInNameField,
  validateIdaasClientConfig,
} from "../idaasClientConfig";
import { configure } from "../lifecycle";
import { containsUnknown } from "../normalize";
import { withSecretInputs } from "../secretInputs";
import { providerShim } from "../shim";
import { type CheckFailure, requireChecked } from "../validation";

/** The arguments of an `IdaasClientConfig`. Field names and rules are the SDK's. */
export interface IdaasClientConfigArgs {
  /** The EIAM instance (`idaas_…`). */
  instanceId: pulumi.Input<string>;
  /** The M2M client's OAuth client_id (an `IdaasM2mApplication`'s `clientId`). */
  clientId: pulumi.Input<string>;
  /**
   * `<resource server identifier>|<scope>` items separated by spaces, all for ONE resource server
   * (`idaasScope(rs.identifier, [...])` builds it); `urn:cloud:idaas:pam|.all` for IDaaS-hosted STS.
   */
  scope: pulumi.Input<string>;
  /**
   * How the workload authenticates: CLIENT_SECRET_BASIC, CLIENT_SECRET_POST, CLIENT_SECRET_JWT
   * (need `clientSecretEnvVarName`), PRIVATE_KEY_JWT (`privateKeyEnvVarName`), OIDC
   * (`applicationFederatedCredentialName`, `clientDeployEnvironment: "KUBERNETES"`), PKCS7
   * (`applicationFederatedCredentialName`, `clientDeployEnvironment`), PCA
   * (`applicationFederatedCredentialName`, `clientX509Certificate`, `x509CertChains`,
   * `privateKeyEnvVarName`), PLUGIN (`pluginName`, `openApiEndpoint`).
   */
  authnMethod: pulumi.Input<IdaasAuthnMethod>;
  /** NAME of the environment variable holding the client secret (never the secret). */
  clientSecretEnvVarName?: pulumi.Input<string>;
  /** NAME of the environment variable holding the PEM private key (never the key). */
  privateKeyEnvVarName?: pulumi.Input<string>;
  /** The `name` of an `IdaasApplicationFederatedCredential` of this application. */
  applicationFederatedCredentialName?: pulumi.Input<string>;
  /** The SDK's ClientDeployEnvironment, e.g. KUBERNETES (OIDC) or ALIBABA_CLOUD_ECS (PKCS7). */
  clientDeployEnvironment?: pulumi.Input<string>;
  /** OIDC: absolute path of the token file. Default: the Kubernetes service-account token path. */
  oidcTokenFilePath?: pulumi.Input<string>;
  /** OIDC: NAME of an environment variable holding the token file's path (e.g. ALIBABA_CLOUD_OIDC_TOKEN_FILE). */
  oidcTokenFilePathEnvVarName?: pulumi.Input<string>;
  /** PCA: the client certificate, one PEM. */
  clientX509Certificate?: pulumi.Input<string>;
  /** PCA: the chain, concatenated PEMs. */
  x509CertChains?: pulumi.Input<string>;
  /** PLUGIN: `alibabacloudPluginCredentialProvider`. */
  pluginName?: pulumi.Input<string>;
  /** `eiam.<region>.aliyuncs.com` (PLUGIN needs it). */
  openApiEndpoint?: pulumi.Input<string>;
  /** `eiam-developerapi.<region>.aliyuncs.com` (IDaaS-hosted STS). */
  developerApiEndpoint?: pulumi.Input<string>;
  /** Connect timeout in ms, 2000 to 60000 (SDK default 5000). */
  connectTimeoutMs?: pulumi.Input<number>;
  /** Read timeout in ms, 2000 to 60000 (SDK default 10000). */
  readTimeoutMs?: pulumi.Input<number>;
  /** Default: from the instance's domain (GetInstance), `https://<domain>/api/v2/iauths_system/oauth2`. */
  issuer?: pulumi.Input<string>;
  /** Default: `<issuer>/token`. */
  tokenEndpoint?: pulumi.Input<string>;
  /**
   * Also write the file here (relative to the program's directory), e.g.
   * `.cloud_idaas/client-config.json`. Rewritten when it drifts; removed on delete. Omitted: no
   * file is written (use the `json` output).
   */
  path?: pulumi.Input<string>;
}

export interface IdaasClientConfigOutputs {
  instanceId: string;
  spec: IdaasClientConfigSpec;
  path: string;
  /** The file's object. */
  config: IdaasClientConfigJson;
  /** The file's text (pretty JSON plus a newline). */
  json: string;
}

/** The resource's arguments that go into the spec (all but instanceId and path). */
const SPEC_FIELDS: ReadonlyArray<keyof IdaasClientConfigSpec> = [
  "clientId",
  "scope",
  "authnMethod",
  ...METHOD_FIELDS,
  "openApiEndpoint",
  "developerApiEndpoint",
  "connectTimeoutMs",
  "readTimeoutMs",
  "issuer",
  "tokenEndpoint",
];

/** The spec as far as it is known at check time (issuer and token endpoint may still be derived). */
function specOf(news: Record<string, unknown>): Partial<IdaasClientConfigSpec> {
  const spec: Record<string, unknown> = { idaasInstanceId: news.instanceId };
  for (const f of SPEC_FIELDS) if (news[f] !== undefined && news[f] !== null) spec[f] = news[f];
  return spec as Partial<IdaasClientConfigSpec>;
}

export function checkIdaasClientConfigInputs(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  const spec = specOf(news);
  // Derived at apply when omitted; stand-ins here so the other rules run now.
  const derived = idaasEndpoints("instance.invalid");
  const secretFields = Array.isArray(news.secretInputs) ? (news.secretInputs as string[]) : [];
  const failures = validateIdaasClientConfig(
    {
      ...spec,
      issuer: spec.issuer ?? derived.issuer,
      tokenEndpoint: spec.tokenEndpoint ?? (spec.issuer ? `${spec.issuer}/token` : derived.tokenEndpoint),
    },
    secretFields,
  ).map((f) => (f.property === "idaasInstanceId" ? { ...f, property: "instanceId" } : f));
  // Omitted (undefined, or "" as older state has it) means no file; anything else must be a path.
  if (
    news.path !== undefined &&
    news.path !== null &&
    news.path !== "" &&
    !containsUnknown(news.path) &&
    typeof news.path !== "string"
  )
    failures.push({ property: "path", reason: "must be a file path (a string), or omitted for no file" });
  // The file is plain text (0644, for the workload to read): a Pulumi secret may not go into it.
  // (A secret where an environment variable's name belongs is refused above, for what it is.)
  if (typeof news.path === "string" && news.path !== "")
    for (const f of secretFields)
      if (f !== "path" && f !== "secretInputs" && !(ENV_VAR_FIELDS as readonly string[]).includes(f))
        failures.push({
          property: f,
          reason:
            "pass it as a plain value, or leave path out and write the json output (a secret) yourself: it is a Pulumi secret, and the file at path is plain text",
        });
  // The engine prints a failing property's value beside the reason, secret or not: for an input
  // that was a Pulumi secret, or that holds a secret where a name or certificate belongs (a
  // client secret pasted into clientSecretEnvVarName, a private key in clientX509Certificate),
  // name the field in the reason instead.
  const holding = new Set<string>(secretFields);
  for (const f of ENV_VAR_FIELDS)
    if (typeof news[f] === "string" && secretInNameField(news[f], false)) holding.add(f);
  for (const f of ["clientX509Certificate", "x509CertChains"])
    if (typeof news[f] === "string" && /PRIVATE KEY/.test(news[f])) holding.add(f);
  const shown = failures.map((f) =>
    holding.has(f.property.split(/[.[]/)[0] ?? "")
      ? { property: "", reason: `${f.property}: ${f.reason}` }
      : f,
  );
  return { inputs: { ...news }, failures: shown };
}

function readOlds(olds: object): IdaasClientConfigOutputs {
  const o = olds as Partial<IdaasClientConfigOutputs>;
  return {
    instanceId: o.instanceId ?? "",
    spec: o.spec ?? ({} as IdaasClientConfigSpec),
    path: o.path ?? "",
    config: o.config ?? ({} as IdaasClientConfigJson),
    json: o.json ?? "",
  };
}

async function render(news: Record<string, unknown>): Promise<IdaasClientConfigOutputs> {
  requireChecked("IdaasClientConfig", checkIdaasClientConfigInputs, news);
  const spec = specOf(news) as IdaasClientConfigSpec;
  if (!spec.issuer) {
    const inst = await eiam.getInstance(session(), spec.idaasInstanceId);
    spec.issuer = idaasEndpoints(inst.defaultDomain).issuer;
  }
  spec.tokenEndpoint ??= `${spec.issuer}/token`;
  const config = buildIdaasClientConfig(spec);
  return {
    instanceId: spec.idaasInstanceId,
    spec,
    path: typeof news.path === "string" ? news.path : "",
    config,
    json: `${JSON.stringify(config, null, 2)}\n`,
  };
}

/**
 * `f()`, acting on the file at `path`: when the program marks the path secret, its error is masked
 * of what a file error quotes of it (the path resolved, its directory, a temporary file beside it
 * named after it), which are not the path as given. Only this error: registered for the process,
 * a directory such as the working one would blank every message that names it.
 */
async function onFile<T>(path: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof Error && isKnownSecret(path)) {
      const full = resolve(path);
      const pieces = [path, full, dirname(full), basename(full)].filter((p) => p.length >= 4 && p !== "/");
      err.message = maskSecrets(err.message, pieces);
      if (err.stack) err.stack = maskSecrets(err.stack, pieces);
    }
    throw err;
  }
}

/** Writes atomically (a new temp file + rename), so a workload never reads half a file. */
async function writeConfig(path: string, json: string): Promise<void> {
  const target = resolve(path);
  await onFile(path, async () => {
    await mkdir(dirname(target), { recursive: true });
    await writeFileAtomic(target, json, 0o644);
  });
}

async function fileText(path: string): Promise<string | undefined> {
  try {
    return await readFile(resolve(path), "utf8");
  } catch {
    return undefined;
  }
}

export const IdaasClientConfigProvider = accountBound(
  { kind: "IdaasClientConfig", identity: ["instanceId"] },
  {
    configure,

    async check(
      _olds: Record<string, unknown>,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.CheckResult> {
      return checkIdaasClientConfigInputs(news);
    },

    async diff(
      _id: string,
      rawOlds: object,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.DiffResult> {
      const o = readOlds(rawOlds);
      const changes: string[] = [];
      if (containsUnknown(news.instanceId) || o.instanceId !== news.instanceId) changes.push("instanceId");
      for (const f of SPEC_FIELDS) {
        const was = o.spec[f];
        const now = news[f];
        // issuer/tokenEndpoint were derived when not given: only an explicit value that differs is a change.
        if ((f === "issuer" || f === "tokenEndpoint") && (now === undefined || now === null)) continue;
        if (containsUnknown(now) || (was ?? undefined) !== (now ?? undefined)) changes.push(f);
      }
      if (containsUnknown(news.path) || o.path !== (news.path ?? "")) changes.push("path");
      // The file was edited or removed out of band (refresh read it back): write it again.
      if (o.path !== "" && o.json === "") changes.push("json");
      return { changes: changes.length > 0, replaces: [], deleteBeforeReplace: false };
    },

    async create(news: Record<string, unknown>): Promise<{ id: string; outs: IdaasClientConfigOutputs }> {
      const outs = await render(news);
      if (outs.path !== "") await writeConfig(outs.path, outs.json);
      return { id: `${outs.instanceId}/${outs.spec.clientId}`, outs };
    },

    async read(id: string, props?: object): Promise<{ id: string; props: IdaasClientConfigOutputs }> {
      const olds = readOlds(props ?? {});
      if (olds.path === "") return { id, props: olds };
      const onDisk = await fileText(olds.path);
      return { id, props: { ...olds, json: onDisk === olds.json ? olds.json : "" } };
    },

    async update(
      _id: string,
      rawOlds: object,
      news: Record<string, unknown>,
    ): Promise<{ outs: IdaasClientConfigOutputs }> {
      const olds = readOlds(rawOlds);
      const outs = await render(news);
      if (olds.path !== "" && olds.path !== outs.path)
        await onFile(olds.path, () => rm(resolve(olds.path), { force: true }));
      if (outs.path !== "") await writeConfig(outs.path, outs.json);
      return { outs };
    },

    async delete(_id: string, props: object): Promise<void> {
      const { path } = readOlds(props);
      if (path !== "") await onFile(path, () => rm(resolve(path), { force: true }));
    },
  },
);

/** A `cloud-idaas-core` `client-config.json`, validated at preview. */
export class IdaasClientConfig extends pulumi.dynamic.Resource {
  /** The file's object. */
  declare readonly config: pulumi.Output<IdaasClientConfigJson>;
  /** The file's text: export it, or put it in a ConfigMap. */
  declare readonly json: pulumi.Output<string>;
  declare readonly path: pulumi.Output<string>;

  constructor(name: string, args: IdaasClientConfigArgs, opts?: pulumi.CustomResourceOptions) {
    // The provider process never sees which inputs were secrets (the host strips them), so the
    // program tells it (withSecretInputs): check() refuses one where a name belongs.
    // The engine marks an output secret when the input of the same name was: `spec`, `config` and
    // `json` are derived from every argument, so they are secret whenever any argument is.
    const marker = pulumi.output(args).apply(() => "");
    super(
      providerShim("IdaasClientConfigProvider"),
      name,
      withSecretInputs({ ...args, spec: marker, config: marker, json: marker }),
      opts,
      "alicloud-federation",
      "IdaasClientConfig",
    );
  }
}
