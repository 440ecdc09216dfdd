"""needs feature: the blueprint; routes live in views.py."""
from flask import Blueprint

bp = Blueprint("needs", __name__)
