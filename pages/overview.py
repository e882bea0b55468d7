"""Overview: attainment this week vs last, response times, unanswered now, weekly trends."""

import altair as alt
import pandas as pd
import streamlit as st

from covered import queries
from pages._ui import context, hours, pct, points_delta, table

db, f, build = context()
st.title("Overview")
st.caption(
    f"This week starts {build['this_week']} ({f.tz}); it is compared with the week before. "
    "Attainment = met / (met + breached); response times count answered requests only, so "
    "the unanswered count sits next to them. Trends follow the sidebar's date range."
)

h = queries.headline(db, f, build["this_week"])
cols = st.columns(5)
cols[0].metric(
    "Attainment this week",
    pct(h["attainment_this"]),
    delta=points_delta(h["attainment_this"], h["attainment_last"]),
    help=f"Last week: {pct(h['attainment_last'])}",
)
cols[1].metric("Requests this week", h["requests_this"])
cols[2].metric("p50 first response", hours(h["p50_hours"]), help="Requests created this week.")
cols[3].metric("p90 first response", hours(h["p90_hours"]), help="Requests created this week.")
cols[4].metric("Unanswered now", h["unanswered"], help=f"{h['overdue']} past their deadline")

st.subheader("Per rule and channel")
table(
    queries.week_comparison(db, f, build["this_week"]),
    "No requests this week or last, and nothing unanswered.",
)

st.subheader("Weekly attainment")
weekly = queries.weekly_attainment(db, f)
if weekly.empty:
    st.caption("No weeks with requests in the selected range.")
else:
    lines = (
        alt.Chart(weekly)
        .mark_line(point=True)
        .encode(
            x=alt.X("week_start:T", title="Week"),
            y=alt.Y(
                "attainment:Q",
                title="Attainment",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color("rule_id:N", title="Rule"),
            tooltip=["week_start:T", "rule_id:N", "met:Q", "breached:Q", "requests:Q"],
        )
    )
    full = (
        alt.Chart(pd.DataFrame({"attainment": [1.0]}))
        .mark_rule(strokeDash=[4, 4])
        .encode(y="attainment:Q")
    )
    st.altair_chart(lines + full, theme="streamlit", width="stretch")

st.subheader("Weekly first-response time")
st.caption(
    "p50 and p90 per rule, in business hours for business-hour rules; "
    "the dashed line is the rule's target."
)
response = queries.weekly_response_hours(db, f)
targets = queries.rule_targets(db).set_index("rule_id")
if response.empty:
    st.caption("No requests in the selected range.")
rules = list(response["rule_id"].drop_duplicates())
for row_start in range(0, len(rules), 2):
    for col, rule in zip(st.columns(2), rules[row_start : row_start + 2], strict=False):
        data = response[response["rule_id"] == rule].melt(
            id_vars=["week_start"],
            value_vars=["p50", "p90"],
            var_name="percentile",
            value_name="hours",
        )
        chart = (
            alt.Chart(data)
            .mark_line(point=True)
            .encode(
                x=alt.X("week_start:T", title="Week"),
                y=alt.Y("hours:Q", title="Hours"),
                color=alt.Color("percentile:N", title=None),
                tooltip=["week_start:T", "percentile:N", alt.Tooltip("hours:Q", format=".1f")],
            )
            .properties(title=rule, height=220)
        )
        target = targets.loc[rule] if rule in targets.index else None
        if target is not None and target["target_kind"] in queries.HOUR_TARGET_KINDS:
            chart += (
                alt.Chart(pd.DataFrame({"hours": [target["target_value"]]}))
                .mark_rule(strokeDash=[4, 4])
                .encode(y="hours:Q")
            )
        col.altair_chart(chart, theme="streamlit", width="stretch")
