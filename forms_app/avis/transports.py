"""How a notice leaves: SMTP or .eml files for e-mail; an HTTP provider or a file for SMS."""
from __future__ import annotations

import json
import os
import quopri
import secrets
import smtplib
import ssl
import urllib.error
import urllib.request
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr
from pathlib import Path

from .reglages import Reglages
from ..core.texte import chiffres

TIMEOUT_S = 20


class Refus(Exception):
    """The server or provider did not take the notice; temporary: worth retrying later."""

    def __init__(self, message: str, temporary: bool = True) -> None:
        super().__init__(message)
        self.temporary = temporary


def _entete(value: str) -> str:
    """A header value: as is in ASCII, else RFC 2047 (UTF-8)."""
    return value if value.isascii() else Header(value, "utf-8").encode()


def _adresse(value: str) -> str:
    """« Portail carrière <x@y> » with its display name encoded when it is not ASCII."""
    name, addr = parseaddr(value)
    return formataddr((name, addr)) if name.isascii() else f"{Header(name, 'utf-8').encode()} <{addr}>"


def courriel(expediteur: str, destinataire: str, sujet: str, corps: str, avis_id: int, domaine: str) -> bytes:
    """The e-mail, plain text in UTF-8 (quoted-printable); its Message-ID names the notice, so a receiving
    system can spot a repeat. Written by hand: the email package's general machinery cost most of a
    notice's time."""
    body = quopri.encodestring(corps.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8"))
    headers = (
        f"From: {_adresse(expediteur)}\r\nTo: {destinataire}\r\nSubject: {_entete(sujet)}\r\n"
        f"Date: {formatdate(localtime=False)}\r\nMessage-ID: <avis-{avis_id}.{secrets.token_hex(6)}@{domaine}>\r\n"
        "Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n"
        'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
    )
    return headers.encode("ascii") + body


class SmtpCourriel:
    """One SMTP connection, opened on the first notice and kept for the batch."""

    def __init__(self, r: Reglages) -> None:
        self.r = r
        self.smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        r = self.r
        try:
            # The server's certificate is always verified (the system's CAs, or CARRIERE_SMTP_CA).
            context = ssl.create_default_context(cafile=r.smtp_ca or None)
            if r.smtp_tls == "ssl":
                smtp = smtplib.SMTP_SSL(r.smtp_host, r.smtp_port, timeout=TIMEOUT_S, context=context)
            else:
                smtp = smtplib.SMTP(r.smtp_host, r.smtp_port, timeout=TIMEOUT_S)
                if r.smtp_tls == "starttls":
                    smtp.starttls(context=context)
            if r.smtp_user:
                smtp.login(r.smtp_user, r.smtp_password)
        except (OSError, smtplib.SMTPException) as exc:
            raise Refus(f"serveur SMTP injoignable : {exc.__class__.__name__}: {exc}") from None
        return smtp

    def envoyer(self, destinataire: str, sujet: str, corps: str, avis_id: int) -> None:
        if self.smtp is None:
            self.smtp = self._open()
        domaine = self.r.expediteur.rsplit("@", 1)[-1].strip(">") or "localhost"
        message = courriel(self.r.expediteur, destinataire, sujet, corps, avis_id, domaine)
        try:
            self.smtp.sendmail(parseaddr(self.r.expediteur)[1], [destinataire], message)
        except smtplib.SMTPRecipientsRefused as exc:
            code = next(iter(exc.recipients.values()))[0]
            raise Refus(f"destinataire refusé ({code})", temporary=400 <= code < 500) from None
        except smtplib.SMTPResponseException as exc:
            self.fermer()
            raise Refus(f"refus du serveur ({exc.smtp_code}) : {exc.smtp_error!r}"[:300],
                        temporary=exc.smtp_code < 500) from None
        except (OSError, smtplib.SMTPException) as exc:
            self.fermer()
            raise Refus(f"envoi interrompu : {exc.__class__.__name__}: {exc}"[:300]) from None

    def fermer(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.smtp = None


class FichierCourriel:
    """For the demonstration: each e-mail as an .eml file under instance/courriels/."""

    def __init__(self, r: Reglages) -> None:
        self.r = r
        self.dossier = r.dossier / "courriels"

    def envoyer(self, destinataire: str, sujet: str, corps: str, avis_id: int) -> None:
        self.dossier.mkdir(parents=True, exist_ok=True)
        message = courriel(self.r.expediteur, destinataire, sujet, corps, avis_id, "localhost")
        _ecrire(self.dossier / f"avis-{avis_id:08d}.eml", message)

    def fermer(self) -> None:
        pass


def numero_international(portable: str) -> str:
    """« 06 12 34 56 78 » → « +33612345678 » (a number already in +… form is kept)."""
    digits = "".join(ch for ch in portable if chiffres(ch) or ch == "+")
    if digits.startswith("+"):
        return digits
    if digits.startswith("0") and len(digits) == 10:
        return "+33" + digits[1:]
    return digits


class HttpSms:
    """An SMS provider's HTTP API: POST {"to", "text", "reference"} as JSON with the key as a bearer token."""

    def __init__(self, r: Reglages) -> None:
        self.r = r

    def envoyer(self, destinataire: str, sujet: str, corps: str, avis_id: int) -> None:
        body = json.dumps({"to": numero_international(destinataire), "text": corps,
                           "reference": f"avis-{avis_id}"}).encode()
        request = urllib.request.Request(self.r.sms_url, data=body, method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self.r.sms_cle}"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:  # noqa: S310 (configured URL)
                answer.read(4096)
        except urllib.error.HTTPError as exc:
            temporary = exc.code >= 500 or exc.code == 429
            raise Refus(f"fournisseur SMS : HTTP {exc.code}", temporary=temporary) from None
        except (OSError, ValueError) as exc:
            raise Refus(f"fournisseur SMS injoignable : {exc.__class__.__name__}: {exc}"[:300]) from None

    def fermer(self) -> None:
        pass


class FichierSms:
    """For the demonstration: each SMS appended to instance/sms/sms.txt."""

    def __init__(self, r: Reglages) -> None:
        self.chemin = r.dossier / "sms" / "sms.txt"

    def envoyer(self, destinataire: str, sujet: str, corps: str, avis_id: int) -> None:
        self.chemin.parent.mkdir(parents=True, exist_ok=True)
        line = f"avis {avis_id} · à {destinataire} : {corps}\n".encode()
        fd = os.open(self.chemin, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)  # one write with O_APPEND: lines of several workers never interleave
        finally:
            os.close(fd)

    def fermer(self) -> None:
        pass


def _ecrire(path: Path, data: bytes) -> None:
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    draft.write_bytes(data)
    os.replace(draft, path)


def transports(r: Reglages) -> dict:
    """The transport of each channel: {"courriel": …, "sms": … or None}."""
    mail = SmtpCourriel(r) if r.smtp_host else FichierCourriel(r)
    sms = {"http": HttpSms, "fichier": FichierSms}.get(r.sms)
    return {"courriel": mail, "sms": sms(r) if sms else None}
