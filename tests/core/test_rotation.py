import pytest

from plg_tui.core.rotation import suggest_facilitator

ROSTER = ["ana@x.org", "ben@x.org", "cy@x.org", "dee@x.org"]


def test_nobody_has_facilitated_yet_first_on_the_roster():
    assert suggest_facilitator(ROSTER, []) == "ana@x.org"


def test_never_facilitated_comes_before_anyone_who_has():
    history = [
        ("2025-01-10T14:00:00+00:00", "ana@x.org"),
        ("2025-02-10T14:00:00+00:00", "cy@x.org"),
    ]
    assert suggest_facilitator(ROSTER, history) == "ben@x.org"


def test_least_recent_facilitator_when_everyone_has_had_a_turn():
    history = [
        ("2025-01-10T14:00:00+00:00", "ana@x.org"),
        ("2025-02-10T14:00:00+00:00", "ben@x.org"),
        ("2025-03-10T14:00:00+00:00", "cy@x.org"),
        ("2025-04-10T14:00:00+00:00", "dee@x.org"),
        ("2025-05-10T14:00:00+00:00", "ana@x.org"),
    ]
    assert suggest_facilitator(ROSTER, history) == "ben@x.org"


def test_only_present_members_are_suggested():
    history = [
        ("2025-01-10T14:00:00+00:00", "ana@x.org"),
        ("2025-02-10T14:00:00+00:00", "ben@x.org"),
    ]
    assert suggest_facilitator(["ben@x.org", "ana@x.org"], history) == "ana@x.org"
    assert suggest_facilitator([], history) is None


def test_history_order_does_not_matter_and_time_zones_are_compared_as_instants():
    history = [
        # 15:00 in Berlin is 14:00 UTC: earlier than ben's 14:30 UTC
        ("2025-03-10T15:00:00+01:00", "ana@x.org"),
        ("2025-03-10T14:30:00Z", "ben@x.org"),
        ("2025-01-01T09:00:00", "ana@x.org"),
    ]
    assert suggest_facilitator(["ben@x.org", "ana@x.org"], history) == "ana@x.org"


def test_ties_go_to_roster_order():
    history = [
        ("2025-03-10T14:00:00+00:00", "cy@x.org"),
        ("2025-03-10T14:00:00+00:00", "ben@x.org"),
    ]
    assert suggest_facilitator(["cy@x.org", "ben@x.org"], history) == "cy@x.org"
    assert suggest_facilitator(["ben@x.org", "cy@x.org"], history) == "ben@x.org"


def test_unreadable_dates_are_an_error():
    with pytest.raises(ValueError, match="'last tuesday'"):
        suggest_facilitator(ROSTER, [("last tuesday", "ana@x.org")])
