"""Countries, regions, demonyms, citizenship labels, languages and ISIC sections."""

from __future__ import annotations

import csv
from importlib import resources

import pycountry
import pytest

from tiphub.vocab import geo
from tiphub.vocab.geo import (
    area,
    countries,
    countries_in,
    country,
    country_by_iso3,
    intermediate_regions,
    isic_section,
    isic_sections,
    language,
    map_country_labels,
    region_of,
    regions,
    subregion_of,
    subregions,
)


def _data(name: str) -> list[dict[str, str]]:
    text = resources.files("tiphub.vocab").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _iso3(text: str) -> str | None:
    found = country(text)
    return found.iso3 if found else None


# -- ISO codes and names -------------------------------------------------------------------


@pytest.mark.parametrize("record", list(pycountry.countries), ids=lambda r: r.alpha_3)
def test_every_iso_country_round_trips_by_code_and_name(record):
    texts = [record.alpha_2, record.alpha_3, record.numeric, record.name]
    texts += [getattr(record, a) for a in ("official_name", "common_name") if hasattr(record, a)]
    assert {text: _iso3(text) for text in texts} == dict.fromkeys(texts, record.alpha_3)


def test_country_table_covers_iso_and_kosovo_sorted_by_iso3():
    table = countries()
    codes = [c.iso3 for c in table]
    assert codes == sorted(codes)
    assert set(codes) == {c.alpha_3 for c in pycountry.countries} | {"XKX"}
    assert all(len(c.m49) == 3 and c.m49.isdigit() for c in table if c.iso3 != "XKX")


def test_country_by_iso3():
    assert country_by_iso3("NGA").name == "Nigeria"
    assert country_by_iso3("gha").iso2 == "GH"
    with pytest.raises(KeyError):
        country_by_iso3("XXX")


def test_na_is_namibia_not_missing():
    namibia = country("NA")
    assert (namibia.iso3, namibia.name, namibia.m49) == ("NAM", "Namibia", "516")
    assert map_country_labels(["NA"]).mapped == {"NA": "NAM"}
    assert _iso3("516") == "NAM"


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("Bolivia (Plurinational State of)", "BOL"), ("Côte d'Ivoire", "CIV"),
        ("Cote d'Ivoire", "CIV"), ("Côte d’Ivoire", "CIV"), ("COTE D IVOIRE", "CIV"),
        ("Ivory Coast", "CIV"), ("Türkiye", "TUR"), ("Turkey", "TUR"), ("Viet Nam", "VNM"),
        ("Vietnam", "VNM"), ("Republic of Korea", "KOR"), ("South Korea", "KOR"),
        ("Democratic People's Republic of Korea", "PRK"), ("Russian Federation", "RUS"),
        ("Russia", "RUS"), ("UK", "GBR"), ("United Kingdom (Scotland)", "GBR"),
        ("United States of America", "USA"), ("Iran (Islamic Republic of)", "IRN"),
        ("Democratic Republic of the Congo", "COD"), ("DRC", "COD"), ("Congo", "COG"),
        ("Lao People's Democratic Republic", "LAO"), ("St. Lucia", "LCA"),
        ("the Gambia", "GMB"), ("Netherlands (Kingdom of the)", "NLD"), ("Czechia", "CZE"),
        ("Czech Republic", "CZE"), ("Swaziland", "SWZ"), ("Burma", "MMR"),
        ("citizens of Nigeria", "NGA"), ("Serbia 1/", "SRB"), ("  nigeria  ", "NGA"),
    ],
)
def test_english_names_and_common_forms(text, iso3):
    assert _iso3(text) == iso3


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("Allemagne", "DEU"), ("Royaume-Uni", "GBR"), ("États-Unis", "USA"),
        ("Etats-Unis", "USA"), ("Pays-Bas", "NLD"), ("Birmanie", "MMR"), ("Bolivie", "BOL"),
        ("Tchad", "TCD"), ("Guinée équatoriale", "GNQ"), ("Maroc", "MAR"),
        ("Afrique du Sud", "ZAF"), ("République démocratique du Congo", "COD"),
        ("RDC", "COD"), ("République du Congo", "COG"), ("Corée du Sud", "KOR"),
        ("Viêt Nam", "VNM"), ("Ouzbékistan", "UZB"), ("Russie", "RUS"), ("Syrie", "SYR"),
        ("Alemania", "DEU"), ("Reino Unido", "GBR"), ("Estados Unidos", "USA"),
        ("EE. UU.", "USA"), ("Costa de Marfil", "CIV"), ("Países Bajos", "NLD"),
        ("Marruecos", "MAR"), ("Sudáfrica", "ZAF"), ("República Dominicana", "DOM"),
        ("Federación Rusa", "RUS"), ("Rusia", "RUS"), ("Corea del Norte", "PRK"),
        ("Guinea Ecuatorial", "GNQ"), ("Haití", "HTI"), ("Perú", "PER"), ("Irán", "IRN"),
        ("Kirguistán", "KGZ"), ("Siria", "SYR"), ("Birmania", "MMR"),
    ],
)
def test_french_and_spanish_names(text, iso3):
    assert _iso3(text) == iso3


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("Kosovo", "XKX"), ("XK", "XKX"), ("XKX", "XKX"), ("Kosovo under UNSCR 1244", "XKX"),
        ("Kosovo (under UNSC res. 1244)", "XKX"), ("Kosovar", "XKX"), ("Taiwan", "TWN"),
        ("Taiwan, Province of China", "TWN"), ("Chinese Taipei", "TWN"),
        ("Hong Kong", "HKG"), ("China, Hong Kong SAR", "HKG"), ("Hong Kong (China)", "HKG"),
        ("Chinese (Hong Kong)", "HKG"), ("Macao", "MAC"), ("Macau", "MAC"),
        ("China, Macao Special Administrative Region", "MAC"), ("Palestine", "PSE"),
        ("State of Palestine", "PSE"), ("Palestinian", "PSE"),
    ],
)
def test_territories_and_partly_recognised_states(text, iso3):
    assert _iso3(text) == iso3


