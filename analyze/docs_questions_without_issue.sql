-- Slack questions whose thread talks about the docs but links no GitHub issue or PR: the docs
-- follow-up that has not happened yet (newest first), with the overall share that has one.
select
    docs.created_at,
    docs.channel,
    docs.requester,
    docs.matched_keywords,
    docs.title,
    round(avg(cast(docs.has_github_link as integer)) over (), 3) as share_with_link,
    docs.link
from marts.rpt_docs_followup as docs
qualify not docs.has_github_link
order by docs.created_at desc;
