/**
 * A small catalogue of RAM system policies: real names, documents written in the shape of the
 * real ones (the real documents are longer and change over time; only the actions that matter to
 * the emulator's scoping are modelled). Each is version `v1`, the default.
 */
export interface SystemPolicy {
  name: string;
  description: string;
  document: string;
}

const doc = (actions: string | string[]): string =>
  JSON.stringify({ Version: "1", Statement: [{ Action: actions, Resource: "*", Effect: "Allow" }] }, null, 2);

export const SYSTEM_POLICIES: readonly SystemPolicy[] = [
  {
    name: "AdministratorAccess",
    description: "Provides full access to Alibaba Cloud services and resources.",
    document: doc("*"),
  },
  {
    name: "AliyunRAMFullAccess",
    description: "Provides full access to Resource Access Management (RAM).",
    document: doc("ram:*"),
  },
  {
    name: "AliyunRAMReadOnlyAccess",
    description: "Provides read-only access to Resource Access Management (RAM).",
    document: doc(["ram:Get*", "ram:List*"]),
  },
  {
    name: "AliyunSTSAssumeRoleAccess",
    description: "Provides access to call the AssumeRole operation of Security Token Service (STS).",
    document: doc("sts:AssumeRole"),
  },
  {
    name: "AliyunOSSFullAccess",
    description: "Provides full access to Object Storage Service (OSS).",
    document: doc("oss:*"),
  },
  {
    name: "AliyunOSSReadOnlyAccess",
    description: "Provides read-only access to Object Storage Service (OSS).",
    document: doc(["oss:Get*", "oss:List*"]),
  },
  {
    name: "AliyunECSFullAccess",
    description: "Provides full access to Elastic Compute Service (ECS).",
    document: doc("ecs:*"),
  },
  {
    name: "AliyunECSReadOnlyAccess",
    description: "Provides read-only access to Elastic Compute Service (ECS).",
    document: doc(["ecs:Describe*", "ecs:List*", "vpc:Describe*", "slb:Describe*"]),
  },
  {
    name: "AliyunLogFullAccess",
    description: "Provides full access to Log Service.",
    document: doc("log:*"),
  },
  {
    name: "AliyunLogReadOnlyAccess",
    description: "Provides read-only access to Log Service.",
    document: doc(["log:Get*", "log:List*"]),
  },
];

const BY_NAME = new Map(SYSTEM_POLICIES.map((p) => [p.name.toLowerCase(), p]));

/** System policy names are matched case-insensitively (guess: RAM's own matching is not documented). */
export function systemPolicy(name: string): SystemPolicy | undefined {
  return BY_NAME.get(name.toLowerCase());
}
