"""Responders: who gives first responses, and responders missing from the roster."""

import altair as alt
import streamlit as st

from covered import queries
from pages._ui import context, table

db, f, build = context()
st.title("Responders")

people = queries.first_responders(db, f)
kinds = people.groupby("responder_kind", as_index=False)["first_responses"].sum()
cols = st.columns(max(len(kinds), 1))
for col, (_, kind) in zip(cols, kinds.iterrows(), strict=False):
    col.metric(f"First responses by {kind['responder_kind']}", int(kind["first_responses"]))

st.subheader("First responses by person")
if not people.empty:
    st.altair_chart(
        alt.Chart(people.head(25))
        .mark_bar()
        .encode(
            x=alt.X("first_responses:Q", title="First responses"),
            y=alt.Y("responder:N", sort="-x", title=None),
            color=alt.Color("responder_kind:N", title="Kind"),
            tooltip=["responder:N", "responder_kind:N", "first_responses:Q"],
        ),
        theme="streamlit",
        width="stretch",
    )
table(people, "No first responses in the selected range.")

st.subheader(
    "Unknown responders",
    help="People who replied but are not on the roster: add them to team_members.csv.",
)
table(queries.report(db, "rpt_unknown_responders", f), "Every responder is known.")
