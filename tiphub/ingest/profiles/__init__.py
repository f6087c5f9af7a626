"""Import profiles: each knows one source format and maps it onto tiphub's case records."""

from __future__ import annotations

from collections.abc import Sequence

from tiphub.errors import FileRejected
from tiphub.ingest.profiles.base import Mapper, Profile, norm
from tiphub.ingest.profiles.ctdc import CtdcKanon, CtdcSynthetic, CtdcVictimPerpetrator
from tiphub.ingest.profiles.encoded import HtcdsEncoded
from tiphub.ingest.profiles.glotip import Glotip
from tiphub.ingest.profiles.htcds import Htcds

PROFILES: dict[str, Profile] = {
    p.name: p for p in (Htcds(), HtcdsEncoded(), CtdcSynthetic(), CtdcKanon(), CtdcVictimPerpetrator(),
                         Glotip())
}
HEADER_SEARCH_ROWS = 5
MIN_SCORE = 0.6


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise FileRejected(
            f"unknown profile {name!r}", file="-", hint=f"accepted: {', '.join(PROFILES)}"
        ) from None


def detect_profile(
    first_rows: Sequence[list[str]], *, file: str, profile: str | None = None
) -> tuple[Profile, int]:
    """The profile of a file and the index of its header row among ``first_rows``.

    With ``profile`` given, only the header row is searched for; a file that clearly is of
    another profile is rejected with a hint naming it.
    """
    best: tuple[float, int, Profile] | None = None
    for idx, row in enumerate(first_rows[:HEADER_SEARCH_ROWS]):
        for candidate in PROFILES.values():
            score = candidate.score(row)
            if best is None or score > best[0]:
                best = (score, idx, candidate)
    if profile is not None:
        chosen = get_profile(profile)
        other = best[2] if best and best[0] >= MIN_SCORE and best[2] is not chosen else None
        for idx, row in enumerate(first_rows[:HEADER_SEARCH_ROWS]):
            score = chosen.score(row)
            if score >= MIN_SCORE / 2 and (other is None or score >= best[0]):
                return chosen, idx
        hint = f"it looks like a {other.name} file" if other else (
            "check that the first rows hold the header")
        raise FileRejected(
            f"the header does not match profile {profile}", file=file, hint=hint
        )
    if best is None or best[0] < MIN_SCORE:
        raise FileRejected(
            "cannot tell which profile the file follows from its header",
            file=file,
            hint=f"pass --profile (one of: {', '.join(PROFILES)})",
        )
    return best[2], best[1]


__all__ = ["PROFILES", "Mapper", "Profile", "detect_profile", "get_profile", "norm"]
