"""accounts views."""
from app.accounts import bp

__all__ = ["bp"]
