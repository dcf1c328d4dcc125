"""Danish formats for dates, numbers, money and shares, via Babel; stored text for Markdown.

Each value is formatted by Babel once per process and then remembered (a table or a heatmap
repeats the same few numbers, dates and shares in many cells).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from babel.dates import format_date as _format_date
from babel.dates import get_month_names
from babel.numbers import format_decimal, format_percent

LOCALE = "da_DK"


FORMATS_KEPT = 65_536  # values remembered per format; the least recently used go first


@lru_cache(maxsize=FORMATS_KEPT)
def format_date(value: date) -> str:
    """23. juni 2017."""
    return _format_date(value, format="d. MMMM y", locale=LOCALE)


_SHORT_MONTHS = {
    long: short
    for long, short in zip(
        get_month_names("wide", locale=LOCALE).values(),
        get_month_names("abbreviated", locale=LOCALE).values(),
        strict=True,
    )
}
_LONG_DATE = re.compile(rf"\b(\d{{1,2}}\.) ({'|'.join(_SHORT_MONTHS)}) (\d{{4}})\b")


def shorten_dates(text: str) -> str:
    """'20. september 2021 (eksempel)' -> '20. sep. 2021 (eksempel)': long dates made short."""
    return _LONG_DATE.sub(lambda m: f"{m[1]} {_SHORT_MONTHS[m[2]]} {m[3]}", text)


@lru_cache(maxsize=FORMATS_KEPT)
def format_number(value: float, decimals: int = 0) -> str:
    """1.234 or 1.234,5 (with ``decimals`` fixed places)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def format_money(value: float) -> str:
    """65.000 kr."""
    return f"{format_number(value)} kr."


@lru_cache(maxsize=FORMATS_KEPT)
def format_share(value: float) -> str:
    """0.85 -> 85 %."""
    return format_percent(value, format="#,##0 %", locale=LOCALE)


_MARKDOWN_ANYWHERE = re.compile(r"([\\`*_\[\]<>$&|~#:/])")  # ":x:", ":material/x:" are icons
_MARKDOWN_AT_START = re.compile(r"^(\s*\d*)([-+.)])")  # a list item: "- x", "1. x", "1) x"
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)")
_WORD_JOINER = "\u2060"  # invisible; breaks a web or mail address Markdown would link


def literal(value: object) -> str:
    """Text that Streamlit's Markdown shows as written: no link, image, format, icon or list.

    For stored text (names, titles, criteria) and anything typed by users, in every call
    that renders Markdown (st.markdown, st.caption, st.title, alerts, labels, help).
    The characters that start Markdown are backslash-escaped (brackets, so no link or
    image; emphasis, code, math, HTML, entities, headings, icons; a list marker at the
    start); a web or mail address, which GitHub-flavoured Markdown links even when
    escaped, gets an invisible word joiner; line breaks become spaces.
    """
    text = _AUTOLINK.sub(_WORD_JOINER, " ".join(str(value).splitlines()))
    return _MARKDOWN_AT_START.sub(r"\1\\\2", _MARKDOWN_ANYWHERE.sub(r"\\\1", text))


_AA_AT_WORD_START = re.compile(r"\baa")
_AFTER_Z = str.maketrans({"æ": "z{", "ø": "z|", "å": "z}"})


def danish_sort_key(text: str) -> str:
    """Key for Danish alphabetical order: æ, ø, å after z, and "aa" starting a word as å.

    So Ærø, Aabenraa, Aalborg and Aarhus come last, in that order, as in a Danish list.
    """
    return _AA_AT_WORD_START.sub("å", text.casefold()).translate(_AFTER_Z)
