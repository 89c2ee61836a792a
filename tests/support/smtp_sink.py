#!/usr/bin/python3
"""A real SMTP server on loopback for rosterd's mail tests (Debian python3-aiosmtpd).

Every message it accepts is written to OUT/NNNN.json, decoded with Python's email package:
envelope, headers, the text and HTML bodies, attachments, the time of receipt and, with --db,
the decision of every run in rosterd's store at that moment (to prove a report arrives before
its run commits). A recipient bounce@... is refused (550). Runs until killed.

With --stall it never answers DATA (a server hanging mid-message). With --tls CERT KEY it offers
STARTTLS; with --auth USER:PASSWORD it requires that login
(after STARTTLS) and records the logins it saw in OUT/auth.log.

usage: smtp_sink.py --port N --out DIR [--db STORE] [--tls CERT KEY] [--auth USER:PASSWORD]
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import signal
import sqlite3
import ssl
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, out, db, stall):
        self.out = out
        self.db = db
        self.stall = stall

    def runs(self):
        if not self.db or not os.path.exists(self.db):
            return {}
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=10)
        try:
            return {str(r[0]): r[1] for r in con.execute("SELECT id, decision FROM runs")}
        finally:
            con.close()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # A mailbox that does not exist, for tests of a refused recipient.
        if address.startswith("bounce@"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.stall:
            # A server that hangs mid-DATA: the message is read, never answered.
            await asyncio.sleep(3600)
        received = time.time_ns()
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        attachments = [
            {
                "filename": part.get_filename(),
                "content_type": part.get_content_type(),
                "content": part.get_payload(decode=True).decode("utf-8"),
            }
            for part in msg.iter_attachments()
        ]
        record = {
            "received_ns": received,
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(msg["subject"]),
            "from": str(msg["from"]),
            "to": str(msg["to"]),
            "message_id": str(msg["message-id"]),
            "text": text.get_content() if text else "",
            "html": html.get_content() if html else "",
            "attachments": attachments,
            # The MIME tree, depth first: "multipart/mixed", "multipart/alternative", ...
            "structure": [part.get_content_type() for part in msg.walk()],
            "runs_at_receipt": self.runs(),
        }
        n = len([f for f in os.listdir(self.out) if f.endswith(".json")])
        tmp = os.path.join(self.out, "%04d.tmp" % n)
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.rename(tmp, os.path.join(self.out, "%04d.json" % n))
        return "250 Message accepted for delivery"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--db")
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--auth")
    p.add_argument("--stall", action="store_true")
    p.add_argument("--ready", help="a file written with this process's pid once it listens")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    kwargs = {}
    if a.tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
        kwargs["tls_context"] = ctx
    if a.auth:
        user, password = a.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user
                  and auth_data.password.decode() == password)
            with open(os.path.join(a.out, "auth.log"), "a") as f:
                f.write("%s %s\n" % (mechanism, "ok" if ok else "refused"))
            return AuthResult(success=ok)

        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=True)
    controller = Controller(Sink(a.out, a.db, a.stall), hostname="127.0.0.1", port=a.port, **kwargs)
    controller.start()
    if a.ready:
        # Written whole, then renamed: the harness knows the port answering is this sink's.
        with open(a.ready + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(a.ready + ".tmp", a.ready)
    signal.signal(signal.SIGTERM, lambda *_: (controller.stop(), os._exit(0)))
    while True:
        signal.pause()


if __name__ == "__main__":
    main()
