"""Personal data in questions and answers: find it, hold the content, hand it to an agent.

A customer who posts a phone number, an email address, an IBAN, a card number or a national
identity number in public has made a mistake an agent should help with in private.
`content_check` runs inside the transaction that wrote the question or answer (support's
moderation receivers connect it to the community's events), so the content is never public,
not even for a moment:

- the content is held (`community.services.content_hide`, reason SENSITIVE): only its author
  and the staff see it, with the reason in the notice above it;
- a private case (reason SENSITIVE, the author as customer) is opened;
- a HOLD action joins the moderation log and `moderation_action_taken` is announced, so the
  notifications app can tell the author why (`hold_message` is the sentence).

The data itself is never copied anywhere: the log and the case record only its kinds.

The checks that need the world's numbering plans come from kept libraries: phone numbers from
`phonenumbers` (Google's libphonenumber metadata), IBANs, the Luhn check and national ids from
`python-stdnum`. What is left here is the judgement of a support community, so ordinary
support talk is not held:

- email: name@domain.tld, but not "icon@2x.png" (a file name);
- IBAN: valid for its country (length, format and mod-97 check), electronic or printed in
  groups of four;
- card: 13-19 digits (spaces or dashes between) passing the Luhn check, with the lengths
  the card schemes issue for the first digit (2-6): a 15-digit IMEI passes Luhn too, and
  is not a card. Next to "IMEI", "ICCID", "serial" or "SIM" it is never a card;
- phone: a valid number of the community's regions (`SUPPORT_PHONE_REGIONS`, the UK first) or
  with its country code, at least 10 digits as written, or written like a UK mobile
  (07xxx xxxxxx). Freephone, shared-cost, premium and non-geographic numbers are companies',
  not personal. Dates and numbers introduced as an order, invoice, ticket, reference,
  tracking, serial or IMEI number are not phones;
- national id: an Italian codice fiscale (with its check character), a UK National
  Insurance number (HMRC's format), or an NHS number next to the word "NHS" (mod-11 check).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from phonenumbers import Leniency, PhoneNumberMatcher, PhoneNumberType
from stdnum import iban as stdnum_iban
from stdnum import luhn
from stdnum.gb import nhs
from stdnum.it import codicefiscale

from community import services as community_services
from community.models import HiddenReason, Member, Post, Revision, Thread
from support.cases.models import Case, CaseReason
from support.moderation.models import ModerationAction
from support.moderation.services import action_record, case_for_content

PHONE, EMAIL, IBAN, CARD, NATIONAL_ID = "phone", "email", "iban", "card", "national_id"
KIND_ORDER = (CARD, IBAN, NATIONAL_ID, PHONE, EMAIL)
KIND_LABELS = {
    PHONE: gettext_lazy("a phone number"),
    EMAIL: gettext_lazy("an email address"),
    IBAN: gettext_lazy("a bank account number (IBAN)"),
    CARD: gettext_lazy("a payment card number"),
    NATIONAL_ID: gettext_lazy("a national identity number"),
}
# The reason code a HOLD action carries (support.moderation.selectors renders it).
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

# A country code and two check digits, then up to 30 letters and digits: electronic, or
# printed in groups of four separated by single spaces.
_IBAN_CANDIDATE = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[A-Za-z0-9]{1,30}|(?: [A-Za-z0-9]{1,4}){1,8})"
)


def iban_valid(candidate: str) -> bool:
    """Valid for its country: the registry's length and format, and mod 97 of it is 1."""
    return bool(stdnum_iban.is_valid(candidate))


def _ibans(text: str) -> Iterable[Finding]:
    for match in _IBAN_CANDIDATE.finditer(text):
        candidate = match.group()
        # The longest valid prefix: "GB82 WEST 1234 5698 7654 32 and" ends before "and".
        groups = candidate.split(" ")
        for n in range(len(groups), 0, -1):
            iban = "".join(groups[:n]).upper()
            if len(iban) >= 15 and iban_valid(iban):
                yield Finding(IBAN, iban)
                break


# --------------------------------------------------------------------------- cards

_DIGIT_RUN = re.compile(r"(?<![\w.,+-])\d(?:[ -]?\d)*")
_NOT_A_CARD_CONTEXT = re.compile(r"\b(?:imei|iccid|serial|sim|meid)\b[^\n\d]{0,20}$", re.I)


def luhn_valid(digits: str) -> bool:
    return bool(luhn.is_valid(digits))


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


# --------------------------------------------------------------------------- national ids

