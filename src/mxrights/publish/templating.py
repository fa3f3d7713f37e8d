"""HTML through templates: one Jinja2 environment with autoescape, and nbconvert's template.

Every page of the site is a Jinja2 template under ``templates/site/`` rendered with
autoescape on, so a value from data (a quote, a title, a URL) is always escaped; HTML that
is already safe (a notebook body rendered by nbconvert, a table rendered by another
template) is passed as :class:`markupsafe.Markup`. Notebook bodies are rendered by
nbconvert's template mechanism with ``templates/nbconvert/mxrights`` (the ``basic`` template,
code hidden, figures with their alt text).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

TEMPLATES = Path(__file__).with_name("templates")


@lru_cache(maxsize=1)
def environment():
    """The site's Jinja2 environment (autoescape on, undefined names are errors)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES / "site")), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters["thousands"] = lambda v: f"{v:,.0f}"
    return env


def render(template: str, **context) -> str:
    """Render ``templates/site/<template>`` with ``context`` (autoescaped)."""
    return environment().get_template(template).render(**context)


def markup(html: str) -> Markup:
    """Mark HTML produced by a template or by nbconvert as safe to insert unescaped."""
    return Markup(html)


@lru_cache(maxsize=1)
def notebook_exporter():
    """One nbconvert HTML exporter per process, with the ``mxrights`` template (``basic``
    underneath: no page shell, no external scripts), inputs and prompts hidden, and cells
    tagged ``regression`` (figures printed for nbval to compare) removed: readers get the
    formatted views. Building one loads its templates (about 0.2 s)."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exp = HTMLExporter(template_name="mxrights", extra_template_basedirs=[str(TEMPLATES / "nbconvert")])
    exp.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=["regression"], enabled=True), enabled=True)
    exp.exclude_input = True
    exp.exclude_input_prompt = True
    exp.exclude_output_prompt = True
    return exp
