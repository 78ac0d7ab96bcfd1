"""Markdown to HTML: pyromark's (pulldown-cmark's) events rendered here, with linkify, mentions,
our-uploads-only images and rank-gated links."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pyromark

from community.markdown.sanitizing import is_our_upload

# A mention starts at the beginning or after a non-word character (so bob@example.com is not
# one) and the name is `[\w.-]+`; trailing dots are sentence punctuation and are trimmed below.
# One character class with a single quantifier: linear time on any input.
_MENTION_RE = re.compile(r"(?<!\w)@([\w.-]+)")

_OPTIONS = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH

_PARSER = pyromark.Markdown(options=_OPTIONS)

# markdown-it's validateLink, kept: these schemes never become links (data: images only).
_BAD_PROTOCOL_RE = re.compile(r"^(vbscript|javascript|file|data):", re.IGNORECASE)

_GOOD_DATA_RE = re.compile(r"^data:image/(gif|png|jpeg|webp);", re.IGNORECASE)

# Characters kept as they are in an href (mdurl's encode set); everything else %-encoded.
_HREF_SAFE = ";/?:@&=+$,-_.!~*'()#%"

# Bare addresses that become links (linkify): URLs with a scheme or www., e-mail addresses, and
# host names with a common top-level domain. Trailing sentence punctuation is not part of them.
_TLDS = (
    "com|org|net|edu|gov|io|co|uk|it|de|fr|es|eu|info|biz|me|app|dev|ly|us|ca|au|nl|be|ch|at|"
    "ie|se|no|dk|fi|pl|pt|gr|in|jp|cn|ru|br|tv|xyz|online|shop|site"
)

_LINKIFY_RE = re.compile(
    r"(?P<url>\b(?:https?://|ftp://|www\.)[^\s<>\"']+)"
    r"|(?P<email>(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
    rf"|(?P<host>(?<![\w.@/-])(?:[A-Za-z0-9-]+\.)+(?:{_TLDS})\b(?:/[^\s<>\"']*)?)",
    re.IGNORECASE,
)

_TRAILING_PUNCT = ".,:;!?'\")]}*_~"


@dataclass
class RenderState:
    known_usernames: Mapping[str, str]
    member_url: Callable[[str], str]
    upload_prefix: str
    allow_links: bool
    allow_images: bool
    source: str
    out: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, link_type) when inert
    link_depth: int = 0
    code_block: bool = False
    image: list[Any] | None = None  # [src, title, alt parts] while inside an image
    aligns: tuple[str, ...] = ()
    cell: int = 0
    in_head: bool = False
    skip: int = 0  # depth of links being skipped (their source was written as text)


def _href(url: str) -> str:
    return quote(url, safe=_HREF_SAFE)


def _valid_link(url: str) -> bool:
    url = url.strip()
    return not _BAD_PROTOCOL_RE.match(url) or bool(_GOOD_DATA_RE.match(url))


def _linkify_and_mentions(state: RenderState, text: str, start: int, end: int) -> None:
    """Escape text, turning bare addresses into links and known @mentions into member links."""
    src = state.source[start:end]
    exact = src == text
    last = 0
    for match in _LINKIFY_RE.finditer(text):
        found = match.group()
        trimmed = found.rstrip(_TRAILING_PUNCT)
        # A closing bracket that has its opening one inside the address belongs to it.
        while found[len(trimmed) :].startswith(")") and trimmed.count("(") > trimmed.count(")"):
            trimmed += ")"
        if not trimmed:
            continue
        if match.lastgroup == "email":
            href = f"mailto:{trimmed}"
        elif match.lastgroup == "host" or trimmed.lower().startswith("www."):
            href = f"http://{trimmed}"
        else:
            href = trimmed
        _mentions(state, text[last : match.start()], start, exact, last)
        if state.allow_links:
            state.out.append(f'<a href="{html.escape(_href(href))}">{html.escape(trimmed)}</a>')
        else:
            state.out.append(html.escape(trimmed))
        last = match.start() + len(trimmed)
    _mentions(state, text[last:], start, exact, last)


def _mentions(state: RenderState, text: str, start: int, exact: bool, offset: int) -> None:
    if "@" not in text:
        state.out.append(html.escape(text))
        return
    last = 0
    for match in _MENTION_RE.finditer(text):
        name = match.group(1).rstrip(".")
        end = match.start(1) + len(name)
        # "@anna@example.com" is an address, not a mention; "@." is no name at all.
        if not name or text.startswith("@", match.end()):
            continue
        if _escaped(state, text, match.start(), start, exact, offset, name):
            continue
        canonical = state.known_usernames.get(name.lower())
        state.mentions.append(name)
        if canonical is None:
            continue
        state.out.append(html.escape(text[last : match.start()]))
        href = html.escape(state.member_url(canonical))
        state.out.append(f'<a class="mention" href="{href}">@{html.escape(canonical)}</a>')
        last = end
    state.out.append(html.escape(text[last:]))


def _escaped(
    state: RenderState, text: str, at: int, start: int, exact: bool, offset: int, name: str
) -> bool:
    """Whether the member typed `\\@name`: an escaped at sign is no mention."""
    if exact:
        position = start + offset + at
        return position > 0 and state.source[position - 1] == "\\"
    return f"\\@{name}" in state.source


def render_events(state: RenderState) -> None:
    out = state.out
    # pyromark types each event precisely; here they are walked as the plain dicts they are.
    events: Iterator[tuple[Any, Any]] = _PARSER.events_with_range(state.source, merge_text=True)
    for event, span in events:
        if state.skip:  # inside a link that stays text: its source is already out
            if isinstance(event, dict):
                if event.get("Start", {}) and isinstance(event["Start"], dict):
                    state.skip += "Link" in event["Start"]
                elif event.get("End") == "Link":
                    state.skip -= 1
            continue
        if state.image is not None:  # alt text: collected plain, until the image ends
            if isinstance(event, dict) and "End" in event and event["End"] == "Image":
                _image_end(state)
            elif isinstance(event, dict):
                for key in ("Text", "Code", "InlineHtml", "Html"):
                    if key in event:
                        state.image[2].append(event[key])
            continue
        if isinstance(event, str):
            if event == "SoftBreak":
                out.append("\n")
            elif event == "HardBreak":
                out.append("<br>\n")
            elif event == "Rule":
                out.append("<hr>\n")
            continue
        if "Text" in event:
            text = event["Text"]
            if state.code_block or state.link_depth:
                out.append(html.escape(text))
            else:
                _linkify_and_mentions(state, text, span["start"], span["end"])
        elif "Code" in event:
            out.append(f"<code>{html.escape(event['Code'])}</code>")
        elif "InlineHtml" in event or "Html" in event:
            # Raw HTML is shown as the text the member typed (and is text like any other).
            raw = event.get("InlineHtml") or event.get("Html") or ""
            if state.link_depth:
                out.append(html.escape(raw))
            else:
                _linkify_and_mentions(state, raw, span["start"], span["end"])
        elif "Start" in event:
            tag = event["Start"]
            if isinstance(tag, dict) and "Link" in tag and not _valid_link(_link_url(tag["Link"])):
                # markdown-it's rule: such a "link" is no link at all, but the text typed.
                _linkify_and_mentions(state, state.source[span["start"] : span["end"]], 0, 0)
                state.skip = 1
                continue
            _start(state, tag)
        elif "End" in event:
            _end(state, event["End"])


def _heading(level: str) -> str:
    return f"h{min(int(level[1]) + 2, 6)}"


def _start(state: RenderState, tag: Any) -> None:
    out = state.out
    if isinstance(tag, str):
        simple = {
            "Paragraph": "<p>",
            "Item": "<li>",
            "Emphasis": "<em>",
            "Strong": "<strong>",
            "Strikethrough": "<s>",
            "HtmlBlock": "<p>",
            "TableRow": "<tr>\n",
        }
        if tag == "TableHead":
            state.in_head = True
            state.cell = 0
            out.append("<thead>\n<tr>\n")
        elif tag == "TableCell":
            cell = "th" if state.in_head else "td"
            align = state.aligns[state.cell] if state.cell < len(state.aligns) else "None"
            state.cell += 1
            side = f' class="align-{align.lower()}"' if align != "None" else ""
            out.append(f"<{cell}{side}>")
        elif tag in simple:
            if tag == "TableRow":
                state.cell = 0
            out.append(simple[tag])
        return
    ((kind, value),) = tag.items()
    if kind == "Heading":
        out.append(f"<{_heading(value['level'])}>")
    elif kind == "BlockQuote":
        out.append("<blockquote>\n")
    elif kind == "CodeBlock":
        state.code_block = True
        out.append("<pre><code>")
    elif kind == "List":
        if value is None:
            out.append("<ul>\n")
        elif value == 1:
            out.append("<ol>\n")
        else:
            out.append(f'<ol start="{int(value)}">\n')
    elif kind == "Table":
        state.aligns = tuple(value)
        out.append("<table>\n")
    elif kind == "Link":
        _link_start(state, value)
    elif kind == "Image":
        state.image = [value["dest_url"], value.get("title") or "", []]


def _link_url(link: Mapping[str, Any]) -> str:
    url = str(link["dest_url"])
    return f"mailto:{url}" if link["link_type"] == "Email" else url


def _link_start(state: RenderState, link: Mapping[str, Any]) -> None:
    url = _link_url(link)
    link_type = link["link_type"]
    state.link_depth += 1
    if not state.allow_links:
        state.links.append((url, link_type))
        return
    state.links.append((url, "link"))
    title = link.get("title") or ""
    title_attr = f' title="{html.escape(title)}"' if title else ""
    state.out.append(f'<a href="{html.escape(_href(url))}"{title_attr}>')


def _end(state: RenderState, tag: Any) -> None:
    out = state.out
    if isinstance(tag, dict):
        ((kind, value),) = tag.items()
        if kind == "Heading":
            out.append(f"</{_heading(value)}>\n")
        elif kind == "BlockQuote":
            out.append("</blockquote>\n")
        elif kind == "List":
            out.append("</ol>\n" if value else "</ul>\n")
        return
    if tag == "Link":
        state.link_depth -= 1
        url, link_type = state.links.pop()
        if link_type == "link":
            out.append("</a>")
        elif link_type not in {"Autolink", "Email"}:
            out.append(f" ({html.escape(_href(url))})")  # the address, as text: links are inert
        return
    closing = {
        "Paragraph": "</p>\n",
        "Item": "</li>\n",
        "Emphasis": "</em>",
        "Strong": "</strong>",
        "Strikethrough": "</s>",
        "HtmlBlock": "</p>\n",
        "TableRow": "</tr>\n",
        "TableCell": "",
    }
    if tag == "HtmlBlock" and out and out[-1].endswith("\n"):
        out[-1] = out[-1][:-1]  # the block's last line break is not part of its text
    if tag == "CodeBlock":
        state.code_block = False
        out.append("</code></pre>\n")
    elif tag == "TableHead":
        state.in_head = False
        out.append("</tr>\n</thead>\n<tbody>\n")
    elif tag == "Table":
        out.append("</tbody>\n</table>\n")
    elif tag == "TableCell":
        out.append("</th>\n" if state.in_head else "</td>\n")
    elif tag in closing:
        out.append(closing[tag])


def _image_end(state: RenderState) -> None:
    """Our own uploads render as images; any other image becomes its alt text.

    A foreign image would leak readers' IP addresses and read receipts to whoever hosts it,
    and could swap its content after moderation; data: images bypass our upload checks.
    """
    assert state.image is not None  # noqa: S101 - only called inside an image
    src, title, parts = state.image
    state.image = None
    alt = "".join(parts)
    if state.allow_images and is_our_upload(src, state.upload_prefix):
        title_attr = f' title="{html.escape(title)}"' if title else ""
        state.out.append(f'<img src="{html.escape(src)}" alt="{html.escape(alt)}"{title_attr}>')
    else:
        state.out.append(html.escape(alt))
