"""programmes feature: Chain-Net Synergy programmes; routes live in views.py."""
from flask import Blueprint

bp = Blueprint("programmes", __name__)
