/**
 * STS (2015-04-01) action map: AssumeRoleWithOIDC, anonymous like in production (security
 * scheme ARS_OIDC: no AK signature; GET or POST; parameters in the query or a form body), and
 * GetCallerIdentity (signed, open to every valid credential).
 * The body is shaped as `@alicloud/sts20150401`'s AssumeRoleWithOIDCResponseBody reads it.
 */
import { z } from "zod";
import { type ActionMap, parseParams } from "../../service";
import { isoSeconds } from "../../util";
import type { StsState } from "./state";

const required = z.string().min(1);
const assumeRoleWithOidc = z.object({
  OIDCProviderArn: required,
  RoleArn: required,
  OIDCToken: required,
  RoleSessionName: required,
  Policy: z.string().min(1).optional(),
  DurationSeconds: z
    .string()
    .regex(/^\d+$/, "expected an integer")
    .transform((s) => Number(s))
    .optional(),
});

export type StsAction = "AssumeRoleWithOIDC" | "GetCallerIdentity";

export function stsActions(state: StsState): ActionMap<StsAction> {
  return {
    // Signed like any RPC call; no RAM authorization (docs/alibaba-api.md, and
    // https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-getcalleridentity).
    GetCallerIdentity: {
      mutates: false,
      noAuthorization: true,
      handle: (_params, ctx) => {
        if (!ctx.caller) throw new Error("GetCallerIdentity needs a signed caller");
        return { ...state.callerIdentity(ctx.caller) };
      },
    },
    AssumeRoleWithOIDC: {
      mutates: true,
      anonymous: true,
      handle: async (params) => {
        const p = parseParams(assumeRoleWithOidc, params);
        const r = await state.assumeRoleWithOidc({
          oidcProviderArn: p.OIDCProviderArn,
          roleArn: p.RoleArn,
          oidcToken: p.OIDCToken,
          roleSessionName: p.RoleSessionName,
          policy: p.Policy,
          durationSeconds: p.DurationSeconds,
        });
        return {
          Credentials: {
            AccessKeyId: r.credentials.accessKeyId,
            AccessKeySecret: r.credentials.accessKeySecret,
            SecurityToken: r.credentials.securityToken,
            Expiration: r.credentials.expiration,
          },
          AssumedRoleUser: {
            AssumedRoleId: `${r.role.roleId}:${r.sessionName}`,
            Arn: `${r.roleArn}/${r.sessionName}`,
          },
          OIDCTokenInfo: {
            Subject: r.token.sub,
            Issuer: r.token.iss,
            ClientIds: r.token.aud.join(","),
            IssuanceTime: isoSeconds(r.token.iat * 1000),
            ExpirationTime: isoSeconds(r.token.exp * 1000),
            VerificationInfo: "Success",
          },
        };
      },
    },
  };
}
