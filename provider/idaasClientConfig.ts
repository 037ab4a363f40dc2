/**
 * The `client-config.json` that the `cloud-idaas-core` SDK reads
 * (docs/alibaba-api.md §7.4), built and validated as a pure function: the same
 * required-field rules as the SDK's own `ValidatorUtil` (each failure names the
 * SDK's error code), plus what the SDK only finds out when the workload asks
 * for its first token (an OIDC credential outside Kubernetes, a scope with two
 * audiences, a value where an environment-variable name belongs).
 *
 * The config never holds a secret: client secrets and private keys are named
 * by environment variable, never included.
 */
import { X509Certificate } from "node:crypto";
import { firstOf, isKnownSecret } from "./errors";
import { IDAAS_CLIENT_CONFIG as C, EIAM } from "./limits";
import { containsUnknown } from "./normalize";
import type { CheckFailure } from "./validation";

/** The SDK's `TokenAuthnMethod` values we can produce a config for. */
export const IDAAS_AUTHN_METHODS = [
  "CLIENT_SECRET_BASIC",
  "CLIENT_SECRET_POST",
  "CLIENT_SECRET_JWT",
  "PRIVATE_KEY_JWT",
  "OIDC",
  "PKCS7",
  "PCA",
  "PLUGIN",
] as const;
export type IdaasAuthnMethod = (typeof IDAAS_AUTHN_METHODS)[number];

/** The SDK's `ClientDeployEnvironmentEnum`. */
export const IDAAS_DEPLOY_ENVIRONMENTS = [
  "COMMON",
  "COMPUTER",
  "KUBERNETES",
  "ALIBABA_CLOUD_ECS",
  "ALIBABA_CLOUD_ECI",
  "ALIBABA_CLOUD_ACK",
  "AWS_EC2",
  "AWS_ESK",
  "GOOGLE_VM",
  "HUAWEI_CLOUD_ECS",
  "CUSTOM",
] as const;

/** What the config is built from (camelCase, as in the file). */
export interface IdaasClientConfigSpec {
  idaasInstanceId: string;
  clientId: string;
  /** `https://<instance domain>/api/v2/iauths_system/oauth2`. */
  issuer: string;
  /** `<issuer>/token`. */
  tokenEndpoint: string;
  /** `<identifier>|<value>` items separated by spaces, one identifier. */
  scope: string;
  authnMethod: IdaasAuthnMethod;
  clientSecretEnvVarName?: string;
  privateKeyEnvVarName?: string;
  applicationFederatedCredentialName?: string;
  clientDeployEnvironment?: string;
  oidcTokenFilePath?: string;
  oidcTokenFilePathEnvVarName?: string;
  clientX509Certificate?: string;
  x509CertChains?: string;
  pluginName?: string;
  openApiEndpoint?: string;
  developerApiEndpoint?: string;
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
}

/** The file's JSON object, exactly as `IDaaSClientConfig.from_dict` reads it. */
export interface IdaasClientConfigJson {
  idaasInstanceId: string;
  clientId: string;
  issuer: string;
  tokenEndpoint: string;
  scope: string;
  openApiEndpoint?: string;
  developerApiEndpoint?: string;
  authnConfiguration: Record<string, string>;
  httpConfiguration?: { connectTimeout: number; readTimeout: number };
}

