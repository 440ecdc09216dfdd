"""cases feature: the blueprint; routes live in views.py."""
from flask import Blueprint

bp = Blueprint("cases", __name__)
