"""Uploading a file and reading its validation report."""

from __future__ import annotations

import re

from conftest import Page, form_token
from factories import ctdc_csv, ctdc_row

SECRET_VALUE = "Zorblax-Person-Value"


def upload(client, content: bytes, org: str = "police", name: str = "cases.csv", **extra: str):
    return client.post("/upload", data={"org": org, "csrf_token": form_token(client, "/upload"),
                                        **extra}, files={"file": (name, content, "text/csv")})


def test_upload_form_offers_only_organisations_the_user_may_import_for(world) -> None:
    page = world.client("steward").get("/upload").text
    assert 'value="police"' in page and 'value="shelter"' not in page
    assert 'enctype="multipart/form-data"' in page


def test_upload_with_an_error_reports_the_problem_and_never_the_value(world) -> None:
    rows = [ctdc_row(yearOfRegistration="2023") for _ in range(4)] + [ctdc_row(gender=SECRET_VALUE)]
    answer = upload(world.client("steward"), ctdc_csv(rows).encode())
    assert answer.status_code == 200
    report = Page(answer.text).visible_text
    assert re.search(r"Rows accepted\s+4", report) and re.search(r"Rows quarantined\s+1", report)
    assert "gender" in report and "unknown-code" in answer.text
    assert "the value is not one of the accepted codes" in report
    assert "Woman" in report  # the accepted values
    assert re.search(r"<th scope=\"row\">5</th>", answer.text)  # the row
    assert SECRET_VALUE not in answer.text
    submission = re.search(r'href="/submissions/(\d+)"', answer.text).group(1)
    stored = world.client("viewer").get(f"/submissions/{submission}")
    assert "unknown-code" in stored.text and SECRET_VALUE not in stored.text


def test_the_same_file_twice_says_so(world) -> None:
    content = ctdc_csv([ctdc_row(yearOfRegistration="2019") for _ in range(3)]).encode()
    upload(world.client("org_admin"), content)
    again = upload(world.client("org_admin"), content)
    assert "This file had already been imported" in again.text


def test_upload_problems_with_the_whole_file_are_shown_on_the_form(world) -> None:
    client = world.client("steward")
    empty = upload(client, b"")
    assert empty.status_code == 422 and 'role="alert"' in empty.text
    no_file = client.post("/upload", data={"org": "police",
                                           "csrf_token": form_token(client, "/upload")})
    assert no_file.status_code == 422 and "Choose a file to upload." in no_file.text


def test_upload_for_another_organisation_or_by_a_viewer_is_refused(world) -> None:
    content = ctdc_csv([ctdc_row()]).encode()
    assert upload(world.client("steward"), content, org="shelter").status_code == 403
    viewer = world.client("viewer")
    token = form_token(viewer, "/account")
    answer = viewer.post("/upload", data={"org": "police", "csrf_token": token},
                         files={"file": ("x.csv", content, "text/csv")})
    assert answer.status_code == 403
