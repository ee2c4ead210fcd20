"""Streamlit-only helpers for app.py and pages/: interface strings, share links, HTML."""
