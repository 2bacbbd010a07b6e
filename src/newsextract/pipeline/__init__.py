"""From drafts to trustworthy events: grounding, normalisation, de-duplication. Pure."""
