/**
 * The official-cli application's constants, in a module of their own so the
 * trust report (a CLI) loads them without the Pulumi SDK.
 */

/**
 * official-cli's AppId per site: it is the CLI's OAuth client_id (aliyun-cli
 * `config/configure.go`). Inferred, not documented as "the AppId of
 * official-cli" (docs/alibaba-api.md §3.3): kept here, in one place.
 */
export const OFFICIAL_CLI_APP_IDS = { cn: "4038181954557748008", intl: "4103531455503354461" } as const;

/** The scopes the CLI needs: the user's OpenID, and STS credentials for API calls (§3.1). */
export const OFFICIAL_CLI_SCOPES = ["/internal/ram/usersts", "openid"] as const;

export type Site = keyof typeof OFFICIAL_CLI_APP_IDS;
