"""The directory: organisations and national mechanisms, who may change what."""

from __future__ import annotations

import pytest

from tiphub import Conflict, Hub, InvalidInput
from tiphub.accounts import ANONYMOUS, Principal
from tiphub.errors import Forbidden


def test_organisations_are_member_entries_and_mechanisms_can_be_added(any_hub: Hub) -> None:
    any_hub.add_organisation("police", "Police", "LawEnforcement", "GBR")
    entry = any_hub.directory()[0]
    assert (entry.code, entry.kind, entry.member, entry.mandate) == ("police", "organisation",
                                                                     True, None)
    rapporteur = any_hub.update_directory_entry(
        "rapporteur-gbr", name="Independent Anti-Slavery Commissioner", kind="national_rapporteur",
        country="gb", mandate="Reports to Parliament on trafficking.", member=False,
        contact_email="info@rapporteur.example", website="https://rapporteur.example")
    assert rapporteur.type == "CentralGovernmentOrganisation" and rapporteur.country == "GBR"
    assert [e.code for e in any_hub.directory(kind="national_rapporteur")] == ["rapporteur-gbr"]
    assert [e.code for e in any_hub.directory(member=True)] == ["police"]
    assert [e.code for e in any_hub.directory(country="GBR")] == ["police", "rapporteur-gbr"]
    changed = any_hub.update_directory_entry("rapporteur-gbr", website="", member=True)
    assert changed.website is None and changed.member and changed.mandate
    assert any_hub.organisation("rapporteur-gbr").kind == "national_rapporteur"


@pytest.mark.parametrize("fields,message", [
    ({"kind": "ministry"}, "unknown kind"),
    ({"contact_email": "not an address"}, "e-mail"),
    ({"website": "javascript:alert(1)"}, "http"),
    ({"type": "Church"}, "organisation type"),
])
def test_bad_directory_values_are_refused(hub: Hub, fields: dict, message: str) -> None:
    hub.add_organisation("police", "Police", "LawEnforcement", "GBR")
    with pytest.raises(InvalidInput, match=message):
        hub.update_directory_entry("police", **fields)


def test_a_new_entry_needs_a_name_and_a_valid_code(hub: Hub) -> None:
    with pytest.raises(InvalidInput, match="needs a name"):
        hub.update_directory_entry("nrm-gbr", kind="referral_mechanism")
    with pytest.raises(InvalidInput, match="lower-case"):
        hub.update_directory_entry("NRM GBR", name="NRM")
    with pytest.raises(Conflict):
        hub.add_organisation("nrm", "A", "NGO")
        hub.add_organisation("nrm", "B", "NGO")


def test_an_organisation_admin_edits_its_own_contacts_only(hub: Hub) -> None:
    police = hub.add_organisation("police", "Police", "LawEnforcement", "GBR")
    shelter = hub.add_organisation("shelter", "Shelter", "NGO", "GBR")
    admin = Principal(user_id=1, email="a@police.test", name="a", roles={police.id: "org_admin"})
    steward = Principal(user_id=2, email="s@police.test", name="s",
                        roles={police.id: "data_steward"})
    assert hub.update_directory_entry("police", mandate="Investigates.",
                                      principal=admin).mandate == "Investigates."
    for principal, code, fields in [(admin, "shelter", {"mandate": "x"}),
                                    (admin, "police", {"member": False}),
                                    (admin, "police", {"kind": "national_coordinator"}),
                                    (admin, "new-one", {"name": "New"}),
                                    (steward, "police", {"mandate": "x"})]:
        with pytest.raises(Forbidden):
            hub.update_directory_entry(code, principal=principal, **fields)
    assert hub.organisation("shelter").mandate is None and shelter.member
    assert len(hub.directory(principal=ANONYMOUS)) == 2  # the directory is public
    denied = [e for e in hub.audit_log()[1] if e["action"] == "directory:update"
              and e["outcome"] == "denied"]
    assert len(denied) == 5
