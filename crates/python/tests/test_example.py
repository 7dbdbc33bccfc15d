"""The example notebook (examples/python/city_analysis.ipynb) is made from its script and runs
top to bottom on the sample city."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from conftest import REPO

EXAMPLES = REPO / "examples/python"


def notebook_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("notebook", EXAMPLES / "notebook.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_notebook_is_the_script() -> None:
    module = notebook_module()
    made = nbformat.writes(module.notebook(module.SCRIPT.read_text(encoding="utf-8"))) + "\n"
    assert module.NOTEBOOK.read_text(encoding="utf-8") == made, (
        "run python examples/python/notebook.py"
    )


def test_the_notebook_runs_top_to_bottom(tmp_path: Path) -> None:
    nb = nbformat.read(EXAMPLES / "city_analysis.ipynb", as_version=4)
    # From the repository's root, as the notebook says; 10 minutes per cell at most.
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(REPO)}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    # The hot spot map, the forecast plot and the score map were drawn.
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 3
    nbformat.write(nb, tmp_path / "executed.ipynb")