/** The fields each method needs (the SDK's `validate_client_config`), with the SDK's error code. */
const REQUIRED_BY_METHOD: Record<IdaasAuthnMethod, Array<[keyof IdaasClientConfigSpec, string]>> = {
  CLIENT_SECRET_BASIC: [["clientSecretEnvVarName", "ClientSecretEnvVarNameNotFound"]],
  CLIENT_SECRET_POST: [["clientSecretEnvVarName", "ClientSecretEnvVarNameNotFound"]],
  CLIENT_SECRET_JWT: [["clientSecretEnvVarName", "ClientSecretEnvVarNameNotFound"]],
  PRIVATE_KEY_JWT: [["privateKeyEnvVarName", "PrivateKeyEnvVarNameNotFound"]],
  OIDC: [
    ["applicationFederatedCredentialName", "ApplicationFederatedCredentialNameNotFound"],
    ["clientDeployEnvironment", "ClientDeployEnvironmentNotFound"],
  ],
  PKCS7: [
    ["applicationFederatedCredentialName", "ApplicationFederatedCredentialNameNotFound"],
    ["clientDeployEnvironment", "ClientDeployEnvironmentNotFound"],
  ],
  PCA: [
    ["applicationFederatedCredentialName", "ApplicationFederatedCredentialNameNotFound"],
    ["clientX509Certificate", "ClientX509CertificateNotFound"],
    ["x509CertChains", "X509CertChainsNotFound"],
    ["privateKeyEnvVarName", "PrivateKeyEnvVarNameNotFound"],
  ],
  PLUGIN: [
    ["pluginName", "PluginNameNotFound"],
    ["openApiEndpoint", "OpenApiEndpointNotFound"],
  ],
};

/** The method-specific fields; any other one set for a method is refused (it would be ignored). */
export const METHOD_FIELDS: ReadonlyArray<keyof IdaasClientConfigSpec> = [
  "clientSecretEnvVarName",
  "privateKeyEnvVarName",
  "applicationFederatedCredentialName",
  "clientDeployEnvironment",
  "oidcTokenFilePath",
  "oidcTokenFilePathEnvVarName",
  "clientX509Certificate",
  "x509CertChains",
  "pluginName",
];
const OPTIONAL_BY_METHOD: Partial<Record<IdaasAuthnMethod, Array<keyof IdaasClientConfigSpec>>> = {
  OIDC: ["oidcTokenFilePath", "oidcTokenFilePathEnvVarName"],
};

/** The fields that hold the NAME of an environment variable, never its value. */
export const ENV_VAR_FIELDS = [
  "clientSecretEnvVarName",
  "privateKeyEnvVarName",
  "oidcTokenFilePathEnvVarName",
] as const;

function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== "";
}

function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

function checkUrl(field: string, value: string, failures: CheckFailure[]): void {
  let url: URL;
  try {
    url = new URL(value.includes("://") ? value : `https://${value}`);
  } catch {
    failures.push({ property: field, reason: `'${value}' is not a URL` });
    return;
  }
  if (url.protocol !== "https:")
    failures.push({
      property: field,
      reason: `'${value}' is not https: the SDK rewrites every endpoint to https, so an http endpoint cannot work`,
    });
}

/**
 * Why `value`, given where an environment-variable name belongs, is a secret rather than a name:
 * it was a Pulumi secret in the program, it is a secret this provider holds (a client secret it
 * created, a credential), or it has the format of an EIAM client secret. Undefined when it is not.
 */
export function secretInNameField(value: string, wasPulumiSecret: boolean): string | undefined {
  if (wasPulumiSecret)
    return "is a Pulumi secret (for example an IdaasClientSecret's clientSecret), so it is a value, not a name";
  if (isKnownSecret(value)) return "is a secret this stack holds, not a name";
  if (EIAM.clientSecretFormat.test(value))
    return "has the format of an IDaaS client secret ('CS' then letters and digits), not of a name";
  return undefined;
}

/**
 * Every problem with `spec`, each naming the field and, where the SDK has one, its error code.
 * `secretFields`: the fields whose value was a Pulumi secret in the program.
 */
