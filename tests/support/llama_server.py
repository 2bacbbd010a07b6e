"""Run llama.cpp's own OpenAI-compatible server (``llama_cpp.server``) for end-to-end tests.

Same as ``python -m llama_cpp.server ...`` except that weights load without llama.cpp's extra CPU
buffer types, which segfault on this project's machines (see ``backends.llama_local``)::

    python -m tests.support.llama_server --model X.gguf --host 127.0.0.1 --port N
"""

from __future__ import annotations

import llama_cpp
from llama_cpp.server.__main__ import main

from newsextract.backends.llama_local import _without_extra_buffer_types

if __name__ == "__main__":
    with _without_extra_buffer_types(llama_cpp):
        main()
