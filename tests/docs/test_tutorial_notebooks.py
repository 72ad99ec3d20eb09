"""Each tutorial is offered as a downloadable notebook, written by jupytext in the docs build."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

jupytext = pytest.importorskip("jupytext", reason="the docs extra writes the notebooks")
nbformat = pytest.importorskip("nbformat")

DOCS = Path(__file__).resolve().parents[2] / "docs"
TUTORIALS = sorted((DOCS / "tutorials").glob("*.md"))
spec = importlib.util.spec_from_file_location(
    "tutorial_notebooks", DOCS / "_ext" / "tutorial_notebooks.py"
)
assert spec is not None
assert spec.loader is not None
extension = importlib.util.module_from_spec(spec)
sys.modules["tutorial_notebooks"] = extension
spec.loader.exec_module(extension)


def test_the_docs_build_uses_the_extension() -> None:
    conf = (DOCS / "conf.py").read_text(encoding="utf-8")
    assert '"tutorial_notebooks"' in conf
    assert '"_generated"' in conf  # the notebooks are not read as pages themselves


def test_every_tutorial_becomes_a_valid_notebook_with_its_code(tmp_path: Path) -> None:
    shutil.copytree(DOCS / "tutorials", tmp_path / "tutorials")
    written = extension.write_notebooks(tmp_path)
    assert [path.stem for path in written] == [page.stem for page in TUTORIALS]
    for page, path in zip(TUTORIALS, written, strict=True):
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        assert notebook.metadata["kernelspec"]["name"] == "python3"
        code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
        assert code
        assert page.read_text(encoding="utf-8").count("```{code-cell}") == len(code)
        assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")


@pytest.mark.parametrize("page", TUTORIALS, ids=lambda p: p.stem)
def test_every_tutorial_page_links_to_its_notebook(page: Path) -> None:
    docname = f"tutorials/{page.stem}"
    text = extension.add_download_link(docname, page.read_text(encoding="utf-8"))
    link = f"{{download}}`{page.stem}.ipynb </_generated/notebooks/{page.stem}.ipynb>`"
    assert link in text
    title = next(i for i, line in enumerate(text.splitlines()) if line.startswith("# "))
    assert link in "\n".join(text.splitlines()[title : title + 4])


def test_other_pages_get_no_link() -> None:
    assert extension.add_download_link("howto/export-graph", "# Export\n") == "# Export\n"