def test_kosovo_has_a_region_but_no_m49_code():
    kosovo = country_by_iso3("XKX")
    assert (kosovo.iso2, kosovo.m49, kosovo.region, kosovo.subregion) == (
        "XK", "", "Europe", "Southern Europe")


@pytest.mark.parametrize(
    "text",
    ["Congolese", "congolais", "congoleño", "Korea", "Korean", "Virgin Islands", "na", "Man",
     "in", "xx", "Other", "Unknown", "Atlantis", "Central Asia", "", "   ", "中国",
     "Sudan (South)"],
)
def test_ambiguous_short_or_unknown_text_is_not_guessed(text):
    assert country(text) is None


def test_upper_case_abbreviations_match_upper_case_text_only():
    assert [_iso3(t) for t in ("UK", "U.K.", "US", "U.S.", "DRC", "UAE", "EE. UU.")] == [
        "GBR", "GBR", "USA", "USA", "COD", "ARE", "USA"]
    assert [_iso3(t) for t in ("uk", "us", "u.s.", "drc", "Uae")] == [None] * 5


def test_bracketed_qualifier_picks_the_right_congo():
    assert _iso3("Congolese (DRC)") == "COD"
    assert _iso3("Congolese (Brazzaville)") == "COG"
    assert _iso3("Congo (Kinshasa)") == "COD"


