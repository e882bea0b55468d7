"""Text pools for generated messages, issues and tickets."""

from __future__ import annotations

import random

TAPS = [
    "tap-postgres",
    "tap-github",
    "tap-salesforce",
    "tap-csv",
    "tap-snowflake",
    "tap-mysql",
    "tap-hubspot",
    "tap-google-analytics",
    "tap-stripe",
    "tap-jira",
    "tap-rest-api-msdk",
]
TARGETS = [
    "target-postgres",
    "target-snowflake",
    "target-duckdb",
    "target-jsonl",
    "target-bigquery",
]
ERRORS = (
    "ModuleNotFoundError: No module named 'singer_sdk'",
    "StateIDLockedError: state is locked by another run",
    "psycopg2.OperationalError: connection to server refused",
    "KeyError: 'replication_key'",
    "403 Client Error: Forbidden for url",
    "BrokenPipeError: [Errno 32] Broken pipe",
    "jsonschema.exceptions.ValidationError: None is not of type 'string'",
    "pip._vendor.resolvelib.ResolutionImpossible",
)
PLATFORMS = ("Kubernetes", "ECS", "a Raspberry Pi", "GitHub Actions", "Airflow", "Dagster")

QUESTIONS = (
    "Has anyone seen `{error}` when running `meltano run {tap} {target}`?",
    "How do I configure incremental replication for {tap}? Can't get the bookmark to stick.",
    "What's the recommended way to deploy meltano on {platform}?",
    "I'm getting `{error}` after upgrading to meltano 3.{minor}",
    "Is there a way to select only some streams from {tap}?",
    "{tap} -> {target} is really slow for a 40M row table, any tuning tips?",
    "Quick question: does {target} support schema evolution when a column is added?",
    "My pipeline works locally but in {platform} it fails with `{error}`",
    "Can I run two taps in parallel with one `meltano run`?",
    "How do environment variables override `meltano.yml` settings for {tap}?",
)
ANSWERS = (
    "Try `meltano install --clean` and run it again, that usually fixes it.",
    "You need to set `replication_key` in the stream metadata, e.g. `metadata: {{'*': ...}}`.",
    "That's a known issue with older versions of {tap}, please upgrade.",
    "Can you share the output of `meltano --log-level=debug run ...`?",
    "Looks like a permissions problem: the user needs USAGE on the schema.",
    "Use `select:` in meltano.yml with `stream.*` patterns.",
    "The state backend is locked from a crashed run: `meltano state clear` helps.",
    "I had the same thing on {platform}; pinning the python version to 3.11 fixed it.",
)
FOLLOWUPS = (
    "That worked, thanks a lot! 🙏",
    "Still failing with the same error :(",
    "Thanks, trying that now.",
    "Here is the debug log: ```{error}```",
    "Perfect, that was it 🎉",
    "Makes sense, thank you!",
)
BUMPS = ("Any ideas anyone?", "bump 🙂", "Still stuck on this, any help appreciated")
ESCALATIONS = (
    "Escalating from #troubleshooting: a user hits `{error}` with {tap}, can someone take a look?",
    "Customer report: {target} drops rows on schema change. Needs engineering eyes.",
    "Is `{error}` in {tap} a regression from the last release?",
    "Question from the community about state handling in {tap}, I'm out of my depth here.",
)
CASUAL = (
    "Happy Friday everyone! 🎉",
    "Anyone going to the data meetup next week?",
    "Just shipped my first pipeline with meltano, thanks all!",
    "Cool article on ELT patterns: https://example.org/elt-patterns",
)
ANNOUNCEMENTS = (
    "📣 meltano 3.{minor} is out! Release notes: https://github.com/meltano/meltano/releases",
    "Office hours this Thursday at 11:00 ET, bring your questions!",
    "We're migrating the docs site this weekend, expect short downtime.",
)
DOCS_REPLIES = (
    "This is covered in the docs: https://docs.meltano.com/guide/configuration",
    "The documentation for this is outdated, sorry about that.",
    "Good catch, our docs don't mention this at all.",
)
MULTILINGUAL = (
    "在 Windows 上安装 meltano 失败，有人遇到过吗？ 🙏",  # noqa: RUF001 - real CJK punctuation
    "tap-postgres の増分同期が動きません。助けてください 😭",
    "مرحبا، كيف أقوم بتثبيت meltano على ويندوز؟",
    "Привет! Как настроить state backend в S3? 🚀",
    "emoji test 🚀🔥✨ 👩🏽‍💻 🇧🇷 done",
)
ISSUE_TITLES = (
    "{tap}: `{error}` on incremental sync",
    "Support for {platform} deployments",
    "{target} fails when a column is renamed",
    "Docs: clarify how to use environment variables",
    "Add a `--dry-run` flag to `meltano run`",
    "Crash with `{error}`",
    "Bump the minimum Python version",
    "Feature request: parallel streams in {tap}",
)
PR_TITLES = (
    "fix: handle null replication keys in {tap}",
    "feat: add {platform} deployment guide",
    "chore: refactor sink batching",
    "docs: fix typo in the getting started guide",
    "fix: retry on 429 responses",
    "feat: support schema evolution in {target}",
)
COMMENTS = (
    "Thanks for the report! Can you share your meltano.yml?",
    "I can reproduce this on the main branch.",
    "This is a duplicate of an older issue, closing in favour of it.",
    "LGTM, thanks for the contribution 🙌",
    "Could you add a test for this case?",
    "Any update on this? We are blocked by it.",
    "I'd be happy to open a PR for this.",
    "Released in the latest version, please upgrade.",
)
REVIEW_COMMENTS = (
    "nit: this could be a constant",
    "Should this handle the empty case?",
    "Please add a type annotation here.",
    "Can we avoid the extra API call?",
)
TICKET_SUBJECTS = (
    "Pipeline failing since yesterday",
    "Question about the Meltano Cloud invoice",
    "Cannot connect {tap} to our database",
    "Help with migrating from another ELT tool",
    "Data missing after sync with {target}",
    "Account access problem",
)
SECURITY_SUBJECTS = (
    "Possible credential leak in logs",
    "Vulnerability report: SSRF in webhook handler",
    "Dependency with known CVE in {tap}",
    "Responsible disclosure: XSS in the hub website",
)
CHAT_OPENERS = (
    "Hi, do you offer an enterprise plan?",
    "We need a quote for 20 connectors, who can help?",
    "We have an RFP for a data integration platform, can we send it?",
    "Hi, my pipeline fails with `{error}`",
    "Is there a free trial?",
    "How do I reset my password?",
)
AGENT_REPLIES = (
    "Thanks for reaching out! Let me look into this.",
    "Hi! Happy to help, could you share more details?",
    "We've received your message and are on it.",
    "Update: our engineers are still investigating, we'll get back to you shortly.",
)


def fill(rng: random.Random, template: str) -> str:
    return template.format(
        tap=rng.choice(TAPS),
        target=rng.choice(TARGETS),
        error=rng.choice(ERRORS),
        platform=rng.choice(PLATFORMS),
        minor=rng.randrange(1, 8),
    )


def pick(rng: random.Random, pool: tuple[str, ...]) -> str:
    return fill(rng, rng.choice(pool))
