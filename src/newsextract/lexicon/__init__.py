"""Word lists, each held once: the vocabulary that rules across ``text``, ``normalize``, ``grounding``,
``strategies`` and ``dedupe`` share. Data only; no rules here.

- :mod:`newsextract.lexicon.companies`: legal forms of company names ("Inc", "Plc", "GmbH" ...).
- :mod:`newsextract.lexicon.months`: month names, their abbreviations and numbers.
- :mod:`newsextract.lexicon.markets`: the names of each stock market, and exchanges as written.
- :mod:`newsextract.lexicon.moves`: words by which a price moves up, down or stays flat.
- :mod:`newsextract.lexicon.folding`: quote, dash and space variants, and how text is folded.
"""
