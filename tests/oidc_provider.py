"""A small OpenID Connect provider on loopback, for the single sign-on tests (no network).

It speaks the authorization-code flow as a brand's identity provider would: discovery,
/authorize (which signs in whoever the test named, without a page of its own), /token (an
RS256-signed ID token carrying the nonce), /userinfo and /jwks. Clients must authenticate with
the client id and secret it was started with.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from base64 import b64decode
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "mutua-community"
CLIENT_SECRET = "loopback-client-secret"  # noqa: S105 - a test provider's


@dataclass
class Person:
    """Who the provider says is signing in."""

    sub: str
    email: str
    email_verified: bool = True
    name: str = "Sam Single"
    preferred_username: str = "sam"

    def claims(self) -> dict[str, Any]:
        return {
            "sub": self.sub,
            "email": self.email,
            "email_verified": self.email_verified,
            "name": self.name,
            "preferred_username": self.preferred_username,
        }


@dataclass
class Provider:
    url: str
    person: Person | None = None
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, Person] = field(default_factory=dict)
    token_requests: int = 0

    def signs_in(self, person: Person) -> None:
        self.person = person


@contextmanager
def oidc_provider() -> Iterator[Provider]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = secrets.token_hex(4)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": kid, "use": "sig", "alg": "RS256"})

    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    provider = Provider(url=f"http://127.0.0.1:{server.server_address[1]}")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def send_json(self, body: Any, status: int = 200) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            query = {name: values[0] for name, values in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self.send_json(
                    {
                        "issuer": provider.url,
                        "authorization_endpoint": f"{provider.url}/authorize",
                        "token_endpoint": f"{provider.url}/token",
                        "userinfo_endpoint": f"{provider.url}/userinfo",
                        "jwks_uri": f"{provider.url}/jwks",
                        "response_types_supported": ["code"],
                        "subject_types_supported": ["public"],
                        "id_token_signing_alg_values_supported": ["RS256"],
                        "token_endpoint_auth_methods_supported": [
                            "client_secret_post",
                            "client_secret_basic",
                        ],
                    }
                )
            elif url.path == "/jwks":
                self.send_json({"keys": [jwk]})
            elif url.path == "/authorize":
                if query.get("client_id") != CLIENT_ID or provider.person is None:
                    self.send_json({"error": "unauthorized_client"}, 400)
                    return
                code = secrets.token_urlsafe(16)
                provider.codes[code] = {
                    "person": provider.person,
                    "nonce": query.get("nonce"),
                    "redirect_uri": query["redirect_uri"],
                }
                back = {"code": code, "state": query.get("state", "")}
                self.send_response(302)
                self.send_header("Location", f"{query['redirect_uri']}?{urlencode(back)}")
                self.end_headers()
            elif url.path == "/userinfo":
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                person = provider.tokens.get(token)
                if person is None:
                    self.send_json({"error": "invalid_token"}, 401)
                    return
                self.send_json(person.claims())
            else:
                self.send_json({"error": "not_found"}, 404)

        def do_POST(self) -> None:  # noqa: N802
            if urlsplit(self.path).path != "/token":
                self.send_json({"error": "not_found"}, 404)
                return
            provider.token_requests += 1
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            client_id, client_secret = form.get("client_id"), form.get("client_secret")
            basic = self.headers.get("Authorization", "")
            if basic.startswith("Basic "):
                client_id, _, client_secret = b64decode(basic[6:]).decode().partition(":")
            grant = provider.codes.pop(form.get("code", ""), None)
            if client_id != CLIENT_ID or client_secret != CLIENT_SECRET:
                self.send_json({"error": "invalid_client"}, 401)
                return
            if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
                self.send_json({"error": "invalid_grant"}, 400)
                return
            person: Person = grant["person"]
            access_token = secrets.token_urlsafe(24)
            provider.tokens[access_token] = person
            now = int(time.time())
            claims = person.claims() | {
                "iss": provider.url,
                "aud": CLIENT_ID,
                "iat": now,
                "exp": now + 600,
            }
            if grant["nonce"]:
                claims["nonce"] = grant["nonce"]
            id_token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})
            self.send_json(
                {
                    "access_token": access_token,
                    "token_type": "Bearer",
                    "expires_in": 600,
                    "id_token": id_token,
                }
            )

    server.RequestHandlerClass = Handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
