/**
 * Machine-to-machine access to an internal API through IDaaS EIAM, as code:
 *
 * - `orders-api`, a resource server (audience `api://orders`) with two scopes;
 * - `orders-worker`, a Kubernetes workload that holds no secret at all: it
 *   proves who it is with its service-account token, through an OIDC
 *   federated credential that trusts the cluster's issuer for exactly one
 *   namespace and service account;
 * - `reporting`, a plain service authenticating with a client secret (a Pulumi
 *   secret, handed to it as an environment variable);
 * - optionally `batch`, authenticating with a private key (private_key_jwt),
 *   when you give its public key.
 *
 * For each client, the `client-config.json` its `cloud-idaas-core` SDK reads is
 * generated, checked at preview with the SDK's own rules, written under
 * `configDir` and exported. None of them contains a secret: they name the
 * environment variables that hold one.
 *
 * Config:
 *   instanceId       the EIAM instance (idaas_...)                     required
 *   k8sIssuer        the cluster's service-account issuer URL          required
 *   k8sJwksUri       its JWKS URL (default: the issuer's /openid/v1/jwks)
 *   k8sNamespace     default "orders";  k8sServiceAccount  default "worker"
 *   batchPublicKey   PEM (SPKI) public key of the batch job            optional
 *   configDir        where the client configs are written (default client-configs)
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  IdaasApplicationFederatedCredential,
  IdaasClientConfig,
  IdaasClientPublicKey,
  IdaasClientSecret,
  IdaasFederatedCredentialProvider,
  IdaasM2mApplication,
  IdaasResourceServer,
  idaasScope,
} from "alicloud-federation";

const config = new pulumi.Config();
const instanceId = config.require("instanceId");
const k8sIssuer = config.require("k8sIssuer");
const namespace = config.get("k8sNamespace") ?? "orders";
const serviceAccount = config.get("k8sServiceAccount") ?? "worker";
const batchPublicKey = config.get("batchPublicKey");
const configDir = config.get("configDir") ?? "client-configs";

// The clients.
const worker = new IdaasM2mApplication("orders-worker", {
  instanceId,
  applicationName: "orders-worker",
  description: "Kubernetes workload, no secret: OIDC federated credential",
});
const reporting = new IdaasM2mApplication("reporting", {
  instanceId,
  applicationName: "reporting",
  description: "Service with a client secret",
});
const batch = batchPublicKey
  ? new IdaasM2mApplication("batch", { instanceId, applicationName: "batch", description: "private_key_jwt" })
  : undefined;

// The API they call, and who may do what on it.
const api = new IdaasResourceServer("orders-api", {
  instanceId,
  applicationName: "orders-api",
  identifier: "api://orders",
  scopes: [
    { value: "orders:read", name: "Read orders" },
    { value: "orders:write", name: "Write orders" },
  ],
  grants: [
    { clientApplicationId: worker.applicationId, scopes: ["orders:read", "orders:write"] },
    { clientApplicationId: reporting.applicationId, scopes: ["orders:read"] },
    ...(batch ? [{ clientApplicationId: batch.applicationId, scopes: ["orders:read"] }] : []),
  ],
});

// The worker: trust the cluster's issuer, for one service account only.
const cluster = new IdaasFederatedCredentialProvider("cluster", {
  instanceId,
  name: "orders-cluster",
  description: "The cluster's service-account token issuer",
  oidc: {
    issuer: k8sIssuer,
    jwksUri: config.get("k8sJwksUri") ?? `${k8sIssuer.replace(/\/$/, "")}/openid/v1/jwks`,
    audiences: ["idaas"],
  },
});
const workerIdentity = new IdaasApplicationFederatedCredential("orders-worker-sa", {
  instanceId,
  applicationId: worker.applicationId,
  providerId: cluster.providerId,
  name: "orders-worker-sa",
  kubernetes: { namespace, serviceAccountName: serviceAccount },
});

// The reporting service's secret (a Pulumi secret).
const reportingSecret = new IdaasClientSecret("reporting", {
  instanceId,
  applicationId: reporting.applicationId,
});

const batchKey =
  batch && batchPublicKey
    ? new IdaasClientPublicKey("batch", {
        instanceId,
        applicationId: batch.applicationId,
        publicKey: batchPublicKey,
      })
    : undefined;

// The client configs.
const at = (name: string) => path.join(configDir, name, "client-config.json");
const workerConfig = new IdaasClientConfig("orders-worker", {
  instanceId,
  clientId: worker.clientId,
  scope: idaasScope(api.identifier, ["orders:read", "orders:write"]),
  authnMethod: "OIDC",
  applicationFederatedCredentialName: workerIdentity.name,
  clientDeployEnvironment: "KUBERNETES",
  // ACK's convention; unset, the SDK reads the standard service-account token path.
  oidcTokenFilePathEnvVarName: "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
  path: at("orders-worker"),
});
const reportingConfig = new IdaasClientConfig(
  "reporting",
  {
    instanceId,
    clientId: reporting.clientId,
    scope: idaasScope(api.identifier, ["orders:read"]),
    authnMethod: "CLIENT_SECRET_POST",
    clientSecretEnvVarName: "REPORTING_CLIENT_SECRET",
    path: at("reporting"),
  },
  { dependsOn: [reportingSecret] },
);
const batchConfig =
  batch && batchKey
    ? new IdaasClientConfig(
        "batch",
        {
          instanceId,
          clientId: batch.clientId,
          scope: idaasScope(api.identifier, ["orders:read"]),
          authnMethod: "PRIVATE_KEY_JWT",
          privateKeyEnvVarName: "BATCH_PRIVATE_KEY",
          path: at("batch"),
        },
        { dependsOn: [batchKey] },
      )
    : undefined;

export const apiIdentifier = api.identifier;
export const workerClientConfig = workerConfig.json;
export const reportingClientConfig = reportingConfig.json;
export const batchClientConfig = batchConfig?.json;
/** A secret: `pulumi stack output reportingClientSecret --show-secrets`; give it to the service as REPORTING_CLIENT_SECRET. */
export const reportingClientSecret = reportingSecret.clientSecret;
export const expectedWorkerSubject = workerIdentity.expectedSubject;
