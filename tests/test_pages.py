"""Every page of the real app on a real example database, driven by AppTest.

A test taking ``database`` runs twice: on a DuckDB file and on PostgreSQL (tests/conftest.py).
"""

from __future__ import annotations

import io
import json
from datetime import date

import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from kl_dash import db
from kl_dash.formatting import danish_sort_key

from .conftest import PROJECT_ROOT
from .test_queries import independent_figures

PAGES = ["pages/overblik.py", "pages/kommuner.py", "pages/moeder.py", "pages/succeskriterier.py"]
PROGRAMMES = ["it-2017", "kvalitet-2017", "faellesskaber-2021"]


def open_app(monkeypatch, path, page: str | None = None, **params) -> AppTest:
    monkeypatch.setenv("KL_DASH_DB", str(path))
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def widget(elements, name: str):
    """The sidebar widget for filter ``name`` (its key carries a generation number)."""
    return next(w for w in elements if w.key and w.key.rsplit("-", 1)[0] == name)


def app_ran(at: AppTest) -> bool:
    """app.py draws the partnership chooser: proof that this run went through it."""
    return any(w.key and w.key.startswith("programme_id-") for w in at.selectbox)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def sql(database, query: str, params=()) -> list[tuple]:
    """The rows of ``query`` on the test's database, a DuckDB file or PostgreSQL alike."""
    con = db.connect(database)
    try:
        return con.execute(query, list(params)).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("programme", PROGRAMMES)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_through_app_py_for_every_partnership(
    monkeypatch, database, page, programme
):
    at = open_app(monkeypatch, database, page, partnerskab=programme)
    assert not at.exception, [e.message for e in at.exception]
    assert app_ran(at)
    assert at.title and not at.main.warning or all("uden for" in w.value for w in at.main.warning)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_a_view_of_only_withdrawn_municipalities(monkeypatch, database, page):
    at = open_app(monkeypatch, database, page, partnerskab="it-2017", status="udtraadt")
    assert not at.exception, [e.message for e in at.exception]
    assert app_ran(at) and at.title


def shown_figures(at: AppTest) -> dict:
    """What a reader sees of a page's figures: its metrics and the tables' values."""
    return {
        "metrics": metrics(at),
        "tables": [frame.value.to_dict("list") for frame in at.dataframe],
    }


@pytest.mark.parametrize("page", PAGES)
def test_every_page_on_postgresql_shows_the_figures_of_the_duckdb_file(
    monkeypatch, db_path, pg_url, page
):
    on_pg = open_app(monkeypatch, pg_url, page, partnerskab="it-2017", dato="2019-06-01")
    assert not on_pg.exception, [e.message for e in on_pg.exception]
    on_file = open_app(monkeypatch, db_path, page, partnerskab="it-2017", dato="2019-06-01")
    assert shown_figures(on_pg) == shown_figures(on_file)
    assert shown_figures(on_pg)["metrics"] or shown_figures(on_pg)["tables"]


def test_overview_figures_equal_plain_sql_on_the_status_date_in_the_url(monkeypatch, database):
    at = open_app(monkeypatch, database, partnerskab="it-2017", dato="2018-06-01")
    con = db.connect(database)
    expected = independent_figures(con, "it-2017", date(2018, 6, 1))
    con.close()
    shown = metrics(at)
    assert shown["Kommuner"] == str(expected["enrolled"])
    assert shown["Politisk aftale"] == str(expected["with_agreement"])
    assert shown["Møder afholdt"].startswith(f"{expected['meetings_held']} af ")
    assert "1. juni 2018" in " ".join(i.value for i in at.info)


def test_changing_the_status_date_changes_the_figures(monkeypatch, database):
    at = open_app(monkeypatch, database, partnerskab="faellesskaber-2021")
    assert metrics(at)["Møder afholdt"] == "4 af 4"
    widget(at.date_input, "as_of").set_value(date(2021, 12, 1)).run()
    assert not at.exception
    assert metrics(at)["Møder afholdt"] == "2 af 4"
    assert at.query_params["dato"] == "2021-12-01"


