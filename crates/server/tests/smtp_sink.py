"""A real SMTP server for the mail tests (tests/mail.rs), built on aiosmtpd.

Usage: smtp_sink.py CERT KEY USER PASSWORD OUT

Listens on 127.0.0.1 at a port of its own choosing and prints that port on the first
line of its output. It insists on STARTTLS (with CERT and KEY) and then on AUTH with
USER and PASSWORD, as a mail provider's submission port does. Each message it accepts
is parsed with Python's e-mail parser (RFC 5322, MIME, RFC 2047 encoded words) and
appended to OUT as one JSON line: the envelope, whether TLS and AUTH were used, the
headers as decoded text, and the decoded body.
"""

import asyncio
import email
import email.policy
import json
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def main() -> None:
    cert, key, user, password, out = sys.argv[1:6]
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        return AuthResult(success=ok)

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            message = email.message_from_bytes(
                envelope.original_content, policy=email.policy.default
            )
            record = {
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "tls": session.ssl is not None,
                "authenticated": bool(session.authenticated),
                "headers": {k.lower(): str(v) for k, v in message.items()},
                "body": message.get_content(),
            }
            with open(out, "a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")
            return "250 OK"

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            lambda: SMTP(
                Sink(),
                hostname="localhost",
                tls_context=tls,
                require_starttls=True,
                authenticator=authenticator,
                auth_required=True,
                auth_require_tls=True,
            ),
            "127.0.0.1",
            0,
        )
        print(server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
