/**
 * SCIM routes, at the server's root like `scim.aliyun.com` (no `/scim/v2` prefix, §5.1). Handlers
 * are thin: authenticate, read the JSON body, call the state, shape RFC 7643/7644 resources.
 */
import type { RouteRequest, RouteResult, RouteSpec } from "../../service";
import * as E from "./errors";
import { SCIM_USER_SCHEMA, type ScimState, type ScimUser } from "./state";

export type ScimAction =
  | "ListUsers"
  | "CreateUser"
  | "GetUser"
  | "ReplaceUser"
  | "PatchUser"
  | "DeleteUser"
  | "ListResourceTypes"
  | "GetResourceType"
  | "ListSchemas"
  | "GetSchema";

const LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
const SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema";

/** The User resource. `meta.location` uses the emulator's http URL. */
export function scimUserBody(u: ScimUser, baseUrl: string): Record<string, unknown> {
  return {
    schemas: [SCIM_USER_SCHEMA],
    id: u.userId,
    userName: u.userName,
    displayName: u.displayName,
    ...(u.externalId === undefined ? {} : { externalId: u.externalId }),
    meta: {
      resourceType: "User",
      created: new Date(u.createdMs).toISOString(),
      lastModified: new Date(u.updatedMs).toISOString(),
      location: `${baseUrl}/Users/${u.userId}`,
    },
  };
}

function listBody(resources: Record<string, unknown>[], totalResults: number, startIndex: number) {
  return {
    schemas: [LIST_RESPONSE],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

function resourceType(baseUrl: string): Record<string, unknown> {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: "User",
    name: "User",
    endpoint: "/Users",
    description: "RAM user",
    schema: SCIM_USER_SCHEMA,
    meta: { resourceType: "ResourceType", location: `${baseUrl}/ResourceTypes/User` },
  };
}

/** The core User schema, reduced to what RAM maps (§5.2). */
function userSchema(baseUrl: string): Record<string, unknown> {
  const attr = (name: string, description: string, extra: Record<string, unknown>) => ({
    name,
    type: "string",
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: "readWrite",
    returned: "default",
    uniqueness: "none",
    ...extra,
  });
  return {
    schemas: [SCHEMA_SCHEMA],
    id: SCIM_USER_SCHEMA,
    name: "User",
    description: "RAM user",
    attributes: [
      attr(
        "userName",
        "The RAM user name: 1-64 letters, digits, '.', '_' or '-'; unique, case-insensitive.",
        {
          required: true,
          uniqueness: "server",
        },
      ),
      attr("displayName", "The RAM display name: 1-128 characters.", {}),
      attr("externalId", "The identifier of the user in the provisioning client; unique in the account.", {
        caseExact: true,
        uniqueness: "server",
      }),
    ],
    meta: { resourceType: "Schema", location: `${baseUrl}/Schemas/${SCIM_USER_SCHEMA}` },
  };
}

function jsonBody(req: RouteRequest): unknown {
  const text = req.body.toString("utf8");
  if (text.trim() === "") throw E.invalidSyntax("The request body is empty.");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw E.invalidSyntax("The request body is not valid JSON.");
  }
}

function idOf(req: RouteRequest, prefix: string): string {
  const raw = req.path.slice(prefix.length);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export function scimRoutes(
  state: ScimState,
  baseUrl: () => string,
): ReadonlyArray<RouteSpec & { action: ScimAction }> {
  const authed =
    (fn: (req: RouteRequest) => RouteResult): RouteSpec["handle"] =>
    (req) => {
      state.authenticate(req.headers.get("authorization")?.[0]);
      return fn(req);
    };
  const user = (u: ScimUser, status = 200): RouteResult => {
    const body = scimUserBody(u, baseUrl());
    return {
      status,
      body,
      ...(status === 201 ? { headers: { location: `${baseUrl()}/Users/${u.userId}` } } : {}),
    };
  };
  return [
    {
      method: "GET",
      path: "/Users",
      action: "ListUsers",
      mutates: false,
      handle: authed((req) => {
        const page = state.list({
          filter: req.params.filter,
          startIndex: req.params.startIndex,
          count: req.params.count,
        });
        const base = baseUrl();
        return {
          status: 200,
          body: listBody(
            page.items.map((u) => scimUserBody(u, base)),
            page.totalResults,
            page.startIndex,
          ),
        };
      }),
    },
    {
      method: "POST",
      path: "/Users",
      action: "CreateUser",
      mutates: true,
      handle: authed((req) => user(state.create(jsonBody(req)), 201)),
    },
    {
      method: "GET",
      path: "/Users/*",
      action: "GetUser",
      mutates: false,
      handle: authed((req) => user(state.get(idOf(req, "/Users/")))),
    },
    {
      method: "PUT",
      path: "/Users/*",
      action: "ReplaceUser",
      mutates: true,
      handle: authed((req) => user(state.replace(idOf(req, "/Users/"), jsonBody(req)))),
    },
    {
      // Not supported by RAM (docs/alibaba-api.md §5.3, §9.6): answered 405 after authentication.
      method: "PATCH",
      path: "/Users/*",
      action: "PatchUser",
      mutates: false,
      handle: authed(() => {
        throw E.methodNotAllowed("PATCH", "GET, PUT, DELETE");
      }),
    },
    {
      method: "DELETE",
      path: "/Users/*",
      action: "DeleteUser",
      mutates: true,
      handle: authed((req) => {
        state.delete(idOf(req, "/Users/"));
        return { status: 204 };
      }),
    },
    {
      method: "GET",
      path: "/ResourceTypes",
      action: "ListResourceTypes",
      mutates: false,
      handle: authed(() => ({ status: 200, body: listBody([resourceType(baseUrl())], 1, 1) })),
    },
    {
      method: "GET",
      path: "/ResourceTypes/*",
      action: "GetResourceType",
      mutates: false,
      handle: authed((req) => {
        const id = idOf(req, "/ResourceTypes/");
        if (id !== "User") throw new E.ScimError(404, undefined, `Resource type ${id} not found.`);
        return { status: 200, body: resourceType(baseUrl()) };
      }),
    },
    {
      method: "GET",
      path: "/Schemas",
      action: "ListSchemas",
      mutates: false,
      handle: authed(() => ({ status: 200, body: listBody([userSchema(baseUrl())], 1, 1) })),
    },
    {
      method: "GET",
      path: "/Schemas/*",
      action: "GetSchema",
      mutates: false,
      handle: authed((req) => {
        const id = idOf(req, "/Schemas/");
        if (id !== SCIM_USER_SCHEMA) throw new E.ScimError(404, undefined, `Schema ${id} not found.`);
        return { status: 200, body: userSchema(baseUrl()) };
      }),
    },
  ];
}
