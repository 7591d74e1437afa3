"""Every area's tables, imported so that Base.metadata knows them all (Alembic, tests, the app's start)."""
from __future__ import annotations

from .affectation import models as affectation  # noqa: F401
from .avis import models as avis  # noqa: F401
from .comptes import models as comptes  # noqa: F401
from .confirmations import models as confirmations  # noqa: F401
from .core import models as core  # noqa: F401
from .courrier import models as courrier  # noqa: F401
from .cv import models as cv  # noqa: F401
from .dossier import models as dossier  # noqa: F401
from .evaluateurs import models as evaluateurs  # noqa: F401
from .mobilite import models as mobilite  # noqa: F401
from .promotions import models as promotions  # noqa: F401
from .rendezvous import models as rendezvous  # noqa: F401
from .resultats import models as resultats  # noqa: F401
