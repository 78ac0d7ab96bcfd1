"""English and Italian: the language switcher works and the Italian catalogue is complete."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from tests.processes import REPO_ROOT, clean_environment

LOCALE_DIR = REPO_ROOT / "locale" / "it" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"


class SwitcherParser(HTMLParser):
    """Collects the <html lang>, the switcher form's action and its language buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.html_lang: str | None = None
        self.actions: list[str] = []
        self.buttons: list[dict[str, str | None]] = []
        self._in_switcher = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.html_lang = attributes.get("lang")
        elif tag == "form" and "language-switcher" in (attributes.get("class") or ""):
            self._in_switcher = True
            self.actions.append(attributes.get("action") or "")
        elif tag == "button" and self._in_switcher and attributes.get("name") == "language":
            self.buttons.append(attributes)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_switcher = False


def parse(html: str) -> SwitcherParser:
    parser = SwitcherParser()
    parser.feed(html)
    return parser


def italian(message: str) -> str:
    with translation.override("it"):
        return translation.gettext(message)


@pytest.mark.django_db
def test_every_page_offers_a_switcher_with_a_button_for_each_language(client: Client) -> None:
    page = parse(client.get("/").content.decode())

    assert page.html_lang == "en-gb"
    assert page.actions == ["/i18n/setlang/"]
    assert [button["value"] for button in page.buttons] == [code for code, _ in settings.LANGUAGES]
    current = [button["value"] for button in page.buttons if button.get("aria-current")]
    assert current == ["en-gb"]


@pytest.mark.django_db
def test_choosing_italian_in_the_switcher_renders_the_site_in_italian(client: Client) -> None:
    switched = client.post("/i18n/setlang/", {"language": "it", "next": "/"})
    assert switched.status_code == 302
    assert switched["Location"] == "/"
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "it"

    response = client.get("/")
    html = response.content.decode()
    page = parse(html)

    assert page.html_lang == "it"
    assert response["Content-Language"] == "it"
    assert [b["value"] for b in page.buttons if b.get("aria-current")] == ["it"]
    for english in ("Ask the community", "Skip to content", "Language"):
        assert italian(english) != english, f"{english!r} has no Italian translation"
        assert italian(english) in html
        assert english not in html


@pytest.mark.django_db
def test_choosing_english_again_switches_the_site_back(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "it", "next": "/"})
    client.post("/i18n/setlang/", {"language": "en-gb", "next": "/"})

    html = client.get("/").content.decode()

    assert parse(html).html_lang == "en-gb"
    assert "Ask the community" in html


def test_the_italian_catalogue_has_no_untranslated_or_fuzzy_entries() -> None:
    assert PO_PATH.exists(), f"{PO_PATH.relative_to(REPO_ROOT)} is missing: run `make messages`"
    catalogue = polib.pofile(str(PO_PATH))

    assert len(catalogue.translated_entries()) > 0
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy (not shipped by compilemessages): {fuzzy}"


PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w+)\}")


def placeholders(text: str) -> list[str]:
    return sorted(a or b for a, b in PLACEHOLDER.findall(text))


def test_every_italian_translation_keeps_the_placeholders_of_its_english() -> None:
    assert PO_PATH.exists(), f"{PO_PATH.relative_to(REPO_ROOT)} is missing: run `make messages`"
    broken = []
    for entry in polib.pofile(str(PO_PATH)).translated_entries():
        if entry.msgid_plural:
            # A plural form may leave out the count ("The last day"), as the English singular
            # may; it must keep the singular's other placeholders and add none of its own.
            most, least = set(placeholders(entry.msgid_plural)), set(placeholders(entry.msgid))
            broken += [
                (entry.msgid, text)
                for text in entry.msgstr_plural.values()
                if not least <= set(placeholders(text)) <= most
            ]
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            broken.append((entry.msgid, entry.msgstr))
    assert not broken, f"placeholders differ: {broken}"


def catalogue_map(entries: list[polib.POEntry] | list[polib.MOEntry]) -> dict[object, object]:
    mapping: dict[object, object] = {}
    for entry in entries:
        if entry.msgid == "":  # the header
            continue
        key = (entry.msgctxt, entry.msgid, entry.msgid_plural or None)
        value = dict(entry.msgstr_plural) if entry.msgid_plural else entry.msgstr
        mapping[key] = value
    return mapping


def test_the_compiled_italian_catalogue_matches_its_source() -> None:
    assert PO_PATH.exists(), f"{PO_PATH.relative_to(REPO_ROOT)} is missing: run `make messages`"
    assert MO_PATH.exists(), f"{MO_PATH.relative_to(REPO_ROOT)} is missing: run `make messages`"

    source = catalogue_map(polib.pofile(str(PO_PATH)).translated_entries())
    compiled = catalogue_map(list(polib.mofile(str(MO_PATH))))

    assert source, "the Italian catalogue translates nothing"
    stale = {key for key in source.keys() | compiled.keys() if source.get(key) != compiled.get(key)}
    assert not stale, (
        f"django.mo differs from django.po (run compilemessages): {sorted(map(str, stale))}"
    )


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_the_italian_catalogue_lists_exactly_the_messages_in_the_source(tmp_path: Path) -> None:
    """`make messages` on a copy of the project must not add or drop a single message."""
    assert PO_PATH.exists(), f"{PO_PATH.relative_to(REPO_ROOT)} is missing: run `make messages`"
    copy = tmp_path / "mutua"
    shutil.copytree(
        REPO_ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "var", ".git", "node_modules", "__pycache__", ".*_cache", "*.mo"
        ),
    )
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--locale",
            "it",
            "--ignore",
            ".venv/*",
            "--ignore",
            "var/*",
            "--no-obsolete",
        ],
        cwd=copy,
        env=clean_environment(tmp_path / "var"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr

    def messages(path: Path) -> set[tuple[str | None, str]]:
        return {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(path)) if entry.msgid}

    fresh = messages(copy / "locale" / "it" / "LC_MESSAGES" / "django.po")
    shipped = messages(PO_PATH)
    assert fresh, "makemessages found no messages at all"
    assert not fresh - shipped, f"in the source but not the catalogue: {sorted(fresh - shipped)}"
    assert not shipped - fresh, (
        f"in the catalogue but gone from the source: {sorted(shipped - fresh)}"
    )