# -- demonyms ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iso3", "forms"),
    [
        ("NGA", ["Nigerian", "Nigerians", "nigérian", "nigériane", "nigérians", "nigérianes",
                 "nigeriano", "nigeriana", "nigerianos", "nigerianas", "NIGERIANE"]),
        ("NER", ["Nigerien", "nigérien", "nigérienne", "nigerino", "nigerinas"]),
        ("VNM", ["Vietnamese", "vietnamien", "vietnamienne", "vietnamita", "vietnamitas"]),
        ("CHN", ["Chinese", "chinois", "chinoise", "chinoises", "chino", "chinas"]),
        ("MAR", ["Moroccan", "Marocaine", "marocains", "marroquí", "marroquies"]),
        ("DOM", ["Dominican", "dominicain", "dominicaine", "dominicano", "Dominicana"]),
        ("TUR", ["Turkish", "Turks", "turc", "turque", "turques", "turco", "turcas"]),
        ("GRC", ["Greek", "grec", "grecque", "grecs", "griego", "griegas"]),
        ("UKR", ["Ukrainian", "Ukrainians", "ukrainienne", "ucraniano", "ucranianas"]),
        ("ROU", ["Romanian", "roumain", "roumaines", "rumano", "rumanas"]),
        ("ALB", ["Albanian", "albanais", "albanaise", "albanés", "albanesas"]),
        ("PHL", ["Filipino", "Filipina", "Filipinos", "philippine", "filipinas"]),
        ("KGZ", ["Kyrgyz", "kirghize", "kirguís", "kirguisa", "kirguises"]),
        ("LVA", ["Latvian", "letton", "lettone", "letón", "letonas"]),
        ("VEN", ["Venezuelan", "vénézuélien", "vénézuéliennes", "venezolano", "venezolanas"]),
        ("HTI", ["Haitian", "haïtien", "haitienne", "haitiano", "haitianos"]),
        ("PRY", ["Paraguayan", "paraguayen", "paraguayenne", "paraguayo", "paraguaya"]),
        ("ERI", ["Eritrean", "érythréen", "érythréennes", "eritreo", "eritreas"]),
        ("BFA", ["Burkinabe", "Burkinabè", "burkinabè", "burkinés", "burkinesas"]),
        ("CIV", ["Ivorian", "ivoirien", "ivoiriennes", "marfileño", "marfileñas"]),
        ("GBR", ["British", "English", "Scottish", "britannique", "anglaise", "británico",
                 "inglesas"]),
        ("USA", ["American", "américain", "estadounidense", "estadounidenses"]),
        ("SAU", ["Saudi", "saoudien", "saoudiennes", "saudí", "saudita"]),
        ("THA", ["Thai", "thaïlandais", "thaïlandaise", "tailandés", "tailandesas"]),
    ],
)
def test_demonyms_in_three_languages(iso3, forms):
    assert {form: _iso3(form) for form in forms} == dict.fromkeys(forms, iso3)


def test_every_demonym_row_resolves_to_its_country_unless_shared():
    shared = {"COG", "COD"}
    wrong = [
        (row[column], row["iso3"], _iso3(row[column]))
        for row in _data("demonyms.csv") if row["iso3"] not in shared
        for column in ("masculine", "feminine", "masculine_plural", "feminine_plural")
        if _iso3(row[column]) != row["iso3"]
    ]
    assert wrong == []


def test_demonyms_cover_the_countries_victims_come_from():
    rows = _data("demonyms.csv")
    by_language = {
        lang: {r["iso3"] for r in rows if r["lang"] == lang} for lang in ("en", "fr", "es")
    }
    assert all(len(found) >= 190 for found in by_language.values())
    origins = {c.iso3 for c in countries() if c.m49 and _is_origin_area(c)}
    assert origins - {"XKX"} <= by_language["fr"] & by_language["es"] | _TERRITORIES
    assert "XKX" in by_language["es"]


_TERRITORIES = {  # dependent territories, not expected to carry French/Spanish demonyms
    "AIA", "ATF", "BES", "BLM", "BVT", "FLK", "GLP", "IOT", "MAF", "MSR", "MTQ", "MYT", "REU",
    "SGS", "SHN", "SXM", "TCA", "VGB", "VIR", "CYM", "CUW", "ABW", "PRI", "GUF", "ESH",
}


def _is_origin_area(c: geo.Country) -> bool:
    return c.region == "Africa" or c.subregion in {
        "Latin America and the Caribbean", "Southern Asia", "South-eastern Asia",
        "Central Asia", "Eastern Europe", "Western Asia"}


# -- regions -------------------------------------------------------------------------------


