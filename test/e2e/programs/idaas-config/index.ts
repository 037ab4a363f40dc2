import * as pulumi from "@pulumi/pulumi";
import { IdaasClientConfig, type IdaasClientConfigArgs } from "alicloud-federation";

const args = new pulumi.Config().requireObject<IdaasClientConfigArgs>("args");
export const json = new IdaasClientConfig("config", args).json;
