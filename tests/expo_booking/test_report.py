"""Caf'IA's section of the annual report, year by year, counted by hand."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from expo_booking import report
from expo_booking.models import Booking, ExpoSet, Feedback, KitDownload, KitResource, KitVersion
from reporting.sections import sections_for
from tests.caflab.factories import caf
from tests.expo_booking.factories import BookingFactory, ExpoSetFactory, policy

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
S, U = Booking.Status, Booking.Use


def book(expo_set, number, starts_on, *, days=12, status=S.RETURNED, use=U.FREE, feedback=None):
    """A booking of `days` days; `feedback`: (visitors, agents reached, sessions, satisfaction)."""
    booking = BookingFactory(
        expo_set=expo_set,
        caf=caf(number),
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=days - 1),
        status=status,
        use=use,
        requested_by=None,
        offer_expires_at=datetime(2025, 1, 1, tzinfo=PARIS) if status == S.OFFERED else None,
    )
    if feedback:
        visitors, agents, sessions, satisfaction = feedback
        Feedback.objects.create(
            booking=booking,
            visitors=visitors,
            agents_reached=agents,
            sessions_run=sessions,
            satisfaction=satisfaction,
        )
    return booking


def version(resource: KitResource, number: str = "1.0") -> KitVersion:
    """A version whose file is never written: the report reads no file."""
    return KitVersion.objects.create(
        resource=resource,
        version=number,
        file=f"expo/malette/test/{resource.pk}-{number}.txt",
        name="support.txt",
        size=120,
        content_type="text/plain",
    )


def download(kit_version: KitVersion, number: str | None, at: datetime) -> KitDownload:
    return KitDownload.objects.create(
        version=kit_version, caf=caf(number) if number else None, at=at
    )


@pytest.fixture
def two_years(db):
    """2024, 2025 and 2026, by hand.

    Sets: CAFIA-01 and CAFIA-02 in circulation, CAFIA-03 retired (never booked).
    2025: the Isère in March (free, 100 visitors, 80 agents, 2 sessions, 5/5), the Finistère in
    April (sessions, 60/60/6, 4/5), the Isère again in June (event, no feedback), the Rhône in
    September (on site, 40/30/1, 3/5), the Morbihan in October (confirmed: a booking, not a
    host), the Bouches-du-Rhône in November (cancelled) and the Ille-et-Vilaine in December (an
    offer never accepted): neither counts; the Bas-Rhin from 29 December 2025 to 9 January 2026
    (20/20/0, 4/5) counts in 2025, its first day's year. 2024: the Nord (500 visitors).
    2026: the Nord again in January.
    The malette: a published resource downloaded three times in 2025 (one of them at 00:30 on
    1 January in Paris, still 31 December in UTC), once in 2024 and once in 2026; a withdrawn
    resource downloaded once in 2025.
    """
    policy()
    first = ExpoSetFactory(code="CAFIA-01")
    second = ExpoSetFactory(code="CAFIA-02", home_caf=caf("69"), location=caf("69"))
    ExpoSetFactory(code="CAFIA-03", condition=ExpoSet.Condition.RETIRED)
    book(first, "38", date(2025, 3, 3), feedback=(100, 80, 2, 5))
    book(first, "29", date(2025, 4, 7), use=U.SESSIONS, feedback=(60, 60, 6, 4))
    book(second, "38", date(2025, 6, 2), days=5, use=U.EVENT)
    book(second, "69", date(2025, 9, 1), status=S.ON_SITE, feedback=(40, 30, 1, 3))
    book(first, "56", date(2025, 10, 6), status=S.CONFIRMED, use=U.SESSIONS)
    book(second, "13", date(2025, 11, 3), status=S.CANCELLED)
    book(first, "35", date(2025, 12, 1), days=5, status=S.OFFERED)
    book(first, "67", date(2025, 12, 29), feedback=(20, 20, 0, 4))
    book(first, "59", date(2024, 11, 4), feedback=(500, 450, 3, 5))
    book(second, "59", date(2026, 1, 19), feedback=(70, 70, 2, 5))

    slides = KitResource.objects.create(
        title="Support complet de l'exposition Caf'IA",
        kind=KitResource.Kind.SLIDES,
        description="Le support au format PowerPoint.",
        position=1,
    )
    withdrawn = KitResource.objects.create(
        title="Ancienne vidéo",
        kind=KitResource.Kind.VIDEO,
        description="Remplacée.",
        position=2,
        is_published=False,
    )
    current = version(slides)
    download(current, "38", datetime(2025, 6, 2, 10, tzinfo=PARIS))
    download(current, "971", datetime(2025, 9, 15, 14, tzinfo=PARIS))
    download(current, None, datetime(2024, 12, 31, 23, 30, tzinfo=ZoneInfo("UTC")))
    download(current, "29", datetime(2024, 12, 31, 10, tzinfo=PARIS))
    download(current, "29", datetime(2026, 1, 5, 10, tzinfo=PARIS))
    download(version(withdrawn), "974", datetime(2025, 3, 3, 9, tzinfo=PARIS))
    return {"first": first, "second": second, "slides": slides}


EXPECTED_2025 = {
    "expo_host_cafs": 4,  # Isère, Finistère, Rhône, Bas-Rhin
    "expo_host_share": 4,  # of 101 Cafs
    "expo_bookings": 6,
    "expo_visitors": 220,
    "expo_agents_reached": 190,
    "expo_sessions": 9,
    "expo_kit_downloads": 4,
    "expo_sets": 2,
    "expo_panels": 9,
    "expo_games": 4,
    "expo_kit_resources": 1,
    "expo_satisfaction": 4.0,
}


def _figures(year: int) -> dict:
    return {figure.key: figure.value for figure in report.expo_section(year).figures}


def test_figures_of_2025_by_hand(two_years):
    assert _figures(2025) == EXPECTED_2025


def test_other_years_keep_their_own(two_years):
    figures = _figures(2024)
    assert (figures["expo_bookings"], figures["expo_host_cafs"]) == (1, 1)
    assert (figures["expo_visitors"], figures["expo_satisfaction"]) == (500, 5.0)
    assert figures["expo_kit_downloads"] == 1
    later = _figures(2026)
    assert (later["expo_bookings"], later["expo_host_cafs"], later["expo_visitors"]) == (1, 1, 70)
    assert later["expo_kit_downloads"] == 1
    # The collection is not dated.
    assert (later["expo_sets"], later["expo_panels"], later["expo_games"]) == (2, 9, 4)


def test_the_collection_leaves_out_retired_sets(two_years):
    assert report.collection() == report.Collection(sets=2, panels=9, games=4, resources=1)
    ExpoSet.objects.filter(code="CAFIA-02").update(panels=10)
    assert report.collection().panels == 10


def test_section_for_the_report(two_years):
    section = report.expo_section(2025)
    assert section.title == "L'exposition Caf'IA"
    assert section.part == "infuser"
    keys = [figure.key for figure in section.figures]
    # The collection first, as the printed report shows it.
    assert keys[:4] == ["expo_sets", "expo_panels", "expo_games", "expo_kit_resources"]
    units = {figure.key: figure.unit for figure in section.figures}
    assert (units["expo_host_share"], units["expo_satisfaction"], units["expo_sets"]) == (
        "%",
        "/ 5",
        "",
    )
    labels = {figure.key: figure.label for figure in section.figures}
    assert labels["expo_sets"] == "expositions physiques en circulation"
    assert labels["expo_panels"] == "panneaux triptyques"

    tables = {table["caption"]: table for table in section.tables}
    assert tables["Les jeux d'exposition Caf'IA en 2025"]["rows"] == [
        [
            "CAFIA-01",
            "Caf de Paris",
            "3",
            "36",
            "Caf de l'Isère, Caf du Finistère, Caf du Bas-Rhin",
            "Bon état",
        ],
        ["CAFIA-02", "Caf du Rhône", "2", "17", "Caf de l'Isère, Caf du Rhône", "Bon état"],
    ]
    assert tables["La malette numérique en 2025"]["rows"] == [
        ["Support complet de l'exposition Caf'IA", "Support de l'exposition", "3"],
        ["Ancienne vidéo", "Vidéo d'expert", "1"],  # withdrawn, but downloaded in the year
    ]

    assert len(section.charts) == 3
    assert all("<svg" in chart.svg for chart in section.charts)
    months = section.charts[0].table.rows
    assert [row[0] for row in months][:3] == ["janv.", "févr.", "mars"]
    # March, April, June, September, October (confirmed) and December (from 29 December).
    booked = [int(row[1]) for row in months]
    assert booked == [0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1]
    uses = {row[0]: row[1] for row in section.charts[1].table.rows}
    assert uses == {"Circulation libre": "3", "Séances animées": "2", "Événement": "1"}
    regions = {row[0]: row[1:] for row in section.charts[2].table.rows}
    assert regions["Bretagne"] == ["1", "3", "4"]  # the Finistère of 4 Cafs
    assert regions["Auvergne-Rhône-Alpes"] == ["2", "10", "12"]  # the Isère once, the Rhône
    assert regions["La Réunion"] == ["0", "1", "1"]

    assert section.highlights == [
        "L'exposition a été accueillie par 4 Caf sur 101, soit 4 % du réseau.",
        "Première exposition de l'année : Caf de l'Isère, à partir du 3 mars 2025.",
        "Une Caf a accueilli l'exposition deux fois dans l'année.",
        "Satisfaction moyenne des Caf d'accueil : 4,0 / 5 (4 retours).",
    ]


def test_an_empty_year(two_years):
    section = report.expo_section(2019)
    figures = {figure.key: figure.value for figure in section.figures}
    assert "expo_satisfaction" not in figures  # no answer: no average, not a zero
    collection = {"expo_sets", "expo_panels", "expo_games", "expo_kit_resources"}
    assert {value for key, value in figures.items() if key not in collection} == {0}
    assert section.highlights == []
    assert [row[2:5] for row in section.tables[0]["rows"]] == [["0", "0", "—"]] * 2
    assert section.tables[1]["rows"] == [
        ["Support complet de l'exposition Caf'IA", "Support de l'exposition", "0"]
    ]
    assert all("<svg" in chart.svg for chart in section.charts)


def test_nothing_at_all(db):
    section = report.expo_section(2025)
    assert {figure.value for figure in section.figures} == {0}
    assert all(table["rows"] == [] for table in section.tables[1:])


def test_registered_with_the_report():
    sections = [s for s in sections_for(2025) if s.title == "L'exposition Caf'IA"]
    assert len(sections) == 1
    assert sections[0].part == "infuser"


@pytest.mark.parametrize("n", [1, 8])
def test_section_queries_are_bounded(two_years, n, django_assert_num_queries):
    numbers = ["01", "02", "03", "04", "05", "06", "07", "08"]
    for index in range(n):
        expo_set = ExpoSetFactory(code=f"CAFIA-{10 + index}")
        book(expo_set, numbers[index], date(2025, 5, 5), feedback=(50, 40, 3, 4))
        resource = KitResource.objects.create(
            title=f"Jeu n°{index}", kind=KitResource.Kind.GAME, description="Un jeu."
        )
        download(version(resource), numbers[index], datetime(2025, 7, 1, 9, tzinfo=PARIS))
    # year_stats: bookings, host Cafs, Cafs, feedback, months, uses, downloads (7); the
    # collection: sets, resources (2); the bookings that reached their Caf, the sets, the
    # regions and their Cafs, the resources and their downloads (4).
    with django_assert_num_queries(13):
        report.expo_section(2025)
