"""Which posts are unfinished, and why: the banner's words come from here."""
import datetime as dt

from cnnotes.drafts import unfinished, unfinished_post, unfinished_t
from cnnotes.front_matter.fields import is_expired, to_metadata

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
SETTINGS = {"DEFAULT_LANG": "en", "LANGUAGES": ("en", "zh"), "TIMEZONE": "Asia/Shanghai"}


def test_a_published_post_of_the_past_is_finished():
    assert unfinished("published", dt.datetime(2016, 7, 19, tzinfo=UTC), None, NOW) is None


def test_draft_scheduled_and_expired():
    assert unfinished("draft", None, None, NOW).kind == "draft"
    assert unfinished("draft", dt.datetime.max.replace(tzinfo=UTC), None, NOW).kind == "draft"
    future = dt.datetime(2099, 1, 1, 10, 0, tzinfo=UTC)
    why = unfinished("published", future, None, NOW)
    assert (why.kind, why.date) == ("scheduled", future)
    assert unfinished("draft", future, None, NOW).kind == "scheduled"  # publish builds: Pelican's draft
    expired = unfinished("draft", dt.datetime(2016, 1, 1, tzinfo=UTC), dt.datetime(2017, 1, 1, tzinfo=UTC), NOW)
    assert expired.kind == "expired" and expired.date.year == 2017
    naive = dt.datetime(2099, 1, 1)  # a date without a zone is local time
    assert unfinished("published", naive, None, NOW).kind == "scheduled"


def test_unfinished_post_reads_a_post():
    class Post:
        status, date = "draft", dt.datetime(2016, 1, 1, tzinfo=UTC)
    assert unfinished_post(Post(), NOW).kind == "draft"


def test_banner_words_in_both_languages():
    assert unfinished_t("scheduled", "en", date="Jan 1, 2099").startswith("Scheduled for Jan 1, 2099")
    assert "2099年1月1日" in unfinished_t("scheduled", "zh", date="2099年1月1日")
    assert "make publish" in unfinished_t("draft", "en")


def meta(raw):
    return to_metadata({"title": "t", "date": "2016-07-19", **raw}, SETTINGS, False, lambda s: s)


def test_front_matter_draft_status_and_expiry_date():
    assert meta({"draft": True})["status"] == "draft"
    assert "status" not in meta({"draft": False})
    assert meta({"status": "draft"})["status"] == "draft"
    assert meta({"expirydate": "2017-01-01"})["status"] == "draft"
    kept = meta({"expirydate": "2999-01-01"})
    assert "status" not in kept and kept["expirydate"].year == 2999


def test_expiry_is_in_the_site_timezone():
    shanghai_midnight = dt.datetime(2017, 1, 1)  # 2016-12-31 16:00 UTC
    assert is_expired(shanghai_midnight, SETTINGS, now=dt.datetime(2016, 12, 31, 16, 30, tzinfo=UTC))
    assert not is_expired(shanghai_midnight, SETTINGS, now=dt.datetime(2016, 12, 31, 15, 30, tzinfo=UTC))


def test_a_bad_expiry_date_is_an_error_at_its_key():
    import pytest

    from cnnotes.front_matter.fields import FieldError

    with pytest.raises(FieldError) as error:
        meta({"expirydate": "soon"})
    assert error.value.key == "expirydate" and "YYYY-MM-DD" in error.value.message