export function validateIdaasClientConfig(
  spec: Partial<IdaasClientConfigSpec>,
  secretFields: readonly string[] = [],
): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const need = (field: keyof IdaasClientConfigSpec, code: string, why = "") => {
    if (!present(spec[field]))
      failures.push({ property: field, reason: `is required${why} (the SDK fails with ${code})` });
  };
  need("idaasInstanceId", "IDaaSInstanceIdNotFound");
  need("clientId", "ClientIdNotFound");
  need("issuer", "IssuerEndpointNotFound");
  need("tokenEndpoint", "TokenEndpointNotFound");
  need("scope", "InvalidScope");
  for (const field of ["issuer", "tokenEndpoint", "openApiEndpoint", "developerApiEndpoint"] as const) {
    const v = spec[field];
    if (typeof v === "string" && v !== "" && !containsUnknown(v)) checkUrl(field, v, failures);
  }
  if (typeof spec.scope === "string" && spec.scope !== "" && !containsUnknown(spec.scope)) {
    const items = spec.scope.split(/\s+/).filter(Boolean);
    const audiences = new Set<string>();
    items.forEach((item) => {
      if (!C.scopeItemPattern.test(item))
        failures.push({
          property: "scope",
          reason: `each item must be '<resource server identifier>|<scope>' (the SDK fails with InvalidScope); '${item.length <= 40 ? item : `${item.slice(0, 40)}…`}' is not`,
        });
      else audiences.add(item.split("|")[0]!);
    });
    if (audiences.size > 1)
      failures.push({
        property: "scope",
        reason: `must name one resource server (one config asks one; the SDK fails with MultipleAudienceNotSupported), but names ${audiences.size}: ${firstOf(
          [...audiences].map((a) => `'${a}'`),
          3,
        )}`,
      });
  }
  const method = spec.authnMethod;
  if (!present(method)) {
    failures.push({
      property: "authnMethod",
      reason: `is required: one of ${IDAAS_AUTHN_METHODS.join(", ")} (the SDK fails with UnsupportedAuthenticationMethod)`,
    });
  } else if (
    !containsUnknown(method) &&
    !(IDAAS_AUTHN_METHODS as readonly string[]).includes(method as string)
  ) {
    failures.push({
      property: "authnMethod",
      reason: `must be one of ${IDAAS_AUTHN_METHODS.join(", ")}, not '${method}'`,
    });
  } else if (!containsUnknown(method)) {
    const m = method as IdaasAuthnMethod;
    for (const [field, code] of REQUIRED_BY_METHOD[m]) need(field, code, ` for ${m}`);
    const allowed = new Set([...REQUIRED_BY_METHOD[m].map(([f]) => f), ...(OPTIONAL_BY_METHOD[m] ?? [])]);
    for (const field of METHOD_FIELDS)
      if (present(spec[field]) && !allowed.has(field))
        failures.push({ property: field, reason: `does not apply to ${m}: the SDK would ignore it` });
    const env = spec.clientDeployEnvironment;
    if (typeof env === "string" && env !== "" && !containsUnknown(env)) {
      if (!(IDAAS_DEPLOY_ENVIRONMENTS as readonly string[]).includes(env))
        failures.push({
          property: "clientDeployEnvironment",
          reason: `must be one of ${IDAAS_DEPLOY_ENVIRONMENTS.join(", ")}, not '${env}'`,
        });
      else if (m === "OIDC" && env !== "KUBERNETES")
        failures.push({
          property: "clientDeployEnvironment",
          reason: `is '${env}', but the SDK reads OIDC tokens only in KUBERNETES (UnsupportedClientDeployEnvironment at the first token)`,
        });
    }
    if (
      m === "PLUGIN" &&
      present(spec.pluginName) &&
      !containsUnknown(spec.pluginName) &&
      spec.pluginName !== C.pluginName
    )
      failures.push({
        property: "pluginName",
        reason: `must be '${C.pluginName}', the only plugin the SDK has`,
      });
  }
  for (const field of ENV_VAR_FIELDS) {
    const v = spec[field];
    if (typeof v !== "string" || v === "" || containsUnknown(v)) continue;
    const secret = secretInNameField(v, secretFields.includes(field));
    if (secret)
      failures.push({
        property: field,
        reason: `${secret}: give the NAME of the environment variable that will hold it (e.g. IDAAS_CLIENT_SECRET); the config never holds a secret`,
      });
    else if (!C.envVarName.test(v))
      failures.push({
        property: field,
        reason:
          "must be the NAME of an environment variable (letters, digits, '_'; at most 128), not its value: the config never holds a secret",
      });
  }
  if (
    typeof spec.oidcTokenFilePath === "string" &&
    spec.oidcTokenFilePath !== "" &&
    !containsUnknown(spec.oidcTokenFilePath)
  )
    if (!spec.oidcTokenFilePath.startsWith("/"))
      failures.push({ property: "oidcTokenFilePath", reason: "must be an absolute path" });
  for (const field of ["clientX509Certificate", "x509CertChains"] as const) {
    const v = spec[field];
    if (typeof v !== "string" || v === "" || containsUnknown(v)) continue;
    if (/PRIVATE KEY/.test(v)) {
      failures.push({
        property: field,
        reason: "holds a private key: the config never holds a secret (use privateKeyEnvVarName)",
      });
      continue;
    }
    const blocks = pemBlocks(v);
    if (blocks.length === 0 || (field === "clientX509Certificate" && blocks.length !== 1))
      failures.push({
        property: field,
        reason:
          field === "clientX509Certificate"
            ? "must be one PEM certificate"
            : "must be one or more PEM certificates",
      });
    blocks.forEach((pem, i) => {
      try {
        new X509Certificate(pem);
      } catch {
        failures.push({ property: `${field}[${i}]`, reason: "is not a parseable X.509 certificate" });
      }
    });
  }
  for (const [field, value] of [
    ["connectTimeoutMs", spec.connectTimeoutMs],
    ["readTimeoutMs", spec.readTimeoutMs],
  ] as const) {
    if (value === undefined || containsUnknown(value)) continue;
    if (!Number.isInteger(value) || value < C.timeoutMs.min || value > C.timeoutMs.max)
      failures.push({
        property: field,
        reason: `is ${value}, but must be whole milliseconds from ${C.timeoutMs.min} to ${C.timeoutMs.max} (the SDK's ${field === "connectTimeoutMs" ? "ConnectTimeoutNotValid" : "ReadTimeoutNotValid"})`,
      });
  }
  return failures;
}