def test_url_parameters_become_filters_and_come_back_out(monkeypatch, database):
    (name,) = sql(
        database,
        "SELECT m.name FROM enrollments e JOIN municipalities m ON m.code = e.municipality_code "
        "WHERE programme_id = 'it-2017' ORDER BY m.name LIMIT 1",
    )[0]
    params = {
        "partnerskab": "it-2017",
        "dato": "2018-06-01",
        "spor": "ledelsesspor",
        "kommune": name,
        "status": "deltager",
    }
    at = open_app(monkeypatch, database, **params)
    assert not at.exception and not at.main.warning
    assert widget(at.selectbox, "group_id").value == "ledelsesspor"
    assert widget(at.selectbox, "status").value == "participating"
    assert widget(at.date_input, "as_of").value == date(2018, 6, 1)
    assert {k: at.query_params[k] for k in params} == params


def test_an_invalid_parameter_gives_a_notice_and_falls_back(monkeypatch, database):
    at = open_app(monkeypatch, database, partnerskab="it-2017", region="Atlantis", dato="i går")
    assert not at.exception
    notices = " ".join(w.value for w in at.main.warning)
    assert 'Regionen "Atlantis" findes ikke' in notices and 'Datoen "i går"' in notices
    assert widget(at.selectbox, "region").value is None
    assert "region" not in at.query_params and "dato" not in at.query_params


def test_a_filter_chosen_on_one_page_is_there_on_the_next(monkeypatch, database):
    at = open_app(monkeypatch, database, partnerskab="kvalitet-2017")
    widget(at.selectbox, "region").set_value("Syddanmark").run()
    at.switch_page("pages/kommuner.py").run()
    assert not at.exception and app_ran(at)
    assert widget(at.selectbox, "region").value == "Syddanmark"
    assert at.query_params["region"] == "Syddanmark"
    shown = at.dataframe[0].value
    assert len(shown) > 0 and set(shown["Region"]) == {"Syddanmark"}


def test_a_municipality_in_the_url_opens_its_profile(monkeypatch, database):
    code, name = sql(
        database,
        "SELECT m.code, m.name FROM enrollments e JOIN municipalities m ON m.code = "
        "e.municipality_code WHERE programme_id = 'it-2017' AND agreement_on IS NOT NULL "
        "AND withdrawn_on IS NULL ORDER BY m.name DESC LIMIT 1",
    )[0]
    ((reached,),) = sql(
        database,
        "SELECT count(*) FROM criterion_status WHERE programme_id = 'it-2017' "
        "AND municipality_code = ? AND status = 'achieved' AND assessed_on = (SELECT "
        "max(assessed_on) FROM criterion_status WHERE programme_id = 'it-2017')",
        [code],
    )
    at = open_app(monkeypatch, database, "pages/kommuner.py", partnerskab="it-2017", kommune=name)
    assert not at.exception
    assert any(h.value == f"Profil: {name}" for h in at.header)
    table = at.dataframe[0].value
    assert table.loc[table["Kommune"] == name, "Succeskriterier opnået"].item() == f"{reached} af 8"


def test_filters_that_match_nothing_give_a_sentence(monkeypatch, database):
    at = open_app(
        monkeypatch, database, "pages/kommuner.py", partnerskab="it-2017", dato="2017-06-24"
    )
    assert not at.exception
    assert any("Ingen kommuner" in i.value for i in at.info)


def test_every_page_says_so_when_a_partnership_has_no_enrollments(monkeypatch, reference_database):
    for page in PAGES:
        at = open_app(monkeypatch, reference_database, page, partnerskab="kvalitet-2017")
        assert not at.exception, (page, [e.message for e in at.exception])
        assert at.info, page
        assert not any("Eksempeldata" in i.value for i in at.sidebar.info)


@pytest.fixture
def media_files(monkeypatch):
    """A download button's file, built as a click builds it (Streamlit's own media manager)."""
    managers: list[MediaFileManager] = []
    original = MediaFileManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        managers.append(self)

    monkeypatch.setattr(MediaFileManager, "__init__", init)

    def click(button) -> bytes:
        manager = managers[-1]
        url = manager.execute_deferred(button.deferred_file_id)
        return manager._storage.get_file(url.rsplit("/", 1)[-1].split(".")[0]).content

    return click


