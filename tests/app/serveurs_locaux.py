"""A real SMTP server (aiosmtpd) and an HTTP SMS provider on 127.0.0.1, for the notices' tests and bench."""
from __future__ import annotations

import json
import socket
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def certificat(folder) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (openssl): (certificate file, key file)."""
    import subprocess

    cert, key = str(folder / "smtp-cert.pem"), str(folder / "smtp-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Boite:
    """What the SMTP server received; refuse_data: how many DATA commands to answer 451 first."""

    def __init__(self, refuse_data: int = 0, refuse_code: str = "451 4.3.0 Réessayez plus tard") -> None:
        self.messages: list = []
        self.refuse_data = refuse_data
        self.refuse_code = refuse_code
        self.refused = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refused < self.refuse_data:
                self.refused += 1
                return self.refuse_code
            message = message_from_bytes(envelope.content, policy=policy.default)
            self.messages.append({"to": list(envelope.rcpt_tos), "from": envelope.mail_from, "message": message,
                                  "subject": str(message["Subject"]), "body": message.get_content(),
                                  "id": str(message["Message-ID"])})
        return "250 OK"


class SmtpLocal:
    """aiosmtpd on a free 127.0.0.1 port until stop(); with tls_context, STARTTLS and AUTH are required."""

    def __init__(self, boite: Boite | None = None, *, tls_context=None, comptes: dict | None = None) -> None:
        self.boite = boite or Boite()
        self.port = free_port()
        self.auth = []
        options = {}
        if tls_context is not None:
            from aiosmtpd.smtp import AuthResult

            def authenticator(server, session, envelope, mechanism, data):
                login, password = data.login.decode(), data.password.decode()
                self.auth.append((mechanism, login))
                return AuthResult(success=(comptes or {}).get(login) == password)

            options = {"tls_context": tls_context, "require_starttls": True, "auth_required": True,
                       "authenticator": authenticator}
        self.controller = Controller(self.boite, hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


class FournisseurSms(ThreadingHTTPServer):
    """An SMS provider's API on 127.0.0.1: keeps each POST (path, headers, JSON); answers `statuts` in turn."""

    def __init__(self, statuts: list[int] | None = None) -> None:
        self.recus: list[dict] = []
        self.statuts = list(statuts or [])
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                status = outer.statuts.pop(0) if outer.statuts else 200
                if status == 200:
                    outer.recus.append({"path": self.path, "auth": self.headers.get("Authorization"),
                                        "json": json.loads(body)})
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}' if status == 200 else b'{"erreur": "x"}')

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_port}/sms"
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
