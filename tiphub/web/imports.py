"""The upload forms of the programmes and indicators pages: who may use them, and one way of
answering a submitted file (the report, or every problem with nothing stored)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import UploadFile
from fastapi.responses import Response

from tiphub.accounts import Principal, allowed
from tiphub.errors import FileRejected, Forbidden, InvalidInput, NotFound
from tiphub.hub import Hub
from tiphub.records import Organisation
from tiphub.web.i18n import _, core


def managed(hub: Hub, who: Principal) -> list[Organisation]:
    """Directory entries whose programmes (and logframes) ``who`` may import: what a form offers."""
    return [o for o in hub.directory(principal=who) if allowed(who, "programmes:manage", o.id)]


def import_form(page: Callable[..., Response], upload: Callable[[UploadFile], Any], hub: Hub,
                who: Principal, org: str, file: UploadFile | None) -> Response:
    """``upload`` the submitted ``file`` for ``org`` and answer with ``page``: its report, or
    the refusal with every problem (nothing stored)."""
    if not managed(hub, who):
        raise Forbidden("not allowed: programmes:manage",
                        hint="ask an administrator of your organisation for the right role")
    if file is None or not file.filename:
        return page(status=422, chosen_org=org, error=_("Choose a file to upload."))
    try:
        report = upload(file)
    except FileRejected as exc:
        return page(status=exc.http_status, chosen_org=org, problems=exc.problems,
                    error=core(exc.message), hint=core(exc.hint))
    except (InvalidInput, NotFound) as exc:
        return page(status=exc.http_status, chosen_org=org, error=core(exc.message),
                    hint=core(exc.hint))
    return page(chosen_org=org, report=report)
