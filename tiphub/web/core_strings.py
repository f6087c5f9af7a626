"""English strings made by the core that the pages show, marked here so that Babel extracts them
into the catalogue; they are translated where they are rendered (:func:`tiphub.web.i18n.core`).

A test compares this list with what the core can produce today (table titles, dimension and
vocabulary labels, regions, validation rules), so a new core label cannot go untranslated
unnoticed. Core notes that carry numbers are matched by pattern (:func:`note`); anything not
listed stays English and is marked ``lang="en"`` on the page.
"""

from __future__ import annotations

import re

from tiphub.web.i18n import N_, _, core, has, ngettext

STAT_TABLES = (
    N_("Detected victims by sex and age"),
    N_("Detected victims by form of exploitation"),
    N_("Detected victims by means of control"),
    N_("Detected victims by relation to the recruiter"),
    N_("Detected victims by origin and flow"),
    N_("Detected victims by year of registration"),
)

DIMENSIONS = (
    N_("Total"), N_("Sex"), N_("Age"), N_("Age band"), N_("Sex and age"),
    N_("Year of registration"), N_("Citizenship"), N_("Region of citizenship"),
    N_("Country of exploitation"), N_("Region of exploitation"), N_("Flow"), N_("Data source"),
    N_("Duration of exploitation"), N_("Trafficking status"), N_("Organisation"),
    N_("Form of exploitation"), N_("Sector of forced labour"), N_("Type of sexual exploitation"),
    N_("Means of control"), N_("Relation to recruiter"), N_("Origin and place of exploitation"),
)

LABELS = (
    # sex, age and their combinations
    N_("Female"), N_("Male"), N_("Transgender / non-conforming"), N_("Unknown"),
    N_("Not recorded"), N_("Children (0–17)"), N_("Adults (18+)"), N_("Adult"), N_("Minor"),
    N_("Women"), N_("Girls"), N_("Men"), N_("Boys"), N_("Female, age unknown"),
    N_("Male, age unknown"), N_("Sex unknown"),
    # flows and regions
    N_("Domestic"), N_("Cross-border, same region"), N_("Same region (countries not known)"),
    N_("Cross-border, other region"), N_("Cross-border"),
    N_("Africa"), N_("Americas"), N_("Asia"), N_("Europe"), N_("Oceania"),
    # data sources, durations, status
    N_("Case management"), N_("Hotline"), N_("Police records"), N_("Court / prosecution records"),
    N_("Survey"), N_("Other"), N_("Up to 1 year"), N_("1 to 2 years"), N_("More than 2 years"),
    N_("Possible victim"), N_("Victim (decided)"), N_("Not a victim"),
    # forms of exploitation
    N_("Forced labour"), N_("Sexual exploitation"), N_("Other forms"), N_("Forced marriage"),
    N_("Forced military service"), N_("Organ removal"), N_("Slavery and similar practices"),
    N_("Child labour"), N_("Servitude"), N_("Forced begging"), N_("Forced adoption"),
    N_("Surrogacy"), N_("Forced criminal activity"),
    # sectors and types of sexual exploitation
    N_("Agriculture"), N_("Fishing and aquafarming"), N_("Begging"), N_("Construction"),
    N_("Domestic work"), N_("Hospitality"), N_("Illicit activities"), N_("Manufacturing"),
    N_("Mining or drilling"), N_("Peddling"), N_("Transportation"), N_("Other sector"),
    N_("Prostitution"), N_("Pornography"), N_("Remote interactive services"),
    N_("Private sexual services"),
    # means of control and recruiters
    N_("Debt bondage / takes earnings"), N_("Threats"),
    N_("Psychological, physical or sexual abuse"), N_("False promises"), N_("Drugs or alcohol"),
    N_("Denies basic needs"), N_("Excessive working hours"), N_("Withholds documents"),
    N_("Restricts movement"), N_("Other means"), N_("Intimate partner"),
    N_("Friend or acquaintance"), N_("Family member"), N_("Other / unacquainted"),
    # table furniture (tiphub.reports.views) and sources
    N_("Detected victims"), N_("Share"), N_("Records (denominator)"), N_("case records"),
    N_("Global Report aggregates"),
)

