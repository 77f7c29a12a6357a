"""Tests in a real browser (headless Chromium); see conftest.py."""
