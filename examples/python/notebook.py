"""The example notebook and its script are one text: ``city_analysis.py`` in the "percent"
format (``# %%`` code cells, ``# %% [markdown]`` text cells) is the source, and
``city_analysis.ipynb`` is made from it:

    python examples/python/notebook.py          # rewrites city_analysis.ipynb (needs nbformat)
    python examples/python/notebook.py --check  # exit 1 if the notebook is out of date

crates/python/tests/test_example.py checks the two agree and executes the notebook.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "city_analysis.py"
NOTEBOOK = HERE / "city_analysis.ipynb"


def cells(script: str) -> list[tuple[str, str]]:
    """The script's cells as (kind, source): kind "markdown" or "code"; markdown lines lose
    their leading "# "."""
    result: list[tuple[str, list[str]]] = []
    for line in script.splitlines():
        if line.startswith("# %%"):
            result.append(("markdown" if "[markdown]" in line else "code", []))
        elif result:
            result[-1][1].append(line)
    out = []
    for kind, lines in result:
        if kind == "markdown":
            lines = [line[2:] if line.startswith("# ") else line.lstrip("#") for line in lines]
        out.append((kind, "\n".join(lines).strip("\n")))
    return out


def notebook(script: str) -> object:
    """The notebook (an nbformat v4 node) of the script."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for kind, source in cells(script):
        if kind == "markdown":
            nb.cells.append(nbformat.v4.new_markdown_cell(source))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(source))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"  # stable ids: the file changes only when the script does
    return nb


def main() -> int:
    import nbformat

    text = nbformat.writes(notebook(SCRIPT.read_text(encoding="utf-8"))) + "\n"
    if "--check" in sys.argv[1:]:
        current = NOTEBOOK.read_text(encoding="utf-8") if NOTEBOOK.exists() else ""
        if current != text:
            print(f"{NOTEBOOK} is out of date: run python {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    NOTEBOOK.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
