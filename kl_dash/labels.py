"""Danish words for the codes stored in the database, and the interface's fixed texts.

Codes are English identifiers; users read and write the Danish words (pages, CSV, TOML).
"""

from __future__ import annotations

GROUP_KINDS = {
    "political": "politisk",
    "management": "ledelse",
    "track": "spor",
    "network": "netværk",
}

MEETING_TYPES = {
    "conference": "konference",
    "seminar": "seminar",
    "workshop": "workshop",
    "theme_day": "temadag",
    "partnership_meeting": "partnerskabsmøde",
    "municipality_visit": "kommunebesøg",
}

# The same, counted: "3 seminarer, 5 temadage".
MEETING_TYPES_PLURAL = {
    "conference": "konferencer",
    "seminar": "seminarer",
    "workshop": "workshops",
    "theme_day": "temadage",
    "partnership_meeting": "partnerskabsmøder",
    "municipality_visit": "kommunebesøg",
}

MEETING_FORMS = {"physical": "fysisk", "virtual": "virtuelt"}

# Where a meeting of the plan stands on the status date (queries.meeting_plan's status).
MEETING_STATUS = {
    "held": "afholdt",
    "overdue": "ikke registreret",
    "planned": "planlagt",
}

# A meeting for every network (it has no network of its own).
ALL_NETWORKS = "Alle"

FOCUS_SELECTION = {"fixed": "fast", "chosen": "valgfri"}

# A note of a programme file: the topic it is about (and the heading it is shown under on
# "Om partnerskabet"), and whether it quotes the seed or is kl_dash's reading of it.
NOTE_TOPICS = {
    "purpose": "formål",
    "run": "løbetid",
    "deadlines": "frister",
    "price": "pris",
    "organisation": "organisering",
    "networks": "netværk",
    "focus_areas": "indsatsområder",
    "meetings": "mødeplan",
    "criteria": "succeskriterier",
}
NOTE_KINDS = {"quote": "citat", "interpretation": "fortolkning"}

# The steps of an enrollment that enrollment_progress counts over time.
ENROLLMENT_STEPS = {
    "interest": "Tilkendegivet interesse",
    "agreement": "Politisk aftale",
    "withdrawn": "Udtrådt",
}

# A meeting for every group and track (it has no group of its own).
ALL_GROUPS = "Alle"

# Whom a municipality's profile compares it with (queries.comparison's groups).
COMPARISON_GROUPS = {
    "municipality": "Kommunen",
    "network": "Netværket",
    "everyone": "Alle deltagere",
}

ENROLLMENT_STATUS = {
    "participating": "Deltager",
    "awaiting_agreement": "Afventer politisk aftale",
    "withdrawn": "Udtrådt",
}

CRITERION_STATUS = {
    "not_started": "ikke påbegyndt",
    "in_progress": "i gang",
    "achieved": "opnået",
}

EXAMPLE_SOURCE = "eksempeldata"

# Put after an example fact wherever it is shown: a network, a criterion, a held date.
EXAMPLE_MARK = "(eksempel)"

# Put after a withdrawn municipality's name where it is listed apart from those taking part.
WITHDRAWN_MARK = "(udtrådt)"

APP_TITLE = "KL partnerskaber"
EXAMPLE_NOTICE = (
    "Eksempeldata: tilmeldinger, deltagere, fremmøde og vurderinger i denne database er "
    "opfundne eksempler, ikke virkelige tal. Det samme gælder alt, der er mærket "
    f"{EXAMPLE_MARK}: netværk, afholdte datoer og succeskriterier, som invitationen ikke "
    "fastsætter. Formål, frister, pris, grupper, mødeplan og de umærkede succeskriterier er "
    "KL's invitationer (se Om partnerskabet)."
)


def code_for(words: dict[str, str], word: str) -> str | None:
    """The code whose Danish word is ``word`` (case-insensitive), or None."""
    wanted = word.strip().lower()
    return next((code for code, w in words.items() if w == wanted), None)


def allowed(words: dict[str, str]) -> str:
    """'"a", "b" eller "c"': the Danish words a field accepts, for error messages."""
    quoted = [f'"{w}"' for w in words.values()]
    return ", ".join(quoted[:-1]) + f" eller {quoted[-1]}"


# What the rows of each table are called, for summaries such as "83 tilmeldinger".
TABLE_NOUNS = {
    "municipalities": "kommuner",
    "municipality_aliases": "navnevarianter",
    "programmes": "partnerskaber",
    "programme_groups": "grupper og spor",
    "networks": "netværk",
    "focus_areas": "indsatsområder",
    "enrollments": "tilmeldinger",
    "enrollment_focus_areas": "valgte indsatsområder",
    "participants": "deltagertal",
    "meetings": "møder",
    "attendance": "fremmøderegistreringer",
    "success_criteria": "succeskriterier",
    "programme_notes": "noter om partnerskaber",
    "criterion_status": "vurderinger af succeskriterier",
    "uploads": "uploads",
    "dataset_info": "datasætoplysninger",
}


def count_summary(counts: dict[str, int], tables: tuple[str, ...] | None = None) -> str:
    """'98 kommuner, 3 partnerskaber, ...' for the given tables (default: all non-empty)."""
    from .formatting import format_number

    chosen = tables or tuple(t for t in TABLE_NOUNS if counts.get(t))
    return ", ".join(f"{format_number(counts.get(t, 0))} {TABLE_NOUNS[t]}" for t in chosen) or (
        "ingen rækker"
    )


LOCAL_MODE_NOTICE = (
    "Lokal tilstand: der er ingen brugere, så alt er tilladt. Appen svarer kun på denne "
    "maskine (127.0.0.1). Opret en bruger med kl-dash user add for at kræve login."
)

PROGRESS_NOTE = (
    "Kurverne tæller alle kommuner, der har taget skridtet, også dem der senere er udtrådt; "
    "nøgletallene ovenfor tæller kun dem, der stadig er med."
)
