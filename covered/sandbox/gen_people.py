"""The people of the demo dataset: the team roster and the community around it."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from covered.sandbox.gen_common import DAY_SECONDS, Calendar

ID_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
COMPANY_DOMAIN = "meltano.com"

FIRST = [
    "Ana",
    "Ben",
    "Chloe",
    "Diego",
    "Emma",
    "Farid",
    "Gabriel",
    "Hana",
    "Ivan",
    "Julia",
    "Kofi",
    "Lena",
    "Mateo",
    "Nina",
    "Oscar",
    "Paula",
    "Quinn",
    "Rosa",
    "Stefan",
    "Tara",
    "Umar",
    "Vera",
    "Wei",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Aiden",
    "Bianca",
    "Carlos",
    "Dmitri",
    "Elif",
    "Felix",
    "Greta",
    "Hugo",
    "Ines",
    "Jamal",
    "Karin",
    "Liam",
    "Maya",
    "Noah",
    "Olga",
    "Pedro",
    "Rania",
    "Sven",
    "Tomás",
    "Uma",
    "Viktor",
]
LAST = [
    "Adams",
    "Bauer",
    "Costa",
    "Dubois",
    "Eriksen",
    "Ferreira",
    "Garcia",
    "Hoffmann",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Moreau",
    "Nakamura",
    "Olsen",
    "Popescu",
    "Quintero",
    "Rossi",
    "Silva",
    "Tanaka",
    "Usman",
    "Varga",
    "Wagner",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Novak",
    "Okoro",
    "Patel",
    "Reyes",
    "Schmidt",
    "Torres",
    "Nguyen",
    "Müller",
    "Larsen",
    "Mendes",
    "Brennan",
    "Achebe",
]
# Non-Latin real names: the dashboard must render them.
NON_LATIN = (
    "王芳",
    "李伟",
    "佐藤 健",
    "김민준",
    "ليلى حداد",
    "يوسف منصور",
    "Иван Петров",
    "Δημήτρης",
)
USER_TZS = [
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Madrid",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "America/Sao_Paulo",
    "Australia/Sydney",
    "Africa/Lagos",
]

# person, role, duties, github login, has a HubSpot owner, joined/left (days before anchor)
ROSTER = (
    ("Alex Rivera", "devrel", "live_chat_owner", "arivera-dev", True, None, None),
    ("Priya Natarajan", "devrel", "", "priyanat", True, None, None),
    ("Sam Okafor", "devrel", "", "samokafor", False, None, None),
    ("Mei Lin", "engineering", "sme:dbt", "meilin-data", False, None, None),
    ("Jonas Becker", "engineering", "sme:singer-sdk", "jbecker", False, None, None),
    ("Lucía Fernández", "engineering", "sme:snowflake", "lucia-fdz", False, None, None),
    ("Omar Haddad", "engineering", "sme:state;sme:airflow", "ohaddad", False, None, None),
    ("Kenji Watanabe", "engineering", "", "kwatanabe", False, None, None),
    ("Grace Kim", "engineering", "", "gracekim-eng", False, 150, None),
    ("Elena Petrova", "engineering", "sme:postgres", "epetrova", False, None, 130),
    ("Dana Whitfield", "sales", "presales_owner", None, True, None, None),
    ("Marco Rossi", "sales", "", None, True, None, None),
    ("Hannah Schultz", "staff", "", "hschultz", True, None, None),
    ("Ravi Shah", "staff", "", "ravishah", False, None, None),
    ("Chris Morgan", "devrel", "", "cmorgan-meltano", False, None, None),
)
LONG_AGO = date(2021, 3, 1)


@dataclass
class Member:
    person: str
    role: str
    duties: list[str]
    github_login: str | None
    valid_from: date
    valid_to: date | None
    slack_id: str = ""
    handle: str = ""
    email: str = ""
    hubspot_owner_id: str | None = None
    hubspot_user_id: int | None = None
    github_id: int | None = None

    def active(self, epoch: float, cal: Calendar) -> bool:
        day = cal.local(epoch).date()
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass
class SlackUser:
    id: str
    name: str
    real_name: str
    tz: str
    email: str | None
    created: float
    deleted: bool = False


@dataclass
class People:
    team: list[Member]
    slack_users: list[SlackUser]
    github_logins: dict[str, int]
    community_logins: list[str]
    org_members: dict[str, list[str]]
    members_unlisted: dict[str, list[str]] = field(default_factory=dict)

    def by_role(self, role: str) -> list[Member]:
        return [m for m in self.team if m.role == role]

    def with_duty(self, duty: str) -> Member:
        return next(m for m in self.team if duty in m.duties)

    def smes(self) -> list[Member]:
        return [m for m in self.team if any(d.startswith("sme:") for d in m.duties)]

    def former(self) -> Member:
        return next(m for m in self.team if m.valid_to is not None)

    def newcomer(self) -> Member:
        return next(m for m in self.team if m.valid_from != LONG_AGO)


class IdMaker:
    """Vendor-looking random ids, unique within the dataset."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.seen: set[str] = set()

    def slack(self, prefix: str, length: int = 10) -> str:
        while True:
            value = prefix + "".join(self.rng.choice(ID_ALPHABET) for _ in range(length))
            if value not in self.seen:
                self.seen.add(value)
                return value

    def number(self, low: int, high: int) -> int:
        while True:
            value = self.rng.randrange(low, high)
            if str(value) not in self.seen:
                self.seen.add(str(value))
                return value


