"""Real-browser end-to-end tests: a headless Chromium against a running Streamlit server."""
