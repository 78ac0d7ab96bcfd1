"""Translation lookups are remembered per translation object (config/i18n.py) and answer as
Django's own lookups do: the same strings, contexts, fallbacks and safe marking."""

from __future__ import annotations

from typing import Any

from django.test import override_settings
from django.utils import translation
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext, pgettext, trans_real

from config.i18n import remember_lookups

# Passed by name: makemessages collects literal arguments only, and no catalogue may hold it.
UNKNOWN = "A string no catalogue holds"


def active_translation() -> Any:
    return trans_real._active.value  # type: ignore[attr-defined]


def active_lookup() -> Any:
    return active_translation().gettext


def test_every_language_answers_from_its_memo_and_counts_hits() -> None:
    for language in ("en-gb", "it"):
        with translation.override(language):
            lookup = active_lookup()
            before = lookup.remembered.cache_info()
            gettext("Sign in")
            gettext("Sign in")
            after = lookup.remembered.cache_info()
            assert after.hits >= before.hits + 1


def test_remembered_answers_are_django_s_answers() -> None:
    for language in ("en-gb", "it"):
        with translation.override(language):
            lookup = active_lookup()
            for message in ("Sign in", "Your profile", "Join", UNKNOWN):
                assert gettext(message) == lookup.unremembered(message)
                assert gettext(message) == gettext(message)
    with translation.override("it"):
        assert gettext("Sign in") == "Accedi"
        assert pgettext("what a member follows", "Following") == "Seguiti"
        # Not in any catalogue: the English source, through the whole fallback chain.
        assert gettext(UNKNOWN) == UNKNOWN
    with translation.override("en-gb"):
        assert gettext("Sign in") == "Sign in"


def test_text_marked_safe_is_not_remembered_for_unmarked_text() -> None:
    with translation.override("en-gb"):
        text = "<b>not in any catalogue</b>"
        assert isinstance(gettext(mark_safe(text)), SafeData)  # noqa: S308 - the point
        # The same text unmarked must stay unmarked, so templates escape it.
        assert not isinstance(gettext(text), SafeData)
        assert not isinstance(gettext(text), SafeData)


def test_translations_built_again_are_remembered_too() -> None:
    remember_lookups()  # a second call changes nothing
    assert getattr(trans_real.translation, "remembers", False)
    with translation.override("it"):
        before = active_translation()
    # Changing the languages drops Django's translation objects; the new ones remember too.
    languages = [("en-gb", "English"), ("it", "Italiano")]
    with override_settings(LANGUAGES=languages), translation.override("it"):
        assert active_translation() is not before
        assert hasattr(active_lookup(), "remembered")
        assert gettext("Sign in") == "Accedi"
