"""Word lists, each held once: the vocabulary that rules across ``text``, ``normalize``, ``grounding``,
``strategies`` and ``dedupe`` share. Data only; no rules here.

- :mod:`newsextract.lexicon.companies`: legal forms of company names ("Inc", "Plc", "GmbH" ...).
- :mod:`newsextract.lexicon.months`: month names, their abbreviations and numbers.
- :mod:`newsextract.lexicon.weekdays`: weekday names and numbers.
- :mod:`newsextract.lexicon.markets`: the names of each stock market, and exchanges as written.
- :mod:`newsextract.lexicon.moves`: words by which a price moves up, down or stays flat.
- :mod:`newsextract.lexicon.sales`: words of selling shares (verbs, nouns, stake cuts, what is held).
- :mod:`newsextract.lexicon.status`: cue words of a sale's status, strongest first.
- :mod:`newsextract.lexicon.changes`: words of appointing, leaving and succeeding.
- :mod:`newsextract.lexicon.folding`: quote, dash and space variants, and how text is folded.
"""
