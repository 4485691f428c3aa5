"""Date expressions are whole calendar days, months and years in the home's zone.

The fixture articles sit on purpose next to midnights and month ends in UTC:
bank-in-england 2014-09-30 23:59Z, lavrov-un 2014-10-01 00:00Z, oilfield-fire
2014-11-01 03:00Z, england-bank-central 2014-11-01 00:00Z, kenya-drought
2014-12-31 23:00Z, new-year 2015-01-01 00:00Z.
"""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from dateline.search.archive import Archive
from dateline.corpus.home import TimezoneConfigError, configured_timezone
from dateline.search.engine import search
from dateline.search.parser import parse_query
from dateline.search.query import DateRange
from tests.helpers import NOW, cli, dateline

NEW_YORK = ZoneInfo("America/New_York")  # UTC-4 in October 2014, UTC-5 from 2 November
TOKYO = ZoneInfo("Asia/Tokyo")  # UTC+9, no daylight saving


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture()
def ids_in(fixture_home):
    def run(tz, query, now=NOW, **options):
        with Archive(fixture_home, tz=tz) as archive:
            results = search(archive, query, limit=100, now=now, **options)
        return {hit.article.id for hit in results.hits}

    return run


def test_month_in_new_york_starts_and_ends_at_local_midnight(ids_in):
    # 2014-10-01 00:00Z is still 30 September in New York; 2014-11-01 03:00Z is 31 October.
    assert ids_in(NEW_YORK, "date:2014-10") == {
        "lavrov-kerry", "oil-prices", "oilfield-fire", "england-bank-central"}
    assert ids_in(NEW_YORK, "date:2014-09") == {"boe-holds", "bank-in-england", "lavrov-un"}


def test_month_in_tokyo_takes_the_last_utc_evening_of_the_month_before(ids_in):
    assert ids_in(TOKYO, "date:2014-10") == {
        "bank-in-england", "lavrov-un", "lavrov-kerry", "oil-prices"}


def test_year_end_follows_the_zone(ids_in):
    assert ids_in(timezone.utc, "date:2015") == {"new-year"}
    assert ids_in(NEW_YORK, "date:2015") == set()
    assert ids_in(NEW_YORK, "date:2014-12-31") == {"kenya-drought", "new-year"}
    assert ids_in(TOKYO, "date:2015") == {"kenya-drought", "new-year"}


def test_since_and_until_options_use_the_zone(ids_in):
    assert ids_in(TOKYO, "*", since="2015-01-01") == {"kenya-drought", "new-year"}
    assert ids_in(NEW_YORK, "*", until="2014-09-30") == {"boe-holds", "bank-in-england", "lavrov-un"}


def test_relative_days_count_the_local_today(ids_in):
    now = utc(2015, 1, 1, 2, 0)  # still 31 December in New York
    assert ids_in(timezone.utc, "date:last-1d", now=now) == {"new-year"}
    assert ids_in(NEW_YORK, "date:last-1d", now=now) == {"kenya-drought", "new-year"}


def test_a_day_with_a_clock_change_has_25_hours():
    tree = parse_query("date:2014-11-02", now=NOW, tz=NEW_YORK)
    assert tree == DateRange(utc(2014, 11, 2, 4), utc(2014, 11, 3, 5), "2014-11-02")


def test_explain_shows_local_dates_as_utc_bounds():
    text = parse_query("date:2014-10", now=NOW, tz=TOKYO).explain()
    assert "[2014-09-30T15:00:00+00:00, 2014-10-31T15:00:00+00:00) UTC" in text


def test_a_date_with_its_own_zone_keeps_it():
    tree = parse_query('date:>="2014-10-01 12:00 +0200"', now=NOW, tz=TOKYO)
    assert tree.start == utc(2014, 10, 1, 10)


# Where the zone comes from


def test_zone_defaults_to_utc(tmp_path):
    assert configured_timezone(tmp_path, environ={}) == timezone.utc


