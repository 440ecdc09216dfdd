"""campaigns feature: the blueprint; routes live in views.py."""
from flask import Blueprint

bp = Blueprint("campaigns", __name__)
