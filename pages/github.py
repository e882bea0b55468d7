"""GitHub: community issues and PRs per repo group and repository; no-SLA groups shown apart."""

import altair as alt
import streamlit as st

from covered import queries
from pages._ui import context, pct, table

db, f, build = context()
st.title("GitHub")
st.caption(
    "Issues and PRs opened by the community. A group without a target (the Singer ecosystem) "
    "is tracked only: it has no attainment and never counts as a breach."
)

repos = queries.github_repos(db, f)
hours = queries.github_response_hours(db, f)
unanswered = queries.github_unanswered(db, f)
if repos.empty and unanswered.empty:
    st.caption("No GitHub requests in the selected range.")

groups = list(dict.fromkeys([*repos["repo_group"], *unanswered["repo_group"]]))
for group in groups:
    st.header(str(group))
    in_group = repos[repos["repo_group"] == group]
    summary = in_group.iloc[0] if len(in_group) else None
    cols = st.columns(4)
    cols[0].metric("Requests", int(summary["requests"]) if summary is not None else 0)
    cols[1].metric("Answered", int(summary["answered"]) if summary is not None else 0)
    cols[2].metric(
        "Attainment",
        pct(summary["attainment"])
        if summary is not None and summary["met"] + summary["breached"]
        else "no SLA",
    )
    cols[3].metric("Unanswered now", int((unanswered["repo_group"] == group).sum()))

    st.subheader("Per repository")
    table(in_group.drop(columns=["repo_group"]), "No requests in the selected range.")

    st.subheader("First-response distribution")
    group_hours = hours[hours["repo_group"] == group]
    if group_hours.empty:
        st.caption("No answered requests in the selected range.")
    else:
        st.altair_chart(
            alt.Chart(group_hours)
            .mark_bar()
            .encode(
                x=alt.X(
                    "response_hours:Q", bin=alt.Bin(maxbins=30), title="Hours to first response"
                ),
                y=alt.Y("count():Q", title="Requests"),
                tooltip=[alt.Tooltip("count():Q", title="Requests")],
            )
            .properties(height=200),
            theme="streamlit",
            width="stretch",
        )

    st.subheader("Unanswered issues and PRs")
    table(
        unanswered[unanswered["repo_group"] == group].drop(columns=["repo_group"]),
        "Nothing unanswered.",
    )
