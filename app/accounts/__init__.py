"""accounts feature: the blueprint; routes live in views.py."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)
