/**
 * The official Alibaba SDKs, loaded on first use instead of when the library is loaded. Every
 * engine command starts one provider process per resource type, and most of them (check, diff,
 * a preview without refresh) call no API: loading five SDKs in each was most of the library's
 * fixed cost per command. Types are imported as types only (erased at build), so nothing but
 * these functions loads an SDK. The IMS and RAM product SDKs are not loaded at all: their actions
 * go through openapi-core as their generated methods send them (client/generic.ts `callModel`),
 * their types alone are used. Each is compiled from V8's code cache after its first load
 * (compileCache.ts), and what they load for features we never call is deferred (deferredRequires.ts).
 */
import type * as CredentialsSdk from "@alicloud/credentials";
import type * as OpenApiSdk from "@alicloud/openapi-core";
import type * as DaraSdk from "@darabonba/typescript";
import { loadDependency } from "../deferredRequires";
import { once } from "../once";

export const credentialsSdk = once(
  () => loadDependency(() => require("@alicloud/credentials")) as typeof CredentialsSdk,
);
export const openApiSdk = once(
  () => loadDependency(() => require("@alicloud/openapi-core")) as typeof OpenApiSdk,
);
export const daraSdk = once(() => loadDependency(() => require("@darabonba/typescript")) as typeof DaraSdk);