def test_downloads_hold_exactly_the_table_shown(monkeypatch, database, media_files):
    at = open_app(
        monkeypatch, database, "pages/kommuner.py", partnerskab="it-2017", region="Hovedstaden"
    )
    shown = at.dataframe[0].value
    buttons = {
        b.proto.label: b.proto for b in at.get("download_button") if "Kommuner" in b.proto.help
    }
    csv = media_files(buttons["⬇ CSV"])
    assert csv.startswith("\ufeff".encode())
    from_csv = pd.read_csv(
        io.BytesIO(csv), sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False
    )
    assert list(from_csv.columns) == list(shown.columns)
    assert list(from_csv["Kommune"]) == list(shown["Kommune"])
    assert list(from_csv["Succeskriterier opnået"]) == list(shown["Succeskriterier opnået"])
    from_xlsx = pd.read_excel(io.BytesIO(media_files(buttons["⬇ Excel"])), dtype=str)
    assert list(from_xlsx.columns) == list(shown.columns)
    assert list(from_xlsx["Kommune"]) == list(shown["Kommune"])


def test_another_partnership_starts_from_its_own_status_date(monkeypatch, database):
    at = open_app(monkeypatch, database, partnerskab="it-2017", spor="ledelsesspor")
    assert widget(at.date_input, "as_of").value == date(2019, 12, 31)
    widget(at.selectbox, "programme_id").set_value("kvalitet-2017").run()
    assert not at.exception
    assert widget(at.date_input, "as_of").value == date(2019, 8, 31)
    assert widget(at.selectbox, "group_id").value is None
    assert dict(at.query_params) == {"partnerskab": "kvalitet-2017"}


def test_municipalities_are_listed_in_danish_order_with_aa_last(monkeypatch, database):
    at = open_app(monkeypatch, database, "pages/kommuner.py", partnerskab="it-2017")
    names = list(at.dataframe[0].value["Kommune"])
    assert names == sorted(names, key=danish_sort_key)
    assert names[-2:] == ["Aabenraa", "Aalborg"]
    options = widget(at.selectbox, "municipality_code").options
    assert options[-2:] == ["Aabenraa", "Aalborg"]


def test_the_readme_profile_link_opens_the_profile_of_a_municipality_in_that_partnership(
    monkeypatch, database
):
    import re

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    programme, name = re.search(r"`\?partnerskab=([\w-]+)&kommune=(\w+)`", readme).groups()
    at = open_app(monkeypatch, database, "pages/kommuner.py", partnerskab=programme, kommune=name)
    assert not at.exception and not at.main.warning
    assert any(h.value == f"Profil: {name}" for h in at.header)


def shown_texts(at: AppTest) -> list[str]:
    """Everything a page shows as text: Markdown (unescaped), tables, options and charts."""
    texts = [
        e.value
        for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning")
        for e in getattr(at, kind)
    ]
    for frame in at.dataframe:
        texts += [str(v) for v in frame.value.astype(str).to_numpy().ravel()]
        texts += [str(c) for c in frame.value.columns]
    texts += [str(o) for box in at.selectbox for o in box.options]
    texts += [chart.proto.spec for chart in at.get("plotly_chart")]
    return [t.replace("\\", "") for t in texts]


def example_facts(path, programme: str) -> tuple[set[str], set[str]]:
    """The example networks' names and example criteria's texts of a programme, from SQL."""
    where = "WHERE programme_id = ? AND source = 'eksempeldata'"
    networks = {n for (n,) in sql(path, f"SELECT name FROM networks {where}", [programme])}
    criteria = {t for (t,) in sql(path, f"SELECT text FROM success_criteria {where}", [programme])}
    return networks, criteria


@pytest.mark.parametrize("page", [*PAGES, "pages/om.py"])
def test_every_page_labels_the_example_facts_it_shows(monkeypatch, database, page):
    ((name,),) = sql(
        database,
        "SELECT m.name FROM enrollments e JOIN municipalities m ON m.code = e.municipality_code "
        "WHERE programme_id = 'kvalitet-2017' AND agreement_on IS NOT NULL "
        "AND withdrawn_on IS NULL ORDER BY m.name LIMIT 1",
    )
    at = open_app(monkeypatch, database, page, partnerskab="kvalitet-2017", kommune=name)
    assert not at.exception, [e.message for e in at.exception]
    texts = shown_texts(at)
    networks, criteria = example_facts(database, "kvalitet-2017")
    assert networks and criteria
    marked = 0
    for fact in networks | criteria:
        for text in texts:
            found = text.count(fact)
            labelled = text.count(f"{fact} (eksempel)") + text.count(f"{fact} (eksempel,")
            assert found == labelled, (fact, text[:300])
            marked += labelled
    for frame in at.dataframe:  # every held date shown in a table is marked
        if "Afholdt" in frame.value:
            held = [v for v in frame.value["Afholdt"] if v and v != "ikke registreret"]
            assert held and all(v.endswith("(eksempel)") for v in held), held
            marked += len(held)
    for chart in at.get("plotly_chart"):  # and in the charts' legends
        assert '"name":"Afholdt"' not in chart.proto.spec.replace(" ", "")
        marked += chart.proto.spec.count("Afholdt (eksempel)")
    assert marked, "the page shows no example fact at all"


