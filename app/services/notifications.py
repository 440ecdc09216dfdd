"""Notifications: in-app messages to a user or to every active member of an organisation, mailed too when
mail is configured. Callers add them inside their own transaction; the caller commits."""
import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.models import Notification, User, utcnow
from app.services.mail import send_mail

MESSAGE_LENGTH = 500  # notifications.message


def notify(user: User, message: str, url: str) -> None:
    """Tell a user something in-app, and by mail when mail is configured."""
    db.session.add(Notification(user_id=user.id, message=message[:MESSAGE_LENGTH], url=url))
    send_mail(user.email, _("ChainMatch notification"), f"{message}\n{url}")


def notify_organization(organization_id: int, message: str, url: str) -> None:
    """Tell every active member of an organisation."""
    for user in db.session.scalars(sa.select(User).where(User.organization_id == organization_id,
                                                         User.active.is_(True))):
        notify(user, message, url)


def notifications(actor: User, limit: int = 50) -> list[Notification]:
    """The actor's latest notifications, newest first."""
    return db.session.scalars(sa.select(Notification).where(Notification.user_id == actor.id)
                              .order_by(Notification.created_at.desc()).limit(limit)).all()


def unread_count(actor: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                             .where(Notification.user_id == actor.id, Notification.read_at.is_(None)))


def mark_notifications_read(actor: User) -> None:
    """Mark every notification of the acting user as read."""
    db.session.execute(sa.update(Notification).where(Notification.user_id == actor.id,
                                                     Notification.read_at.is_(None)).values(read_at=utcnow()))
    db.session.commit()
