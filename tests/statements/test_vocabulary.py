"""The vocabulary: reused IRIs as published, minted ones under a configurable base."""

from __future__ import annotations

import pytest

from plugin.config import Settings
from statements import vocabulary as v


def test_default_base_is_what_the_app_serves_by_default() -> None:
    assert Settings(public_url="http://localhost:5000").resolved_profile_base == (
        v.DEFAULT_PROFILE_BASE
    )


def test_profile_and_version_iris_sit_below_the_base() -> None:
    base = "https://learn.example.org/xapi/"
    assert v.profile_iri(base) == "https://learn.example.org/xapi/profile"
    assert v.version_iri(base).startswith(v.profile_iri(base) + "/")


@pytest.mark.parametrize(
    "bad", ["", "localhost:5000/xapi", "ftp://example.org/x", "http://", "http://a b/xapi"]
)
def test_a_base_that_is_not_an_http_iri_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="absolute http"):
        v.normalise_base(bad)


def test_minted_terms_move_with_the_base_and_existing_ones_do_not() -> None:
    base = "https://lrs.example.nl/leaderled"
    for term in v.ALL_TERMS:
        if term.minted:
            assert term.iri(base).startswith(base + "/")
            assert term.iri().startswith(v.DEFAULT_PROFILE_BASE + "/")
        else:
            assert term.iri(base) == term.iri()
            assert not term.iri().startswith(base)


def test_iris_are_unique() -> None:
    iris = [term.iri() for term in v.ALL_TERMS]
    assert len(iris) == len(set(iris))


@pytest.mark.parametrize("term", v.ALL_TERMS, ids=lambda t: t.iri())
def test_every_term_has_english_and_dutch_labels_and_definitions(term: v.Term) -> None:
    assert term.display().keys() == {"en", "nl"}
    assert all(text.strip() for text in term.display().values())
    assert all(len(text) > 20 for text in term.describe().values())


def test_reused_iris_are_the_published_ones() -> None:
    assert v.ATTENDED.iri() == "http://adlnet.gov/expapi/verbs/attended"
    assert v.SHARED.iri() == "http://adlnet.gov/expapi/verbs/shared"
    assert v.VOIDED.iri() == "http://adlnet.gov/expapi/verbs/voided"
    assert v.MENTORED.iri() == "http://id.tincanapi.com/verb/mentored"
    assert v.RATED.iri() == "http://id.tincanapi.com/verb/rated"
    assert v.ASSIGNED.iri() == "http://activitystrea.ms/schema/1.0/assign"
    assert v.MEETING.iri() == "http://adlnet.gov/expapi/activities/meeting"
    assert v.GOAL.iri() == "http://id.tincanapi.com/activitytype/goal"


def test_gaps_are_minted() -> None:
    minted = {t.iri() for t in v.MINTED_TERMS}
    for term in (
        v.TAUGHT,
        v.COACHED,
        v.GAVE_FEEDBACK,
        v.COACHING_MOMENT,
        v.MENTORING_SESSION,
        v.TRAIN_THE_TRAINER_SESSION,
        v.COACHING_GUIDELINE,
        v.ROLE_EXPECTATIONS,
        v.COMPANY_VALUE,
        v.LEARNING_MODE,
        *v.TOPICS.values(),
    ):
        assert term.iri() in minted


def test_the_five_topic_categories_of_the_seed() -> None:
    assert set(v.TOPICS) == {
        "products",
        "services",
        "distribution-channels",
        "market-dynamics",
        "operations",
    }
    assert all(t.activity_type is v.TOPIC_CATEGORY for t in v.TOPICS.values())


def test_minted_terms_resolve_by_path() -> None:
    for term in v.MINTED_TERMS:
        assert v.minted_by_path(str(term.path)) is term
    assert v.minted_by_path("verbs/nonexistent") is None


def test_extensions_have_schemas_and_other_terms_do_not() -> None:
    for term in v.ALL_TERMS:
        is_extension = term.kind.endswith("Extension")
        assert (term.schema is not None) == is_extension, term.iri()
