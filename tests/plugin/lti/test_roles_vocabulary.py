"""Issue 16.8: roles are mapped by the principal role of the LIS vocabulary,
sub-roles read as LTI 1.3 (appendix A.2) says: a refinement of their
principal. Every role of the vocabulary is listed here with its mapping."""

from __future__ import annotations

import pytest

from plugin.lti.roles import LisRole, map_roles, parse
from plugin.models import Role

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"

# LIS v2 context roles: principal -> its sub-roles.
CONTEXT = {
    "Administrator": [
        "Administrator",
        "Developer",
        "ExternalDeveloper",
        "ExternalSupport",
        "ExternalSystemAdministrator",
        "Support",
        "SystemAdministrator",
    ],
    "ContentDeveloper": [
        "ContentDeveloper",
        "ContentExpert",
        "ExternalContentExpert",
        "Librarian",
    ],
    "Instructor": [
        "ExternalInstructor",
        "Grader",
        "GuestInstructor",
        "Lecturer",
        "PrimaryInstructor",
        "SecondaryInstructor",
        "TeachingAssistant",
        "TeachingAssistantGroup",
        "TeachingAssistantOffering",
        "TeachingAssistantSection",
        "TeachingAssistantSectionAssociation",
        "TeachingAssistantTemplate",
    ],
    "Learner": ["ExternalLearner", "GuestLearner", "Instructor", "Learner", "NonCreditLearner"],
    "Manager": ["AreaManager", "CourseCoordinator", "ExternalObserver", "Manager", "Observer"],
    "Member": ["Member"],
    "Mentor": [
        "Advisor",
        "Auditor",
        "ExternalAdvisor",
        "ExternalAuditor",
        "ExternalLearningFacilitator",
        "ExternalMentor",
        "ExternalReviewer",
        "ExternalTutor",
        "LearningFacilitator",
        "Mentor",
        "Reviewer",
        "Tutor",
    ],
    "Officer": ["Chair", "Communications", "Secretary", "Treasurer", "Vice-Chair"],
}
BY_PRINCIPAL = {
    "Administrator": Role.LND_ADMIN,
    "ContentDeveloper": Role.LEADER,
    "Instructor": Role.LEADER,
    "Learner": Role.LEARNER,
    "Manager": Role.LEADER,
    "Member": Role.LEARNER,
    "Mentor": Role.LEARNER,
    "Officer": Role.LEARNER,
}
INSTITUTION = [
    "Administrator",
    "Faculty",
    "Guest",
    "None",
    "Other",
    "Staff",
    "Student",
    "Alumni",
    "Instructor",
    "Learner",
    "Member",
    "Mentor",
    "Observer",
    "ProspectiveStudent",
]
SYSTEM = ["Administrator", "None", "AccountAdmin", "Creator", "SysAdmin", "SysSupport", "User"]
ADMINS = {"Administrator", "SysAdmin"}

CASES = (
    [(LIS + f"membership#{p}", BY_PRINCIPAL[p]) for p in CONTEXT]
    + [
        (LIS + f"membership/{p}#{sub}", BY_PRINCIPAL[p])
        for p, subs in CONTEXT.items()
        for sub in subs
        if "-" not in sub
    ]
    + [
        (LIS + f"institution/person#{r}", Role.LND_ADMIN if r in ADMINS else Role.LEARNER)
        for r in INSTITUTION
    ]
    + [
        (LIS + f"system/person#{r}", Role.LND_ADMIN if r in ADMINS else Role.LEARNER)
        for r in SYSTEM
    ]
    + [("http://purl.imsglobal.org/vocab/lti/system/person#TestUser", Role.LEARNER)]
)


@pytest.mark.parametrize(("uri", "expected"), CASES, ids=[c[0].split("/v2/")[-1] for c in CASES])
def test_every_lis_role_maps_by_its_principal(uri: str, expected: Role) -> None:
    assert map_roles([uri]) is expected


def test_sub_roles_are_read_as_refinements() -> None:
    """The audit's cases: a learner who instructs is a learner; only an
    Administrator principal is an L&D admin, not any '#Administrator' ending."""
    assert parse(LIS + "membership/Learner#Instructor") == LisRole(
        "membership", "Learner", "Instructor"
    )
    assert map_roles([LIS + "membership/Learner#Instructor"]) is Role.LEARNER
    assert map_roles([LIS + "membership/Mentor#Administrator"]) is Role.LEARNER
    assert map_roles([LIS + "membership/Instructor#TeachingAssistant"]) is Role.LEADER
    assert map_roles([LIS + "membership/Administrator#Support"]) is Role.LND_ADMIN
    assert map_roles(["https://evil.example/roles#Administrator"]) is Role.LEARNER
    assert map_roles([LIS + "membership/Learner#"]) is Role.LEARNER


def test_legacy_urns_and_short_names() -> None:
    assert map_roles(["urn:lti:role:ims/lis/Instructor"]) is Role.LEADER
    assert map_roles(["urn:lti:role:ims/lis/Learner/Instructor"]) is Role.LEARNER
    assert map_roles(["urn:lti:instrole:ims/lis/Administrator"]) is Role.LND_ADMIN
    assert map_roles(["urn:lti:sysrole:ims/lis/SysAdmin"]) is Role.LND_ADMIN
    assert map_roles(["Instructor"]) is Role.LEADER
    assert map_roles(["Administrator"]) is Role.LND_ADMIN


def test_an_override_of_a_principal_covers_its_sub_roles_only() -> None:
    overrides = {"Instructor": Role.LEARNER, "Mentor": Role.LEADER}
    assert map_roles([LIS + "membership/Instructor#Lecturer"], platform_overrides=overrides) is (
        Role.LEARNER
    )
    assert map_roles([LIS + "membership/Mentor#Tutor"], platform_overrides=overrides) is (
        Role.LEADER
    )
    # "Instructor" names a principal: it does not reach a Learner's Instructor sub-role.
    leaders = {"Instructor": Role.LEADER}
    assert map_roles([LIS + "membership/Learner#Instructor"], platform_overrides=leaders) is (
        Role.LEARNER
    )
    exact = {LIS + "membership/Learner#Instructor": Role.LEADER}
    assert map_roles([LIS + "membership/Learner#Instructor"], context_overrides=exact) is (
        Role.LEADER
    )
