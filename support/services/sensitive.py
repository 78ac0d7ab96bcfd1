"""Personal data in questions and answers: find it, hold the content, hand it to an agent.

A customer who posts a phone number, an email address, an IBAN or a card number in public
has made a mistake an agent should help with in private. `content_check` runs inside the
transaction that wrote the question or answer (support.hooks_moderation connects it to the
community's events), so the content is never public, not even for a moment:

- the content is held (`community.services.content_hide`, reason SENSITIVE): only its author
  and the staff see it, with the reason in the notice above it;
- a private case (reason SENSITIVE, the author as customer) is opened;
- a HOLD action joins the moderation log and `moderation_action_taken` is announced, so the
  notifications app can tell the author why (`hold_message` is the sentence).

The data itself is never copied anywhere: the log and the case record only its kinds.

What counts, and what is deliberately left alone so ordinary support talk is not held:

- email: name@domain.tld, but not "icon@2x.png" (a file name);
- IBAN: a known country's length and the ISO 13616 mod-97 check; printed groups of four;
- card: 13-19 digits (spaces or dashes between) passing the Luhn check, with the lengths
  the card schemes issue for the first digit (2-6): a 15-digit IMEI passes Luhn too, and
  is not a card. Next to "IMEI", "ICCID", "serial" or "SIM" it is never a card;
- phone: at least 10 digits, written as a phone number is written: `+` or `00` and a
  country code, a national number with its leading 0 (UK: 10-11 digits), or 3-3-4 groups
  (North America; Italian mobiles). Freephone and business numbers (UK 03/08/09, US toll
  free) are companies', not personal. Dates, times, prices, versions, IP addresses, bare
  runs of digits (ids) and numbers introduced as an order, invoice, ticket, reference,
  tracking, serial or IMEI number are not phones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community import services as community_services
from community.models import HiddenReason, Member, Post, Revision, Thread
from support.models import Case, CaseReason, ModerationAction
from support.services.moderation import action_record, case_for_content

PHONE, EMAIL, IBAN, CARD = "phone", "email", "iban", "card"
KIND_ORDER = (CARD, IBAN, PHONE, EMAIL)
KIND_LABELS = {
    PHONE: gettext_lazy("a phone number"),
    EMAIL: gettext_lazy("an email address"),
    IBAN: gettext_lazy("a bank account number (IBAN)"),
    CARD: gettext_lazy("a payment card number"),
}
# The reason code a HOLD action carries (support.selectors_moderation renders it).
HOLD_REASON = "personal_data"


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: its kind and a normalized form, to compare versions."""

    kind: str
    value: str


# --------------------------------------------------------------------------- emails

_EMAIL = re.compile(
    r"(?<![\w.+%-])"
    r"[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?"
    r"@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"(?P<tld>[A-Za-z]{2,24})"
    r"(?![\w-])"
)
# "logo@2x.png" is a file name, not an address.
_FILE_EXTENSIONS = frozenset(
    {"png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "pdf", "zip", "txt", "log"}
)


def _emails(text: str) -> Iterable[Finding]:
    public = {d.lower() for d in getattr(settings, "SUPPORT_PUBLIC_EMAIL_DOMAINS", ())}
    for match in _EMAIL.finditer(text):
        if match["tld"].lower() in _FILE_EXTENSIONS:
            continue
        address = match.group().lower()
        if address.rpartition("@")[2] in public:
            continue
        yield Finding(EMAIL, address)


# --------------------------------------------------------------------------- IBANs

# ISO 13616 lengths, from the SWIFT IBAN registry.
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30,
    "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
    "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2})(\d{2})")


def iban_valid(candidate: str) -> bool:
    """The ISO 13616 check: the country's length, and mod 97 of the rearranged digits is 1."""
    iban = candidate.replace(" ", "").upper()
    if len(iban) != IBAN_LENGTHS.get(iban[:2], -1) or not iban.isalnum() or not iban.isascii():
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def _iban_at(text: str, start: int, length: int) -> str | None:
    """The IBAN starting at `start` (its first 4 characters already matched), or None.

    Printed IBANs come in groups of four separated by single spaces; electronic ones have
    no spaces. Anything else ("no12 apples in the box") is not an IBAN.
    """
    chars = list(text[start : start + 4])
    group, printed = 4, False
    i = start + 4
    while len(chars) < length and i < len(text):
        ch = text[i]
        if ch == " " and group == 4 and i + 1 < len(text) and text[i + 1].isalnum():
            group, printed = 0, True
        elif ch.isascii() and ch.isalnum():
            if printed and group == 4:
                return None  # a group longer than four in the printed format
            chars.append(ch)
            group += 1
        else:
            return None
        i += 1
    if len(chars) != length or (i < len(text) and text[i].isalnum()):
        return None
    return "".join(chars).upper()


