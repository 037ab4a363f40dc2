"""Gets an M2M token with the official cloud-idaas-core SDK, as a workload would.

The SDK reads the client-config.json named by CLOUD_IDAAS_CONFIG_PATH (the file IdaasClientConfig
writes), takes its secret or key from the environment variable the config names, and calls the
instance's token endpoint. Prints one JSON line: the token's type, lifetime and claims (decoded
without verification: the caller verifies against the instance's JWKS). Never prints the token.
"""

import base64
import hashlib
import json
import sys

from cloud_idaas.core import IDaaSCredentialProviderFactory


def claims_of(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    payload += "=" * (-len(payload) % 4)
    return json.loads(base64.urlsafe_b64decode(payload))


def main() -> int:
    try:
        IDaaSCredentialProviderFactory.init()
        credential = IDaaSCredentialProviderFactory.get_idaas_credential_provider().get_credential()
    except Exception as e:  # the SDK's errors carry its code; show the whole chain
        chain = []
        seen = 0
        while e is not None and seen < 10:
            code = getattr(e, "error_code", None)
            text = getattr(e, "error_message", None) or str(e)
            chain.append(f"{type(e).__name__}: {code + ': ' if code else ''}{text}")
            # The SDK keeps its cause in `_cause`; Python's in `__cause__`.
            e = getattr(e, "_cause", None) or e.__cause__
            seen += 1
        print(json.dumps({"ok": False, "error": " <- ".join(chain)}))
        return 1
    token = credential.get_access_token()
    print(
        json.dumps(
            {
                "ok": True,
                "token_type": credential.get_token_type(),
                "expires_in": credential.expires_in,
                "claims": claims_of(token),
                "token_sha256": hashlib.sha256(token.encode()).hexdigest(),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
