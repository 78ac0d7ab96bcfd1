"""Support's models live in its domains' packages (cases, canned replies, deflection,
experts, moderation, satisfaction).

Django registers an app's models when it imports the app's `models` module; importing the
domains' models here is what makes them part of the `support` app (one app label, so the
migrations and the tables are unchanged). Code imports models from their domain's package.
"""

from support.canned import models as canned_models  # noqa: F401
from support.cases import models as cases_models  # noqa: F401
from support.deflection import models as deflection_models  # noqa: F401
from support.experts import models as experts_models  # noqa: F401
from support.known_issues import models as known_issues_models  # noqa: F401
from support.moderation import models as moderation_models  # noqa: F401
from support.satisfaction import models as satisfaction_models  # noqa: F401
