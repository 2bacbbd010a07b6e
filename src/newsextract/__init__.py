"""newsextract: financial news articles to typed, grounded events."""
