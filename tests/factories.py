"""Tiny builders of source files for tests."""

from __future__ import annotations

from tiphub.demo import ctdc_columns

CTDC_SYNTHETIC = list(ctdc_columns())


def ctdc_row(**values: str) -> dict[str, str]:
    row = dict.fromkeys(CTDC_SYNTHETIC, "")
    row.update({"yearOfRegistration": "2020", "gender": "Woman", "ageBroad": "18--20",
                "citizenship": "UKR", "CountryOfExploitation": "POL"})
    row.update(values)
    return row


def ctdc_csv(rows: list[dict[str, str]], delimiter: str = ",", header: list[str] | None = None) -> str:
    header = header or CTDC_SYNTHETIC
    lines = [delimiter.join(header)]
    lines += [delimiter.join(r.get(h, "") for h in header) for r in rows]
    return "\n".join(lines) + "\n"


HTCDS_HEADER = [
    "prs_Id", "prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_Gender",
    "prs_Citizenship", "vic_IdentificationDate", "vic_TraffickingStatus",
    "vic_TypeOfExploitation", "vic_MethodsOfControl", "hte_ExploitationCountry",
]


def htcds_csv(rows: list[dict[str, str]]) -> str:
    lines = [",".join(HTCDS_HEADER)]
    lines += [",".join(r.get(h, "") for h in HTCDS_HEADER) for r in rows]
    return "\n".join(lines) + "\n"


GLOTIP_HEADER = ["Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension",
                 "Category", "Sex", "Age", "Year", "Unit of measurement", "txtVALUE", "Source"]


def glotip_csv(rows: list[list[str]]) -> str:
    lines = ["UNODC Global Report on Trafficking in Persons", "Data portal export", ",".join(GLOTIP_HEADER)]
    lines += [",".join(r) for r in rows]
    return "\n".join(lines) + "\n"


ENCODED_HEADER = ["prs_Id", "prs_Gender", "prs_Citizenship", "vic_IdentificationDate",
                  "vic_AgeAtIdentification", "vic_TraffickingStatus", "vic_TypeOfExploitation",
                  "hte_ExploitationCountry", "clk", "clk_schema"]


def planted_encodings(persons: int, holders: list[list[int]], *, seed: int = 7, nbytes: int = 128,
                      flip: float = 0.03):
    """Random Bloom filters for ``persons`` people, and one noisy copy per holder.

    ``holders[p]`` lists the parties holding person p. Returns {party: [(person, bytes)]}: each
    copy flips a share ``flip`` of the bits, so copies of one person score about 1 - 2*flip.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    base = rng.random((persons, nbytes * 8)) < 0.5
    out: dict[int, list[tuple[int, bytes]]] = {}
    for p, parties in enumerate(holders):
        for party in parties:
            noisy = base[p] ^ (rng.random(nbytes * 8) < flip)
            out.setdefault(party, []).append((p, np.packbits(noisy).tobytes()))
    return out


def encoded_csv(records: list[tuple[int, bytes]], *, schema: str = "0123abcd", prefix: str = "R") -> str:
    """An encoded HTCDS file (what `tiphub encode` writes) for (person, clk) records."""
    import base64

    lines = [",".join(ENCODED_HEADER)]
    for i, (_, clk) in enumerate(records):
        lines.append(",".join([f"{prefix}{i:05d}", "Feminine", "UKR", "2021-03-04", "25",
                               "PossibleVictimOfTrafficking", "ForcedLabour", "POL",
                               base64.b64encode(clk).decode(), schema]))
    return "\n".join(lines) + "\n"
