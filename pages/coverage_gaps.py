"""Coverage gaps: when requests arrive and when the breached ones arrived, in team time."""

import altair as alt
import streamlit as st

from covered import queries
from pages._ui import context

db, f, build = context()
st.title("Coverage gaps")
st.caption(
    f"Requests by the weekday and hour they arrived, in the team's time zone ({f.tz}), "
    "against those that breached their target."
)

grid = queries.arrivals_by_hour(db, f)
cols = st.columns(2)
cols[0].metric("Arrivals", int(grid["arrivals"].sum()))
cols[1].metric("Breaches", int(grid["breaches"].sum()))
if grid.empty:
    st.caption("No requests in the selected range.")
else:
    for col, measure in zip(st.columns(2), ["arrivals", "breaches"], strict=True):
        col.altair_chart(
            alt.Chart(grid)
            .mark_rect()
            .encode(
                x=alt.X("hour:O", title="Hour"),
                y=alt.Y("weekday_name:O", sort=alt.SortField("weekday"), title=None),
                color=alt.Color(f"{measure}:Q", title=measure.capitalize()),
                tooltip=["weekday_name:N", "hour:O", "arrivals:Q", "breaches:Q"],
            )
            .properties(title=measure.capitalize(), height=240),
            theme="streamlit",
            width="stretch",
        )
