import datetime

from django.utils import timezone

# As a module read before midnight in Moscow sees it from a test run after midnight.
TODAY = timezone.localdate() - datetime.timedelta(days=1)


def test_a_test_run_after_midnight_is_on_the_day_its_module_was_read():
    assert timezone.localdate() == TODAY


def test_the_clock_still_runs_on_that_day():
    before = timezone.now()
    while timezone.now() == before:
        pass
    assert timezone.localdate() == TODAY
