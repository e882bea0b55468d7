"""Slack: who answers, ✅ coverage, escalation tagging and docs follow-up."""

import streamlit as st

from covered import queries
from pages._ui import context, hours, pct, table

db, f, build = context()
st.title("Slack")

channels = queries.slack_channels(db, f)
total = channels.iloc[-1] if len(channels) else None
esc = queries.escalations(db, f)
cols = st.columns(4)
cols[0].metric(
    "Community answer share",
    pct(total["community_share"] if total is not None else None),
    help="Answered requests whose first qualifying reply came from the community.",
)
cols[1].metric(
    "✅ coverage",
    pct(total["handled_share"] if total is not None else None),
    help="Answered requests that carry a ✅ reaction.",
)
cols[2].metric("Escalations tagged", pct(esc["tagged_share"]), help="SME or user-group mention.")
cols[3].metric("p50 escalation to engineering reply", hours(esc["p50_hours"]))

st.subheader("Answers by channel")
table(channels, "No Slack requests in the selected range.")

st.subheader("Answered but not marked ✅")
table(
    queries.report(db, "rpt_unmarked_threads", f),
    "Every answered thread in the range carries a ✅.",
)

st.subheader("Escalations")
table(queries.report(db, "rpt_escalations", f), "No escalations in the selected range.")
st.caption(
    f"{esc['escalations']} escalations, {esc['tagged']} tagged, {esc['answered']} answered; "
    f"p90 to the first engineering reply {hours(esc['p90_hours'])}."
)

st.subheader("Docs follow-up")
docs = queries.report_share(db, "rpt_docs_followup", "has_github_link", f)
st.metric(
    "Docs questions with a linked issue or PR",
    pct(docs["share"]),
    help=f"{docs['true']} of {docs['rows']} docs-related threads link a GitHub issue or PR.",
)
table(
    queries.report(db, "rpt_docs_followup", f),
    "No docs-related threads in the selected range.",
)
