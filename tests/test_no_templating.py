"""No article is ever a template: text with ``{{ }}``, ``{% %}``, ``{# #}`` or stray braces reaches the model
byte for byte and extracts normally, on every path (endpoint sync/async, re-asks, chunks, sentence
questions, the embedded backend).

instructor 1.17.0 renders every message as a Jinja template when a validation ``context`` is passed to its
``create``; these tests fail on that behaviour (a changed article, or ``TemplateSyntaxError``).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from openai.types.chat import ChatCompletion
from tests.support.fake_openai import FakeOpenAIServer, ToolCall

from newsextract import Extractor
from newsextract.backends.llama_local import LlamaLocalBackend, _Recorder
from newsextract.strategies.base import StrategyInput
from newsextract.strategies.sentence_choices import SentenceChoices
from newsextract.strategies.whole_article import WholeArticle

QUOTE = "Xpeng shares fell 3.84 percent to $9.51 on Tuesday."
SNIPPETS = {
    "expression": "Note: {{ grounding }} and {{ text|length }} here.",
    "statement": "The template read {% if x %} odd {% endif",
    "comment": "A press kit said {# not a comment #} twice.",
    "unbalanced": "Code: f({x}) }} {{ {% %} {{{ }}} {#",
    "sandbox": "Try {{ ''.__class__.__mro__ }} and {{ config }}.",
}
EMPTY = {"share_sales": [], "executive_changes": [], "stock_moves": []}


def article(snippet: str) -> str:
    return f"{QUOTE} {snippet}\n\nAnalysts wrote: {snippet}"


def move_reply(**over: Any) -> str:
    move = {"quote": QUOTE, "company": "Xpeng", "direction": "down", "change_pct": "3.84 percent"}
    move.update(over)
    return json.dumps({**EMPTY, "stock_moves": [move]})


def user_texts(server: FakeOpenAIServer) -> list[str]:
    """The user messages of every chat request, as the server decoded them from the wire."""
    return [m["content"] for r in server.chat_requests for m in r.body["messages"] if m["role"] == "user"]


def extractor(server: FakeOpenAIServer, tmp_path: Path, **kw: Any) -> Extractor:
    return Extractor(
        model="test-model", base_url=server.base_url, api_key="sk-test", cache_dir=str(tmp_path), **kw
    )


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_endpoint_sends_the_article_verbatim_and_extracts(
    name: str, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    text = article(SNIPPETS[name])
    server.enqueue(ToolCall(move_reply()))
    result = extractor(server, tmp_path).extract(text)
    [sent] = user_texts(server)
    assert f"<<<\n{text}\n>>>" in sent  # the whole article, byte for byte, inside the prompt's frame
    [ev] = result.stock_moves
    assert text[ev.evidence.start : ev.evidence.end] == QUOTE


def test_async_path_sends_the_article_verbatim(server: FakeOpenAIServer, tmp_path: Path) -> None:
    texts = [article(s) for s in SNIPPETS.values()]
    server.default = ToolCall(move_reply())
    ex = extractor(server, tmp_path, cache=False)

    async def run() -> list[Any]:
        return list(await asyncio.gather(*(ex.aextract(t) for t in texts)))

    results = asyncio.run(run())
    sent = user_texts(server)
    assert all(any(f"<<<\n{t}\n>>>" in s for s in sent) for t in texts)
    assert all(len(r.stock_moves) == 1 for r in results)


def test_reask_keeps_the_article_verbatim(server: FakeOpenAIServer, tmp_path: Path) -> None:
    """The re-ask repeats the conversation: the article must be unchanged there too, and the error
    message (which quotes the model's values) is not rendered either."""
    text = article(SNIPPETS["expression"])
    unquoted = "Xpeng fell {{ grounding }} percent."  # no sentence of the article: re-asked
    server.enqueue(ToolCall(move_reply(quote=unquoted)), ToolCall(move_reply()))
    result = extractor(server, tmp_path).extract(text)
    assert server.request_count == 2 and result.meta.attempts == 2
    first, second = (r.body["messages"] for r in server.chat_requests)
    assert second[: len(first)] == first  # the original messages, unchanged
    assert f"<<<\n{text}\n>>>" in second[1]["content"]
    assert "{{ grounding }}" in json.dumps(second[len(first) :])  # the model's own reply, sent back as is
    assert len(result.stock_moves) == 1


def test_chunks_of_a_long_article_are_sent_verbatim(server: FakeOpenAIServer, tmp_path: Path) -> None:
    filler = " ".join(
        f"Paragraph {i} {{{{ x }}}} says {{% nothing %}} about shares {{# here #}}." for i in range(400)
    )
    text = f"{QUOTE} {SNIPPETS['unbalanced']}\n\n{filler}\n\nEnd {SNIPPETS['statement']}"
    assert len(text) > 12_000  # more than one chunk
    server.enqueue(ToolCall(move_reply()))
    server.default = ToolCall(json.dumps(EMPTY))
    result = extractor(server, tmp_path).extract(text)
    sent = user_texts(server)
    assert len(sent) >= 2
    for user in sent:  # each chunk is a slice of the article, unchanged
        chunk = user.split("<<<\n", 1)[1].rsplit("\n>>>", 1)[0]
        assert chunk in text
    assert SNIPPETS["unbalanced"] in sent[0] and SNIPPETS["statement"] in sent[-1]
    assert len(result.stock_moves) == 1 and not result.meta.chunk_failures


def test_sentence_questions_to_an_endpoint_are_sent_verbatim(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    snippet = SNIPPETS["expression"]
    text = f"Xpeng shares fell 3.84 percent to $9.51 on Tuesday, {snippet}"
    server.default = ToolCall('{"is_move": true}')
    ex = extractor(server, tmp_path, strategy="sentence_choices")
    ex._strategy = SentenceChoices(confirm_decided=True)  # every candidate goes to the model
    result = ex.extract(text)
    sent = user_texts(server)
    assert sent and all(f"Sentence: {text}" in s for s in sent)
    [ev] = result.stock_moves
    assert ev.change_pct == pytest.approx(3.84)


class ScriptedLlama(LlamaLocalBackend):
    """The embedded backend with llama.cpp's create replaced by scripted replies (recording what it got),
    so the whole-article path through this backend runs without generating."""

    def __init__(self, replies: list[str]) -> None:
        super().__init__()
        self.replies = replies
        self.sent: list[list[dict[str, Any]]] = []

    def _create(self, rec: _Recorder) -> Any:
        def create(**kwargs: Any) -> Any:
            self.sent.append(kwargs["messages"])
            rec.requests += 1
            content = self.replies.pop(0)
            rec.raw = content
            return ChatCompletion.model_validate(
                {
                    "id": "x",
                    "object": "chat.completion",
                    "created": 0,
                    "model": "embedded",
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop",
                            "message": {"role": "assistant", "content": content},
                        }
                    ],
                }
            )

        return create


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_embedded_backend_sends_the_article_verbatim(name: str) -> None:
    text = article(SNIPPETS[name])
    # the first reply quotes no sentence of the article (and holds template syntax itself): re-asked
    backend = ScriptedLlama([move_reply(quote="Shares {% if x %} fell."), move_reply()])
    result = WholeArticle().run(backend, StrategyInput(text=text, published=None))
    assert len(backend.sent) == 2
    assert all(
        f"<<<\n{text}\n>>>" in m[-1]["content"] or f"<<<\n{text}\n>>>" in m[1]["content"]
        for m in backend.sent
    )
    assert [m.quote for m in result.draft.stock_moves] == [QUOTE]


@pytest.mark.model
def test_embedded_model_reads_braces_as_text() -> None:
    """The real embedded model and the default strategy on an article full of template syntax."""
    text = (
        f"Xpeng shares fell 3.84 percent to $9.51 on Tuesday. {SNIPPETS['statement']} {SNIPPETS['comment']}"
    )
    ex = Extractor(backend="embedded", cache=False)
    result = ex.extract(text)
    [ev] = result.stock_moves
    assert text[ev.evidence.start : ev.evidence.end].startswith("Xpeng shares fell")
