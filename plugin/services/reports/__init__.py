"""L&D reports (DESIGN section 11): the scope a person may see, the figures, and
the records behind each figure. Pages, the API and ``leaderled report`` use
these; the figures come from the local database (:func:`compute`) or, for
``leaderled report lrs``, from the LRS alone (:mod:`.from_lrs`)."""

from plugin.services.reports.figures import (
    DrillRow,
    Expectations,
    FormalTeam,
    Goals,
    Indicator,
    Indicators,
    KindHours,
    LeaderRating,
    LeaderReach,
    LeadersTeaching,
    MemberCoaching,
    Mix,
    MixFigures,
    MixRow,
    Mode,
    Ratings,
    Reach,
    TopicSessions,
    TrainTheTrainer,
    ValueSessions,
)
from plugin.services.reports.local import compute, drill
from plugin.services.reports.scope import ReportPeriod, Scope, scope_for, scope_for_teams

__all__ = [
    "DrillRow",
    "Expectations",
    "FormalTeam",
    "Goals",
    "Indicator",
    "Indicators",
    "KindHours",
    "LeaderRating",
    "LeaderReach",
    "LeadersTeaching",
    "MemberCoaching",
    "Mix",
    "MixFigures",
    "MixRow",
    "Mode",
    "Ratings",
    "Reach",
    "ReportPeriod",
    "Scope",
    "TopicSessions",
    "TrainTheTrainer",
    "ValueSessions",
    "compute",
    "drill",
    "scope_for",
    "scope_for_teams",
]
