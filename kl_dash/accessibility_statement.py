"""The accessibility statement (tilgængelighedserklæring), as Danish public bodies publish one.

Laid out as Digitaliseringsstyrelsen's model (EU's model statement, decision 2018/1523): what
it covers, how far it complies and what does not, how that was found, whom to contact, and
the complaint route. The known gaps are listed honestly; update them, and the date, when the
app changes (tests/e2e/test_accessibility.py is what "tested" refers to).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kl_dash import config
from kl_dash.formatting import format_date

TITLE = "Tilgængelighedserklæring"
PREPARED_ON = date(2026, 11, 24)
DEFAULT_CONTACT = (
    "KL's sekretariat for partnerskabet: kontaktpersonerne står i invitationen til "
    "partnerskabet, og sekretariatet svarer på skrift og på telefon."
)
COMPLAINTS_URL = (
    "https://digst.dk/digital-inklusion/webtilgaengelighed/oplever-du-ikke-tilgaengeligt-indhold/"
)

# What does not comply (WCAG 2.1 AA), each with the success criterion and what to do instead.
KNOWN_GAPS = (
    "Streamlit, som dashboardet er bygget med, giver nogle af sine egne knapper og felter "
    "engelske navne, som en skærmlæser læser op: hjælpeknapperne hedder »Help for …«, "
    "rullelisterne har en knap »Open«, datofelterne »Choose date« med delene »day«, »month« og "
    "»year«, og kalenderen viser engelske måneds- og ugedagsnavne; sidepanelets knap hedder "
    "»Collapse sidebar«, menuen »App pages«, genvejen til indholdet »Skip to main content«, og "
    "mens en side opdateres, står der »Running…« og »Stop« øverst. Tabellernes knapper hedder "
    "»Show/hide columns«, »Download as CSV«, »Search« og »Fullscreen«, og upload-knappen hedder "
    "»Upload«. Det kan ikke oversættes i den Streamlit-version, dashboardet bruger (WCAG 3.1.2 "
    "Sprog i dele, 2.5.3 Label i navn). Feltets danske overskrift står altid ved siden af.",
    "Tabellerne tegnes af Streamlit som et gitter, som en skærmlæser kun delvis kan læse celle "
    "for celle (WCAG 1.3.1 Information og relationer). Hver tabel kan hentes som CSV og Excel "
    "med præcis de rækker og kolonner, der vises.",
    "Diagrammerne har en tekst, der siger, hvad de viser, og knappen »Vis som tabel« viser de "
    "samme tal som tabel. Kortet og varmekortene er dog lettest at aflæse med synet; brug "
    "tabellen (WCAG 1.1.1 Ikke-tekstbaseret indhold).",
    "På en telefon (under ca. 500 punkter i bredden) er varmekortet over fremmøde smalt: kun "
    "hvert andet eller tredje møde har sit nummer over kolonnen, og tallene i cellerne bliver så "
    "små, at de er svære at læse. Brug »Vis som tabel«, drej skærmen, eller brug en bredere "
    "skærm (WCAG 1.4.10 Ombrydning).",
    "Statusrapporten som PowerPoint er ikke gennemgået for tilgængelighed. Brug PDF-udgaven, "
    "som er mærket til skærmlæsere (PDF/UA) og har samme indhold.",
)

TESTED = (
    "Erklæringen bygger på en selvevaluering. Ved hver ændring af dashboardet kører en "
    "automatisk test i browseren Chromium: axe-core kontrollerer reglerne for WCAG 2.0 og 2.1, "
    "niveau A og AA, på hver side (også en kommunes profil, upload med fejl og med "
    "forhåndsvisning, og login-siden) og finder ingen fejl. Testene kontrollerer også, at siden "
    "er på dansk, at hvert diagram har en tekst, at siderne kan bruges med tastaturet alene, og "
    "at de kan læses på skærme fra 390 til 1440 punkter i bredden. Dashboardet er ikke testet "
    "af en ekstern part eller af brugere af skærmlæser."
)


@dataclass(frozen=True)
class Section:
    """One heading of the statement and its text (Markdown)."""

    title: str
    text: str


def contact(environ: dict[str, str] | None = None) -> str:
    """Whom readers contact: KL_DASH_CONTACT, or the secretariat named in the invitation."""
    return config.CONTACT.value(environ) or DEFAULT_CONTACT


def sections(environ: dict[str, str] | None = None) -> list[Section]:
    """The statement, heading by heading, in Danish."""
    gaps = "\n".join(f"- {gap}" for gap in KNOWN_GAPS)
    return [
        Section(
            "Hvad erklæringen gælder",
            "KL (Kommunernes Landsforening) ønsker, at alle kan bruge partnerskabsdashboardet, "
            "jf. lov om tilgængelighed af offentlige organers websteder og mobilapplikationer "
            "(webtilgængelighedsloven). Erklæringen gælder dashboardet, hvor KL og kommunerne i "
            "de fælleskommunale partnerskaber følger tilmeldinger, møder, fremmøde og "
            "succeskriterier: alle dets sider, også login-siden, og de statusrapporter og "
            "profiler, der hentes fra det.",
        ),
        Section(
            "Overholdelse",
            "Dashboardet overholder delvist webtilgængelighedsloven og standarden EN 301 549 "
            "(WCAG 2.1, niveau AA) på grund af de mangler, der står nedenfor.",
        ),
        Section("Indhold, der ikke er tilgængeligt", gaps),
        Section(
            "Sådan er det undersøgt",
            f"{TESTED}\n\nErklæringen er udarbejdet den {format_date(PREPARED_ON)}.",
        ),
        Section(
            "Feedback og kontakt",
            "Oplever du noget i dashboardet, du ikke kan bruge, eller har du brug for "
            "oplysningerne i en anden form, så kontakt os, så hjælper vi dig: "
            f"{contact(environ)}",
        ),
        Section(
            "Klage",
            "Får du ikke et tilfredsstillende svar, eller intet svar inden for 10 "
            "arbejdsdage, kan du henvende dig til Digitaliseringsstyrelsen, som fører tilsyn "
            "med webtilgængelighedsloven: "
            f"[Oplever du ikke-tilgængeligt indhold?]({COMPLAINTS_URL})",
        ),
    ]
