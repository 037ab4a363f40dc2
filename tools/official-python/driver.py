"""Drives the emulator with the official Alibaba Cloud Python SDKs and credentials library.

One process serves many requests: one JSON object per line on stdin, one JSON answer per line on
stdout (starting a Python process costs a second; a test sends all its calls through one).

Requests:
  {"op": "configure", "endpoint", "accessKeyId", "accessKeySecret", "securityToken"?}
  {"op": "call", "product": "ims"|"ram"|"sts"|"eiam", "action", "params"}
      Calls the SDK's typed method (snake_case of the action) with its `<Action>Request` built
      from the params (wire names), and checks the raw answer against `<Action>ResponseBody`.
  {"op": "oidc", "roleArn", "oidcProviderArn", "oidcTokenFile", "roleSessionName", "stsEndpoint"}
  {"op": "oauth", "signInUrl", "clientId", "refreshToken"}
  {"op": "cliProfile", "profileFile", "profileName"}
  {"op": "resolve", "host", "port", "to": "127.0.0.1:PORT"}
      Stands in for DNS (an /etc/hosts line plus a port forward): connections to host:port go to
      `to`; TLS still verifies `host` against the trusted CA (SSL_CERT_FILE).
      The credentials providers; each answers the credentials it got, then proves them by calling
      STS GetCallerIdentity through the STS SDK at the configured endpoint.

Every answer has "ok"; failures carry "error" (and "code", "statusCode", "data" for API errors).
"""

import importlib
import inspect
import json
import re
import sys
import traceback

from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_util import models as util_models
from darabonba.model import DaraModel

PRODUCTS = {
    "ims": "alibabacloud_ims20190815",
    "ram": "alibabacloud_ram20150501",
    "sts": "alibabacloud_sts20150401",
    "eiam": "alibabacloud_eiam20211201",
}

state = {"clients": {}, "config": None}


def make_config(c):
    return open_api_models.Config(
        access_key_id=c["accessKeyId"],
        access_key_secret=c["accessKeySecret"],
        security_token=c.get("securityToken"),
        endpoint=c["endpoint"],
        protocol="http",
        region_id="cn-hangzhou",
    )


def client(product):
    if product not in state["clients"]:
        module = importlib.import_module(PRODUCTS[product] + ".client")
        state["clients"][product] = module.Client(make_config(state["config"]))
    return state["clients"][product]


# ---- the model check -------------------------------------------------------------------------

_fields_cache = {}


def model_fields(cls):
    """Wire name -> (attribute, annotation) of a generated model, read off its from_map."""
    if cls in _fields_cache:
        return _fields_cache[cls]
    wires = list(dict.fromkeys(re.findall(r"m\.get\('([^']+)'\)", inspect.getsource(cls.from_map))))
    params = inspect.signature(cls.__init__).parameters
    fields = {}
    for wire in wires:
        probe = cls().from_map({wire: _probe_value(cls, wire)})
        attr = next((a for a in params if a != "self" and _is_set(getattr(probe, a, None))), None)
        ann = params[attr].annotation if attr else None
        fields[wire] = (attr, ann if isinstance(ann, str) else getattr(ann, "__name__", str(ann)))
    _fields_cache[cls] = fields
    return fields


def _probe_value(cls, wire):
    src = inspect.getsource(cls.from_map)
    # A list field iterates its value; a model field hands it to a nested from_map; both accept [] / {}.
    if re.search(r"for \w+ in m\.get\('%s'\)" % re.escape(wire), src):
        return [{}]
    if re.search(r"m\.get\('%s'\) is not None:\s*\n\s*temp_model" % re.escape(wire), src):
        return {}
    return "x"


def _is_set(v):
    return v is not None and v != []


def _type_ok(ann, value):
    if value is None:
        return True
    base = ann.replace("main_models.", "") if ann else ""
    if base == "str":
        return isinstance(value, str)
    if base == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if base == "bool":
        return isinstance(value, bool)
    if base == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if base.startswith("List["):
        return isinstance(value, list)
    if base.startswith("Dict["):
        return isinstance(value, dict)
    return isinstance(value, dict)


def check_model(instance, raw, path, out):
    """Differences between a raw answer and the model it parses into: extra, missing, wrong type."""
    if not isinstance(raw, dict):
        out["type"].append(f"{path or '.'} (not an object)")
        return
    fields = model_fields(type(instance))
    for key, value in raw.items():
        if key not in fields:
            out["extra"].append(f"{path}{key}")
            continue
        attr, ann = fields[key]
        if not _type_ok(ann, value):
            out["type"].append(f"{path}{key} ({ann}, got {type(value).__name__})")
        child = getattr(instance, attr, None) if attr else None
        if isinstance(child, DaraModel):
            check_model(child, value, f"{path}{key}.", out)
        elif isinstance(child, list) and isinstance(value, list):
            for i, (c, v) in enumerate(zip(child, value)):
                if isinstance(c, DaraModel):
                    check_model(c, v, f"{path}{key}[].", out)
    for key in fields:
        if key not in raw:
            out["missing"].append(f"{path}{key}")


def dedupe(out):
    return {k: sorted(set(v)) for k, v in out.items()}


