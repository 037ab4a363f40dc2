/**
 * AssumeRoleWithOIDC on the wire, as Alibaba Cloud's credential clients send it: anonymous (no
 * signature), a form-encoded POST to the STS endpoint. For tests that need the raw status and body
 * rather than an SDK's exception.
 */
export async function assumeRoleWithOidc(
  url: string,
  r: { providerArn: string; roleArn: string; token: string; sessionName: string },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      Action: "AssumeRoleWithOIDC",
      Version: "2015-04-01",
      Format: "JSON",
      OIDCProviderArn: r.providerArn,
      RoleArn: r.roleArn,
      OIDCToken: r.token,
      RoleSessionName: r.sessionName,
    }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
