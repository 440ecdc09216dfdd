"""Every form of the site, submitted as its page fills it in and then with each field left out in turn (a
browser that drops a field, a client that sends only some): never a server error. The pages are opened as
each signed-in role would; refusals are fine, a 500 is a bug."""
from html.parser import HTMLParser

import pytest

from tests.views.test_access_matrix import world  # noqa: F401  (the records behind the pages)
from tests.views.test_campaigns import _create as create_campaign

pytestmark = pytest.mark.usefixtures("view_app")

PAGES = ["/needs/new", "/needs/{need}/edit", "/solutions/new", "/solutions/{solution}/edit", "/products/new",
         "/products/{product}/edit", "/providers/{org}/edit", "/cases/new", "/cases/{case}/edit", "/pilots/new",
         "/pilots/{pilot}/edit", "/pilots/{pilot}/propose", "/programmes/new", "/programmes/{programme}",
         "/campaigns/new", "/campaigns/{campaign}/edit", "/campaigns/{campaign}/register", "/profile",
         "/guidelines/steel", "/guidelines/steel/v1/edit",  # the first page's form opens draft 1
         "/catalog/manage/scenarios/new", "/catalog/manage/scenarios/predictive-maintenance/edit",
         "/search?q=strip", "/searches", "/matches/{match}"]


class PostForms(HTMLParser):
    """The POST forms of a page: their action and the values the page fills in (checked, selected, typed)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}}
            self.forms.append(self._form)
        if self._form is None:
            return
        fields = self._form["fields"]
        if tag == "option" and self._select and "selected" in a:
            fields[self._select].append(a.get("value") or "")
        elif not a.get("name"):
            return
        elif tag == "input" and a.get("type") not in ("submit", "button"):
            values = fields.setdefault(a["name"], [])
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                values.append(a.get("value") or "")
        elif tag == "textarea":
            self._textarea = a["name"]
            fields[a["name"]] = [""]
        elif tag == "select":
            self._select = a["name"]
            fields.setdefault(a["name"], [])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            value = self._form["fields"][self._textarea]
            value[0] += data if value[0] else data.lstrip("\n")  # the newline after <textarea> is not content


def test_every_form_with_any_field_left_out_never_fails_the_server(client, auth, world, official,  # noqa: F811
                                                                   enterprise, need):
    from app.services import campaigns as campaigns_service

    campaign = create_campaign(official)
    campaigns_service.register_for_campaign(enterprise, campaign, needs=[need], max_meetings=2)
    values = {**world["values"], "campaign": campaign.slug}
    opened, failures = set(), []
    for role in ("enterprise", "provider", "official", "admin"):
        client.post("/logout")
        auth.login(world["users"][role])
        for page in PAGES:
            url = page.format(**values)
            response = client.get(url)
            if response.status_code != 200:
                continue
            parser = PostForms()
            parser.feed(response.get_data(as_text=True))
            for form in parser.forms:
                target = form["action"] or url
                if target.startswith(("/language", "/logout")):
                    continue
                opened.add(page)
                for left_out in [None, *form["fields"]]:
                    data = {k: v for k, v in form["fields"].items() if k != left_out}
                    if client.post(target, data=data).status_code >= 500:
                        failures.append((role, url, target, left_out))
    assert opened == set(PAGES), f"pages without a form for any role: {set(PAGES) - opened}"
    assert failures == []
