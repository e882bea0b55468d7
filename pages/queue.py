"""Queue: every unanswered request as of the build's as_of, most urgent first."""

import streamlit as st

from covered import queries
from pages._ui import context, csv_bytes, table

db, f, build = context()
st.title("Queue")
st.caption(
    f"Unanswered as of {build['as_of']:%Y-%m-%d %H:%M %Z}, most urgent first. The sidebar's "
    "channel and rule filters apply; its date range does not, since the queue is about now."
)

everything = queries.queue(db, f)
cols = st.columns([1, 1, 2])
sources = cols[0].multiselect(
    "Source", sorted(everything["source"].dropna().unique()), key="queue_sources"
)
statuses = cols[1].multiselect(
    "SLA status", sorted(everything["sla_status"].dropna().unique()), key="queue_statuses"
)
search = cols[2].text_input("Title or requester contains", key="queue_search")

narrowed = sources or statuses or search.strip()
shown = queries.queue(db, f, tuple(sources), tuple(statuses), search) if narrowed else everything
overdue = int((shown["hours_to_deadline"] < 0).sum())
cols = st.columns(3)
cols[0].metric("Unanswered", len(shown))
cols[1].metric("Overdue", overdue)
cols[2].metric("Oldest", f"{shown['age_hours'].max():.1f} h" if len(shown) else "—")

table(shown, "Nothing unanswered matches these filters.")
st.download_button(
    "Download CSV",
    csv_bytes(shown),
    file_name=f"covered-queue-{build['as_of']:%Y%m%dT%H%M}.csv",
    mime="text/csv",
    disabled=shown.empty,
)
