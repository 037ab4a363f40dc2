/**
 * The claims GitHub Actions puts in a job's OIDC token, shaped by GitHub's subject grammar
 * (https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect):
 * `repo:<owner>/<repo>:ref:refs/heads/<branch>`, `:pull_request`, `:environment:<name>`, tags.
 * Used by the stand-in GitHub issuer of the standalone emulator and by `alicloud-federation/testing`.
 */

/** GitHub Actions' OIDC issuer. */
export const GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";

/** The job a token is for. */
export interface GitHubJob {
  /** `owner/name` of the repository whose workflow runs (for a fork: the fork's). */
  repository: string;
  /** The branch the workflow runs on (`ref` `refs/heads/<branch>`). */
  branch?: string;
  /** The tag the workflow runs for (`ref` `refs/tags/<tag>`). */
  tag?: string;
  /** A `pull_request` workflow: the subject is `repo:<repository>:pull_request`. */
  pullRequest?: number | true;
  /** A job naming a GitHub environment: the subject is `repo:<repository>:environment:<name>`. */
  environment?: string;
  /** `event_name`. Default `pull_request` for a pull request, else `push`. */
  event?: string;
  /** The repository's owner when a workflow is a fork's, for `repository_owner`. Default: from `repository`. */
  actor?: string;
}

/** The job's claims (no `iss`, `aud`, `iat`, `exp`: the minter adds those). */
export function githubActionsClaims(o: GitHubJob): Record<string, unknown> {
  const [owner = ""] = o.repository.split("/");
  const pr = o.pullRequest === true ? 1 : o.pullRequest;
  const ref =
    pr !== undefined
      ? `refs/pull/${pr}/merge`
      : o.tag !== undefined
        ? `refs/tags/${o.tag}`
        : `refs/heads/${o.branch ?? "main"}`;
  const sub =
    o.environment !== undefined
      ? `repo:${o.repository}:environment:${o.environment}`
      : pr !== undefined
        ? `repo:${o.repository}:pull_request`
        : `repo:${o.repository}:ref:${ref}`;
  return {
    sub,
    ref,
    ref_type: o.tag !== undefined ? "tag" : "branch",
    repository: o.repository,
    repository_owner: owner,
    actor: o.actor ?? owner,
    event_name: o.event ?? (pr !== undefined ? "pull_request" : "push"),
    ...(o.environment === undefined ? {} : { environment: o.environment }),
    workflow: "deploy",
    workflow_ref: `${o.repository}/.github/workflows/deploy.yml@${ref}`,
    job_workflow_ref: `${o.repository}/.github/workflows/deploy.yml@${ref}`,
    runner_environment: "github-hosted",
  };
}