RULES = (
    N_("the row has a different number of cells than the header"),
    N_("the value is not one of the accepted codes"),
    N_("the value is not a year"),
    N_("the year is before 1990"),
    N_("the year is in the future"),
    N_("the value is not a whole number"),
    N_("the value is negative"),
    N_("the number is larger than any accepted value"),
    N_("the value is not a date (YYYY-MM-DD)"),
    N_("Excel turned this cell into a date; the column holds codes or counts"),
    N_("the cell holds a spreadsheet formula, not a value"),
    N_("the age band contradicts the majority status"),
    N_("the birth date is after the identification date"),
    N_("the age at identification is below 0 or above 120"),
    N_("the record has no id"),
    N_("the id appears more than once in the file"),
    N_("the column is required and the cell is empty"),
    N_("a flag must be 1 (yes), 0 (no), -99 or empty (not recorded)"),
    N_("check for a delimiter inside an unquoted cell, or a missing cell"),
    N_("format the column as Text in Excel and re-type the value"),
    N_("copy the column and 'paste values' before exporting"),
    N_("correct the year of registration"),
    N_("the cell is not a base64 Bloom-filter encoding"),
    N_("encode the whole file again with one schema (`tiphub encode`)"),
)

MESSAGES = (
    # accounts: what a form may answer (tiphub.accounts.service)
    N_("wrong e-mail address, password or code"),
    N_("you cannot change your own roles"),
    N_("ask another administrator of the organisation"),
    N_("the second factor is already on"),
    N_("an administrator's password reset turns it off"),
    N_("an API token cannot change the account's sign-in"),
    N_("sign in on the web page"),
    N_("a token cannot make a token with more scopes than its own"),
    N_("too many failed sign-ins from this address; try later"),
    N_("this account is locked for a while after failed sign-ins"),
    N_("wait, or ask an administrator to reset it"),
    N_("a password needs at least 12 characters"),
    N_("a few unrelated words make a strong, memorable password"),
    N_("that is not an e-mail address"),
    N_("the link is unknown, used or expired"),
    N_("ask for a new one"),
    N_("the hub already has an administrator"),
    N_("the code does not match"),
    N_("check the app's clock and retry"),
    N_("unknown or missing token scopes"),
    N_("no user with that e-mail address"),
    N_("ask an administrator of your organisation for the right role"),
    N_("not signed in, or the session has ended"),
    # organisations (tiphub.store.repo)
    N_("an organisation code is 1–64 lower-case letters, digits, '-' or '_'"),
    N_("for example: police-north"),
    # statistics notes without numbers (tiphub.stats)
    N_("Counts are of detected victims recorded by the contributing organisations, not of "
       "prevalence; a person known to several organisations may be counted more than once "
       "until records are linked."),
    N_("Totals leave out the values UNODC withheld, so they are lower bounds."),
)

_CELLS = re.compile(r"Cells under (?P<k>\d+) are shown as <(?P=k); cells marked (?P<mark>\S+) are "
                    r"withheld so that small cells cannot be worked out from the totals\.")
_MULTI = re.compile(r"A victim may show several (?P<dim>.+?) values, so shares can sum past 100 %\. "
                    r"Shares are of the records with at least one (?P=dim) recorded \(CTDC's rule\); "
                    r"(?P<left>.+?) with none recorded are left out\.")
_GLOTIP = re.compile(r"From UNODC's Global Report table for (?P<iso3>[A-Z]{3})(?:, (?P<year>\d{4}))?; "
                     r"values UNODC withheld keep its mark\.")
_LEFT_OUT = re.compile(r"(?P<n>[\d,]+) record\(s\)")


def note(text: str) -> tuple[str, bool]:
    """A statistics note in the current language, and whether it was translated."""
    if has(text):
        return core(text), True
    if m := _CELLS.fullmatch(text):
        return _("Cells under %(k)s are shown as <%(k)s; cells marked %(mark)s are withheld so "
                 "that small cells cannot be worked out from the totals.",
                 k=m["k"], mark=m["mark"]), True
    if m := _MULTI.fullmatch(text):
        return _("One victim may show several values of “%(dimension)s”, so shares can sum past "
                 "100 %%. Shares are of the records with at least one value recorded (CTDC's "
                 "rule); %(left_out)s.", dimension=_dimension(m["dim"]),
                 left_out=_left_out(m["left"])), True
    if m := _GLOTIP.fullmatch(text):
        if m["year"]:
            return _("From UNODC's Global Report table for %(country)s, %(year)s; values UNODC "
                     "withheld keep its mark.", country=m["iso3"], year=m["year"]), True
        return _("From UNODC's Global Report table for %(country)s; values UNODC withheld keep "
                 "its mark.", country=m["iso3"]), True
    return text, False


def _dimension(lowered: str) -> str:
    for label in DIMENSIONS:
        if label.lower() == lowered:
            return core(label).lower()
    return lowered


def _left_out(text: str) -> str:
    if m := _LEFT_OUT.fullmatch(text):
        count = int(m["n"].replace(",", ""))
        return ngettext("%(num)s record with none recorded is left out",
                        "%(num)s records with none recorded are left out", count)
    return _("records with none recorded are left out")
