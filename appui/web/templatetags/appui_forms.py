"""The error summary of the page's form, placed right after the page title (DSFR: under the h1)."""

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

SUMMARY_TEMPLATE = "web/_error_summary.html"
TITLE_END = "</h1>"


class ErrorSummaryAfterTitleNode(template.Node):
    def __init__(self, nodelist: template.NodeList):
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString:
        content = self.nodelist.render(context)
        form = context.get("form")
        if not (getattr(form, "errors", None) and getattr(form, "visible_fields", None) and form.visible_fields()):
            return content
        assert context.template is not None
        summary_template = context.template.engine.get_template(SUMMARY_TEMPLATE)
        with context.push(summary_form=form):
            summary = summary_template.render(context)
        # The first title of the page, whatever its attributes; a page without one gets the summary first.
        end = content.find(TITLE_END)
        cut = end + len(TITLE_END) if end >= 0 else 0
        return mark_safe(content[:cut] + summary + content[cut:])  # noqa: S308 (both parts are rendered templates)


@register.tag
def error_summary_after_title(parser: Any, token: Any) -> ErrorSummaryAfterTitleNode:
    """``{% error_summary_after_title %}…{% end_error_summary_after_title %}``: insert the summary of the
    context's ``form`` (when it has errors) after the first ``</h1>`` of the enclosed content."""
    nodelist = parser.parse(("end_error_summary_after_title",))
    parser.delete_first_token()
    return ErrorSummaryAfterTitleNode(nodelist)
