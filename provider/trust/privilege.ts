/**
 * Which attached policies make a role administrator-level: whoever assumes it can do anything in
 * the account, or give themselves anything (RAM full access writes policies and attachments).
 * One home for the report (`--fail-on admin`, the dangerous combinations it marks) and for
 * adoption, which refuses to detach such a policy without being told.
 *
 * System policies, each documented at https://www.alibabacloud.com/help/en/ram/developer-reference/<name in lower case>
 * (AdministratorAccess: all services and resources; AliyunRAMFullAccess: all of RAM). A custom
 * policy is not judged here: its document is not read.
 */

/** A policy as attached to a role. */
export interface AttachedPolicy {
  type: string;
  name: string;
}

/** System policies whose holder can do anything, or grant themselves anything. */
export const ADMINISTRATOR_LEVEL_POLICIES: readonly string[] = ["AdministratorAccess", "AliyunRAMFullAccess"];

/** Whether `p` is an administrator-level system policy (names compared as RAM does, ignoring case). */
export function isAdministratorLevel(p: AttachedPolicy): boolean {
  return (
    p.type.toLowerCase() === "system" &&
    ADMINISTRATOR_LEVEL_POLICIES.some((n) => n.toLowerCase() === p.name.toLowerCase())
  );
}
