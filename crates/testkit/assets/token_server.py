#!/usr/bin/env python3
"""A registry token service for tests (Docker's token authentication spec).

Issues RS256 JWTs signed with KEY, with the certificate CERT in the `x5c`
header so the registry (configured with CERT as rootcertbundle) trusts them.
Only clients presenting basic auth USER:PASSWORD get a token. Signing is done
by the openssl command line; everything else is the standard library.

usage: token_server.py PORT KEY CERT ISSUER USER PASSWORD
"""
import base64, json, subprocess, sys, time, uuid
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import urlparse, parse_qs

PORT, KEY, CERT, ISSUER, USER, PASSWORD = sys.argv[1:7]

def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

def cert_der_b64():
    der = subprocess.run(["openssl", "x509", "-in", CERT, "-outform", "DER"], check=True, capture_output=True).stdout
    return base64.b64encode(der).decode()

X5C = cert_der_b64()

def sign(payload):
    header = {"typ": "JWT", "alg": "RS256", "x5c": [X5C]}
    signing_input = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode())).encode()
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", KEY], input=signing_input, check=True, capture_output=True).stdout
    return signing_input.decode() + "." + b64url(sig)

class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urlparse(self.path)
        if url.path != "/token":
            self.send_response(404); self.end_headers(); return
        expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="token"')
            self.end_headers(); return
        q = parse_qs(url.query)
        access = []
        for scope in q.get("scope", []):
            parts = scope.split(":")
            if len(parts) == 3:
                access.append({"type": parts[0], "name": parts[1], "actions": parts[2].split(",")})
        now = int(time.time())
        token = sign({"iss": ISSUER, "sub": USER, "aud": q.get("service", [""])[0], "exp": now + 600,
                      "nbf": now - 10, "iat": now, "jti": str(uuid.uuid4()), "access": access})
        body = json.dumps({"token": token, "access_token": token, "expires_in": 600}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

HTTPServer(("127.0.0.1", int(PORT)), Handler).serve_forever()