def test_region_and_subregion_of():
    assert (region_of("NGA"), subregion_of("NGA")) == ("Africa", "Sub-Saharan Africa")
    assert (region_of("mex"), subregion_of("MEX")) == (
        "Americas", "Latin America and the Caribbean")
    assert (region_of("USA"), subregion_of("USA")) == ("Americas", "Northern America")
    assert (region_of("UKR"), subregion_of("UKR")) == ("Europe", "Eastern Europe")
    assert (region_of("SYR"), subregion_of("SYR")) == ("Asia", "Western Asia")
    assert (region_of("VNM"), subregion_of("VNM")) == ("Asia", "South-eastern Asia")
    assert (region_of("FJI"), subregion_of("FJI")) == ("Oceania", "Melanesia")
    assert region_of("ATA") is None and region_of("ZZZ") is None and subregion_of("ZZZ") is None
    assert country_by_iso3("GHA").intermediate_region == "Western Africa"
    assert country_by_iso3("HTI").intermediate_region == "Caribbean"
    assert country_by_iso3("DEU").intermediate_region is None


def test_region_lists():
    assert regions() == ["Africa", "Americas", "Asia", "Europe", "Oceania"]
    assert len(subregions()) == 17
    assert {"Sub-Saharan Africa", "Latin America and the Caribbean", "Northern America",
            "Eastern Europe", "Western Asia"} <= set(subregions())
    assert intermediate_regions() == [
        "Caribbean", "Central America", "Channel Islands", "Eastern Africa", "Middle Africa",
        "South America", "Southern Africa", "Western Africa"]


def test_areas_by_name_in_three_languages():
    assert area("West Africa") == area("Afrique de l'Ouest") == area("África Occidental") == (
        "Western Africa")
    assert area("subsahariano") == "Sub-Saharan Africa"
    assert area("Atlantis") is None
    assert {c.iso3 for c in countries_in("Central Asia")} == {"KAZ", "KGZ", "TJK", "TKM", "UZB"}


def test_every_area_alias_names_a_real_m49_area():
    known = set(regions()) | set(subregions()) | set(intermediate_regions())
    assert {row["area"] for row in _data("area_aliases.csv")} <= known


def test_every_iso3_in_the_data_files_is_a_known_country():
    known = {c.iso3 for c in countries()}
    for name in ("country_aliases.csv", "demonyms.csv"):
        assert {row["iso3"] for row in _data(name)} <= known, name


# -- citizenship labels --------------------------------------------------------------------

GLOTIP_LABELS = {
    "Nigeria": "NGA", "Nigerians": "NGA", "Ukrainian": "UKR", "Viet Nam": "VNM",
    "Venezuelan": "VEN", "Dominicana": "DOM", "Marocaine": "MAR", "Chinese (Hong Kong)": "HKG",
    "Romanian": "ROU", "Bulgarians": "BGR", "Albania": "ALB", "Republic of Moldova": "MDA",
    "Thai": "THA", "Cambodians": "KHM", "Lao People's Democratic Republic": "LAO",
    "Myanmar": "MMR", "Filipino": "PHL", "Indonesian": "IDN", "Bangladeshi": "BGD",
    "Nepalese": "NPL", "Pakistani": "PAK", "Afghan": "AFG", "Syrian Arab Republic": "SYR",
    "Eritrean": "ERI", "Ethiopians": "ETH", "Somali": "SOM", "South Sudanese": "SSD",
    "Ghanaian": "GHA", "Ivorian": "CIV", "Burkinabe": "BFA", "Sierra Leonean": "SLE",
    "Congolese (DRC)": "COD", "Kenyan": "KEN", "Ugandan": "UGA", "Zimbabwean": "ZWE",
    "Honduran": "HND", "Guatemalan": "GTM", "Salvadoran": "SLV", "Colombian": "COL",
    "Paraguaya": "PRY", "Bolivia (Plurinational State of)": "BOL", "Haitianos": "HTI",
    "Cubana": "CUB", "vietnamita": "VNM", "Chinese": "CHN", "chinoises": "CHN",
    "Kosovo under UNSCR 1244": "XKX", "Türkiye": "TUR", "Uzbek": "UZB", "Kyrgyz": "KGZ",
    "Russian Federation": "RUS", "NA": "NAM", "Côte d'Ivoire": "CIV", "nigérianes": "NGA",
    "Brésiliennes": "BRA", "ucranianas": "UKR",
}
GLOTIP_SPECIAL = {
    "Unknown": "unknown", "Not known": "unknown", "N/A": "unknown", "Desconocido": "unknown",
    "Stateless": "stateless", "Apatrides": "stateless", "Other": "other", "Others": "other",
    "Other countries": "other", "Otros países": "other", "Autres": "other",
    "Domestic": "domestic", "Nationals": "domestic", "Nacionales": "domestic",
    "Foreign nationals": "foreign", "Other EU countries": "group:EU",
    "Other African countries": "region:Africa",
    "Other Sub-Saharan African countries": "region:Sub-Saharan Africa",
    "Other West African countries": "region:Western Africa",
    "Autres pays d'Afrique de l'Ouest": "region:Western Africa",
    "Other Central African countries": "region:Middle Africa",
    "Central Asia": "region:Central Asia", "Other East Asian countries": "region:Eastern Asia",
    "Otros países de América Latina": "region:Latin America and the Caribbean",
    "Other Caribbean countries": "region:Caribbean", "Africa (other)": "region:Africa",
    "Other European countries": "region:Europe", "Middle East": "region:Western Asia",
}
GLOTIP_NONSENSE = ["Atlantis", "xyz123", "Narnia nationals", "Yugoslavia", "Korean", "Congolese"]


