"""Small helpers shared by the course notebooks: env, data, train, plots, checks.

Import what a notebook needs explicitly, e.g. ``from utils import env, plots``.
Nothing here runs at import time.
"""
