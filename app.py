"""Covered dashboard: the router.

Sets up the page, the shared sidebar filters (kept in st.session_state because the widgets are
drawn here on every page) and the data-freshness note, then runs the chosen page. The pages
read only the published copy, through covered.queries.

    streamlit run app.py          # COVERED_PUBLISHED picks the file (docs/architecture.md)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import streamlit as st

from covered import queries
from pages._ui import CONTEXT_KEY

DEFAULT_WEEKS = 16

st.set_page_config(page_title="Covered: support coverage", page_icon="✅", layout="wide")

# URL paths differ from the file names on purpose. Streamlit treats a pages/ folder as an old-style
# multipage app until the first st.navigation call of the process (AppTest: of every run), and
# would then run a page file whose name matches the URL directly, without this router.
page = st.navigation(
    [
        st.Page(
            "pages/overview.py",
            title="Overview",
            icon=":material/monitoring:",
            url_path="home",
            default=True,
        ),
        st.Page("pages/queue.py", title="Queue", icon=":material/inbox:", url_path="unanswered"),
        st.Page("pages/slack.py", title="Slack", icon=":material/forum:", url_path="slack-process"),
        st.Page(
            "pages/github.py", title="GitHub", icon=":material/code:", url_path="github-issues"
        ),
        st.Page(
            "pages/hubspot.py",
            title="Email, security and chat",
            icon=":material/mail:",
            url_path="email-security-chat",
        ),
        st.Page(
            "pages/responders.py",
            title="Responders",
            icon=":material/group:",
            url_path="first-responders",
        ),
        st.Page(
            "pages/coverage_gaps.py",
            title="Coverage gaps",
            icon=":material/schedule:",
            url_path="coverage-gaps",
        ),
    ]
)

NO_DATA = {
    "missing": "No published data yet. Build it with `make demo` (generated demo data) or "
    "`covered pipeline --data DIR`; the dashboard picks it up on the next refresh.",
    "empty": "The published copy holds no support requests yet. Run the pipeline on data "
    "with activity (`make demo`, or `covered pipeline --data DIR`) and refresh.",
    "unreadable": "The published copy cannot be read. Rerun the pipeline (`make demo` or "
    "`covered pipeline --data DIR`) to publish a fresh copy.",
}


def freshness(build: dict) -> None:
    """Sidebar note on when the data was built, and a warning once it is stale."""
    interval, source = queries.schedule_interval_minutes()
    age = datetime.now(UTC) - build["built_at"]
    st.caption(
        f"Data as of {build['as_of']:%Y-%m-%d %H:%M %Z}, "
        f"refreshed {build['built_at']:%Y-%m-%d %H:%M %Z}."
    )
    if age > timedelta(minutes=2 * interval):
        st.warning(
            f"Stale: last refresh {age.total_seconds() / 3600:.1f} h ago; the pipeline "
            f"should run every {interval} min ({source})."
        )


def sidebar(db: queries.Published) -> None:
    tz = queries.team_timezone(db)
    build = queries.build_info(db, tz)
    options = queries.filter_options(db, tz)
    last_day = build["as_of_date"]
    first_day = max(options["first_date"], last_day - timedelta(weeks=DEFAULT_WEEKS))
    with st.sidebar:
        picked = st.date_input(
            f"Date range ({tz})", value=(first_day, last_day), key="filter_dates"
        )
        channels = st.multiselect(
            "Channel", options["channels"], key="filter_channels", placeholder="All channels"
        )
        rules = st.multiselect(
            "Rule", options["rules"], key="filter_rules", placeholder="All rules"
        )
        freshness(build)
    # The range picker returns one date while the user is still choosing the second.
    start, end = (picked[0], picked[-1]) if picked else (first_day, last_day)
    st.session_state[CONTEXT_KEY] = {
        "db": db,
        "build": build,
        "filters": queries.Filters(start, end, tuple(channels), tuple(rules), tz),
    }


db = queries.published()
state, detail = queries.data_state(db)
if state == "ok":
    try:
        sidebar(db)
        page.run()
    except duckdb.Error as error:
        # A copy published by a different version of the models: say so in one line.
        st.error(
            "The published copy does not have what this page reads. Rerun the pipeline "
            "(`make demo` or `covered pipeline --data DIR`) to publish a fresh copy."
        )
        st.text(str(error).splitlines()[0])
else:
    st.title(page.title)
    st.info(NO_DATA[state], icon=":material/info:")
    st.text(f"{queries.published_path()}: {detail}")
