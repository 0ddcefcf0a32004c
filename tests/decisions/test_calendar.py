"""Working-day arithmetic (工作日) across National Day and Spring Festival, with adjusted Saturdays/Sundays."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from decisions import calendar
from decisions.models import WorkingDayOverride

D = dt.date


def test_statutory_data_covers_2004_through_its_last_year():
    assert calendar.FIRST_YEAR == 2004
    assert calendar.LAST_YEAR >= 2026
    assert calendar.is_covered(2025) and not calendar.is_covered(calendar.LAST_YEAR + 1)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 10, 1), False),  # National Day holiday (Wed)
        (D(2025, 10, 8), False),  # last day of the 2025 National Day / Mid-Autumn holiday (Wed)
        (D(2025, 9, 28), True),  # adjusted working Sunday (调休上班)
        (D(2025, 10, 11), True),  # adjusted working Saturday
        (D(2025, 1, 28), False),  # Spring Festival eve holiday (Tue)
        (D(2025, 1, 26), True),  # adjusted working Sunday before Spring Festival
        (D(2025, 2, 8), True),  # adjusted working Saturday after Spring Festival
        (D(2025, 2, 9), False),  # ordinary Sunday
        (D(2025, 2, 5), True),  # first ordinary working day after Spring Festival
    ],
)
def test_is_working_day_follows_the_state_council_schedule(db, day, working):
    assert calendar.is_working_day(day) is working


def test_start_day_is_not_counted_and_the_holiday_is_skipped(db):
    # Notice served on Tue 30 Sep 2025: day 1 is the first working day after the Oct 1-8 holiday.
    assert calendar.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert calendar.add_working_days(D(2025, 10, 9), 2) == D(2025, 10, 11)  # Sat 11 Oct is a working day
    assert calendar.add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)  # Sun 28 Sep is a working day


def test_spring_festival_five_working_days(db):
    # Mon 27 Jan 2025 → the holiday runs 28 Jan - 4 Feb; then 5,6,7 Feb and the adjusted Saturday 8 Feb.
    assert calendar.add_working_days(D(2025, 1, 27), 4) == D(2025, 2, 8)
    assert calendar.add_working_days(D(2025, 1, 27), 5) == D(2025, 2, 10)
    assert calendar.working_days_between(D(2025, 1, 27), D(2025, 2, 10)) == 5


def test_working_days_between_is_the_inverse_of_add(db):
    start = D(2025, 9, 19)  # a Friday (a working day)
    for n in range(0, 25):
        end = calendar.add_working_days(start, n)
        assert calendar.working_days_between(start, end) == n
    assert calendar.working_days_between(D(2025, 10, 9), D(2025, 9, 30)) == -1


def test_period_ending_on_a_holiday_moves_to_the_next_working_day(db):
    assert calendar.next_working_day(D(2025, 10, 3)) == D(2025, 10, 9)
    assert calendar.next_working_day(D(2025, 10, 9)) == D(2025, 10, 9)
    assert calendar.add_working_days(D(2025, 10, 3), 0) == D(2025, 10, 9)


def test_negative_counts_go_backwards(db):
    assert calendar.add_working_days(D(2025, 10, 9), -1) == D(2025, 9, 30)


def _plain_weekday(day: dt.date) -> dt.date:
    """The first Monday-Friday from ``day`` on that is not a statutory holiday (a working day until announced)."""
    while day.weekday() >= 5 or day in calendar.provisional_holidays(day.year):
        day += dt.timedelta(days=1)
    return day


def test_override_extends_the_calendar_for_a_year_the_package_does_not_know(db):
    year = calendar.LAST_YEAR + 1
    holiday = _plain_weekday(D(year, 10, 4))  # e.g. a bridging day off after 国庆节, announced each year
    assert calendar.is_working_day(holiday)  # unknown year: Monday to Friday, less the law's own holidays
    WorkingDayOverride.objects.create(day=holiday, is_working_day=False, name="国庆节")
    saturday = holiday + dt.timedelta(days=(5 - holiday.weekday()) % 7)
    WorkingDayOverride.objects.create(day=saturday, is_working_day=True, name="国庆节调休上班")
    assert not calendar.is_working_day(holiday)
    assert calendar.is_working_day(saturday)
    before = holiday - dt.timedelta(days=1)
    while not calendar.is_working_day(before):
        before -= dt.timedelta(days=1)
    assert calendar.add_working_days(before, 1) != holiday


def test_override_wins_over_the_statutory_calendar(db):
    WorkingDayOverride.objects.create(day=D(2025, 10, 8), is_working_day=True, name="示例：改为上班")
    assert calendar.is_working_day(D(2025, 10, 8))
    assert calendar.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 8)


def test_without_database_access_the_statutory_calendar_still_answers():
    assert calendar.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)


def test_spring_festival_2026_with_two_adjusted_saturdays(db):
    # 2026: holiday Sun 15 - Mon 23 Feb; Sat 14 Feb and Sat 28 Feb are working days.
    assert calendar.is_working_day(D(2026, 2, 14)) and calendar.is_working_day(D(2026, 2, 28))
    assert calendar.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert calendar.add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert calendar.add_working_days(D(2026, 2, 24), 4) == D(2026, 2, 28)
    assert calendar.working_days_between(D(2026, 2, 13), D(2026, 3, 2)) == 7  # 14, 24-28 (5), 2 Mar


def test_an_administrator_adds_next_years_holidays_in_the_admin(db, directory):
    from django.test import Client

    from domain.organisations.models import User
    from security.models import AuditEvent

    client = Client()
    client.force_login(User.objects.get(username="admin"))
    day = _plain_weekday(D(calendar.LAST_YEAR + 1, 1, 2))
    assert calendar.is_working_day(day)
    response = client.post(
        "/admin/decisions/workingdayoverride/add/",
        {"day": day.isoformat(), "name": "元旦调休", "note": "国办发明电"},
    )
    assert response.status_code == 302
    assert not calendar.is_working_day(day)
    assert AuditEvent.objects.filter(action="decisions.working_day_override").exists()


def test_one_query_per_call_whatever_the_span(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        calendar.add_working_days(D(2025, 1, 1), 200)
    with django_assert_num_queries(1):
        calendar.working_days_between(D(2024, 1, 1), D(2025, 12, 31))


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_laws_days_off_agree_with_the_published_schedules(year):
    """The rule for unannounced years, checked against the years the State Council has published: the 13
    statutory days and the make-up days (补假) for those on a weekend are all off in the published schedule, which
    only adds bridging days on top. (2025: 端午 on Sat 31 May → Mon 2 Jun; 2026: 清明 on Sun 5 Apr → Mon 6 Apr.)"""
    assert len(calendar.statutory_holidays(year)) == 13
    days = calendar.provisional_holidays(year)
    for day in days:
        assert chinese_calendar.is_holiday(day), day
    make_up = days - calendar.statutory_holidays(year)
    assert make_up == {D(2025, 6, 2)} if year == 2025 else D(2026, 4, 6) in make_up


def test_an_unannounced_year_keeps_the_laws_days_off(db):
    year = calendar.LAST_YEAR + 1
    if year != 2027:
        pytest.skip("dates below are 2027's; the installed calendar already covers it")
    assert not calendar.is_working_day(D(2027, 1, 1))  # 元旦, a Friday
    assert calendar.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    # 春节: 除夕 Fri 5 Feb, 初一 Sat 6 … 初三 Mon 8 Feb; Sat 6 and Sun 7 are made up on Tue 9 and Wed 10 (补假)
    assert [calendar.is_working_day(D(2027, 2, d)) for d in (4, 5, 8, 9, 10, 11)] == [True, False, False, False,
                                                                                       False, True]
    assert not calendar.is_working_day(D(2027, 4, 5))  # 清明 (Monday)
    assert [calendar.is_working_day(D(2027, 5, d)) for d in (3, 4, 5)] == [False, False, True]  # 劳动节 Sat–Sun
    assert not calendar.is_working_day(D(2027, 6, 9))  # 端午
    assert not calendar.is_working_day(D(2027, 9, 15))  # 中秋
    assert calendar.working_days_between(D(2027, 9, 30), D(2027, 10, 8)) == 3  # 国庆 Fri–Sun, made up Mon–Tue
    WorkingDayOverride.objects.create(day=D(2027, 2, 11), is_working_day=False, name="春节调休")
    assert not calendar.is_working_day(D(2027, 2, 11))  # the announced schedule, entered as overrides, wins


def test_coinciding_holidays_leave_a_day_for_the_announcement():
    # 2028: 中秋 falls on 3 October, a 国庆 day: 12 statutory days; the extra day off is the State Council's to set
    assert D(2028, 10, 3) in calendar.statutory_holidays(2028) and len(calendar.statutory_holidays(2028)) == 12


def test_the_rule_is_refused_for_years_before_the_revision():
    with pytest.raises(ValueError, match="2025"):
        calendar.provisional_holidays(2024)
