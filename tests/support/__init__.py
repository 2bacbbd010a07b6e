"""Test support utilities (kept import-free so ``python -m tests.support.fake_openai`` runs cleanly)."""
