import * as pulumi from "@pulumi/pulumi";
import { IdaasClientConfig, type IdaasClientConfigArgs } from "alicloud-federation";

const config = new pulumi.Config();
const args = config.requireObject<Record<string, unknown>>("args");
// Arguments the test wants to arrive as Pulumi secrets, as an IdaasClientSecret's output would.
for (const field of config.getObject<string[]>("secretFields") ?? [])
  args[field] = pulumi.secret(args[field]);
export const json = new IdaasClientConfig("config", args as unknown as IdaasClientConfigArgs).json;
