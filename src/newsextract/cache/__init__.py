"""The response cache: key derivation (pure, ``keys``) and the JSON-only disk store (``store``)."""
