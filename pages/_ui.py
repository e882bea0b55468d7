"""Presentation helpers shared by the pages: the router's context, number formats, tables.

Everything the pages show from the data goes through st.dataframe or st.metric, never
markdown or HTML, so text from Slack, GitHub or HubSpot is always displayed as text.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from covered.queries import Filters, Published

CONTEXT_KEY = "covered"
LINK_TEXT = "open"


def context() -> tuple[Published, Filters, dict]:
    """The published file, the sidebar filters and the build info the router stored."""
    ctx = st.session_state[CONTEXT_KEY]
    return ctx["db"], ctx["filters"], ctx["build"]


def pct(value: float | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.1%}"


def hours(value: float | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.1f} h"


def points_delta(now: float | None, before: float | None) -> str | None:
    """Change between two shares in percentage points, for st.metric's delta."""
    if now is None or before is None:
        return None
    return f"{(now - before) * 100:+.1f} pts"


# How a word of a column name reads in a header; any other word is kept as it is.
_HEADER_WORDS = {"p50": "median", "sla": "SLA", "id": "ID", "ids": "IDs", "github": "GitHub"}


def header(name: str) -> str:
    """A column name as a header: `p50_hours` reads "Median hours", `is_handled` "Handled?"."""
    words = name.split("_")
    question = words[0] == "is" and len(words) > 1
    text = " ".join(_HEADER_WORDS.get(word, word) for word in words[question:])
    return text[:1].upper() + text[1:] + ("?" if question else "")


def _column_config(df: pd.DataFrame) -> dict:
    config: dict = {}
    for column in df.columns:
        name = str(column)
        label = header(name)
        if name == "link" or name.endswith(("_link", "_url")):
            config[name] = st.column_config.LinkColumn(label, display_text=LINK_TEXT)
        elif (
            name in ("attainment", "compliance")
            or name.startswith("attainment_")
            or (name.endswith("_share"))
        ):
            config[name] = st.column_config.NumberColumn(label, format="percent")
        elif name.endswith("_hours") or name.startswith(("p50", "p90")):
            config[name] = st.column_config.NumberColumn(label, format="%.1f")
        else:
            config[name] = st.column_config.Column(label)
    return config


# A browser table of more rows than this is slow to send, and nobody scrolls that far.
MAX_TABLE_ROWS = 500


def table(df: pd.DataFrame, empty: str) -> None:
    """A read-only table with clickable links and percent formats, or a note when empty."""
    if df.empty:
        st.caption(empty)
        return
    st.dataframe(df, hide_index=True, column_config=_column_config(df), placeholder="—")


# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_bytes(df: pd.DataFrame) -> bytes:
    """The table as CSV, with text that a spreadsheet would run as a formula made inert."""
    safe = df.copy()
    for column in safe.select_dtypes(include=["object", "string"]).columns:
        safe[column] = safe[column].map(
            lambda value: (
                f"'{value}"
                if isinstance(value, str) and value.startswith(FORMULA_PREFIXES)
                else value
            )
        )
    return safe.to_csv(index=False).encode()
