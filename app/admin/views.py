"""admin views."""
from app.admin import bp

__all__ = ["bp"]
