"""Puts the checkout's python/ first on sys.path, so the tests exercise this tree (installed or not)."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
