"""The words and numbers the scale community is made of: sizes, names, titles and bodies."""

from __future__ import annotations

from dataclasses import dataclass

SCALE_PASSWORD = "mutua-scale"  # noqa: S105 - published on purpose: benchmark logins only
DAY = 86400
HOUR = 3600

# The two threads a benchmark reads: a typical busy question and an outage-sized one.
BENCH_ANSWER_COUNTS = (20, 200)


@dataclass(frozen=True)
class Sizes:
    members: int
    threads: int
    posts: int
    kudos: int


PRESETS = {
    "tiny": Sizes(members=60, threads=80, posts=400, kudos=900),
    "small": Sizes(members=2_000, threads=4_000, posts=20_000, kudos=60_000),
    "medium": Sizes(members=20_000, threads=40_000, posts=200_000, kudos=1_000_000),
    "full": Sizes(members=100_000, threads=200_000, posts=1_000_000, kudos=5_000_000),
}

FIRST_NAMES = tuple(
    [
        "Hannah",
        "Luca",
        "Sofia",
        "Chiara",
        "Priya",
        "Tom",
        "Amara",
        "Ben",
        "Chloe",
        "Dev",
        "Ella",
        "Finn",
        "Grace",
        "Harry",
        "Isla",
        "Jack",
        "Kai",
        "Leah",
        "Mia",
        "Noah",
        "Olivia",
        "Omar",
        "Ruby",
        "Sam",
        "Tariq",
        "Uma",
        "Vik",
        "Will",
        "Yara",
        "Zoe",
        "Aisha",
        "Ravi",
        "Nina",
        "Marco",
        "Elena",
        "Jonas",
        "Freya",
        "Leo",
        "Maya",
        "Theo",
    ]
)
LAST_NAMES = tuple(
    [
        "Okafor",
        "Ferrari",
        "Costa",
        "Rossi",
        "Shah",
        "Baker",
        "Smith",
        "Jones",
        "Patel",
        "Khan",
        "Murphy",
        "Evans",
        "Walsh",
        "Price",
        "Hughes",
        "Lloyd",
        "Kelly",
        "Novak",
        "Silva",
        "Moreau",
        "Brown",
        "Taylor",
        "Wilson",
        "Clarke",
        "Wright",
        "Hall",
        "Green",
        "Adams",
        "Bell",
        "Reid",
    ]
)

BOARD_WEIGHTS = {
    "billing": 30,
    "network": 26,
    "phones": 20,
    "sim-esim": 14,
    "roaming": 10,
    "community": 4,
}
BOARD_TAGS = {
    "billing": ("top-up", "refund"),
    "network": ("5g", "wifi-calling", "android", "iphone"),
    "phones": ("iphone", "android", "wifi-calling", "esim"),
    "sim-esim": ("esim", "iphone", "android", "porting"),
    "roaming": ("eu-roaming", "top-up"),
    "community": ("payback",),
}
QUALIFIERS = (
    "",
    " since the update",
    " (iPhone 15)",
    " on a Pixel 8",
    " after switching plans",
    " - anyone else?",
    " in Manchester",
    " since this morning",
    " on Pay As You Go",
    " for the second time",
    " with a new SIM",
    " after a factory reset",
)

QUESTION_BODIES = (
    "It started this week and I've tried restarting. Has anyone else seen this, and how did "
    "you fix it?",
    "I've been a customer for two years and this never happened before.\n\n"
    "- restarted the phone\n- toggled airplane mode\n- checked the *status page*\n\n"
    "Nothing helped. Any ideas?",
    "Quick question: is this expected, or should I **ask an agent**? I don't want to be "
    "charged twice.",
    "Since Monday I get *No Service* for a few minutes every hour. My partner's phone on the "
    "same plan is fine. Same postcode, same room.",
    "I followed the steps in the help centre:\n\n1. Settings\n2. Mobile data\n3. Reset\n\n"
    "and it still doesn't work. What am I missing?",
    "My bill shows an extra £4.99 I don't recognise. The app says `Add-on: Data Boost` but I "
    "never bought one.",
    "Is there a way to do this from the app instead of calling? I'm abroad and calls are "
    "expensive.",
    "The order page says *dispatched* but it's been a week. How long does it usually take?",
)
ANSWER_BODIES = (
    "Same here, it started yesterday for me too.",
    "Try turning it off and on again, then give it ten minutes. Worked for me.",
    "Check **Settings → Mobile Data → Mobile Data Network** and make sure the APN is set. "
    "Then toggle Airplane mode on and off.",
    "This is usually a *pending authorisation* that drops off within 3-5 working days. If "
    "it's still there after that, press **Ask an agent** on this thread.",
    "Thanks, that fixed it!",
    "There's planned work on the masts in a few areas this week; the status page lists them. "
    "It should be back by Friday.",
    "You can do it from the app: **Account → Plan → Change plan**. The new allowance starts "
    "straight away and you pay the difference.",
    "Did you try removing the eSIM profile and scanning the code again on Wi-Fi? The profile "
    "sometimes only half downloads.",
    "I had exactly this. In the end it was the phone's carrier lock, not the SIM: ask the "
    "shop you bought it from for an unlock code.",
    "A long answer, for everyone who finds this later.\n\n"
    + "\n\n".join(
        f"## Step {n}\n\nOpen **Settings**, then *Network & internet*, and check the option "
        f"called `Preferred network type`. If it says 3G only, change it to 5G/4G/3G (auto) "
        f"and restart. Step {n} matters because the phone keeps the old setting after an "
        f"update, and the network then hands you to a slower layer.\n\n"
        f"- keep Wi-Fi calling on while you test\n- note the time it drops\n"
        f"- tell us your postcode area (not the full postcode)"
        for n in range(1, 11)
    ),
)