/** The file's object for a valid `spec` (call `validateIdaasClientConfig` first). */
export function buildIdaasClientConfig(spec: IdaasClientConfigSpec): IdaasClientConfigJson {
  const authn: Record<string, string> = { identityType: "CLIENT", authnMethod: spec.authnMethod };
  for (const field of METHOD_FIELDS) {
    const v = spec[field];
    if (typeof v === "string" && v !== "") authn[field] = v;
  }
  const out: IdaasClientConfigJson = {
    idaasInstanceId: spec.idaasInstanceId,
    clientId: spec.clientId,
    issuer: spec.issuer,
    tokenEndpoint: spec.tokenEndpoint,
    scope: spec.scope.split(/\s+/).filter(Boolean).join(" "),
    authnConfiguration: authn,
  };
  if (spec.openApiEndpoint) out.openApiEndpoint = spec.openApiEndpoint;
  if (spec.developerApiEndpoint) out.developerApiEndpoint = spec.developerApiEndpoint;
  if (spec.connectTimeoutMs !== undefined || spec.readTimeoutMs !== undefined)
    out.httpConfiguration = {
      connectTimeout: spec.connectTimeoutMs ?? C.timeoutMs.defaultConnect,
      readTimeout: spec.readTimeoutMs ?? C.timeoutMs.defaultRead,
    };
  return out;
}

/** The instance's OAuth issuer and token endpoint from its domain (docs/alibaba-api.md §7.3). */
export function idaasEndpoints(domain: string): { issuer: string; tokenEndpoint: string } {
  const host = domain.replace(/^https?:\/\//, "").replace(/\/+$/, "");
  const issuer = `https://${host}/api/v2/iauths_system/oauth2`;
  return { issuer, tokenEndpoint: `${issuer}/token` };
}
