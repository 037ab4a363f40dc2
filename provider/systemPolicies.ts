/**
 * RAM system policy names known to exist, so that `OidcRole` can tell at preview that a name does
 * not (`AliyunOSSReadOnly` for `AliyunOSSReadOnlyAccess`) without a call for the common ones.
 *
 * Each is documented at https://www.alibabacloud.com/help/en/ram/developer-reference/<name in
 * lower case>. A name here skips the preview lookup only: were one withdrawn, `up` would fail at
 * AttachPolicyToRole as before. A name not here is looked up (GetPolicy, PolicyType System) at
 * preview, once per process, and refused when RAM does not know it, with the nearest names below.
 */
import { editDistance } from "./settings";

export const WELL_KNOWN_SYSTEM_POLICIES: readonly string[] = [
  "AdministratorAccess",
  "ReadOnlyAccess",
  "AliyunRAMFullAccess",
  "AliyunRAMReadOnlyAccess",
  "AliyunSTSAssumeRoleAccess",
  "AliyunOSSFullAccess",
  "AliyunOSSReadOnlyAccess",
  "AliyunECSFullAccess",
  "AliyunECSReadOnlyAccess",
  "AliyunLogFullAccess",
  "AliyunLogReadOnlyAccess",
  "AliyunVPCFullAccess",
  "AliyunVPCReadOnlyAccess",
  "AliyunRDSFullAccess",
  "AliyunRDSReadOnlyAccess",
  "AliyunSLBFullAccess",
  "AliyunSLBReadOnlyAccess",
  "AliyunCSFullAccess",
  "AliyunCSReadOnlyAccess",
  "AliyunContainerRegistryFullAccess",
  "AliyunContainerRegistryReadOnlyAccess",
  "AliyunFCFullAccess",
  "AliyunFCReadOnlyAccess",
  "AliyunKMSFullAccess",
  "AliyunKMSReadOnlyAccess",
];

/** Whether `name` is one of the well-known system policies (RAM compares names ignoring case). */
export function isWellKnownSystemPolicy(name: string): boolean {
  const n = name.toLowerCase();
  return WELL_KNOWN_SYSTEM_POLICIES.some((p) => p.toLowerCase() === n);
}

/** The well-known names nearest to `name` (edit distance, ignoring case), closest first. */
export function nearestSystemPolicies(name: string, count = 3): string[] {
  const n = name.toLowerCase();
  return [...WELL_KNOWN_SYSTEM_POLICIES]
    .map((p) => ({ p, d: editDistance(n, p.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || a.p.localeCompare(b.p))
    .slice(0, count)
    .map((x) => x.p);
}
