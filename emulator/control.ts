/**
 * Control routes under `/__emulator/`: JSON in and out, never written to the request log.
 * `connectEmulator` drives the same routes from another process. When the emulator has a control
 * token, the server refuses every control request without it before it gets here.
 */
import type { ServerResponse } from "node:http";
import { z } from "zod";
import { parseQueryPairs } from "./auth/signature";
import { faultSpecSchema } from "./faults";
import type { EmulatorCore } from "./server";

const consoleBody = z.object({
  service: z.string().min(1),
  action: z.string().min(1),
  params: z.record(z.string(), z.string()).default({}),
});

const stsBody = z
  .object({ durationSeconds: z.number().positive().optional(), principal: z.string().min(1).optional() })
  .strict();

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function json(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new ControlError(400, "the body is not valid JSON");
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ControlError(400, z.prettifyError(r.error));
  return r.data;
}

export async function handleControl(
  core: EmulatorCore,
  method: string,
  route: string,
  rawQuery: string,
  body: Buffer,
  res: ServerResponse,
): Promise<void> {
  const send = (status: number, value: unknown): void => {
    const payload = JSON.stringify(value);
    res.writeHead(status, {
      "content-type": "application/json;charset=utf-8",
      "content-length": Buffer.byteLength(payload),
    });
    res.end(payload);
  };
  try {
    const key = `${method.toUpperCase()} ${route}`;
    switch (key) {
      case "GET info":
        return send(200, {
          url: core.url,
          endpoint: core.endpoint,
          ...(core.httpsUrl === undefined
            ? {}
            : { httpsUrl: core.httpsUrl, httpsEndpoint: core.httpsEndpoint }),
          accessKeyId: core.accessKeyId,
          accountId: core.accountId,
          accounts: core.others.map((o) => ({ accountId: o.accountId, accessKeyId: o.accessKeyId })),
          eiamInstanceId: core.eiamInstanceId,
        });
      case "POST reset":
        core.reset();
        return send(200, { ok: true });
      case "GET state":
        return send(200, core.snapshot());
      case "GET requests": {
        const q = new Map(parseQueryPairs(rawQuery));
        return send(
          200,
          core.log.list({
            service: q.get("service"),
            action: q.get("action"),
            includeConsole: q.get("includeConsole") === "true",
          }),
        );
      }
      case "DELETE requests":
        core.log.clear();
        return send(200, { ok: true });
      case "POST faults":
        core.faults.add(parse(faultSpecSchema, json(body)));
        return send(200, { ok: true });
      case "DELETE faults":
        core.faults.clear();
        return send(200, { ok: true });
      case "POST console": {
        const c = parse(consoleBody, json(body));
        return send(200, await core.runConsole(c.service, c.action, c.params));
      }
      case "POST oidc-token": {
        if (!core.oidcTokenMinter)
          throw new ControlError(404, "this emulator has no stand-in issuer to mint tokens");
        const { claims } = parse(
          z.object({ claims: z.record(z.string(), z.unknown()) }).strict(),
          json(body),
        );
        return send(200, { token: core.oidcTokenMinter(claims) });
      }
      case "POST sts-credentials":
        return send(200, core.issueStsCredentials(parse(stsBody, json(body))));
      default:
        return send(404, { error: `no control route ${key}` });
    }
  } catch (e) {
    if (e instanceof ControlError) return send(e.status, { error: e.message });
    return send(500, { error: e instanceof Error ? e.message : String(e) });
  }
}
