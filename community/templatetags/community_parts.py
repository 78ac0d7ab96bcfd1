"""`{% part "name" %}...{% endpart %}`: a region of a page that belongs to its reader.

Rendered as usual, a part is its content. When the page's shell is rendered for every member
alike (community/memberpage.py), a part is a stand-in instead, and each reader's own rendering
of it is put in its place. Whatever reads the reader (their name, marks, permissions, CSRF
token, a form that posts) sits inside a part; parts sit outside loops and `{% with %}`, so
their content needs nothing but the page's context.
"""

from __future__ import annotations

import secrets

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Set in the context of a shell's rendering.
SHELL = "kept_page_shell"
# A process's own secret in each stand-in, so no text a member writes can pass for one.
_SECRET = secrets.token_hex(8)


def stand_in(name: str) -> str:
    return f"kept-page-part-{_SECRET}-{name}"


class PartNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, name: str, nodelist: template.NodeList) -> None:
        self.name = name
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString:
        if context.get(SHELL):
            return mark_safe(stand_in(self.name))  # noqa: S308 - letters, digits, dashes
        return mark_safe(self.nodelist.render(context))  # noqa: S308 - rendered template


@register.tag
def part(parser: template.base.Parser, token: template.base.Token) -> PartNode:
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('Use {% part "name" %}...{% endpart %}')
    name = bits[1][1:-1]
    if not name.replace("-", "").isalnum():
        raise template.TemplateSyntaxError(f"A part's name is letters, digits, dashes: {name}")
    nodelist = parser.parse(("endpart",))
    parser.delete_first_token()
    return PartNode(name, nodelist)
