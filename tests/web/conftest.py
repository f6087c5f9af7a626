"""The web pages on a temporary hub: two organisations, a user in every role, case records in
two countries and years, and a helper to sign in through the sign-in form."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from factories import ctdc_csv, ctdc_row

from tiphub import Hub, Settings
from tiphub.api import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery staple"
USERS = {  # who -> (e-mail, organisation, role); hub_admin has no organisation
    "viewer": ("viewer@police.test", "police", "viewer"),
    "analyst": ("analyst@police.test", "police", "analyst"),
    "steward": ("steward@police.test", "police", "data_steward"),
    "org_admin": ("admin@police.test", "police", "org_admin"),
    "other_steward": ("steward@shelter.test", "shelter", "data_steward"),
    "hub_admin": ("hub@admin.test", None, None),
}
WHO = ["anonymous", *USERS]
FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def seed(hub: Hub, home: Path) -> int:
    """Organisations, users and records: 30 women in Poland in 2020, 20 men and 4 boys in the
    United Kingdom in 2021 (police), 12 women in Poland in 2022 (shelter); one police row is
    bad. Cells under 10 are withheld, so the boys are."""
    hub.add_organisation("police", "Police North", "LawEnforcement", "GBR")
    hub.add_organisation("shelter", "Shelter", "NGO", "GBR")
    for email, org, role in USERS.values():
        hub.create_user(email, email.split("@")[0].title(), PASSWORD, hub_admin=org is None)
        if org:
            hub.set_role(email, org, role)
    police = ([ctdc_row(isForcedLabour="1", meansThreats="1") for _ in range(30)]
              + [ctdc_row(gender="Man", ageBroad="30--38", citizenship="NGA",
                          CountryOfExploitation="GBR", yearOfRegistration="2021",
                          isSexualExploit="1") for _ in range(20)]
              + [ctdc_row(gender="Man", ageBroad="9--17", citizenship="NGA",
                          CountryOfExploitation="GBR", yearOfRegistration="2021",
                          isForcedLabour="1") for _ in range(4)]
              + [ctdc_row(gender="Robot")])
    (home / "police.csv").write_text(ctdc_csv(police))
    submission = hub.import_file(home / "police.csv", org="police").submission_id
    (home / "shelter.csv").write_text(ctdc_csv(
        [ctdc_row(yearOfRegistration="2022", isForcedLabour="1") for _ in range(12)]))
    hub.import_file(home / "shelter.csv", org="shelter")
    return submission


class World:
    def __init__(self, hub: Hub, home: Path, submission: int) -> None:
        self.hub, self.home, self.submission = hub, home, submission
        self.app = create_app(hub)
        self._clients: dict[str, TestClient] = {}

    def client(self, who: str = "anonymous") -> TestClient:
        """A client signed in as ``who`` (one per role, kept for the module)."""
        if who not in self._clients:
            client = TestClient(self.app, follow_redirects=False)
            if who != "anonymous":
                sign_in(client, USERS[who][0])
            self._clients[who] = client
        return self._clients[who]

    def signed_in(self, who: str) -> TestClient:
        """A new client signed in as ``who`` (for tests that change its cookies)."""
        client = self.fresh()
        if who != "anonymous":
            sign_in(client, USERS[who][0])
        return client

    def fresh(self, **kwargs) -> TestClient:
        """A new client with no cookies."""
        return TestClient(self.app, follow_redirects=False, **kwargs)


def form_token(client: TestClient, path: str = "/login") -> str:
    """The CSRF token of the forms on ``path`` (before signing in: the double-submit token)."""
    page = client.get(path)
    found = FORM_TOKEN.search(page.text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD, **extra: str):
    answer = client.post("/login", data={"email": email, "password": password,
                                         "csrf_token": form_token(client), **extra})
    assert answer.status_code == 303, answer.text[:500]
    return answer


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    home = tmp_path_factory.mktemp("web")
    hub = Hub(Settings(home=home, current_year=2025, rounding_base=1))
    submission = seed(hub, home)
    yield World(hub, home, submission)
    hub.close()


@pytest.fixture
def fresh_hub(tmp_path: Path) -> Iterator[Hub]:
    with Hub(Settings(home=tmp_path, current_year=2025, rounding_base=1)) as hub:
        yield hub


# -- reading pages ----------------------------------------------------------------------------


class Page(HTMLParser):
    """A rendered page, parsed: its elements with attributes, and its text outside elements in
    another language than the page's (core text left in English is marked ``lang="en"``) and
    outside charts and code."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.headings: list[int] = []
        self.lang = ""
        self._stack: list[tuple[str, bool]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.elements.append((tag, attributes))
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.headings.append(int(tag[1]))
        if tag == "html":
            self.lang = attributes.get("lang", "")
        foreign = tag != "html" and attributes.get("lang", self.lang) != self.lang
        skip = foreign or tag in {"svg", "script", "style", "code"}
        skip = skip or (bool(self._stack) and self._stack[-1][1])
        if not skip:
            self.text += [attributes[a] for a in ("aria-label", "title", "label") if attributes.get(a)]
        if tag not in self.VOID:
            self._stack.append((tag, skip))

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not (self._stack and self._stack[-1][1]) and data.strip():
            self.text.append(" ".join(data.split()))

    def all(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.elements if name == tag]

    @property
    def visible_text(self) -> str:
        return " \n".join(self.text)
