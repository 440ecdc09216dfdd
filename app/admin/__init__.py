"""admin feature: the blueprint; routes live in views.py."""
from flask import Blueprint

bp = Blueprint("admin", __name__)
