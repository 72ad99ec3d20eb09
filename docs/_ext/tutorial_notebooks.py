"""Sphinx extension: each tutorial is also offered as a Jupyter notebook to download.

The tutorials are MyST notebooks (Markdown). When the build starts, jupytext writes each as
an ``.ipynb`` (the same cells, unexecuted, for teachers and students to run) into
``docs/_generated/notebooks/``, and every tutorial page gets a download link under its title.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

GENERATED = Path("_generated") / "notebooks"
TUTORIALS = "tutorials"
_KERNEL = "kernelspec:\n  name: python3\n"


def write_notebooks(srcdir: Path) -> list[Path]:
    """Write every tutorial of ``srcdir/tutorials`` as a notebook; return the files written."""
    import jupytext

    out_dir = srcdir / GENERATED
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for page in sorted((srcdir / TUTORIALS).glob("*.md")):
        text = page.read_text(encoding="utf-8")
        # the pages name only the kernel; a notebook's kernelspec also needs a display name
        text = text.replace(_KERNEL, _KERNEL + "  display_name: Python 3\n  language: python\n", 1)
        notebook = jupytext.reads(text, fmt="md:myst")
        notebook.metadata.pop("jupytext", None)
        target = out_dir / f"{page.stem}.ipynb"
        text = jupytext.writes(notebook, fmt="ipynb")
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")  # unchanged files keep their time
        written.append(target)
    return written


def download_note(docname: str) -> str:
    """The MyST text that links a tutorial page to its notebook."""
    stem = docname.rsplit("/", 1)[-1]
    return (
        "\n```{note}\n"
        f"This tutorial as a Jupyter notebook: {{download}}`{stem}.ipynb "
        f'</{GENERATED.as_posix()}/{stem}.ipynb>` (run it with `pip install "interventional[plot,fhir]"`).\n'
        "```\n"
    )


def add_download_link(docname: str, source: str) -> str:
    """``source`` with the download note after its title (a tutorial page only)."""
    if not docname.startswith(f"{TUTORIALS}/"):
        return source
    lines = source.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.startswith("# "):
            return "".join([*lines[: index + 1], download_note(docname), *lines[index + 1 :]])
    return source + download_note(docname)


def _builder_inited(app: Any) -> None:
    write_notebooks(Path(app.srcdir))


def _source_read(app: Any, docname: str, source: list[str]) -> None:
    source[0] = add_download_link(docname, source[0])


def setup(app: Any) -> dict[str, Any]:
    """Register the extension's hooks."""
    app.connect("builder-inited", _builder_inited)
    app.connect("source-read", _source_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
