"""Email, security and chat: HubSpot tickets and live chats."""

import streamlit as st

from covered import queries
from pages._ui import context, pct, table

db, f, build = context()
st.title("Email, security and chat")
st.caption(
    "Compliance = met / (met + breached) against each rule's target (next-business-day "
    "acknowledgement for security reports, business hours for email and live chat)."
)

rules = queries.hubspot_rules(db, f)
if not rules.empty:
    for col, (_, rule) in zip(st.columns(len(rules)), rules.iterrows(), strict=True):
        col.metric(f"{rule['rule_id']} compliance", pct(rule["compliance"]))
table(rules, "No HubSpot requests in the selected range.")

st.subheader("Update gaps on open security reports")
gaps = queries.report_share(db, "rpt_security_update_gaps", "is_gap_breached", f)
st.metric(
    "Open security reports past the update target",
    f"{gaps['true']} of {gaps['rows']}",
)
table(
    queries.report(db, "rpt_security_update_gaps", f),
    "No open security reports in the selected range.",
)

st.subheader("Live-chat routing")
routing = queries.report_share(db, "rpt_live_chat_routing", "is_routed_correctly", f)
st.metric(
    "Chats routed to the right owner",
    pct(routing["share"]),
    help=f"{routing['true']} of {routing['rows']} chats; pre-sales and RFPs go to the "
    "pre-sales owner, everything else to the support owner.",
)
st.subheader("Misrouted chats")
table(
    queries.report(db, "rpt_live_chat_routing", f, failing="is_routed_correctly"),
    "No misrouted chats in the selected range.",
)