# ---- operations ------------------------------------------------------------------------------


def op_call(req):
    product, action = req["product"], req["action"]
    c = client(product)
    models = importlib.import_module(PRODUCTS[product] + ".models")
    request_cls = next((getattr(models, n) for n in dir(models) if n.lower() == f"{action}Request".lower()), None)
    # Generated names split acronyms unpredictably (create_oidcprovider, m2_mclient): match loosely.
    wanted = f"{action}WithOptions".lower()
    name = next((n for n in dir(c) if n.replace("_", "").lower() == wanted), None)
    if name is None:
        return {"ok": False, "error": f"the {product} SDK has no method for {action}"}
    method = getattr(c, name)
    captured = {}
    # Signed calls go through call_api; anonymous ones (STS AssumeRoleWithOIDC) through do_rpcrequest.
    originals = {n: getattr(c, n) for n in ("call_api", "do_rpcrequest") if hasattr(c, n)}

    def capturing(original):
        def capture(*args, **kwargs):
            res = original(*args, **kwargs)
            captured["body"] = res.get("body")
            captured["statusCode"] = res.get("statusCode")
            return res

        return capture

    for n, original in originals.items():
        setattr(c, n, capturing(original))
    try:
        runtime = util_models.RuntimeOptions(autoretry=False, max_attempts=0)
        if request_cls is None:
            res = method(runtime)
        else:
            res = method(request_cls().from_map(req.get("params") or {}), runtime)
    except Exception as e:  # noqa: BLE001 - an API error is an answer too
        return {
            "ok": False,
            "statusCode": getattr(e, "statusCode", None) or getattr(e, "status_code", None),
            "code": getattr(e, "code", None),
            "error": str(getattr(e, "message", e)),
            "data": getattr(e, "data", None),
        }
    finally:
        for n, original in originals.items():
            setattr(c, n, original)
    out = {"extra": [], "missing": [], "type": []}
    body_cls = next(getattr(models, n) for n in dir(models) if n.lower() == f"{action}ResponseBody".lower())
    check_model(body_cls().from_map(captured["body"]), captured["body"], "", out)
    return {"ok": True, "statusCode": captured["statusCode"], "body": captured["body"], "model": dedupe(out)}


def caller_identity(cred):
    from alibabacloud_sts20150401.client import Client as Sts

    conf = state["config"]
    sts = Sts(
        make_config(
            {
                "endpoint": conf["endpoint"],
                "accessKeyId": cred.get_access_key_id(),
                "accessKeySecret": cred.get_access_key_secret(),
                "securityToken": cred.get_security_token(),
            }
        )
    )
    return sts.get_caller_identity().body.to_map()


def credentials_answer(provider):
    cred = provider.get_credentials()
    return {
        "ok": True,
        "accessKeyId": cred.get_access_key_id(),
        "hasSecret": bool(cred.get_access_key_secret()),
        "hasToken": bool(cred.get_security_token()),
        "providerName": cred.get_provider_name(),
        "callerIdentity": caller_identity(cred),
    }


def op_oidc(req):
    from alibabacloud_credentials.provider.oidc import OIDCRoleArnCredentialsProvider

    return credentials_answer(
        OIDCRoleArnCredentialsProvider(
            role_arn=req["roleArn"],
            oidc_provider_arn=req["oidcProviderArn"],
            oidc_token_file_path=req["oidcTokenFile"],
            role_session_name=req["roleSessionName"],
            sts_endpoint=req["stsEndpoint"],
        )
    )


def op_oauth(req):
    from alibabacloud_credentials.provider.oauth import OAuthCredentialsProvider

    return credentials_answer(
        OAuthCredentialsProvider(
            client_id=req["clientId"],
            sign_in_url=req["signInUrl"],
            refresh_token=req["refreshToken"],
            access_token_expire=0,
        )
    )


def op_cli_profile(req):
    from alibabacloud_credentials.provider.cli_profile import CLIProfileCredentialsProvider

    return credentials_answer(
        CLIProfileCredentialsProvider(profile_name=req["profileName"], profile_file=req["profileFile"])
    )


_routes = {}


def op_resolve(req):
    import socket

    if not _routes:
        original = socket.getaddrinfo

        def getaddrinfo(host, port, *args, **kwargs):
            to = _routes.get((host, int(port) if port is not None else None))
            if to is not None:
                return original(to[0], to[1], *args, **kwargs)
            return original(host, port, *args, **kwargs)

        socket.getaddrinfo = getaddrinfo
    host, port = req["to"].rsplit(":", 1)
    _routes[(req["host"], int(req["port"]))] = (host, int(port))
    return {"ok": True}


def op_configure(req):
    state["config"] = req
    state["clients"] = {}
    return {"ok": True}


OPS = {
    "configure": op_configure,
    "call": op_call,
    "oidc": op_oidc,
    "oauth": op_oauth,
    "cliProfile": op_cli_profile,
    "resolve": op_resolve,
}


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            answer = OPS[req["op"]](req)
        except Exception as e:  # noqa: BLE001 - reported to the test, which fails with it
            answer = {"ok": False, "error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc(limit=4)}
        sys.stdout.write(json.dumps(answer, default=str) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