def _slug(name: str) -> str:
    return "".join(
        c for c in name.lower().replace(" ", ".") if c.isascii() and (c.isalnum() or c == ".")
    )


def make_people(rng: random.Random, ids: IdMaker, cal: Calendar, scale: float) -> People:
    anchor_day = cal.days[-1]
    team = []
    for person, role, duties, login, hubspot, joined, left in ROSTER:
        member = Member(
            person=person,
            role=role,
            duties=[d for d in duties.split(";") if d],
            github_login=login,
            valid_from=anchor_day - timedelta(days=joined) if joined else LONG_AGO,
            valid_to=anchor_day - timedelta(days=left) if left else None,
            slack_id=ids.slack("U"),
            handle=_slug(person).split(".")[0] + _slug(person).split(".")[-1][:1],
            email=f"{_slug(person)}@{COMPANY_DOMAIN}",
        )
        if hubspot:
            member.hubspot_owner_id = str(ids.number(10_000_000, 99_999_999))
            member.hubspot_user_id = ids.number(1_000_000, 9_999_999)
        team.append(member)

    # Users grow sub-linearly with volume: a bigger community is mostly busier, not only bigger.
    n_users = max(60, round(1500 * scale**0.7))
    users: list[SlackUser] = []
    taken = {m.handle for m in team}
    for i in range(n_users):
        if i % 23 == 7:
            real = NON_LATIN[i // 23 % len(NON_LATIN)]
            handle = f"user{i}"
        else:
            real = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            handle = _slug(real).replace(".", "")
        while handle in taken:
            handle += str(rng.randrange(10))
        taken.add(handle)
        # Most accounts predate the window; the rest joined during it.
        created = cal.start - rng.random() * 900 * DAY_SECONDS
        if rng.random() < 0.35:
            created = cal.start + rng.random() * (cal.end - cal.start)
        users.append(
            SlackUser(
                id=ids.slack("U"),
                name=handle,
                real_name=real,
                tz=rng.choice(USER_TZS),
                email=f"{handle}@example.org" if rng.random() < 0.6 else None,
                created=created,
                deleted=i % 97 == 11,
            )
        )

    logins: dict[str, int] = {}
    for member in team:
        if member.github_login:
            member.github_id = ids.number(1_000_000, 150_000_000)
            logins[member.github_login] = member.github_id
    community = []
    for _ in range(max(40, round(900 * scale**0.7))):
        login = f"{rng.choice(FIRST).lower()}{rng.choice(('-', '', '_'))}{rng.choice(LAST).lower()}"
        login = unicodedata.normalize("NFKD", login).encode("ascii", "ignore").decode() + (
            str(rng.randrange(100)) if rng.random() < 0.4 else ""
        )
        if login not in logins:
            logins[login] = ids.number(1_000_000, 150_000_000)
            community.append(login)
    # Org members who are not on the roster: count as team on GitHub.
    unlisted = {
        "meltano": ["contractor-" + str(i) for i in (1, 2, 3)],
        "MeltanoLabs": ["labs-maintainer-" + str(i) for i in (1, 2, 3, 4, 5)],
    }
    for names in unlisted.values():
        for login in names:
            logins[login] = ids.number(1_000_000, 150_000_000)
    current = [m.github_login for m in team if m.github_login and m.valid_to is None]
    engineers = [m.github_login for m in team if m.role == "engineering" and m.valid_to is None]
    org_members = {
        "meltano": sorted(current + unlisted["meltano"]),
        # Devrel and staff are not all MeltanoLabs members: their association there is
        # CONTRIBUTOR while the roster says team (the roster wins).
        "MeltanoLabs": sorted(engineers + ["arivera-dev"] + unlisted["MeltanoLabs"]),
    }
    return People(team, users, logins, community, org_members, unlisted)