def _ibans(text: str) -> Iterable[Finding]:
    for match in _IBAN_START.finditer(text):
        country = match[1].upper()
        length = IBAN_LENGTHS.get(country)
        if length is None:
            continue
        iban = _iban_at(text, match.start(), length)
        if iban is None or not iban_valid(iban):
            continue
        bban = iban[4:]
        # Every bank account number is mostly digits; a run of words is not.
        if sum(ch.isdigit() for ch in bban) * 2 < len(bban):
            continue
        yield Finding(IBAN, iban)


# --------------------------------------------------------------------------- cards

_DIGIT_RUN = re.compile(r"(?<![\w.,+-])\d(?:[ -]?\d)*")
_NOT_A_CARD_CONTEXT = re.compile(r"\b(?:imei|iccid|serial|sim|meid)\b[^\n\d]{0,20}$", re.I)


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _card_lengths(digits: str) -> range | tuple[int, ...]:
    """The lengths the card schemes issue for a number's first digits (ISO/IEC 7812)."""
    first = digits[0]
    if first == "4":  # Visa
        return (13, 16, 19)
    if digits[:2] in {"34", "37"}:  # American Express
        return (15,)
    if first == "3":  # Diners (30, 36, 38, 39), JCB (35)
        return (14, 16, 17, 18, 19)
    if first in "256":  # Mastercard, Maestro, Discover, UnionPay, RuPay
        return range(16, 20)
    return ()


def card_valid(digits: str) -> bool:
    return 13 <= len(digits) <= 19 and len(digits) in _card_lengths(digits) and luhn_valid(digits)


def _card_groups(groups: list[str]) -> bool:
    return len(groups) == 1 or all(3 <= len(g) <= 6 for g in groups)


def _cards(text: str) -> Iterable[Finding]:
    for match in _DIGIT_RUN.finditer(text):
        end = match.end()
        if end < len(text) and (text[end].isalnum() or text[end] == "@"):
            continue
        if _NOT_A_CARD_CONTEXT.search(text[max(0, match.start() - 40) : match.start()]):
            continue
        groups = re.split(r"[ -]", match.group())
        # Card numbers are printed in groups of 3 to 6 digits (4-4-4-4, Amex 4-6-5); a list
        # of small numbers ("5 20 50 100 200") is not a card, whatever Luhn says.
        grouped = [n for n in range(len(groups), 0, -1) if _card_groups(groups[:n])]
        # The whole run first, then its leading groups: a card followed by more digits
        # (its CVV, "4111 1111 1111 1111 123").
        for n in grouped:
            digits = "".join(groups[:n])
            if card_valid(digits):
                yield Finding(CARD, digits)
                break


# --------------------------------------------------------------------------- phones

_PHONE_RUN = re.compile(
    r"""
    (?<![\w+/#@=&?%.,-])
    (?:\+[ ]?)?
    (?:\(\d{1,5}\)[ .-]?)?
    \d
    (?:(?:[ .-]|[ ]?\(\d{1,5}\)[ ]?)?\d)*
    """,
    re.VERBOSE,
)
# "Order 020 7946 0958" is an order number that happens to look like a phone.
_ID_CONTEXT = re.compile(
    r"\b(?:order|invoice|ref|reference|ticket|case|tracking|serial|imei|iccid|meid|model|"
    r"version|build|sku|id|account\s+id|customer\s+id|transaction)"
    r"(?:\s*(?:number|no\.?|nr\.?|num|#))?[\s:#.-]*$",
    re.I,
)
_DATE_LIKE = re.compile(r"^\d{1,4}[.-]\d{1,2}[.-]\d{1,4}(?:\D|$)")
_NANP = re.compile(r"^(?:1[ .-]?)?(?:\(\d{3}\)[ ]?|\d{3}[ .-])\d{3}[ .-]\d{4}$")
_PAIRS = re.compile(r"^0[1-9]([ .-])\d\d(?:\1\d\d){3}$")  # French style: 06 12 34 56 78
# Businesses' numbers: UK non-geographic (03 national rate, 08 freephone and shared cost,
# 09 premium) and North American toll free.
_UK_BUSINESS = re.compile(r"^(?:3|8|9)")
_US_TOLL_FREE = frozenset({"800", "833", "844", "855", "866", "877", "888"})


def _is_phone(run: str) -> bool:
    digits = re.sub(r"\D", "", run)
    groups = [g for g in re.split(r"[ .\-()]+", run.lstrip("+")) if g]
    if run.startswith("+") or (digits.startswith("00") and not run.startswith("(")):
        national = digits[2:] if not run.startswith("+") else digits
        if not 10 <= len(national) <= 15:
            return False
        if national.startswith("44"):
            rest = national[2:].removeprefix("0")
            return not _UK_BUSINESS.match(rest)
        return not (national.startswith("1") and national[1:4] in _US_TOLL_FREE)
    if _DATE_LIKE.match(run):
        return False
    if digits.startswith("0") and not digits.startswith("00"):
        if not 10 <= len(digits) <= 11:
            return False
        if _UK_BUSINESS.match(digits[1:]):
            return False
        # "0 12 3456 7890" or "01.02.2024.10" are not how numbers are written; pairs are.
        first_group = groups[0] if groups else digits
        return bool(_PAIRS.match(run)) or (len(groups) <= 4 and len(first_group) >= 3)
    if _NANP.match(run):
        area = digits[-10:-7]
        return area not in _US_TOLL_FREE
    return False


