"""A minimal asyncio OpenAI-compatible server that answers every chat completion after a fixed delay.

For benchmarks, where ``fake_openai`` (a thread per connection, headers and body in two writes, so
Nagle + delayed ACK can add ~40 ms per reply) would measure itself. Here: one write per reply,
TCP_NODELAY, a listen backlog of 4096, and ``asyncio.sleep`` for the delay, so hundreds of concurrent
requests each wait the same fixed time. It runs in a child process (its CPU does not share the
benchmark's GIL)::

    python -m tests.support.slow_openai --delay 0.2 --replies replies.json

prints ``http://127.0.0.1:PORT/v1`` and serves until SIGTERM. ``replies.json`` is a list of
``[needle, tool_arguments_json]``: a request whose last user message contains ``needle`` gets that
tool call (named after the request's first tool); otherwise the arguments are ``--default``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

_REPO_ROOT = Path(__file__).resolve().parents[2]
EMPTY = json.dumps({"share_sales": [], "executive_changes": [], "stock_moves": []})
# The benches' one-move article sentence and the draft a perfect model answers for it.
MOVE_SENTENCE = "Xpeng shares fell 3.84 percent to $9.51 on Tuesday."
MOVE_REPLY = json.dumps(
    {
        "share_sales": [],
        "executive_changes": [],
        "stock_moves": [
            {
                "quote": MOVE_SENTENCE,
                "company": "Xpeng",
                "direction": "down",
                "change_pct": "3.84 percent",
                "price": "$9.51",
            }
        ],
    }
)


def _completion(request: dict[str, Any], arguments: str, n: int) -> bytes:
    tools = request.get("tools") or [{}]
    name = (tools[0].get("function") or {}).get("name") or "tool"
    body = {
        "id": f"chatcmpl-slow{n}",
        "object": "chat.completion",
        "created": 0,
        "model": request.get("model") or "slow-model",
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls",
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": f"call_{n}",
                            "type": "function",
                            "function": {"name": name, "arguments": arguments},
                        }
                    ],
                },
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
    return json.dumps(body).encode()


async def _serve(host: str, port: int, delay: float, replies: list[tuple[str, str]], default: str) -> None:
    counter = 0

    def pick(request: dict[str, Any]) -> str:
        user = ""
        for m in request.get("messages") or []:
            if m.get("role") == "user" and isinstance(m.get("content"), str):
                user = m["content"]
        for needle, arguments in replies:
            if needle in user:
                return arguments
        return default

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal counter
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path = lines[0].split(" ")[:2]
                headers = {
                    k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)
                }
                raw = await reader.readexactly(int(headers.get("content-length") or 0))
                counter += 1
                if method == "POST" and path.endswith("/chat/completions"):
                    request = json.loads(raw or b"{}")
                    if delay > 0:
                        await asyncio.sleep(delay)
                    status, payload = "200 OK", _completion(request, pick(request), counter)
                else:
                    status, payload = "404 Not Found", b'{"error": {"message": "not found"}}'
                writer.write(
                    f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(payload)}\r\n\r\n".encode()
                    + payload
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, host, port, backlog=4096)
    print(f"http://{host}:{server.sockets[0].getsockname()[1]}/v1", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


class SlowOpenAIProcess:
    """Runs the server in a child process: ``with SlowOpenAIProcess(0.2, replies) as s: s.base_url``."""

    def __init__(self, delay: float = 0.0, replies: list[tuple[str, str]] = (), default: str = EMPTY) -> None:  # type: ignore[assignment]
        self.delay = delay
        self.replies = list(replies)
        self.default = default
        self.base_url = ""
        self._proc: subprocess.Popen[str] | None = None
        self._path: str | None = None

    def __enter__(self) -> SlowOpenAIProcess:
        fd, self._path = tempfile.mkstemp(prefix="slow_openai_", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(self.replies, fh)
        env = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join(filter(None, [str(_REPO_ROOT), os.environ.get("PYTHONPATH")])),
        )
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "tests.support.slow_openai", "--delay", str(self.delay),
             "--replies", self._path, "--default", self.default],
            cwd=str(_REPO_ROOT), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line.startswith("http://"):
            self.__exit__()
            raise RuntimeError(f"slow_openai did not start (got {line!r})")
        self.base_url = line.strip()
        return self

    def cpu_seconds(self) -> float:
        """User + system CPU the server process has used so far (Linux ``/proc``), to show a benchmark's
        figure is the client's and not the server's."""
        assert self._proc is not None
        fields = Path(f"/proc/{self._proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *exc: object) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
            if proc.stdout is not None:
                proc.stdout.close()
        if self._path:
            os.unlink(self._path)
            self._path = None


def main() -> int:
    ap = argparse.ArgumentParser(
        prog="python -m tests.support.slow_openai", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--delay", type=float, default=0.0, help="seconds before each chat completion answer")
    ap.add_argument("--replies", help="JSON list of [needle, tool_arguments_json]")
    ap.add_argument("--default", default=EMPTY, help="tool arguments when no needle matches")
    args = ap.parse_args()
    replies = [tuple(r) for r in json.loads(Path(args.replies).read_text())] if args.replies else []
    asyncio.run(_serve(args.host, args.port, args.delay, replies, args.default))  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