def test_glotip_citizenship_labels():
    labels = [*GLOTIP_LABELS, *GLOTIP_SPECIAL, *GLOTIP_NONSENSE]
    result = map_country_labels(labels)
    assert result.mapped == GLOTIP_LABELS
    assert result.special == GLOTIP_SPECIAL
    assert result.unmapped == dict.fromkeys(GLOTIP_NONSENSE, 1)


def test_unmapped_labels_are_counted():
    result = map_country_labels(["Atlantis", "Nigeria", "Atlantis", "Atlantis", "Oz"])
    assert result.unmapped == {"Atlantis": 3, "Oz": 1}
    assert result.mapped == {"Nigeria": "NGA"}


def test_labels_in_other_scripts_are_not_taken_for_unknown():
    assert map_country_labels(["中国", "-", ""]).special == {"-": "unknown", "": "unknown"}


# -- languages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "alpha3", "alpha2"),
    [
        ("en", "eng", "en"), ("eng", "eng", "en"), ("English", "eng", "en"),
        ("fre", "fra", "fr"), ("fra", "fra", "fr"), ("FR", "fra", "fr"), ("français", "fra", "fr"),
        ("ger", "deu", "de"), ("chi", "zho", "zh"), ("per", "fas", "fa"), ("Farsi", "fas", "fa"),
        ("Tigrinya", "tir", "ti"), ("tir", "tir", "ti"), ("Swahili", "swa", "sw"),
        ("Mandarin", "cmn", None), ("Dari", "prs", None), ("Tagalog", "tgl", "tl"),
        ("Filipino", "fil", None), ("Pashto", "pus", "ps"), ("Ga", "gaa", None),
        ("ga", "gle", "ga"), ("Edo", "bin", None), ("árabe", "ara", "ar"), ("und", "und", None),
        ("afa", "afa", None),
    ],
)
def test_language_lookup(text, alpha3, alpha2):
    found = language(text)
    assert (found.alpha3, found.alpha2) == (alpha3, alpha2)


def test_unknown_language():
    assert language("xq") is None and language("Elvish") is None


# -- ISIC ------------------------------------------------------------------------------------


def test_isic_sections():
    sections = isic_sections()
    assert [s.code for s in sections] == list("ABCDEFGHIJKLMNOPQRSTU")
    assert isic_section("A").title == "Agriculture, forestry and fishing"
    assert isic_section("t").title.startswith("Activities of households as employers")
    assert isic_section("Section F").title == "Construction"
    assert isic_section("construction").code == "F"
    assert isic_section("01.13").code == "A"
    assert isic_section("4711").code == "G"
    assert isic_section("97").code == "T"
    assert isic_section("V") is None and isic_section("04") is None