def test_the_profile_counts_the_people_signed_up_for_every_meeting(monkeypatch, database):
    ((name,),) = sql(
        database,
        "SELECT m.name FROM enrollments e JOIN municipalities m ON m.code = e.municipality_code "
        "WHERE programme_id = 'kvalitet-2017' AND agreement_on IS NOT NULL "
        "AND withdrawn_on IS NULL ORDER BY m.name LIMIT 1",
    )
    at = open_app(
        monkeypatch, database, "pages/kommuner.py", partnerskab="kvalitet-2017", kommune=name
    )
    (attendance,) = [d.value for d in at.dataframe if "Tilmeldte" in d.value]
    assert len(attendance) and attendance["Tilmeldte"].notna().all()
    assert "Alle" in set(attendance["Gruppe/spor"])  # a meeting for every group counts too


ABOUT_SECTIONS = [
    "Formål",
    "Frister og løbetid",
    "Pris",
    "Organisering",
    "Netværk",
    "Indsatsområder",
    "Mødeplan",
    "Succeskriterier",
    "Kilder",
]


@pytest.mark.parametrize("programme", PROGRAMMES)
def test_the_about_page_shows_the_file_with_the_seed_of_every_line(
    monkeypatch, database, programme
):
    from kl_dash.reference import seeded_programmes

    (p,) = [p for p in seeded_programmes() if p.id == programme]
    at = open_app(monkeypatch, database, "pages/om.py", partnerskab=programme)
    assert not at.exception, [e.message for e in at.exception]
    assert [h.value for h in at.subheader] == ABOUT_SECTIONS
    shown = "\n".join(m.value.replace("\\", "") for m in at.markdown)
    assert f"> »{p.price_text}«" in shown and f"> »{p.purpose}«" in shown
    groups = next(d.value for d in at.dataframe if "Gruppe/spor" in d.value)
    assert list(groups["Deltagere pr. kommune"]) == [f"{g.min}–{g.max}" for g in p.groups]
    captions = [c.value.replace("\\", "") for c in at.caption[1:]]
    assert captions and all(
        c.endswith(("ikke i filen", "partnerskabets fil")) or "seeds/" in c for c in captions
    )


def test_the_about_page_names_the_follow_up_group_and_the_derived_end(monkeypatch, database):
    at = open_app(monkeypatch, database, "pages/om.py", partnerskab="kvalitet-2017")
    shown = " ".join(m.value.replace("\\", "") for m in at.markdown)
    assert "følgegruppe" in shown and "mødes to gange årligt" in shown
    assert "*Fortolkning:* Invitationen kalder partnerskabet toårigt" in shown


def test_the_about_page_of_a_database_without_examples_holds_no_example(
    monkeypatch, reference_database
):
    at = open_app(monkeypatch, reference_database, "pages/om.py", partnerskab="kvalitet-2017")
    assert not at.exception
    shown = " ".join(m.value for m in [*at.markdown, *at.caption])
    assert "(eksempel)" not in shown.replace("\\", "") and "Eksempeldata ·" not in shown
    assert "Partnerskabets fil har ingen succeskriterier." in shown.replace("\\", "")


def profile(monkeypatch, path, programme: str, **params) -> tuple[AppTest, str]:
    """A participating municipality's profile (the first by name) and that name."""
    ((name,),) = sql(
        path,
        "SELECT m.name FROM enrollments e JOIN municipalities m ON m.code = e.municipality_code "
        "JOIN programmes p ON p.id = e.programme_id WHERE programme_id = ? AND withdrawn_on "
        "IS NULL AND (agreement_on IS NOT NULL OR NOT p.requires_agreement) ORDER BY m.name "
        "LIMIT 1",
        [programme],
    )
    at = open_app(
        monkeypatch, path, "pages/kommuner.py", partnerskab=programme, kommune=name, **params
    )
    assert not at.exception, [e.message for e in at.exception]
    return at, name


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value)