def test_zone_from_the_home_config_file(tmp_path):
    (tmp_path / "config.toml").write_text('timezone = "Asia/Tokyo"\n')
    assert configured_timezone(tmp_path, environ={}) == TOKYO


def test_environment_overrides_the_config_file(tmp_path):
    (tmp_path / "config.toml").write_text('timezone = "Asia/Tokyo"\n')
    assert configured_timezone(tmp_path, environ={"DATELINE_TZ": "America/New_York"}) == NEW_YORK


@pytest.mark.parametrize("config,message", [
    ('timezone = "Mars/Olympus"\n', "unknown time zone 'Mars/Olympus'"),
    ('timezone = 5\n', "'timezone' must be a zone name"),
    ('timezone = "Asia/Tokyo\n', "cannot read the configuration"),
])
def test_bad_zone_configuration_names_the_file(tmp_path, config, message):
    (tmp_path / "config.toml").write_text(config)
    with pytest.raises(TimezoneConfigError) as info:
        configured_timezone(tmp_path, environ={})
    assert str(info.value).startswith(f"{tmp_path / 'config.toml'}: {message}")


def test_cli_reads_dates_in_the_configured_zone(fixture_home, tmp_path):
    args = ["--home", str(fixture_home.root), "search", "date:2014-09", "--json"]
    in_utc = cli(*args, env={"DATELINE_TZ": "UTC"})
    in_new_york = cli(*args, env={"DATELINE_TZ": "America/New_York"})
    assert in_utc.exit_code == in_new_york.exit_code == 0
    assert '"lavrov-un"' not in in_utc.stdout and '"lavrov-un"' in in_new_york.stdout


def test_cli_refuses_an_unknown_zone_in_one_line(fixture_home):
    result = dateline(str(fixture_home.root), "explain", "date:2014",
                                env={"DATELINE_TZ": "Nowhere/Land"})
    assert result.exit_code == 2
    assert result.stderr == ("Error: $DATELINE_TZ: unknown time zone 'Nowhere/Land' "
                             '(use an IANA name such as "Europe/Berlin")\n')


@pytest.mark.parametrize("tz", [NEW_YORK, TOKYO, ZoneInfo("Asia/Kolkata"), timezone.utc])
def test_histogram_days_are_the_days_date_filters_use(fixture_home, tz):
    with Archive(fixture_home, tz=tz) as archive:
        results = search(archive, "*", limit=100, facets=True, now=NOW)
        days = {}
        for hit in results.hits:
            if hit.article.date:
                day = hit.article.date.astimezone(tz).date().isoformat()
                days[day] = days.get(day, 0) + 1
                # The day the histogram counts it on is one a date filter finds it in.
                found = search(archive, f"date:{day}", limit=100, now=NOW, suggest=False)
                assert hit.article.id in {h.article.id for h in found.hits}
    from dateline.search.facets import day_counts
    from dateline.search.lower import lower
    from dateline.search.parser import parse_query

    with Archive(fixture_home, tz=tz) as archive:
        reader = archive.reader()
        docs = reader.match(lower(parse_query("*", now=NOW))).ids
        assert day_counts(reader, docs, tz=tz) == days


def test_a_daylight_saving_day_counts_each_article_on_its_local_day(tmp_path):
    from dateline.search.facets import _offsets
    import numpy as np
    from dateline.index.schema import date_key

    # New York falls back at 06:00Z on 2 November 2014 (02:00 EDT -> 01:00 EST).
    moments = [utc(2014, 11, 2, 3, 30), utc(2014, 11, 2, 5, 59), utc(2014, 11, 2, 6, 1),
               utc(2014, 11, 3, 4, 59), utc(2014, 11, 3, 5, 1)]
    values = np.array([date_key(m) for m in moments], dtype=np.int64)
    hours = (_offsets(values, NEW_YORK) // 3_600_000_000).tolist()
    assert hours == [-4, -4, -5, -5, -5]
