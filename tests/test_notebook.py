"""examples/quickstart.ipynb runs top to bottom on the embedded model, so it cannot rot."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "examples" / "quickstart.ipynb"


@pytest.mark.model
@pytest.mark.timeout(900)
def test_quickstart_notebook_executes() -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # the kernel inherits this process's environment: no endpoint keys (conftest), a temporary cache
    assert "OPENAI_BASE_URL" not in os.environ and "OPENAI_API_KEY" not in os.environ
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    client.execute()

    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("newsextract-extraction" in h for h in html), "the Extraction rendered as HTML"
    assert any("<table" in h and "dataframe" in h for h in html), "the batch DataFrame rendered"
    printed = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "article(s):" in printed and '"meta"' in printed
    assert "dividends - A company declares or pays a dividend" in printed  # the fourth kind's cell
    assert "embedded model: the embedded model (strategy sentence_choices) has rules only for" in printed
