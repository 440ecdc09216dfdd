"""Outgoing mail: SMTP when MAIL_SERVER is set, the log otherwise (development)."""
import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)


def send_mail(to: str, subject: str, body: str) -> bool:
    """Send one message; a mail failure is logged and never fails the caller's operation."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        log.info("mail to %s: %s\n%s", to, subject, body)
        return False
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = config["MAIL_FROM"], to, subject
    message.set_content(body)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.warning("mail to %s failed", to, exc_info=True)
        return False
    return True
