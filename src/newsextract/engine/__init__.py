"""One article through the cache, a strategy and post-processing: ``ArticleExtractor``.

``newsextract.api.Extractor`` is this class plus the many-article entry points (``extract_many``,
``iter_many``, ``submit_batch``); ``batch``, ``stream`` and ``batch_api`` drive an ``ArticleExtractor``
and so never import ``api``.
"""

from newsextract.engine.extractor import ArticleExtractor, Published

__all__ = ["ArticleExtractor", "Published"]
