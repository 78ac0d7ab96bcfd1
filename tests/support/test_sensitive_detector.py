"""The personal-data detector: what it must find, and ordinary support talk it must not."""

from __future__ import annotations

import pytest

from support.moderation.sensitive import (
    CARD,
    EMAIL,
    IBAN,
    NATIONAL_ID,
    PHONE,
    card_valid,
    find_personal_data,
    hold_message,
    iban_valid,
    kinds_of,
    luhn_valid,
)

TRUE_POSITIVES = [
    # phones: UK
    ("Call me on 07700 900123 after six.", PHONE),
    ("my mobile is 07700900123", PHONE),
    ("Landline: 020 7946 0958", PHONE),
    ("ring (020) 7946 0958 please", PHONE),
    ("Manchester office 0161 496 0000 is mine", PHONE),
    ("+44 7700 900123", PHONE),
    ("+44 (0)20 7946 0958", PHONE),
    ("+447700900123", PHONE),
    ("0044 20 7946 0958", PHONE),
    ("tel:+44-20-7946-0958", PHONE),
    # phones: international
    ("Reach me at +1 (415) 555-2671.", PHONE),
    ("+1-415-555-2671", PHONE),
    ("+39 333 123 4567", PHONE),
    ("+49 30 1234567", PHONE),
    ("+33 6 12 34 56 78", PHONE),
    ("(415) 555-2671", PHONE),
    ("415-555-2671", PHONE),
    ("415.555.2671", PHONE),
    ("il mio cellulare è 333 123 4567", PHONE),
    ("06 12 34 56 78", PHONE),
    # emails
    ("write to anna.smith@gmail.com", EMAIL),
    ("Anna.Smith+bills@Example.co.uk", EMAIL),
    ("<mailto:x_y@mail.example.org>", EMAIL),
    # IBANs
    ("my IBAN is GB82 WEST 1234 5698 7654 32", IBAN),
    ("GB82WEST12345698765432", IBAN),
    ("IT60 X054 2811 1010 0000 0123 456", IBAN),
    ("de89 3704 0044 0532 0130 00", IBAN),
    ("NL91ABNA0417164300.", IBAN),
    # cards
    ("card 4111 1111 1111 1111 exp 12/26", CARD),
    ("4111-1111-1111-1111", CARD),
    ("5555555555554444", CARD),
    ("Amex 3782 822463 10005", CARD),
    ("6011 1111 1111 1117", CARD),
    ("my card: 4111 1111 1111 1111 123", CARD),
    ("Visa 4222222222222", CARD),
    ("Diners 3056 930902 5904", CARD),
    # phones a real member would post (the drama ranges above are fiction's)
    ("call 07911 123456", PHONE),
    ("ring me 07911123456 tonight", PHONE),
    # national ids
    ("il mio codice fiscale è RSSMRA85T10A562S", NATIONAL_ID),
    ("my NI number is AB 12 34 56 C", NATIONAL_ID),
    ("NI: AB123456C", NATIONAL_ID),
    ("NHS number: 943 476 5919", NATIONAL_ID),
]

TRUE_NEGATIVES = [
    "my bill is £12.50 this month, it was £9.99 before",
    "order 1234-5678 never arrived",
    "Order number: 020 7946 0958",
    "invoice 07700900123 is wrong",
    "tracking 1Z999AA10123456784",
    "Updated to iOS 17.4.1 and Android 14; version 10.0.19045.3803 of Windows",
    "It happened on 15/01/2024 at 10:30, and again on 2024-01-16 09:15:00",
    "on 15.01.2024 10:30 the app crashed",
    "From 01.02.2024 to 28.02.2024 I paid 3 times",
    "my router is at 192.168.100.200",
    "IMEI 356938035643809",
    "the IMEI is 490154203237518",
    "SIM ICCID 8944 1100 1234 5678 9012",
    "Call 0800 123 4567 for free, or 0345 678 9000",
    "US support: 1-800-555-0199",
    "Pi is 3.14159265358979",
    "error 0x80070005 when updating",
    "Plans from 10 GB to 100 GB, 5 20 50 100 200 500 1000 minutes",
    "I have 1234 5678 9012 3456 points",  # fails the Luhn check
    "customer id 1234567890",
    "see https://example.com/orders/07700900123/details",
    "@helper can you look? email me here on the forum",
    "the icon is logo@2x.png",
    "no12 apples in the box, and 4 more",
    "It costs 1,299.00 or 12 x 108.25",
    "Between 9 and 17, 5 days a week",
    "Ticket #4411 1111 1111 1111 2",  # not a card length
    "my account number is 12345678 and sort code 12-34-56",
    "codice RSSMRA85T10A562T",  # the check character is wrong
    "model AB123456C is the one I bought",
    "ab123456c",
    "Is 0333 123 4567 your number?",  # UK non-geographic: a company's
]


@pytest.mark.parametrize(("text", "kind"), TRUE_POSITIVES)
def test_the_detector_finds_personal_data(text: str, kind: str) -> None:
    assert kind in kinds_of(find_personal_data(text)), text


@pytest.mark.parametrize("text", TRUE_NEGATIVES)
def test_ordinary_support_text_is_not_personal_data(text: str) -> None:
    assert find_personal_data(text) == [], text


def test_a_card_number_is_not_also_reported_as_a_phone() -> None:
    assert kinds_of(find_personal_data("4111 1111 1111 1111")) == [CARD]


def test_several_kinds_are_reported_once_each_in_a_fixed_order() -> None:
    text = "Call 07700 900123 or 07700 900123, mail a@b.com, pay GB82WEST12345698765432"

    assert kinds_of(find_personal_data(text)) == [IBAN, PHONE, EMAIL]


def test_an_nhs_number_is_not_also_reported_as_a_phone() -> None:
    assert kinds_of(find_personal_data("NHS number 943 476 5919")) == [NATIONAL_ID]


def test_the_luhn_check() -> None:
    assert luhn_valid("4111111111111111")
    assert luhn_valid("79927398713")
    assert not luhn_valid("4111111111111112")
    assert card_valid("378282246310005")
    assert not card_valid("356938035643809")  # an IMEI: Luhn-valid, but no card is like it


def test_the_iban_checksum() -> None:
    assert iban_valid("GB82 WEST 1234 5698 7654 32")
    assert iban_valid("NL91ABNA0417164300")
    assert not iban_valid("GB82 WEST 1234 5698 7654 33")  # mod 97 fails
    assert not iban_valid("GB82 WEST 1234 5698 7654 3")  # too short for GB
    assert not iban_valid("QQ82 WEST 1234 5698 7654 32")  # no such country


def test_the_authors_message_names_what_was_found() -> None:
    message = hold_message([PHONE, EMAIL])

    assert "a phone number and an email address" in message
    assert "Only you and the staff can see it" in message
