"""Word lists, each held once: the vocabulary that rules across ``text``, ``normalize``, ``grounding``,
``strategies`` and ``dedupe`` share. Data only; no rules here.

- :mod:`newsextract.lexicon.companies`: legal forms of company names ("Inc", "Plc", "GmbH" ...).
- :mod:`newsextract.lexicon.months`: month names, their abbreviations and numbers.
"""