@pytest.mark.parametrize("programme", PROGRAMMES)
def test_the_comparison_shows_overblik_figures_for_everyone_and_the_network(
    monkeypatch, database, programme
):
    at, name = profile(monkeypatch, database, programme)
    figures = table_with(at, "Placering blandt alle").set_index("")
    overview = metrics(open_app(monkeypatch, database, partnerskab=programme))
    assert figures.loc["Fremmøde", "Alle deltagere"] == overview["Fremmøde"]
    assert figures.loc["Succeskriterier opnået", "Alle deltagere"] == overview["Kriterier opnået"]
    (network_id,) = sql(
        database,
        "SELECT e.network_id FROM enrollments e JOIN municipalities m ON m.code = "
        "e.municipality_code WHERE e.programme_id = ? AND m.name = ?",
        [programme, name],
    )[0]
    network_view = metrics(open_app(monkeypatch, database, partnerskab=programme,
                                    netvaerk=network_id))  # fmt: skip
    (network_column,) = [c for c in figures.columns if c.startswith("Netværk")]
    assert figures.loc["Fremmøde", network_column] == network_view["Fremmøde"]


def test_the_municipalitys_place_is_counted_from_the_municipality_table(monkeypatch, database):
    at, name = profile(monkeypatch, database, "it-2017")
    listed = open_app(monkeypatch, database, "pages/kommuner.py", partnerskab="it-2017")
    everyone = listed.dataframe[0].value  # one row per municipality, counted as Overblik does
    taking_part = everyone[everyone["Status"] == "Deltager"]
    rates = {
        row["Kommune"]: int(a) / int(e)
        for _, row in taking_part.iterrows()
        if row["Møder deltaget"]
        for a, e in [row["Møder deltaget"].split(" af ")]
    }
    better = sum(rate > rates[name] for rate in rates.values())
    figures = table_with(at, "Placering blandt alle").set_index("")
    assert figures.loc["Fremmøde", "Placering blandt alle"] == f"nr. {better + 1} af {len(rates)}"


def test_each_criterion_and_group_is_compared_and_the_chart_has_three_lines(monkeypatch, database):
    at, name = profile(monkeypatch, database, "kvalitet-2017")
    criteria = table_with(at, "Opnået af alle deltagere")
    reached = [int(v.split("(")[1].split(" af ")[0]) for v in criteria["Opnået af alle deltagere"]]
    overview = open_app(monkeypatch, database, partnerskab="kvalitet-2017")
    (card,) = [m for m in overview.metric if m.label == "Kriterier opnået"]
    assert f"{sum(reached)} af " in card.proto.help
    assert set(criteria[name]) <= {"ikke påbegyndt", "i gang", "opnået", "ikke vurderet"}
    people = table_with(at, "Gns. alle deltagere")
    assert list(people["Gruppe/spor"]) == ["Kommunalt netværk", "Politikere"]
    own = at.dataframe[0].value.set_index("Kommune").loc[name]
    assert list(people[name]) == [own["Kommunalt netværk"], own["Politikere"]]
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    (chart,) = [
        c for c in specs if c["layout"]["yaxis"]["title"]["text"] == "Succeskriterier opnået"
    ]
    assert [t["name"] for t in chart["data"]] == [name, "Netværk Syd (eksempel)", "Alle deltagere"]


def test_the_comparison_follows_the_group_filter_and_offers_its_tables(monkeypatch, database):
    at, name = profile(monkeypatch, database, "it-2017", spor="ledelsesspor")
    people = table_with(at, "Gns. alle deltagere")
    assert list(people["Gruppe/spor"]) == ["Ledelsesspor"]
    assert "kun Ledelsesspor" in " ".join(c.value for c in at.caption)
    helps = " ".join(b.proto.help for b in at.get("download_button"))
    for title in ("Sammenligning", "Over tid", "Kriterier sammenlignet", "Deltagere sammenlignet"):
        assert f"{title} {name}" in helps.replace("\\", ""), title
