"""IRIs that mark where a pulled statement comes from, and course-like activities.

From the specifications and the producers themselves: cmi5 (section 9.6), the
xAPI SCORM profile (``https://w3id.org/xapi/scorm``), Moodle's xAPI log store
(xAPI-vle/moodle-logstore_xapi: its ``http://moodle.org`` source activity in
``category``, its Learning Locker info extension, ``context.platform``), and
the activity types that stand for a course or a part of one.
"""

from __future__ import annotations

from typing import Final

CMI5_CATEGORY: Final = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
CMI5_MOVEON_CATEGORY: Final = "https://w3id.org/xapi/cmi5/context/categories/moveon"
# Every cmi5 statement, "defined" or "allowed", carries the LMS's session id.
CMI5_SESSION_EXTENSION: Final = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
CMI5_COURSE: Final = "https://w3id.org/xapi/cmi5/activitytype/course"
CMI5_BLOCK: Final = "https://w3id.org/xapi/cmi5/activitytype/block"

SCORM_PROFILE: Final = "https://w3id.org/xapi/scorm"

MOODLE_SOURCES: Final = frozenset({"http://moodle.org", "https://moodle.org"})
MOODLE_INFO_EXTENSION: Final = "http://lrs.learninglocker.net/define/extensions/info"
MOODLE_PLATFORM: Final = "moodle"
# Older log store releases typed the course with the Tin Can registry's type.
LMS_COURSE: Final = "http://id.tincanapi.com/activitytype/lms/course"

ADL_ACTIVITIES: Final = "http://adlnet.gov/expapi/activities/"

COURSE_TYPES: Final = frozenset({CMI5_COURSE, ADL_ACTIVITIES + "course", LMS_COURSE})
"""Activity types that name the course itself."""

COURSE_LIKE_TYPES: Final = COURSE_TYPES | {
    CMI5_BLOCK,
    ADL_ACTIVITIES + "module",
    ADL_ACTIVITIES + "lesson",
    ADL_ACTIVITIES + "assessment",
}
"""Activity types whose completion or pass is a formal learning record."""
