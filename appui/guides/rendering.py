"""Markdown to safe HTML, for the national guides and for the local versions written by structures.

Local versions are user input: the HTML produced by Python-Markdown (which passes raw HTML through) is always
sanitised with nh3 against a short allow-list of tags, attributes and link schemes. Level-1 titles become
level-2 titles: the page title is the only ``h1``.
"""

import re

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {"p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "br", "blockquote", "code", "hr"}
)
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = frozenset({"https", "mailto", "tel"})
MAX_MARKDOWN_CHARS = 30_000


def render_markdown(text: str) -> SafeString:
    """Return the sanitised HTML of a Markdown text."""
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    html = re.sub(r"<(/?)h1\b", r"<\1h2", html)
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 -- sanitised by nh3 just above
