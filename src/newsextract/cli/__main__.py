"""``python -m newsextract.cli``: the ``newsextract`` command."""

from newsextract.cli import main

main()
