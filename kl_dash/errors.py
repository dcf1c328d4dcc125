"""The one error shape of kl_dash: what is wrong, where, and what was expected."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DataError:
    """One problem in an input file: file, row, column, value and what was expected."""

    file: str
    row: int | None
    column: str | None
    value: object
    expected: str
    column_word: str = "kolonne"  # "nøgle" for the key path in a TOML file
    row_word: str = "række"  # "linje" for a line in a TOML file

    def message(self) -> str:
        """The Danish text shown to users, e.g. 'a.csv, række 14, kolonne "Dato": ...'."""
        where = [self.file]
        if self.row is not None:
            where.append(f"{self.row_word} {self.row}")
        if self.column is not None:
            where.append(f'{self.column_word} "{self.column}"')
        shown = "(tom)" if self.value in (None, "") else f'"{self.value}"'
        return f"{', '.join(where)}: {shown}; forventet {self.expected}"


class KlDashError(Exception):
    """An error with a message for the user (Danish), raised at the library's edges."""


class InvalidInput(KlDashError):
    """Input that failed validation; carries every problem found (up to a limit), not the first.

    ``more`` says the input had more problems than ``errors`` lists (see config.LIMITS).
    """

    def __init__(self, errors: list[DataError], more: bool = False):
        self.errors = errors
        self.more = more
        super().__init__("\n".join(e.message() for e in errors))


def count_errors(count: int, more: bool = False) -> str:
    """'3 fejl', or 'mere end 1.000 fejl; de første 1.000 vises' when the list was cut."""
    shown = f"{count:,}".replace(",", ".")
    return f"mere end {shown} fejl; de første {shown} vises" if more else f"{shown} fejl"


class NotAKlDashDatabase(KlDashError):
    """The file exists but is not a kl_dash database (or is newer than this version)."""


class DatabaseInUse(KlDashError):
    """Another process holds the database file's lock (DuckDB allows one writer process)."""
