"""Streamlit-only helpers for app.py and ui/pages/: interface strings, share links, HTML."""