# Surname and name letters, birth year, month letter, day, place (digits or the letters that
# replace them for homonyms), and a check character that codicefiscale.is_valid verifies.
_OMOCODE_DIGIT = "[0-9LMNPQRSTUV]"
_CODICE_FISCALE = re.compile(
    rf"(?<![A-Za-z0-9])[A-Za-z]{{6}}{_OMOCODE_DIGIT}{{2}}[A-Za-z]{_OMOCODE_DIGIT}{{2}}"
    rf"[A-Za-z]{_OMOCODE_DIGIT}{{3}}[A-Za-z](?![A-Za-z0-9])"
)
# HMRC: two prefix letters (not D, F, I, Q, U or V; the second not O; not BG, GB, KN, NK, NT,
# TN or ZZ), six digits, a suffix A-D; printed with or without spaces.
_NINO = re.compile(
    r"(?<![A-Za-z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r" ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])",
    re.I,
)
_NHS = re.compile(r"\bNHS\b[^\n\d]{0,20}(\d{3}[ -]?\d{3}[ -]?\d{4})(?!\d)", re.I)


def _national_ids(text: str) -> Iterable[Finding]:
    for match in _CODICE_FISCALE.finditer(text):
        if codicefiscale.is_valid(match.group()):
            yield Finding(NATIONAL_ID, match.group().upper())
    for match in _NINO.finditer(text):
        value = match.group().replace(" ", "").upper()
        # Written in capitals, as printed on the card ("ab123456c" in a sentence rarely is
        # one), and not introduced as a model, serial or order number.
        before = text[max(0, match.start() - 40) : match.start()]
        if match.group()[:2].isupper() and not _ID_CONTEXT.search(before):
            yield Finding(NATIONAL_ID, value)
    for match in _NHS.finditer(text):
        if nhs.is_valid(match[1]):
            yield Finding(NATIONAL_ID, nhs.compact(match[1]))


# --------------------------------------------------------------------------- phones

# "Order 020 7946 0958" is an order number that happens to look like a phone.
_ID_CONTEXT = re.compile(
    r"\b(?:order|invoice|ref|reference|ticket|case|tracking|serial|imei|iccid|meid|model|"
    r"version|build|sku|id|account\s+id|customer\s+id|transaction)"
    r"(?:\s*(?:number|no\.?|nr\.?|num|#))?[\s:#.-]*$",
    re.I,
)
_DATE_LIKE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}(?:\D|$)")
# Businesses' numbers: freephone, shared cost, premium rate and the UK's non-geographic 03.
_BUSINESS_TYPES = frozenset(
    {
        PhoneNumberType.TOLL_FREE,
        PhoneNumberType.SHARED_COST,
        PhoneNumberType.PREMIUM_RATE,
        PhoneNumberType.UAN,
    }
)


def _phone_regions() -> tuple[str, ...]:
    return tuple(getattr(settings, "SUPPORT_PHONE_REGIONS", ("GB", "IT", "US", "FR")))


def _uk_mobile_shaped(number: phonenumbers.PhoneNumber) -> bool:
    """07xxx xxxxxx: how a UK mobile is written, whatever the current allocation says."""
    national = phonenumbers.national_significant_number(number)
    return number.country_code == 44 and len(national) == 10 and national.startswith("7")


def _written_for(region: str, raw: str, number: phonenumbers.PhoneNumber) -> bool:
    """Whether `raw` is how someone in `region` writes that number.

    Written with its country code, always. Otherwise as the region's national format has
    it: "333 123 4567" is an Italian mobile, but not a UK number (that would start with 0).
    """
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+") or digits.startswith("00"):
        return True
    national = re.sub(
        r"\D", "", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    )
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    prefix = (metadata.national_prefix if metadata else None) or ""
    return digits in {national, prefix + national}


def _phones(text: str) -> Iterable[Finding]:
    # The community's own region first: a span another region reads differently ("0800 ..."
    # is a UK freephone, an Italian landline) is decided by the first region it is valid in.
    decided: set[tuple[int, int]] = set()
    for region in _phone_regions():
        for match in PhoneNumberMatcher(text, region, leniency=Leniency.POSSIBLE):
            span = (match.start, match.end)
            if span in decided:
                continue
            raw, number = match.raw_string, match.number
            valid = phonenumbers.is_valid_number(number)
            if not (valid or _uk_mobile_shaped(number)) or not _written_for(region, raw, number):
                continue
            decided.add(span)
            if sum(ch.isdigit() for ch in raw) < 10 or _DATE_LIKE.match(raw):
                continue
            if match.start > 0 and text[match.start - 1].isalnum():
                continue
            if phonenumbers.number_type(number) in _BUSINESS_TYPES:
                continue
            if not raw.startswith("+") and _ID_CONTEXT.search(
                text[max(0, match.start - 40) : match.start]
            ):
                continue
            yield Finding(PHONE, phonenumbers.national_significant_number(number)[-10:])


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
    numbers = list(_national_ids(without_links)) + list(_cards(without_links))
    found += numbers
    # A card or an NHS number is not also a phone number.
    taken = {n.value for n in numbers}
    found += [p for p in _phones(without_links) if not any(p.value in n for n in taken)]
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
