"""Sphinx configuration of the interventional documentation."""

from __future__ import annotations

import sys
from pathlib import Path

import interventional

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "interventional"
author = "The interventional developers"
copyright = "2026, The interventional developers"
version = release = interventional.__version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
    "sphinx.ext.doctest",
    "tutorial_notebooks",  # each tutorial also as a downloadable .ipynb (jupytext)
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "_generated", "_ext", "jupyter_execute", "**.ipynb_checkpoints"]

# Notebooks (tutorials and data-generated reference pages) run at every build, so a page
# can never show output that the current code would not produce.
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 180
nb_merge_streams = True
# Markdown printed by a notebook (the data-generated tables) is read as MyST, with tables.
nb_render_markdown_format = "myst"
myst_enable_extensions = ["colon_fence", "deflist", "dollarmath"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False

# Local trimmed inventories first (the build runs with no network but package
# registries; see tools/make_inventories.py), the published ones second.
intersphinx_mapping = {
    "python": ("https://docs.python.org/3", ("_intersphinx/python.inv", None)),
    "attrs": ("https://www.attrs.org/en/stable", ("_intersphinx/attrs.inv", None)),
    "pint": ("https://pint.readthedocs.io/en/stable", ("_intersphinx/pint.inv", None)),
    "networkx": (
        "https://networkx.org/documentation/stable",
        ("_intersphinx/networkx.inv", None),
    ),
}
intersphinx_timeout = 5

html_theme = "furo"
html_title = f"interventional {release}"
html_static_path: list[str] = []
