"""Dates as Latvian municipal pages print them (examples from SITE-NOTES.md)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from datetime import date

import pytest

from archiver.dates import (
    DateMatch,
    find_dates,
    is_plausible,
    local_day,
    parse_date,
    parse_timestamp,
    zone_of_language,
)

# (id, text, the date a reader sees in it)
FULL_DATES = [
    ("dd-mm-yyyy-trailing-dot", "04.10.2019.", date(2019, 10, 4)),
    ("dd-mm-yyyy-trailing-dot-2", "12.11.2019.", date(2019, 11, 12)),
    ("dd-mm-yyyy-trailing-dot-3", "16.12.2024.", date(2024, 12, 16)),
    ("dd-mm-yyyy", "08.10.2019", date(2019, 10, 8)),
    ("label-prefix", "Datums: 20.07.2021", date(2021, 7, 20)),
    ("d-m-yyyy", "4.3.2019", date(2019, 3, 4)),
    ("bracketed", "[01.03.2026.]", date(2026, 3, 1)),
    ("glued-to-place-name", "18.12.2017.Liepājā notika koncerts", date(2017, 12, 18)),
    ("with-time", "17.08.2013 14:21", date(2013, 8, 17)),
    ("with-comma-and-time", "29.08.2018, 16:38", date(2018, 8, 29)),
    ("slashes", "04/10/2019", date(2019, 10, 4)),
    ("leap-day", "29.02.2020.", date(2020, 2, 29)),
    ("iso-date", "2019-10-04", date(2019, 10, 4)),
    ("iso-datetime", "2019-10-04T10:00:00+03:00", date(2019, 10, 4)),
    ("iso-datetime-offset-not-applied", "2021-11-25T23:30:00+02:00", date(2021, 11, 25)),
    ("time-datetime-attribute", 'datetime="2020-05-22T08:15:00Z"', date(2020, 5, 22)),
    ("gada-locative", "2019. gada 17. oktobrī", date(2019, 10, 17)),
    ("gada-locative-2", "2019. gada 4. oktobrī", date(2019, 10, 4)),
    ("gada-glued", "2018.gada 1.jūnijā", date(2018, 6, 1)),
    ("g-abbreviation", "2021.g. 25.novembrī", date(2021, 11, 25)),
    ("gada-nominative-with-time", "2021. gada 29. decembris 00:00", date(2021, 12, 29)),
    ("gada-upper-case", "2019. GADA 4. OKTOBRĪ", date(2019, 10, 4)),
    ("day-month-comma-year", "22. maijs, 2020", date(2020, 5, 22)),
    ("day-locative-comma-year", "16. oktobrī, 2019", date(2019, 10, 16)),
    ("day-month-year", "22. maijs 2020", date(2020, 5, 22)),
    (
        "weekday-prefix",
        "Publicēts: piektdiena, 1.novembris, 2019",
        date(2019, 11, 1),
    ),
    ("weekday-prefix-gada", "Svētdiena, 2020.gada 31.maijs", date(2020, 5, 31)),
    ("abbr-jul", "29.jūl 2021", date(2021, 7, 29)),
    ("abbr-jun-no-diacritics", "30.jun 2021", date(2021, 6, 30)),
    ("abbr-capitalised-after-time", "09:21, 31. Okt, 2022", date(2022, 10, 31)),
    ("abbr-janv-dot", "5. janv. 2020", date(2020, 1, 5)),
    ("abbr-febr", "3. febr 2021", date(2021, 2, 3)),
    ("abbr-apr-dot", "7. apr. 2019", date(2019, 4, 7)),
    ("abbr-jun-dot", "12. jūn. 2018", date(2018, 6, 12)),
    ("abbr-jul-upper-case", "6. JŪL. 2023", date(2023, 7, 6)),
    ("abbr-aug", "1. aug 2017", date(2017, 8, 1)),
    ("abbr-sept-dot", "9. sept. 2016", date(2016, 9, 9)),
    ("abbr-okt-capitalised", "2. Okt 2022", date(2022, 10, 2)),
    ("abbr-nov", "14. nov 2015", date(2015, 11, 14)),
    ("abbr-dec-dot", "24. dec. 2014", date(2014, 12, 24)),
    ("no-diacritics-locative", "2019. gada 17. oktobri", date(2019, 10, 17)),
    ("no-diacritics-nominative", "1. junijs, 2020", date(2020, 6, 1)),
    ("no-diacritics-genitive", "2019. gada 3. aprila", date(2019, 4, 3)),
    ("english-day-month-year", "4 October 2019", date(2019, 10, 4)),
    ("english-ordinal-abbr", "4th Oct 2019", date(2019, 10, 4)),
    ("english-month-day-year", "October 4, 2019", date(2019, 10, 4)),
    ("english-abbr-month-day-year", "Oct. 4 2019", date(2019, 10, 4)),
    ("english-jan", "Jan 5, 2020", date(2020, 1, 5)),
    ("english-may", "31 May 2021", date(2021, 5, 31)),
    ("two-digit-year-dotted", "04.10.19", date(2019, 10, 4)),
    ("two-digit-year-trailing-dot", "Datums: 25.12.21.", date(2021, 12, 25)),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [case[1:] for case in FULL_DATES],
    ids=[case[0] for case in FULL_DATES],
)
def test_parse_date_reads_full_date(text: str, expected: date) -> None:
    assert parse_date(text) == expected


# Every case form of every month, as listed in SITE-NOTES.md.
MONTH_FORMS = [
    (1, "janvāris janvāra janvārim janvāri janvārī"),
    (2, "februāris februāra februārim februāri februārī"),
    (3, "marts marta martam martu martā"),
    (4, "aprīlis aprīļa aprīlim aprīli aprīlī"),
    (5, "maijs maija maijam maiju maijā"),
    (6, "jūnijs jūnija jūnijam jūniju jūnijā"),
    (7, "jūlijs jūlija jūlijam jūliju jūlijā"),
    (8, "augusts augusta augustam augustu augustā"),
    (9, "septembris septembra septembrim septembri septembrī"),
    (10, "oktobris oktobra oktobrim oktobri oktobrī"),
    (11, "novembris novembra novembrim novembri novembrī"),
    (12, "decembris decembra decembrim decembri decembrī"),
]
MONTH_CASES = [(month, form) for month, forms in MONTH_FORMS for form in forms.split()]
NO_DIACRITICS = str.maketrans("āēīūčģķļņšž", "aeiucgklnsz")


@pytest.mark.parametrize(("month", "form"), MONTH_CASES, ids=[f for _, f in MONTH_CASES])
def test_every_latvian_month_case_is_recognised(month: int, form: str) -> None:
    assert parse_date(f"2020. gada 15. {form}") == date(2020, month, 15)
    assert parse_date(f"15. {form.capitalize()}, 2020") == date(2020, month, 15)


@pytest.mark.parametrize(
    ("month", "form"),
    [(m, f.translate(NO_DIACRITICS)) for m, f in MONTH_CASES],
    ids=[f.translate(NO_DIACRITICS) for _, f in MONTH_CASES],
)
def test_month_written_without_diacritics_is_recognised(month: int, form: str) -> None:
    assert parse_date(f"2020. gada 15. {form}") == date(2020, month, 15)


NOT_FULL_DATES = [
    ("phone-number", "Tālrunis: 67935800"),
    ("phone-numbers-with-spaces", "Tālr. 67935800, 29 123 456"),
    ("decimal-amount", "Budžets palielināts par 2,5 milj. eiro"),
    ("version-number", "versija 3.10.15"),
    ("age-range", "Bērniem 6-10 gadi"),
    ("percentage", "Atbalsta 85% iedzīvotāju"),
    ("postcode", "Rīga, LV-2123"),
    ("time-alone", "14:21"),
    ("invalid-day", "31.02.2019."),
    ("month-13", "15.13.2019"),
    ("invalid-iso", "2019-02-30"),
    ("not-a-leap-year", "29. februāris 2019"),
    ("event-range-without-year", "No 23. līdz 25.septembrim"),
    ("yearless-updated", "(papildināts 14.04.)"),
    ("yearless-short", "P. 24.05"),
    ("two-digit-year-slashes", "04/10/19"),
    ("two-digit-year-single-digit-day", "4.10.19"),
    ("month-without-day", "2019. gada oktobrī"),
    ("ordinal-not-month", "12. vieta 2019"),
    ("name-days", "Vārda dienas: Aurēlija, Evelīna"),
    ("latvian-month-before-day", "Marta 12, 2020"),
    ("empty", ""),
]


@pytest.mark.parametrize(
    "text", [case[1] for case in NOT_FULL_DATES], ids=[case[0] for case in NOT_FULL_DATES]
)
def test_parse_date_returns_none_without_full_date(text: str) -> None:
    assert parse_date(text) is None


def test_find_dates_returns_header_and_event_dates_in_order_with_spans() -> None:
    text = "Publicēts 04.10.2019. Koncerts notiks 2019. gada 17. oktobrī plkst. 18.00 namā."
    found = find_dates(text)
    assert found == (
        DateMatch(date=date(2019, 10, 4), start=10, end=20, has_year=True),
        DateMatch(date=date(2019, 10, 17), start=38, end=60, has_year=True),
    )
    assert [text[m.start : m.end] for m in found] == ["04.10.2019", "2019. gada 17. oktobrī"]


def test_find_dates_keeps_todays_header_date_before_publication_date() -> None:
    text = "Šodien 12.03.2024. Vārda dienas: Aurēlija, Evelīna\nPublicēts: 22. maijs, 2023"
    found = find_dates(text)
    assert [m.date for m in found] == [date(2024, 3, 12), date(2023, 5, 22)]
    assert text[found[1].start : found[1].end] == "22. maijs, 2023"


def test_find_dates_skips_invalid_date_but_keeps_valid_neighbour() -> None:
    found = find_dates("31.02.2019. un 01.03.2019.", default_year=2019)
    assert [(m.date, m.start) for m in found] == [(date(2019, 3, 1), 15)]


def test_find_dates_prefers_whole_date_over_its_tail() -> None:
    found = find_dates("2018.gada 1.jūnijā", default_year=2000)
    assert found == (DateMatch(date=date(2018, 6, 1), start=0, end=18, has_year=True),)


def test_find_dates_returns_empty_tuple_for_text_without_dates() -> None:
    assert find_dates("Dome aicina iedzīvotājus uz sapulci.") == ()


def test_yearless_forms_are_dropped_without_default_year() -> None:
    assert find_dates("(papildināts 14.04.) P. 24.05 No 23. līdz 25.septembrim") == ()


@pytest.mark.parametrize(
    ("text", "expected", "span_text"),
    [
        ("(papildināts 14.04.)", date(2021, 4, 14), "14.04"),
        ("P. 24.05", date(2021, 5, 24), "24.05"),
        ("No 23. līdz 25.septembrim", date(2021, 9, 25), "25.septembrim"),
    ],
    ids=["updated-note", "short-prefix", "event-range-end"],
)
def test_yearless_form_takes_default_year(text: str, expected: date, span_text: str) -> None:
    (match,) = find_dates(text, default_year=2021)
    assert match.date == expected
    assert match.has_year is False
    assert text[match.start : match.end] == span_text


def test_default_year_does_not_override_written_year() -> None:
    found = find_dates("04.10.2019. (papildināts 14.04.)", default_year=2020)
    assert [(m.date, m.has_year) for m in found] == [
        (date(2019, 10, 4), True),
        (date(2020, 4, 14), False),
    ]


def test_yearless_leap_day_depends_on_default_year() -> None:
    assert find_dates("29.02.", default_year=2019) == ()
    assert [m.date for m in find_dates("29.02.", default_year=2020)] == [date(2020, 2, 29)]


@pytest.mark.parametrize(
    "text",
    ["plkst. 10.05", "sākums pulksten 09.05", "Python 3.11", "cena 1.5 eiro"],
    ids=["time-after-plkst", "time-after-pulksten", "version", "decimal"],
)
def test_yearless_lookalikes_are_not_dates(text: str) -> None:
    assert find_dates(text, default_year=2021) == ()


def test_date_match_is_frozen() -> None:
    match = DateMatch(date=date(2019, 10, 4), start=0, end=10, has_year=True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.start = 1  # type: ignore[misc]


TODAY = date(2024, 5, 10)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2019, 10, 4), True),
        (date(1990, 1, 1), True),
        (date(1989, 12, 31), False),
        (TODAY, True),
        (date(2024, 5, 12), True),
        (date(2024, 5, 13), False),
        (date(2031, 1, 1), False),
    ],
    ids=[
        "ordinary-past",
        "first-day-of-1990",
        "before-1990",
        "today",
        "two-days-ahead",
        "three-days-ahead",
        "far-future",
    ],
)
def test_is_plausible_rejects_pre_1990_and_future_dates(day: date, expected: bool) -> None:
    assert is_plausible(day, today=TODAY) is expected


OTHER_LANGUAGES = [
    ("german", "5. März 2021", date(2021, 3, 5)),
    ("french-premier", "1er mars 2020", date(2020, 3, 1)),
    ("portuguese-de", "22 de outubro de 2010", date(2010, 10, 22)),
    ("spanish-de", "3 de diciembre de 2019", date(2019, 12, 3)),
    ("italian", "12 settembre 2018", date(2018, 9, 12)),
    ("dutch", "7 mei 2020", date(2020, 5, 7)),
    ("polish-genitive", "13 października 2020", date(2020, 10, 13)),
    ("russian-genitive", "15 августа 2016, 13:43", date(2016, 8, 15)),
    ("ukrainian-genitive", "3 січня 2020", date(2020, 1, 3)),
    ("year-first-slashes", "2019/10/04", date(2019, 10, 4)),
    ("year-first-dots", "2019.10.04", date(2019, 10, 4)),
    ("american-month-first", "10/25/2019", date(2019, 10, 25)),
    ("arabic-gregorian", "الأربعاء، 07 أكتوبر 2020 12:19 م", date(2020, 10, 7)),
    ("arabic-levantine-and-gregorian", "الجمعة 24 نيسان / أبريل 2020", date(2020, 4, 24)),
    ("arabic-hamza-dropped", "5 ابريل 2021", date(2021, 4, 5)),
    ("chinese", "发布时间：2012年6月4日 09:20", date(2012, 6, 4)),
    ("korean", "2019년 3월 2일", date(2019, 3, 2)),
    ("german-month-first", "Juli 12, 2017", date(2017, 7, 12)),
]


def test_latvian_name_before_a_number_is_no_month_first_date() -> None:
    # "Marta" is a name day as often as it is March's genitive.
    assert parse_date("Marta 12, 2020") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [case[1:] for case in OTHER_LANGUAGES],
    ids=[case[0] for case in OTHER_LANGUAGES],
)
def test_parse_date_reads_other_languages_and_orders(text: str, expected: date) -> None:
    assert parse_date(text) == expected


def test_de_must_stand_alone_so_december_still_reads() -> None:
    assert parse_date("15. Decembris, 2020") == date(2020, 12, 15)


def test_day_first_slashes_stay_day_first() -> None:
    assert parse_date("04/10/2019") == date(2019, 10, 4)


UTC = dt.UTC
TIMESTAMPS = [
    ("utc-z", "2020-05-02T02:54:29.000Z", dt.datetime(2020, 5, 2, 2, 54, tzinfo=UTC)),
    (
        "offset-colon",
        "2019-10-04T10:00:00+03:00",
        dt.datetime(2019, 10, 4, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=3))),
    ),
    (
        "offset-no-colon",
        "2020-01-20T09:49:32-0500",
        dt.datetime(2020, 1, 20, 9, 49, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    ),
    ("naive-with-space", "2023-11-08 18:09:55", dt.datetime(2023, 11, 8, 18, 9)),
    ("date-only", "2023-11-08", None),
    ("impossible-offset", "2023-11-08T10:00+25:00", None),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [case[1:] for case in TIMESTAMPS],
    ids=[case[0] for case in TIMESTAMPS],
)
def test_parse_timestamp_keeps_the_stated_offset(text: str, expected: dt.datetime | None) -> None:
    assert parse_timestamp(text) == expected


LOCAL_DAYS = [
    # (id, value, page language, the publisher's day)
    ("utc-late-evening-is-next-day-in-berlin", "2023-11-01T23:01:00Z", "de", date(2023, 11, 2)),
    ("plus-zero-offset-counts-as-utc", "2018-12-31T23:11:59+00:00", "de-AT", date(2019, 1, 1)),
    ("summer-time-moves-two-hours", "2020-07-01T22:00:00Z", "it", date(2020, 7, 2)),
    ("summer-time-before-local-midnight", "2020-07-01T21:59:00Z", "it", date(2020, 7, 1)),
    ("riga-is-two-hours-east-in-winter", "2019-12-03T22:30:00Z", "lv", date(2019, 12, 4)),
    ("stated-offset-is-the-publishers-day", "2020-06-29T00:16:15+03:00", "de", date(2020, 6, 29)),
    ("english-pages-keep-utc", "2020-02-25T02:25:54Z", "en", date(2020, 2, 25)),
    ("no-language-keeps-utc", "2021-11-04T23:00Z", "", date(2021, 11, 4)),
    ("date-without-time", "2021-11-04", "de", date(2021, 11, 4)),
    ("software-stamp-is-month-first", "11/01/2023 12:43:42", "de", date(2023, 11, 1)),
    ("slashed-date-alone-stays-day-first", "11/01/2023", "de", date(2023, 1, 11)),
]


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [case[1:] for case in LOCAL_DAYS],
    ids=[case[0] for case in LOCAL_DAYS],
)
def test_local_day_reads_utc_timestamps_in_the_publishers_zone(
    value: str, language: str, expected: date
) -> None:
    assert local_day(value, zone_of_language(language)) == expected


def test_zone_of_language_knows_single_zone_languages_only() -> None:
    winter = dt.datetime(2021, 1, 15, 12, tzinfo=UTC)
    summer = dt.datetime(2021, 7, 15, 12, tzinfo=UTC)
    berlin, riga = zone_of_language("de-DE"), zone_of_language("LV")
    assert berlin is not None and riga is not None
    assert winter.astimezone(berlin).utcoffset() == dt.timedelta(hours=1)
    assert summer.astimezone(berlin).utcoffset() == dt.timedelta(hours=2)
    assert summer.astimezone(riga).utcoffset() == dt.timedelta(hours=3)
    assert zone_of_language("en-US") is None
    assert zone_of_language("") is None


@pytest.mark.parametrize(
    ("moment", "wall_clock"),
    [
        (dt.datetime(2021, 3, 28, 0, 59, tzinfo=UTC), dt.datetime(2021, 3, 28, 1, 59)),
        (dt.datetime(2021, 3, 28, 1, 0, tzinfo=UTC), dt.datetime(2021, 3, 28, 3, 0)),
        (dt.datetime(2021, 10, 31, 0, 59, tzinfo=UTC), dt.datetime(2021, 10, 31, 2, 59)),
        (dt.datetime(2021, 10, 31, 1, 0, tzinfo=UTC), dt.datetime(2021, 10, 31, 2, 0)),
    ],
    ids=["before-spring", "at-spring", "before-autumn", "at-autumn"],
)
def test_summer_time_switches_at_one_utc_on_the_last_sundays(
    moment: dt.datetime, wall_clock: dt.datetime
) -> None:
    berlin = zone_of_language("de")
    assert berlin is not None
    assert moment.astimezone(berlin).replace(tzinfo=None) == wall_clock