def _phones(text: str) -> Iterable[Finding]:
    for match in _PHONE_RUN.finditer(text):
        run = match.group().strip()
        end = match.end()
        if end < len(text) and (text[end].isalnum() or text[end] in "@/"):
            continue
        digits = re.sub(r"\D", "", run)
        if len(digits) < 10:
            continue
        if not run.startswith("+") and _ID_CONTEXT.search(
            text[max(0, match.start() - 40) : match.start()]
        ):
            continue
        if _is_phone(run):
            yield Finding(PHONE, digits[-10:])


# --------------------------------------------------------------------------- all together

_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)


def find_personal_data(text: str) -> list[Finding]:
    """Every piece of personal data in `text`, cards before phones (a card is not a phone)."""
    if not text:
        return []
    found: list[Finding] = list(_emails(text))
    # Digits inside a link are its path (an order page, an article id), not anyone's data.
    without_links = _URL.sub(" ", text)
    found += _ibans(without_links)
    cards = list(_cards(without_links))
    found += cards
    card_digits = {c.value for c in cards}
    found += [p for p in _phones(without_links) if not any(p.value in c for c in card_digits)]
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=lambda f: KIND_ORDER.index(f.kind))


def kinds_of(findings: Iterable[Finding]) -> list[str]:
    present = {f.kind for f in findings}
    return [kind for kind in KIND_ORDER if kind in present]


def hold_message(kinds: Iterable[str]) -> str:
    """What the author is told: what was found, who can see it now, and what happens next."""
    labels = [str(KIND_LABELS[k]) for k in kinds if k in KIND_LABELS] or [
        str(gettext_lazy("personal data"))
    ]
    if len(labels) == 1:
        what = labels[0]
    else:
        what = _("%(items)s and %(last)s") % {"items": ", ".join(labels[:-1]), "last": labels[-1]}
    return _(
        "We've held your post because it looks like it contains %(what)s. Only you and "
        "the staff can see it now. An agent will help you in a private case; please edit "
        "the post to remove the details."
    ) % {"what": what}


# --------------------------------------------------------------------------- holding


@dataclass(frozen=True)
class Hold:
    """What content_check did: the kinds found, the case opened and the log entry."""

    kinds: list[str]
    case: Case | None
    action: ModerationAction

    @property
    def message(self) -> str:
        return hold_message(self.kinds)


def _text_of(target: Thread | Post) -> str:
    if isinstance(target, Thread):
        return f"{target.title}\n{target.body}"
    return target.body


def _exempt(actor_id: int | None) -> bool:
    """Staff write the company's own numbers and addresses on purpose."""
    if actor_id is None:
        return False
    actor = Member.objects.filter(pk=actor_id).first()
    return actor is not None and (actor.is_staff or actor.is_moderator or actor.is_agent)


def content_check(
    *,
    thread_id: int | None = None,
    post_id: int | None = None,
    actor_id: int | None,
    revision_id: int | None = None,
) -> Hold | None:
    """Hold a new or edited question or answer that contains personal data.

    Call inside the transaction that wrote it. An edit holds only for data the previous
    version did not have: a moderator who released a false positive is not overruled by the
    author's next typo fix. Content already hidden for any reason is left as it is (it is
    not public). Returns what was done, or None.
    """
    if _exempt(actor_id):
        return None
    target: Thread | Post | None
    if post_id is not None:
        target = Post.objects.select_related("thread").filter(pk=post_id).first()
    elif thread_id is not None:
        target = Thread.objects.filter(pk=thread_id).first()
    else:
        raise ValueError("Give a thread_id or a post_id.")
    if target is None or target.hidden_reason:
        return None
    findings = set(find_personal_data(_text_of(target)))
    if revision_id is not None and findings:
        revision = Revision.objects.filter(pk=revision_id).first()
        if revision is not None:
            before = (
                f"{revision.title_before}\n{revision.body_before}"
                if isinstance(target, Thread)
                else revision.body_before
            )
            findings -= set(find_personal_data(before))
    if not findings:
        return None
    kinds = kinds_of(findings)
    thread = target if isinstance(target, Thread) else target.thread
    with transaction.atomic():
        if isinstance(target, Thread):
            hidden = community_services.content_hide(
                thread=target, reason=HiddenReason.SENSITIVE, actor_id=None
            )
        else:
            hidden = community_services.content_hide(
                post=target, reason=HiddenReason.SENSITIVE, actor_id=None
            )
        if not hidden:
            return None
        case = case_for_content(target=target, reason=CaseReason.SENSITIVE)
        action = action_record(
            kind=ModerationAction.Kind.HOLD,
            actor=None,
            member_id=target.author_id,
            thread=thread,
            post_id=target.pk if isinstance(target, Post) else None,
            reason=HOLD_REASON,
            data={"found": kinds, "case": case.pk if case else None},
        )
    return Hold(kinds=kinds, case=case, action=action)
