"""The demo world's organisations, people, cycles, evidence and assessment wording, and the
model its self-assessed and panel levels come from.

Real (from the project's domain notes and seed articles, /work/shared): the SHA and PCT codes
and names; the two assurance years and their seasons (Year 1 submissions in autumn 2008 and
SHA panels from October 2008 to January 2009; Year 2 launched on 16 September 2009, boards
ratifying in December and panels in spring 2010 up to the third week of May; no assurance in
2010/11); the documents PCTs submitted; the national shape of the results (competency 2 the
strongest, then 4 and 1; 7, then 9, the weakest; 11 the lowest in Year 2; Year 1 levels
mostly 1 to 2 with no 4s; Year 2 mostly 2 to 3); the leaders the trade press named (Year 1:
Birmingham East and North, Tower Hamlets, Somerset; Year 2: Hull, Salford, Tower Hamlets);
Leodis Healthcare (Leeds) and WyvernHealth.Com (Somerset) with their published sizes, business
cases and the Somerset COPD service and its tender, the Yeovil Breathability Support Group, the
Havering and Waltham Forest PBC simulations of 2005, Kirklees' self-assessed levels for
competency 1 (2, 2, 2 then 3, 3, 3), the panel altering two of its Year 1 scores and its
"Good" 2008/09 health check, Havering's and Tower Hamlets' "weak" quality rating in the same
check; and these people in these posts only: Sophia Christie (chief executive, Birmingham
East and North PCT), Alwen Williams (chief executive, Tower Hamlets PCT), Ian Tipney (chief
executive, Somerset PCT), Matt Walsh (director of commissioning, Leeds PCT), Dr Andy Harris
(chair, Leodis Healthcare) and Dr David Rooke (chair, WyvernHealth.Com).

Fictional: every other person (marked below), every practice, every PBC group marked as such,
each PCT's levels and every panel's scores, and the detail and date of every evidence item;
where an item names a real PCT's programme beyond the sources above, it stays generic and
gives no figures as outcomes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Literal

DEMO_PASSWORD = "world-class-2008"
DEMO_DOMAIN = "demo.wcc.nhs.test"


# Organisations -----------------------------------------------------------------------------

# The ten SHAs (2006-2013): code, region, and how many PCTs each had (152 in all).
SHA_REGIONS: tuple[tuple[str, str, int], ...] = (
    ("Q30", "North East", 12),
    ("Q31", "North West", 24),
    ("Q32", "Yorkshire and the Humber", 14),
    ("Q33", "East Midlands", 9),
    ("Q34", "West Midlands", 17),
    ("Q35", "East of England", 14),
    ("Q36", "London", 31),
    ("Q37", "South East Coast", 8),
    ("Q38", "South Central", 9),
    ("Q39", "South West", 14),
)

# The real PCTs the domain notes name for each SHA (code, name). The national data set fills
# each SHA up to its count with fictional PCTs.
REAL_PCTS: dict[str, tuple[tuple[str, str], ...]] = {
    "Q30": (
        ("5D7", "Newcastle PCT"),
        ("5ND", "County Durham PCT"),
        ("5KL", "Sunderland Teaching PCT"),
        ("5KF", "Gateshead PCT"),
    ),
    "Q31": (
        ("5F5", "Salford PCT"),
        ("5NT", "Manchester PCT"),
        ("5NL", "Liverpool PCT"),
        ("5NR", "Trafford PCT"),
    ),
    "Q32": (
        ("5N1", "Leeds PCT"),
        ("5N2", "Kirklees PCT"),
        ("5NX", "Hull Teaching PCT"),
        ("5N4", "Sheffield PCT"),
    ),
    "Q33": (
        ("5EM", "Nottingham City PCT"),
        ("5N7", "Derby City PCT"),
        ("5PC", "Leicester City PCT"),
        ("5N9", "Lincolnshire Teaching PCT"),
    ),
    "Q34": (
        ("5PG", "Birmingham East and North PCT"),
        ("5PJ", "Stoke on Trent PCT"),
        ("5PL", "Worcestershire PCT"),
        ("5PE", "Dudley PCT"),
    ),
    "Q35": (
        ("5PQ", "Norfolk PCT"),
        ("5PT", "Suffolk PCT"),
        ("5PP", "Cambridgeshire PCT"),
        ("5PN", "Peterborough PCT"),
    ),
    "Q36": (
        ("5A4", "Havering PCT"),
        ("5NC", "Waltham Forest PCT"),
        ("5C4", "Tower Hamlets PCT"),
        ("5C5", "Newham PCT"),
        ("5HX", "Ealing PCT"),
        ("5C9", "Haringey Teaching PCT"),
    ),
    "Q37": (
        ("5P5", "Surrey PCT"),
        ("5P9", "West Kent PCT"),
        ("5LQ", "Brighton and Hove City PCT"),
        ("5P6", "West Sussex PCT"),
    ),
    "Q38": (
        ("5QE", "Oxfordshire PCT"),
        ("5QC", "Hampshire PCT"),
        ("5CQ", "Milton Keynes PCT"),
        ("5QD", "Buckinghamshire PCT"),
    ),
    "Q39": (
        ("5QL", "Somerset PCT"),
        ("5QQ", "Devon PCT"),
        ("5QJ", "Bristol PCT"),
        ("5QN", "Bournemouth and Poole Teaching PCT"),
    ),
}

# The small demo's SHAs: (code, name, population).
SHAS = [
    ("Q32", "Yorkshire and the Humber Strategic Health Authority", 5_200_000),
    ("Q36", "London Strategic Health Authority", 7_600_000),
    ("Q39", "South West Strategic Health Authority", 5_200_000),
]

# The small demo's PCTs: (code, name, SHA code, registered population, council, main acute
# provider).
PCTS = [
    ("5N1", "Leeds PCT", "Q32", 761_000, "Leeds City Council", "Leeds Teaching Hospitals"),
    ("5N2", "Kirklees PCT", "Q32", 403_000, "Kirklees Council", "Calderdale and Huddersfield FT"),
    (
        "5NX",
        "Hull Teaching PCT",
        "Q32",
        262_000,
        "Hull City Council",
        "Hull and East Yorkshire Hospitals",
    ),
    (
        "5A4",
        "Havering PCT",
        "Q36",
        230_000,
        "the London Borough of Havering",
        "Barking, Havering and Redbridge Hospitals",
    ),
    (
        "5NC",
        "Waltham Forest PCT",
        "Q36",
        223_000,
        "the London Borough of Waltham Forest",
        "Whipps Cross University Hospital",
    ),
    (
        "5C4",
        "Tower Hamlets PCT",
        "Q36",
        238_000,
        "the London Borough of Tower Hamlets",
        "Barts and The London",
    ),
    ("5QL", "Somerset PCT", "Q39", 520_000, "Somerset County Council", "Taunton and Somerset FT"),
    ("5QJ", "Bristol PCT", "Q39", 430_000, "Bristol City Council", "University Hospitals Bristol"),
]

# (code, name, PCT code, registered population)
PBC_GROUPS = [
    # Real: 30 member practices, 126 GPs, just over 203,000 patients.
    ("5N1-LEO", "Leodis Healthcare", "5N1", 203_000),
    # Real: 71 of the county's 75 practices in 2008; the population is our estimate.
    ("5QL-WYV", "WyvernHealth.Com", "5QL", 490_000),
    # Fictional.
    ("5C4-NEL", "Tower Hamlets North East Locality", "5C4", 60_000),
    # Fictional.
    ("5N2-NKC", "North Kirklees Commissioning Consortium", "5N2", 185_000),
    # Fictional.
    ("5A4-HPC", "Havering Practice Commissioning Collaborative", "5A4", 118_000),
    # Fictional: one of the city's other PBC groups beside Leodis.
    ("5N1-LSE", "Leeds South and East Practice Alliance", "5N1", 160_000),
]

# Each PCT's declared number of GP practices. Somerset's is real (75 in 2008, seed 001); the
# others are our estimates from their registered populations (about 6,600 patients a
# practice). Each is at least every "practices involved" the PCT's evidence records.
PRACTICE_COUNTS = {
    "5N1": 112,
    "5N2": 70,
    "5NX": 56,
    "5A4": 50,
    "5NC": 47,
    "5C4": 36,
    "5QL": 75,
    "5QJ": 58,
}

# (code, name, parent code, registered population). All fictional, with ODS-style codes.
PRACTICES = [
    ("B86901", "Meanwood Park Surgery", "5N1-LEO", 9_800),
    ("B86902", "Chapel Allerton Medical Centre", "5N1-LEO", 12_400),
    ("B86903", "Armley Moor Health Centre", "5N1-LEO", 7_600),
    ("B86904", "Harehills Lane Practice", "5N1-LEO", 11_100),
    ("L85901", "Yeovil Hendford Surgery", "5QL-WYV", 13_200),
    ("L85902", "Taunton Wellsprings Practice", "5QL-WYV", 10_900),
    ("L85903", "Frome Market Yard Surgery", "5QL-WYV", 15_300),
    ("F84901", "Bow Road Health Centre", "5C4-NEL", 8_700),
    ("F84902", "Mile End Green Practice", "5C4", 6_900),
    ("B85901", "Batley Field Hill Surgery", "5N2-NKC", 9_300),
    ("B85902", "Dewsbury Westtown Practice", "5N2-NKC", 11_800),
    ("F82901", "Romford Market Place Surgery", "5A4-HPC", 10_400),
    # Also fictional, so that each PCT has 8 to 20 practices recorded by name: several in each
    # PBC group and some directly under the PCT.
    ("B86905", "Headingley Ridge Surgery", "5N1-LEO", 8_900),
    ("B86906", "Moortown Grange Practice", "5N1-LEO", 10_200),
    ("B86907", "Beeston Hill Health Centre", "5N1-LSE", 9_400),
    ("B86908", "Halton Moor Surgery", "5N1-LSE", 6_800),
    ("B86909", "Rothwell Marsh Practice", "5N1-LSE", 7_900),
    ("B86910", "Garforth Main Street Surgery", "5N1-LSE", 11_600),
    ("B86911", "Seacroft Green Medical Practice", "5N1-LSE", 8_300),
    ("B86912", "Pudsey Town Street Surgery", "5N1", 9_100),
    ("B86913", "Otley Bridge Practice", "5N1", 7_200),
    ("B86914", "Wetherby Crossley Surgery", "5N1", 6_500),
    ("B85903", "Birstall Market Surgery", "5N2-NKC", 7_700),
    ("B85904", "Heckmondwike Green Practice", "5N2-NKC", 8_600),
    ("B85905", "Mirfield Station Road Surgery", "5N2-NKC", 9_900),
    ("B85906", "Holmfirth Riverside Practice", "5N2", 8_100),
    ("B85907", "Marsden Valley Surgery", "5N2", 5_400),
    ("B85908", "Lindley Moor Medical Centre", "5N2", 12_300),
    ("B85909", "Kirkburton Village Surgery", "5N2", 6_200),
    ("B81901", "Newland Avenue Surgery", "5NX", 9_700),
    ("B81902", "Holderness Road Practice", "5NX", 11_200),
    ("B81903", "Orchard Park Health Centre", "5NX", 8_400),
    ("B81904", "Hessle Road Surgery", "5NX", 7_300),
    ("B81905", "Sutton Park Practice", "5NX", 6_900),
    ("B81906", "Marfleet Lane Surgery", "5NX", 7_800),
    ("B81907", "Bransholme Medical Centre", "5NX", 10_600),
    ("B81908", "Spring Bank Surgery", "5NX", 5_900),
    ("F82902", "Hornchurch Station Lane Surgery", "5A4-HPC", 9_200),
    ("F82903", "Upminster Bridge Practice", "5A4-HPC", 8_800),
    ("F82904", "Harold Hill Health Centre", "5A4-HPC", 11_900),
    ("F82905", "Rainham Broadway Surgery", "5A4-HPC", 7_100),
    ("F82906", "Elm Park Avenue Practice", "5A4", 6_700),
    ("F82907", "Gidea Park Surgery", "5A4", 8_000),
    ("F82908", "Collier Row Medical Centre", "5A4", 9_600),
    ("F86901", "Walthamstow Village Surgery", "5NC", 10_100),
    ("F86902", "Leyton Green Practice", "5NC", 9_000),
    ("F86903", "Chingford Mount Surgery", "5NC", 11_400),
    ("F86904", "Leytonstone High Road Practice", "5NC", 8_700),
    ("F86905", "Higham Hill Medical Centre", "5NC", 7_500),
    ("F86906", "Wood Street Surgery", "5NC", 6_600),
    ("F86907", "Lea Bridge Road Practice", "5NC", 8_200),
    ("F86908", "Highams Park Surgery", "5NC", 7_000),
    ("F84903", "Stepney Green Surgery", "5C4-NEL", 7_400),
    ("F84904", "Roman Road Practice", "5C4-NEL", 8_100),
    ("F84905", "Victoria Park Medical Centre", "5C4-NEL", 9_300),
    ("F84906", "Globe Town Surgery", "5C4-NEL", 6_200),
    ("F84907", "Isle of Dogs Health Centre", "5C4", 10_800),
    ("F84908", "Whitechapel Road Practice", "5C4", 7_900),
    ("F84909", "Poplar High Street Surgery", "5C4", 8_500),
    ("L85904", "Bridgwater Eastover Surgery", "5QL-WYV", 12_100),
    ("L85905", "Wells Cathedral Green Practice", "5QL-WYV", 9_800),
    ("L85906", "Minehead Quay Street Surgery", "5QL-WYV", 8_600),
    ("L85907", "Glastonbury Tor View Practice", "5QL-WYV", 7_400),
    ("L85908", "Chard Holyrood Surgery", "5QL-WYV", 10_300),
    ("L85909", "Wincanton Balsam Practice", "5QL", 6_100),
    ("L85910", "Crewkerne Abbey Street Surgery", "5QL", 5_800),
    ("L81901", "Bedminster Parade Surgery", "5QJ", 10_700),
    ("L81902", "Fishponds Park Practice", "5QJ", 9_400),
    ("L81903", "Southmead Health Centre", "5QJ", 11_100),
    ("L81904", "Knowle West Surgery", "5QJ", 8_200),
    ("L81905", "Clifton Down Practice", "5QJ", 12_600),
    ("L81906", "St Pauls Grosvenor Road Surgery", "5QJ", 7_600),
    ("L81907", "Hartcliffe Medical Centre", "5QJ", 8_900),
    ("L81908", "Horfield Common Surgery", "5QJ", 9_800),
]


# People ------------------------------------------------------------------------------------

# Each PCT's demo accounts, by the post each holds: (account prefix, role, job title). The
# account's email is ``{prefix}.{code}@`` the demo domain, in lower case.
PCT_POSTS: tuple[tuple[str, str, str], ...] = (
    ("lead", "pct_lead", "WCC programme lead"),
    ("board", "board_member", "Chief executive"),
    ("director", "board_member", "Director of commissioning"),
    ("clinician", "clinician", "Chair of the Professional Executive Committee (PEC)"),
)
# Each SHA's reviewer.
SHA_POST = ("reviewer", "sha_reviewer", "Director of commissioning development")
ADMIN_NAME = "Alex Morgan"  # Fictional.
ADMIN_TITLE = "Information systems manager"

# The real post-holders the domain notes name, in the posts the notes give them: PCT code,
# account prefix, name. No one else in the demo is real.
REAL_POST_HOLDERS: tuple[tuple[str, str, str], ...] = (
    ("5PG", "board", "Sophia Christie"),
    ("5C4", "board", "Alwen Williams"),
    ("5QL", "board", "Ian Tipney"),
    ("5N1", "director", "Matt Walsh"),
)

# The small demo's post-holders, by PCT and post. Fictional, but for the real post-holders
# above; a clinician's name carries "Dr".
PEOPLE: dict[str, dict[str, str]] = {
    "5N1": {
        "lead": "Ruth Hargreaves",
        "board": "Graham Sutcliffe",
        "director": "Matt Walsh",  # Real: Leeds PCT's director of commissioning (seed 000).
        "clinician": "Dr Imran Qureshi",
    },
    "5N2": {
        "lead": "Joanne Whitworth",
        "board": "Martin Haigh",
        "director": "Claire Ramsden",
        "clinician": "Dr Sunil Mistry",
    },
    "5NX": {
        "lead": "Karen Dobson",
        "board": "Neil Pickering",
        "director": "Louise Ackroyd",
        "clinician": "Dr Hugh Forsyth",
    },
    "5A4": {
        "lead": "Priya Chauhan",
        "board": "Stephen Doyle",
        "director": "Angela Fenwick",
        "clinician": "Dr Victor Adeyemi",
    },
    "5NC": {
        "lead": "Daniel Okonkwo",
        "board": "Helen Marchant",
        "director": "Rashid Hussain",
        "clinician": "Dr Eleanor Pryce",
    },
    "5C4": {
        "lead": "Shahana Miah",
        "board": "Alwen Williams",  # Real: Tower Hamlets PCT's chief executive (HSJ 2001978).
        "director": "Gareth Lloyd",
        "clinician": "Dr Ayesha Chowdhury",
    },
    "5QL": {
        "lead": "Fiona Carver",
        "board": "Ian Tipney",  # Real: Somerset PCT's chief executive (HSJ 2001978).
        "director": "Richard Tamlyn",
        "clinician": "Dr Philippa Hext",
    },
    "5QJ": {
        "lead": "Simon Bracey",
        "board": "Catherine Oduya",
        "director": "Mark Penhaligon",
        "clinician": "Dr Bridget Lyle",
    },
}

# Each SHA's director of commissioning development. Fictional.
SHA_PEOPLE = {"Q32": "Andrew Copley", "Q36": "Nicola Brathwaite", "Q39": "Jonathan Trelawny"}

# Clinicians with an account at a PBC group or practice: (organisation code, name, job title).
PRACTICE_CLINICIANS = [
    ("5N1-LEO", "Dr Andy Harris", "Chair"),  # Real: chair of Leodis Healthcare (seed 000).
    ("5QL-WYV", "Dr David Rooke", "Chair"),  # Real: chair of WyvernHealth.Com (seed 001).
    # Fictional, from here on.
    ("5C4-NEL", "Dr Farida Begum", "Clinical lead"),
    ("B86901", "Dr Amrit Sandhu", "GP partner"),
    ("B86902", "Dr Lucy Fairburn", "GP partner"),
    ("B86903", "Dr Owen Pickles", "GP partner"),
    ("B86904", "Dr Nadia Rahman", "GP partner"),
    ("L85901", "Dr Helen Marsh", "GP partner"),
    ("L85902", "Dr Peter Coombes", "GP partner"),
    ("L85903", "Dr Rosie Hallett", "GP partner"),
    ("F84901", "Dr Kamal Uddin", "GP partner"),
    ("F84902", "Dr Grace Osei", "GP partner"),
]

# Every demo account's job title, by the email's local part ("lead.5n1").
POST_TITLES = {prefix: title for prefix, _role, title in (*PCT_POSTS, SHA_POST)}
JOB_TITLES: dict[str, str] = {
    "admin": ADMIN_TITLE,
    **{f"reviewer.{code.lower()}": SHA_POST[2] for code, *_rest in SHAS},
    **{
        f"{prefix}.{code.lower()}": title
        for code, *_rest in PCTS
        for prefix, _role, title in PCT_POSTS
    },
    **{f"clinician.{code.lower()}": title for code, _name, title in PRACTICE_CLINICIANS},
}

# Names for the national data set's other post-holders: every one fictional, each pairing
# used once. No surname of a real person the sources name.
FIRST_NAMES = (
    "Adrian",
    "Alison",
    "Amanda",
    "Anil",
    "Barbara",
    "Brian",
    "Carol",
    "Colin",
    "Deborah",
    "Derek",
    "Elaine",
    "Fatima",
    "Gordon",
    "Gillian",
    "Hamid",
    "Heather",
    "Ivan",
    "Janet",
    "Julian",
    "Kathryn",
    "Keith",
    "Lesley",
    "Malcolm",
    "Margaret",
    "Nasreen",
    "Nigel",
    "Olive",
    "Patrick",
    "Pauline",
    "Rajesh",
    "Rosemary",
    "Sandra",
    "Trevor",
    "Tracey",
    "Usha",
    "Vincent",
    "Wendy",
    "Yvonne",
    "Zoe",
    "Duncan",
)
SURNAMES = (
    "Abbott",
    "Atkinson",
    "Barraclough",
    "Bhatti",
    "Birch",
    "Calvert",
    "Cartwright",
    "Chadwick",
    "Dacre",
    "Entwistle",
    "Fairclough",
    "Gallagher",
    "Garside",
    "Greenhalgh",
    "Holroyd",
    "Ingham",
    "Jagger",
    "Kapoor",
    "Lomax",
    "Marsden",
    "Metcalfe",
    "Naylor",
    "Nuttall",
    "Ormerod",
    "Pollard",
    "Quinlan",
    "Rawnsley",
    "Royle",
    "Shackleton",
    "Stansfield",
    "Thwaite",
    "Tinsley",
    "Varley",
    "Wadsworth",
    "Wainwright",
    "Whiteley",
    "Wolstenholme",
    "Yeadon",
    "Yardley",
    "Zaman",
)


def fictional_names(count: int, *, taken: set[str], seed: int = 2008) -> Iterator[str]:
    """``count`` distinct fictional names, none of them in ``taken`` (compared without "Dr"),
    the same ones each time."""
    pairs = [(first, last) for first in FIRST_NAMES for last in SURNAMES]
    random.Random(seed).shuffle(pairs)
    bare = {name.removeprefix("Dr ") for name in taken}
    made = 0
    for first, last in pairs:
        name = f"{first} {last}"
        if name in bare:
            continue
        yield name
        made += 1
        if made == count:
            return
    raise ValueError(f"only {made} fictional names are left, {count} asked for")


# Cycles ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CycleSeed:
    """An assurance year: the cycle's three dates, the season in which its SHA panels sat
    (the last results come out after the last panel, before the review deadline), and
    whether the SHAs shared their ratings as provisional for the PCTs to check for factual
    accuracy before making them final."""

    name: str
    opens_on: date
    submission_due: date
    review_due: date
    panels_from: date
    panels_to: date
    provisional_step: bool


CYCLES = (
    # Year 1: submissions from September (early panels need early papers) to the deadline in
    # December; panels from mid-October 2008 to mid-January 2009; results by the end of
    # January.
    CycleSeed(
        "2008/09",
        opens_on=date(2008, 9, 1),
        submission_due=date(2008, 12, 12),
        review_due=date(2009, 1, 30),
        panels_from=date(2008, 10, 13),
        panels_to=date(2009, 1, 16),
        # Year 1 scores were moderated regionally by the SHAs before release.
        provisional_step=True,
    ),
    # Year 2: launched 16 September 2009 with the revised handbook; boards ratified in
    # December; panels in spring 2010 up to the third week of May. There was no 2010/11
    # assurance.
    CycleSeed(
        "2009/10",
        opens_on=date(2009, 9, 16),
        submission_due=date(2009, 12, 18),
        review_due=date(2010, 5, 28),
        panels_from=date(2010, 3, 1),
        panels_to=date(2010, 5, 20),
        provisional_step=True,
    ),
)
FIRST_CYCLE = CYCLES[0].name

# The day the demo's story has reached: the last 2009/10 panels have sat, Tower Hamlets'
# ratings are final and its plan agreed, and the review deadline is two days away. `make run`
# serves the demo counting deadlines and overdue actions from it (WCC_TODAY).
STORY_DATE = date(2010, 5, 26)

# The competencies each year rated: 2008/09 judged finance under governance and did not rate
# competency 11. Every place that seeds or reads scores for a cycle goes by this.
ASSESSED: dict[str, tuple[int, ...]] = {
    "2008/09": tuple(range(1, 11)),
    "2009/10": tuple(range(1, 12)),
}
# The competencies a PCT records a level for: every one, because the service asks a level of
# each competency of the framework until cycles carry their assessed competencies; a level the
# cycle does not rate is the board's own view, and the panel records it as not rated.
RECORDED = tuple(range(1, 12))

# Assessment status per cycle and PCT; a PCT missing from a cycle has no assessment in it.
ASSESSMENTS = {
    "2008/09": {"5N1": "finalised", "5N2": "finalised", "5C4": "finalised", "5QL": "finalised"},
    "2009/10": {
        "5N1": "in_review",
        "5N2": "submitted",
        "5NX": "signed_off",
        "5A4": "draft",
        "5NC": "returned",
        "5C4": "finalised",
        "5QL": "provisional",
        "5QJ": "draft",
    },
}

# Each small-demo PCT's submission and panel days in each cycle (its board meets three
# working days before it submits); for a draft or signed-off assessment, the ones it is
# heading for.
SCHEDULES: dict[str, dict[str, tuple[date, date]]] = {
    "2008/09": {
        "5C4": (date(2008, 9, 26), date(2008, 10, 16)),
        "5QL": (date(2008, 10, 24), date(2008, 11, 13)),
        "5N1": (date(2008, 11, 20), date(2008, 12, 11)),
        "5N2": (date(2008, 12, 10), date(2009, 1, 14)),
    },
    "2009/10": {
        "5N2": (date(2009, 12, 7), date(2010, 4, 15)),
        "5NX": (date(2009, 12, 15), date(2010, 3, 25)),
        "5C4": (date(2009, 12, 11), date(2010, 4, 22)),
        "5NC": (date(2009, 12, 14), date(2010, 3, 4)),
        "5N1": (date(2009, 12, 16), date(2010, 3, 18)),
        "5A4": (date(2009, 12, 17), date(2010, 4, 29)),
        "5QL": (date(2009, 12, 17), date(2010, 5, 13)),
        "5QJ": (date(2009, 12, 17), date(2010, 5, 6)),
    },
}

RETURN_REASON = (
    "Competency 4 rests mostly on locality meetings. Show engagement across the borough's "
    "practices, with the numbers of practices and clinicians involved, and what changed as a "
    "result of what GPs told you."
)
# The points of that return: (competency number or None for a general point, the request).
RETURN_POINTS: tuple[tuple[int | None, str], ...] = (
    (
        4,
        "Show engagement across the borough's practices, not only locality meetings: how many "
        "practices and clinicians took part, and what changed because of what GPs said.",
    ),
    (
        None,
        "Set out the outcome aspirations behind the refreshed Strategic Plan: the trajectory "
        "for each measure over the five years, and who reports on it.",
    ),
)
# The board minute that ratified each self-assessment, by cycle name: a reference as boards
# numbered their minutes.
MINUTE_REFERENCE = {"2008/09": "PCT/BD/08/112", "2009/10": "PCT/BD/09/147"}


# Evidence ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceSeed:
    """One evidence item. In COMMON_EVIDENCE, {pct}, {council} and {trust} are filled per PCT."""

    title: str
    kind: str
    competencies: tuple[int, ...]
    occurred_on: date
    description: str
    practice: str | None = None
    clinicians: int | None = None
    practices: int | None = None


# What every PCT holds, dated inside the year it supports and before the first board meeting
# of that year, so that every assessment presents evidence for each competency: the documents
# PCTs submitted (strategic, financial, organisational development and communications plans,
# the needs assessment) and the working papers behind them.
COMMON_EVIDENCE = [
    # 2008/09: April to mid-September 2008 (the first Year 1 boards met in late September).
    EvidenceSeed(
        "Strategic Plan 2008/09–2012/13",  # noqa: RUF001 (the titles of the time use an en dash)
        "plan",
        (1, 6),
        date(2008, 9, 4),
        "The board-approved five-year strategy, built from the needs assessment: the vision, "
        "the priorities and the health outcomes {pct} commits to improving.",
    ),
    EvidenceSeed(
        "Joint Strategic Needs Assessment 2008 with {council}",
        "data",
        (5, 2),
        date(2008, 6, 19),
        "The first needs assessment agreed jointly with {council}, with ward-level data on "
        "deprivation, long-term conditions and life expectancy.",
    ),
    EvidenceSeed(
        "Annual Public Health Report 2007/08",
        "document",
        (5,),
        date(2008, 7, 10),
        "The director of public health's annual report: the gap in life expectancy across the "
        "area {pct} serves, and what drives it.",
    ),
    EvidenceSeed(
        "Communications and Engagement Strategy 2008–2013",  # noqa: RUF001 (the titles of the time use an en dash)
        "document",
        (3,),
        date(2008, 7, 24),
        "How {pct} will reach patients and the public, through which panels and surveys, and "
        "how it will report back what changed because of what people said.",
    ),
    EvidenceSeed(
        "Organisational Development Plan 2008/09",
        "plan",
        (9, 1),
        date(2008, 8, 14),
        "How {pct} will build the skills the competencies ask of it, starting from an external "
        "review of its tendering and contracting skills.",
    ),
    EvidenceSeed(
        "Financial Strategy 2008/09–2012/13",  # noqa: RUF001 (the titles of the time use an en dash)
        "plan",
        (11, 6),
        date(2008, 9, 4),
        "The financial plan for the five years of the strategy: the base case, the savings "
        "schemes and the investments they release.",
    ),
    EvidenceSeed(
        "Local area agreement review with {council}",
        "minutes",
        (2,),
        date(2008, 8, 7),
        "Minutes of the partnership board reviewing the shared targets on smoking, alcohol "
        "admissions and teenage pregnancy.",
    ),
    EvidenceSeed(
        "Market development statement",
        "plan",
        (7,),
        date(2008, 9, 11),
        "Where {pct} wants new providers, where it will decommission, and the outcomes it will "
        "specify rather than the services it will buy.",
    ),
    EvidenceSeed(
        "Quarterly contract performance review with {trust}",
        "minutes",
        (10,),
        date(2008, 7, 17),
        "Activity, quality and performance against the acute contract in the first quarter, "
        "with agreed actions on waiting times and readmissions.",
    ),
    EvidenceSeed(
        "Stroke pathway review with {trust}",
        "case_study",
        (8,),
        date(2008, 6, 26),
        "Stroke physicians, GPs and commissioners mapped the pathway from first symptoms to "
        "rehabilitation, agreed the changes to make first and the measures that will show "
        "whether they work.",
    ),
    EvidenceSeed(
        "GP locality forum on referral management",
        "engagement",
        (4,),
        date(2008, 9, 11),
        "Locality meeting, chaired by the PEC chair, at which GPs reviewed referral data by "
        "practice and agreed local referral guidelines.",
    ),
    # 2009/10: January to November 2009 (the first Year 2 boards met in early December).
    EvidenceSeed(
        "Operational Plan 2009/10",
        "plan",
        (6, 10),
        date(2009, 3, 26),
        "What {pct} will deliver this year: the activity it will buy, the Vital Signs "
        "indicators it has chosen and the contracts that carry them.",
    ),
    EvidenceSeed(
        "Joint commissioning agreement for children's services with {council}",
        "contract",
        (2,),
        date(2009, 4, 2),
        "Section 75 agreement pooling budgets for children's therapies and child and "
        "adolescent mental health, with a joint commissioning manager.",
    ),
    EvidenceSeed(
        "Market engagement event for community services providers",
        "other",
        (7,),
        date(2009, 3, 19),
        "Open event at which {pct} set out the outcomes it intends to buy in community "
        "services and invited providers' views on contract length and currency.",
    ),
    EvidenceSeed(
        "Quality schedule and CQUIN scheme 2009/10 with {trust}",
        "contract",
        (10,),
        date(2009, 4, 23),
        "The quality schedule of the acute contract and the commissioning for quality and "
        "innovation payments tied to it.",
    ),
    EvidenceSeed(
        "Joint Strategic Needs Assessment refresh 2009 with {council}",
        "data",
        (5,),
        date(2009, 5, 14),
        "Second edition of the joint needs assessment, adding practice-level disease "
        "prevalence and ten-year projections for long-term conditions.",
    ),
    EvidenceSeed(
        "Annual Public Health Report 2008/09",
        "document",
        (5, 2),
        date(2009, 7, 9),
        "The director of public health's annual report, on the causes of early death in the "
        "area and what {pct} and its partners will do about them.",
    ),
    EvidenceSeed(
        "Professional Executive Committee: investment and disinvestment decisions",
        "minutes",
        (4, 1),
        date(2009, 7, 16),
        "Minutes and decisions log of the Professional Executive Committee (PEC), which "
        "reviews every investment and disinvestment proposal before it reaches the board.",
    ),
    EvidenceSeed(
        "Community services tender: specification and evaluation",
        "contract",
        (9, 7),
        date(2009, 8, 20),
        "Outcome-based specification, evaluation model and the moderation record of the "
        "panel's scoring.",
    ),
    EvidenceSeed(
        "Citizens' panel: what we heard and what changed, 2009",
        "document",
        (3,),
        date(2009, 9, 3),
        "Results of three citizens' panel surveys and two deliberative events, each finding "
        "set beside the decision it informed.",
    ),
    EvidenceSeed(
        "Market position statement for community and mental health services",
        "plan",
        (7,),
        date(2009, 10, 1),
        "What {pct} expects to buy in community and mental health services over five years, "
        "published for existing and new providers.",
    ),
    EvidenceSeed(
        "Unplanned admissions programme: progress report",
        "case_study",
        (8, 10),
        date(2009, 10, 8),
        "Case management and rapid response for frail older people: what is in place, and the "
        "emergency admissions measure the programme reports against.",
    ),
    EvidenceSeed(
        "Organisational Development Plan 2009/10",
        "plan",
        (9, 1),
        date(2009, 10, 15),
        "The refreshed plan: procurement training and accreditation, clinical leadership and "
        "the skills the revised competencies ask for.",
    ),
    EvidenceSeed(
        "GP workshop on commissioning intentions for 2010/11",
        "engagement",
        (4, 6),
        date(2009, 10, 22),
        "Evening workshop where GPs ranked the draft commissioning intentions and added two "
        "of their own.",
    ),
    EvidenceSeed(
        "Communications and Engagement Strategy refresh 2009",
        "document",
        (3, 1),
        date(2009, 10, 29),
        "The refreshed strategy, with what {pct} heard in its first year of engagement and how "
        "it now reports back to those it asked.",
    ),
    EvidenceSeed(
        "Efficiency and effectiveness of spend: programme budgeting review",
        "data",
        (11, 6),
        date(2009, 11, 5),
        "Spend and outcome by programme budget category compared with similar PCTs, with the "
        "five areas chosen for review.",
    ),
    EvidenceSeed(
        "Strategic Plan 2009/10–2013/14: refresh under three financial scenarios",  # noqa: RUF001 (the titles of the time use an en dash)
        "plan",
        (1, 6, 11),
        date(2009, 11, 26),
        "The strategy re-tested against flat, low and negative growth in funding, with the "
        "programmes {pct} would protect, slow or stop under each.",
    ),
    EvidenceSeed(
        "Outcome aspirations 2009/10–2013/14",  # noqa: RUF001 (the titles of the time use an en dash)
        "plan",
        (1, 5),
        date(2009, 11, 26),
        "A year-on-year trajectory over five years for each health outcome {pct} has chosen, "
        "national and local.",
    ),
]

# Evidence only some PCTs hold, naming their own programmes.
SPECIAL_EVIDENCE: dict[str, list[EvidenceSeed]] = {
    "5N1": [
        EvidenceSeed(
            "Leodis Healthcare: member practices' commissioning agreement",
            "engagement",
            (4, 1),
            date(2008, 5, 22),
            "Leodis Healthcare, a co-operative owned by its 30 member practices and 126 GPs, "
            "with a listed population of just over 203,000, agreed its commissioning "
            "governance with the PCT.",
            practice="5N1-LEO",
            clinicians=126,
            practices=30,
        ),
        EvidenceSeed(
            "PBC groups in Leeds: from about ten to three or four",
            "document",
            (4, 1),
            date(2008, 6, 19),
            "Paper to the board on the city's early practice-based commissioning groups coming "
            "together, from about ten into three or four, and the management support each "
            "will receive.",
        ),
        EvidenceSeed(
            "Leodis business case: dermatology in GP premises",
            "engagement",
            (4, 8),
            date(2008, 7, 10),
            "Leodis Healthcare's member practices agreed a business case to deliver routine "
            "dermatology in GP premises, closer to home; agreed with the PCT.",
            practice="5N1-LEO",
        ),
        EvidenceSeed(
            "Leodis business case: ENT closer to home",
            "engagement",
            (4, 7),
            date(2008, 9, 18),
            "Business case for low-complexity ear, nose and throat care in the community, "
            "agreed between Leodis Healthcare and the PCT.",
            practice="5N1-LEO",
        ),
        EvidenceSeed(
            "Earned autonomy for practice-based commissioning groups",
            "plan",
            (4, 6),
            date(2008, 10, 23),
            "The PCT's paper on earned autonomy: more mature PBC groups such as Leodis get "
            "more say over their budgets, and different levels of ambition get different "
            "levels of funding.",
        ),
        EvidenceSeed(
            "Enhanced service for patients in residential and nursing homes",
            "contract",
            (4, 9),
            date(2008, 10, 30),
            "Enhanced service agreed with Leodis Healthcare's practices, from its business "
            "case, for the care of patients in residential and nursing homes.",
            practice="5N1-LEO",
        ),
        EvidenceSeed(
            "Predictive modelling and practice disease registers: skills to build with Leodis",
            "document",
            (5,),
            date(2008, 11, 6),
            "Leodis Healthcare and the PCT agreed that they lack the skills to build "
            "predictive modelling tools and practice-based disease registers for long-term "
            "conditions, and how to get them.",
            practice="5N1-LEO",
        ),
        EvidenceSeed(
            "City-wide diabetes pathway: low-complexity care in Leodis practices",
            "engagement",
            (4, 8, 5),
            date(2009, 6, 11),
            "GPs, diabetes specialist nurses and consultants agreed how Leodis practices take "
            "on low-complexity diabetes care under the city-wide evidence-based pathway.",
            practice="5N1-LEO",
        ),
        EvidenceSeed(
            "Meanwood Park Surgery: referral data review",
            "engagement",
            (4,),
            date(2009, 9, 10),
            "Practice meeting that compared its referral rates with the Leodis average and "
            "agreed peer review of orthopaedic referrals.",
            practice="B86901",
            clinicians=6,
            practices=1,
        ),
        EvidenceSeed(
            "Leodis business cases: progress report to the PEC",
            "minutes",
            (4, 7, 8),
            date(2009, 10, 15),
            "The Professional Executive Committee reviewed how the dermatology, ENT and "
            "care-home business cases are being implemented, and what Leodis proposes next.",
        ),
        EvidenceSeed(
            "City-wide diabetes pathway: six-month review",
            "data",
            (8, 10),
            date(2009, 11, 19),
            "Referrals, outpatient attendances and HbA1c control since low-complexity "
            "diabetes care moved into Leodis practices, as the review will track them.",
            practice="5N1-LEO",
        ),
        # The alliance is fictional.
        EvidenceSeed(
            "Leeds South and East Practice Alliance: members' meeting on urgent care",
            "engagement",
            (4, 10),
            date(2009, 5, 14),
            "The alliance's member practices agreed how they would share out-of-hours cover "
            "and what they want from the city's urgent care review.",
            practice="5N1-LSE",
            clinicians=22,
            practices=5,
        ),
    ],
    "5N2": [
        EvidenceSeed(
            "Board development session on the 2008/09 self-assessment",
            "minutes",
            (1,),
            date(2008, 11, 20),
            "The board settled the levels it will ratify, by sub-competency; competency 1 at "
            "level 2 on each of its three.",
        ),
        # The consortium is fictional.
        EvidenceSeed(
            "North Kirklees consortium commissioning plan",
            "engagement",
            (4, 6),
            date(2009, 4, 30),
            "The consortium's first commissioning plan, agreed at a members' meeting, with "
            "musculoskeletal services and falls prevention as priorities.",
            practice="5N2-NKC",
            clinicians=48,
            practices=19,
        ),
        EvidenceSeed(
            "Annual health check 2008/09: quality and financial management",
            "data",
            (10,),
            date(2009, 10, 15),
            "The Care Quality Commission rated Kirklees PCT Good for the quality of its "
            "services and Good for its financial management.",
        ),
        EvidenceSeed(
            "World class commissioning year 2 board report",
            "minutes",
            (1, 2, 3),
            date(2009, 12, 3),
            "Board paper setting out the year-two self-assessment by sub-competency, for "
            "ratification: competency 1 rises from level 2 to level 3 on each of its three.",
        ),
    ],
    "5NX": [
        EvidenceSeed(
            "Health inequalities programme with Hull City Council",
            "plan",
            (2, 5),
            date(2009, 3, 12),
            "Joint programme on smoking, alcohol and cardiovascular risk in the most deprived "
            "wards, with a shared measure of the gap in life expectancy.",
        ),
    ],
    "5A4": [
        EvidenceSeed(
            "PBC support plan 2009/10, built on the 2005 simulations",
            "document",
            (4, 1),
            date(2009, 2, 19),
            "Plan for practice-based commissioning support that draws on the two 2005 "
            "simulations run with Waltham Forest, which brought nearly 100 people from PCTs, "
            "acute trusts and practices together.",
        ),
        # The collaborative is fictional.
        EvidenceSeed(
            "Havering collaborative: musculoskeletal triage business case",
            "engagement",
            (4, 7),
            date(2009, 5, 21),
            "The collaborative's business case for a GP-led musculoskeletal triage service, "
            "agreed by its member practices and submitted to the PCT.",
            practice="5A4-HPC",
            clinicians=27,
            practices=14,
        ),
        EvidenceSeed(
            "Annual health check 2008/09: quality of services",
            "data",
            (10,),
            date(2009, 10, 15),
            "The Care Quality Commission rated Havering PCT weak on the quality of its "
            "services, and the board's plan in response with its main providers.",
        ),
    ],
    "5NC": [
        EvidenceSeed(
            "After the PBC simulations: practices' commissioning plans",
            "engagement",
            (4,),
            date(2009, 2, 5),
            "Practices drafted commissioning plans with PCT support, following the lessons of "
            "the 2005 simulations: clear rules, early detail of the incentive scheme, and the "
            "support practices can expect.",
            clinicians=19,
            practices=9,
        ),
        EvidenceSeed(
            "Locality commissioning groups: terms of reference",
            "minutes",
            (4, 1),
            date(2009, 6, 4),
            "Three locality groups formed, each with a GP chair, a practice manager and a PCT "
            "commissioning manager.",
        ),
    ],
    "5C4": [
        EvidenceSeed(
            "Polysystem model consultation",
            "engagement",
            (3, 8),
            date(2008, 8, 21),
            "Public consultation on networks of practices and health centres, with responses "
            "analysed by ward and ethnicity.",
            practice="5C4-NEL",
            clinicians=12,
            practices=8,
        ),
        EvidenceSeed(
            "Incentive scheme for networks of practices",
            "contract",
            (4, 9, 10),
            date(2009, 4, 16),
            "Contracts that reward networks of practices for agreed outcomes in long-term "
            "conditions and childhood immunisation.",
            practice="5C4-NEL",
        ),
        EvidenceSeed(
            "Annual health check 2008/09: quality of services",
            "data",
            (10,),
            date(2009, 10, 15),
            "The Care Quality Commission rated Tower Hamlets PCT weak on the quality of its "
            "services: a different measure from world class commissioning, and the board's "
            "response to it.",
        ),
    ],
    "5QL": [
        EvidenceSeed(
            "COPD community service specification, initiated by WyvernHealth.Com",
            "plan",
            (8, 7),
            date(2008, 4, 10),
            "Specification for routine case management and support for people with COPD, "
            "initiated by WyvernHealth.Com, to cut emergency admissions and move care out of "
            "the traditional hospital-based service.",
            practice="5QL-WYV",
        ),
        EvidenceSeed(
            "WyvernHealth.Com: consortium membership and commissioning plan",
            "engagement",
            (4,),
            date(2008, 4, 24),
            "WyvernHealth.Com, the GP consortium of 71 of the county's 75 practices, set out "
            "its commissioning plan with the PCT.",
            practice="5QL-WYV",
            practices=71,
        ),
        EvidenceSeed(
            "Yeovil Breathability Support Group on the COPD tender",
            "engagement",
            (3,),
            date(2008, 5, 8),
            "Members of the support group told the PCT what living for years with chronic "
            "breathing problems is like, and took part in the commissioning of the service.",
        ),
        EvidenceSeed(
            "COPD service tender: evaluation report",
            "contract",
            (9, 7, 3),
            date(2008, 5, 15),
            "The PCT marked the tenders rigorously; a partnership of Clinovia and the GP-led "
            "Avanaula Systems won the three-year contract, in which the PCT invests over "
            "£500,000.",
        ),
        EvidenceSeed(
            "COPD service goes live: event for patients",
            "engagement",
            (3, 8),
            date(2008, 7, 3),
            "On the day the service went live the PCT explained to patients how it works: "
            "pulmonary rehabilitation, information classes, oxygen assessment clinics and a "
            "24-hour urgent response. It rolls out across the county in phases over six months.",
        ),
        EvidenceSeed(
            "Frome Market Yard Surgery: falls prevention audit",
            "engagement",
            (4, 8),
            date(2009, 2, 26),
            "Practice audit of falls in patients over 75 that led to a referral route into the "
            "community falls service.",
            practice="L85903",
            clinicians=5,
            practices=1,
        ),
        EvidenceSeed(
            "WyvernHealth.Com locality commissioning plans",
            "engagement",
            (4, 6),
            date(2009, 5, 7),
            "The consortium's localities set out their priorities for 2009/10, agreed with "
            "the PCT's commissioning team.",
            practice="5QL-WYV",
        ),
        EvidenceSeed(
            "COPD service: first-year monitoring report",
            "data",
            (10, 8),
            date(2009, 10, 29),
            "Emergency admissions for COPD and patients' experience of the service, as the "
            "contract asks the provider to report them.",
        ),
    ],
    "5QJ": [
        EvidenceSeed(
            "Neighbourhood health profiles with Bristol City Council",
            "data",
            (5, 2),
            date(2009, 2, 12),
            "Health profiles for each of the city's neighbourhood partnership areas, used to "
            "target smoking cessation and weight management.",
        ),
    ],
}


# Engagement with named practices: what a practice's clinicians did with the PCT, logged by a
# clinician for that practice (fictional, as every practice is). Each PCT reaches about half
# its recorded practices in 2009/10 and a few in 2008/09, so that the engagement page shows
# practices engaged and practices not yet engaged. (practice code, date, clinicians)
PRACTICE_ACTIVITIES: tuple[tuple[str, tuple[int, ...], str], ...] = (
    (
        "referral data review",
        (4,),
        "Practice meeting that compared its referral rates with its neighbours' and agreed "
        "which referrals to review together.",
    ),
    (
        "prescribing review with the PCT's pharmacist",
        (4, 6),
        "The practice's GPs and the PCT's prescribing adviser went through the practice's "
        "prescribing data and agreed two changes.",
    ),
    (
        "long-term conditions pathway session",
        (4, 8),
        "Protected learning time on the pathway for long-term conditions: what moves into "
        "the practice and what the practice needs to take it on.",
    ),
    (
        "practice commissioning plan",
        (4, 6),
        "The practice set out what it wants to change in the services its patients use, "
        "with the PCT's commissioning manager.",
    ),
)
PRACTICE_VISITS: dict[str, tuple[tuple[str, date, int], ...]] = {
    "5N1": (
        ("B86903", date(2008, 6, 12), 4),
        ("B86904", date(2008, 10, 9), 5),
        ("B86902", date(2009, 3, 5), 7),
        ("B86905", date(2009, 4, 23), 4),
        ("B86907", date(2009, 6, 18), 6),
        ("B86908", date(2009, 7, 9), 3),
        ("B86912", date(2009, 10, 1), 5),
        ("B86910", date(2009, 11, 12), 8),
    ),
    "5N2": (
        ("B85902", date(2008, 7, 17), 4),
        ("B85901", date(2009, 3, 12), 5),
        ("B85903", date(2009, 6, 4), 3),
        ("B85906", date(2009, 9, 17), 4),
        ("B85908", date(2009, 11, 5), 6),
    ),
    "5NX": (
        ("B81902", date(2008, 9, 4), 5),
        ("B81901", date(2009, 2, 26), 6),
        ("B81903", date(2009, 5, 21), 4),
        ("B81905", date(2009, 8, 13), 3),
        ("B81907", date(2009, 10, 29), 7),
    ),
    "5A4": (
        ("F82904", date(2008, 5, 15), 6),
        ("F82901", date(2009, 3, 19), 4),
        ("F82903", date(2009, 7, 2), 5),
        ("F82906", date(2009, 10, 8), 3),
    ),
    "5NC": (
        ("F86903", date(2008, 8, 14), 5),
        ("F86901", date(2009, 4, 2), 6),
        ("F86902", date(2009, 6, 11), 4),
        ("F86905", date(2009, 9, 3), 3),
        ("F86907", date(2009, 11, 19), 5),
    ),
    "5C4": (
        ("F84903", date(2008, 6, 26), 3),
        ("F84901", date(2009, 3, 26), 5),
        ("F84904", date(2009, 5, 28), 4),
        ("F84907", date(2009, 8, 27), 6),
        ("F84908", date(2009, 10, 22), 4),
    ),
    "5QL": (
        ("L85906", date(2008, 9, 25), 4),
        ("L85901", date(2009, 3, 5), 6),
        ("L85904", date(2009, 6, 25), 5),
        ("L85905", date(2009, 9, 10), 4),
        ("L85909", date(2009, 11, 26), 3),
    ),
    "5QJ": (
        ("L81903", date(2008, 7, 3), 5),
        ("L81901", date(2009, 2, 19), 4),
        ("L81902", date(2009, 5, 7), 6),
        ("L81904", date(2009, 7, 30), 3),
        ("L81906", date(2009, 10, 15), 5),
    ),
}


def practice_evidence(pct_code: str) -> list[EvidenceSeed]:
    """The PCT's items logged for named practices, from ``PRACTICE_VISITS``."""
    names = {code: name for code, name, _parent, _population in PRACTICES}
    seeds = []
    for n, (code, occurred_on, clinicians) in enumerate(PRACTICE_VISITS.get(pct_code, ())):
        activity, competencies, description = PRACTICE_ACTIVITIES[n % len(PRACTICE_ACTIVITIES)]
        seeds.append(
            EvidenceSeed(
                f"{names[code]}: {activity}",
                "engagement",
                competencies,
                occurred_on,
                description,
                practice=code,
                clinicians=clinicians,
                practices=1,
            )
        )
    return seeds


# What each assessment says ---------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """What a PCT's own wording names: its clinicians' groups, its flagship programme, its
    route to patients and its example of procurement. The defaults are generic."""

    pbc: str = "our practice-based commissioning groups"
    flagship: str = "the stroke pathway redesign"
    patients: str = "our patient and public panels"
    tender: str = "the community services tender"


PROFILES: dict[str, Profile] = {
    "5N1": Profile(
        pbc="Leodis Healthcare and the city's other PBC groups",
        flagship="the city-wide diabetes pathway",
    ),
    "5N2": Profile(
        pbc="the North Kirklees Commissioning Consortium and the other PBC groups",
        flagship="the musculoskeletal and falls prevention programme",
    ),
    "5NX": Profile(flagship="the health inequalities programme with Hull City Council"),
    "5A4": Profile(
        pbc="the Havering Practice Commissioning Collaborative and the borough's practices",
        flagship="musculoskeletal triage",
    ),
    "5NC": Profile(
        pbc="the borough's three locality commissioning groups",
        flagship="the unplanned admissions programme",
    ),
    "5C4": Profile(
        pbc="the borough's networks of practices",
        flagship="the polysystem programme",
        patients="the polysystem consultation",
    ),
    "5QL": Profile(
        pbc="WyvernHealth.Com",
        flagship="the COPD service",
        patients="the Yeovil Breathability Support Group and other patient groups",
        tender="the COPD service tender",
    ),
    "5QJ": Profile(flagship="the neighbourhood health profiles"),
}
GENERIC_PLACES = {"council": "the local authority", "trust": "the main acute trust"}

# Why the PCT gives itself each level, per year; {pct}, {council}, {trust} and the profile's
# fields are filled per PCT.
RATIONALE = {
    1: "The five-year Strategic Plan sets out {pct}'s vision and the outcomes it will "
    "improve, and the board leads the local NHS in the partnership with {council}; partners' "
    "feedback on that leadership is mixed.",
    2: "The Joint Strategic Needs Assessment was agreed with {council}, and the local area "
    "agreement's shared targets are reviewed at the partnership board; joint commissioning "
    "covers mental health and learning disabilities.",
    3: "The Communications and Engagement Strategy is in place and {patients} informed "
    "{flagship}; some decisions changed as a result, but seldom-heard groups are "
    "under-represented.",
    4: "The Professional Executive Committee reviews investment proposals and "
    "{pbc} have business cases agreed with us; engagement still varies between practices.",
    5: "The Joint Strategic Needs Assessment and the Annual Public Health Report inform the "
    "Strategic Plan; practice-level analysis is improving, forward-looking modelling is "
    "limited.",
    6: "Investment follows a prioritisation framework applied to every new bid this year; "
    "existing spend has not yet been reviewed the same way.",
    7: "Our market development statement says where we want new providers and where we will "
    "decommission; few new providers have entered, and existing contracts still shape the "
    "market.",
    8: "{flagship} shows what redesign with clinicians can do; improvement is not yet "
    "systematic across the programme.",
    9: "The Organisational Development Plan started from an external review of our tendering "
    "and contracting skills; our first competitive procurements under it are being planned.",
    10: "Contract performance reviews with {trust} run quarterly, with quality measures "
    "alongside activity.",
    11: "The Financial Strategy balances the plan in the base case; savings schemes beyond "
    "year two are not yet identified.",
}

YEAR_TWO_RATIONALE = {
    1: "Partners now look to {pct} to lead: the refreshed five-year Strategic Plan was "
    "agreed with {council} and the Professional Executive Committee, with outcome aspirations "
    "for each goal.",
    2: "Pooled budgets for children's services sit beside the mental health agreement with "
    "{council}; the partnership board tracks the gap in life expectancy between wards.",
    3: "The refreshed Communications and Engagement Strategy sets what we heard from "
    "{patients} beside the decision it changed; reach into seldom-heard groups has improved "
    "but is not yet routine.",
    4: "The Professional Executive Committee reviews every investment proposal, and "
    "{pbc} hold budgets and bring business cases to it; GPs shaped next year's commissioning "
    "intentions.",
    5: "The refreshed Joint Strategic Needs Assessment adds practice-level prevalence and "
    "ten-year projections, and every business case now draws on it.",
    6: "The Strategic Plan was re-tested under three funding scenarios, and the prioritisation "
    "framework ranked the programmes to protect, slow or stop.",
    7: "Providers were engaged openly on community services, a market position statement is "
    "published and outcome-based specifications are in use; the market is still thin in "
    "places.",
    8: "{flagship} now reports outcomes, not only activity, and improvement programmes are "
    "being spread across localities.",
    9: "Competitive tenders run to one evaluation model with a moderation record; "
    "{tender} set the standard the team now follows.",
    10: "Quality schedules and CQUIN schemes are in our contracts with {trust} and the other "
    "main providers, reviewed monthly.",
    11: "Programme budgeting compares our spend and outcomes with similar PCTs; five areas are "
    "under review for the efficiency and effectiveness of spend.",
}

# Where a PCT's own programmes make its account specific: (PCT code, cycle name) to the
# rationale for a competency. Facts from the sources only; the rest is generic.
OWN_RATIONALE: dict[tuple[str, str], dict[int, str]] = {
    ("5N1", "2008/09"): {
        4: "Leodis Healthcare, owned by its 30 member practices and 126 GPs, has business "
        "cases agreed with us for dermatology in GP premises, ENT and enhanced services for "
        "patients in residential and nursing homes; the city's PBC groups have come together "
        "from about ten to three or four.",
        5: "The needs assessment informs the plan; Leodis Healthcare and we agree we lack the "
        "skills for predictive modelling and practice disease registers, and the public "
        "health team gives PBC groups the information to target prevention.",
        6: "Our earned-autonomy paper gives more mature PBC groups more say over their budgets, "
        "with different funding for different levels of ambition; new bids follow the "
        "prioritisation framework.",
        8: "With Leodis Healthcare, low-complexity care is moving closer to home: dermatology "
        "and ENT business cases are agreed, and Leodis practices are taking on care under the "
        "city-wide diabetes pathway.",
    },
    ("5N1", "2009/10"): {
        4: "Leodis Healthcare's business cases for dermatology, ENT and care-home patients "
        "are being implemented, and the city's PBC groups bring new cases to the Professional "
        "Executive Committee, which reviews every investment proposal.",
        8: "The city-wide diabetes pathway now runs through Leodis practices for "
        "low-complexity care; its six-month review tracks referrals, outpatient attendances "
        "and HbA1c control.",
    },
    ("5N2", "2008/09"): {
        1: "Settled in board development sessions and ratified by the board: level 2 on each "
        "of this competency's three parts. Partners see the PCT as the local NHS leader, but "
        "the vision is not yet widely known.",
    },
    ("5N2", "2009/10"): {
        1: "Level 3 on each of this competency's three parts, up from 2 last year: the "
        "refreshed Strategic Plan was built with partners, and the board leads change across "
        "the local health system.",
    },
    ("5A4", "2009/10"): {
        4: "The two PBC simulations we hosted with Waltham Forest in 2005, with nearly 100 "
        "people from PCTs, acute trusts and practices, still shape our support for "
        "practice-based commissioning; the collaborative has brought its first business case.",
    },
    ("5NC", "2009/10"): {
        4: "The PBC simulations we hosted with Havering in 2005 taught us that practices need "
        "clear rules and early detail of the incentive scheme; three locality groups now "
        "commission with us, each with a GP chair.",
    },
    ("5QL", "2008/09"): {
        3: "Patients took part in commissioning the COPD service: the Yeovil Breathability "
        "Support Group told us what living with the condition is like, and on the day the "
        "service went live we explained it to patients at an event.",
        4: "WyvernHealth.Com, the GP consortium of 71 of the county's 75 practices, initiated "
        "the COPD service; we now want the same clinical lead on other pathways.",
        7: "The COPD service moved provision away from the traditional hospital-based "
        "provider: a partnership of Clinovia and the GP-led Avanaula Systems won the "
        "three-year contract.",
        8: "The COPD service brings pulmonary rehabilitation, information classes, oxygen "
        "assessment clinics and a 24-hour urgent response, with home visits, to cut emergency "
        "admissions; it is rolling out across the county in phases.",
        9: "We marked the COPD tenders rigorously, with patients engaged throughout; the PCT "
        "invests over £500,000 in the three-year contract.",
    },
    ("5QL", "2009/10"): {
        4: "WyvernHealth.Com brings GPs from across the county into our decisions; the COPD "
        "service it initiated is the model for the pathways now under review.",
        8: "The COPD service now runs across the county after its phased roll-out; we follow "
        "emergency admissions and patients' experience as the contract sets out.",
    },
}

YEAR_ONE_NOT_RATED = (
    " In 2008/09 competency 11 was judged under governance and not rated separately; the "
    "level records the board's own view."
)

IMPROVEMENT_ACTIONS = {
    1: "Run a partners' perception survey and act on it through the partnership with {council}.",
    2: "Extend pooled budgets with {council} to older people's services and agree shared "
    "outcome measures.",
    3: "Reach seldom-heard groups through community organisations and report back what changed.",
    4: "Give every PBC group a named commissioning manager and a quarterly budget statement.",
    5: "Add forward projections to the needs assessment and publish practice-level profiles.",
    6: "Apply the prioritisation framework to existing spend, not only to new bids.",
    7: "Publish market position statements for community and mental health services.",
    8: "Spread what worked in {flagship} to other pathways, and stop what did not.",
    9: "Complete the procurement training in the Organisational Development Plan.",
    10: "Add outcome measures to the quality schedule of every main contract.",
    11: "Identify the savings schemes needed beyond year two and test them with clinicians.",
}

YEAR_TWO_ACTIONS = {
    1: "Publish the outcome aspirations with partners and report progress against them yearly.",
    2: "Agree productivity measures with {council} for the pooled budgets.",
    3: "Report back to {patients} on every major service decision.",
    4: "Bring clinicians into contract negotiations with providers, not only service design.",
    5: "Link the needs assessment to programme budgets, so that need and spend are read together.",
    6: "Agree the disinvestments the low-growth scenario needs before the next planning round.",
    7: "Use the market position statement to bring new providers into the thinnest markets.",
    8: "Build improvement into contracts through CQUIN, so that providers share the gains.",
    9: "Share procurement staff with neighbouring PCTs for the larger tenders.",
    10: "Review provider quality monthly with clinicians, on the same measures in every contract.",
    11: "Deliver the five efficiency reviews and put what they release back into the plan.",
}

OWN_ACTIONS: dict[tuple[str, str], dict[int, str]] = {
    ("5N1", "2008/09"): {
        4: "Agree with Leodis Healthcare the managerial and analytical support it needs, "
        "including predictive modelling and practice disease registers.",
    },
    ("5QL", "2008/09"): {
        9: "Run every competitive tender as the COPD tender was run, with patients engaged.",
    },
}


def _fill(text: str, pct_code: str, pct_name: str, places: dict[str, str]) -> str:
    profile = PROFILES.get(pct_code, Profile())
    return text.format(
        pct=pct_name,
        pbc=profile.pbc,
        flagship=profile.flagship,
        patients=profile.patients,
        tender=profile.tender,
        **places,
    )


def rationale(pct_code: str, pct_name: str, cycle: str, number: int, **places: str) -> str:
    """The PCT's reason for its level on ``number`` in ``cycle``, in its own terms. ``places``
    names its council and main trust (generic when not given)."""
    own = OWN_RATIONALE.get((pct_code, cycle), {})
    wording = RATIONALE if cycle == FIRST_CYCLE else YEAR_TWO_RATIONALE
    template = own.get(number) or wording[number]
    text = _fill(template, pct_code, pct_name, {**GENERIC_PLACES, **places})
    text = text[0].upper() + text[1:]
    if number not in ASSESSED[cycle]:
        text += YEAR_ONE_NOT_RATED
    return text


def improvement_action(pct_code: str, pct_name: str, cycle: str, number: int, **places: str) -> str:
    own = OWN_ACTIONS.get((pct_code, cycle), {})
    template = (
        own.get(number)
        or (IMPROVEMENT_ACTIONS if cycle == FIRST_CYCLE else YEAR_TWO_ACTIONS)[number]
    )
    return _fill(template, pct_code, pct_name, {**GENERIC_PLACES, **places})


# Levels: the national shape ----------------------------------------------------------------
#
# A PCT's level on a competency comes from the year's typical level, the PCT's strength that
# year and the competency's ease, with a little seeded noise; the panel then confirms most
# levels and challenges some, mostly down, more often for weaker PCTs and harder competencies,
# and now and then raises one. Nationally this gives what the sources report: competency 2
# the strongest, then 4 and 1; 7, then 9, the weakest, and 11 lowest of all in Year 2
# (averaging about 1.5); Year 1 mostly 1 to 2 and no 4s; Year 2 mostly 2 to 3, with 3s and 4s
# among the strongest PCTs.

YEAR_LEVEL = {"2008/09": 1.55, "2009/10": 2.3}
HIGHEST_LEVEL = {"2008/09": 3, "2009/10": 4}
EASE = {
    1: 0.3,
    2: 0.6,
    3: 0.05,
    4: 0.35,
    5: 0.05,
    6: 0.0,
    7: -0.65,
    8: 0.0,
    9: -0.4,
    10: 0.1,
    11: -0.8,
}
NOISE = 0.35
UNNAMED_STRENGTH = 0.5
PANEL_RAISES = 0.015

# Strength by PCT and year: the leaders the trade press named, and the small demo's PCTs.
# Every other PCT's strength is drawn from its code.
STRENGTH: dict[str, dict[str, float]] = {
    "2008/09": {
        "5PG": 0.9,  # Birmingham East and North, a Year 1 leader.
        "5C4": 0.9,  # Tower Hamlets, a leader in both years.
        "5QL": 0.9,  # Somerset, a Year 1 leader.
        "5N1": 0.3,
        "5N2": 0.15,
        "5NX": 0.35,
        "5A4": -0.25,
        "5NC": -0.2,
        "5QJ": 0.0,
    },
    "2009/10": {
        "5NX": 1.05,  # Hull, a Year 2 leader.
        "5F5": 1.05,  # Salford, a Year 2 leader.
        "5C4": 1.05,
        "5QL": 0.45,
        "5N1": 0.35,
        "5N2": 0.25,
        "5A4": -0.2,
        "5NC": -0.25,
        "5QJ": 0.05,
    },
}
# A competency where a PCT stood out in a year: DH praised Newham's maternity work with its
# local authority and acute trust, and Stoke on Trent's GP engagement, in Year 2.
STANDS_OUT = {("5C5", "2009/10", 2): 0.5, ("5PJ", "2009/10", 4): 0.5}
# Levels a PCT is known to have given itself: Kirklees on competency 1.
KNOWN_SELF_LEVELS = {("5N2", "2008/09"): {1: 2}, ("5N2", "2009/10"): {1: 3}}
# How many of its scores a panel altered, where that is known: Kirklees in Year 1 ("the panel
# only felt it appropriate to alter two of our scores"). Which two, and that both went down,
# is our invention.
KNOWN_ALTERATIONS = {("5N2", "2008/09"): 2}


def strength(pct_code: str, cycle: str) -> float:
    """How strong a commissioner the PCT was that year (0 is typical): a PCT not named
    above is drawn from its code (the same each time), and stays short of the leaders."""
    named = STRENGTH.get(cycle, {}).get(pct_code)
    if named is not None:
        return named
    drawn = random.Random(f"strength-{pct_code}").gauss(0, 0.25)
    if cycle != FIRST_CYCLE:
        drawn += random.Random(f"change-{pct_code}").gauss(0, 0.12)
    return min(max(drawn, -UNNAMED_STRENGTH), UNNAMED_STRENGTH)


def _clamp(level: float, cycle: str) -> int:
    return min(max(round(level), 1), HIGHEST_LEVEL[cycle])


def self_levels(pct_code: str, cycle: str) -> dict[int, int]:
    """The level the PCT's board gave itself on each competency it records."""
    rng = random.Random(f"self-{pct_code}-{cycle}")
    own = strength(pct_code, cycle)
    levels = {
        number: _clamp(
            YEAR_LEVEL[cycle]
            + own
            + EASE[number]
            + STANDS_OUT.get((pct_code, cycle, number), 0)
            + rng.gauss(0, NOISE),
            cycle,
        )
        for number in RECORDED
    }
    levels.update(KNOWN_SELF_LEVELS.get((pct_code, cycle), {}))
    return levels


def panel_levels(pct_code: str, cycle: str) -> dict[int, int]:
    """The panel's level on each competency the cycle rates (one it does not rate keeps the
    PCT's own level): mostly the PCT's own, sometimes one lower, rarely one higher."""
    own = self_levels(pct_code, cycle)
    levels = dict(own)
    known = KNOWN_ALTERATIONS.get((pct_code, cycle))
    if known is not None:
        hardest = sorted((n for n in ASSESSED[cycle] if own[n] > 1), key=lambda n: EASE[n])
        for number in hardest[:known]:
            levels[number] = own[number] - 1
        return levels
    rng = random.Random(f"panel-{pct_code}-{cycle}")
    challenge = 0.16 - 0.12 * strength(pct_code, cycle)
    for number in ASSESSED[cycle]:
        down = challenge + (0.12 if EASE[number] < -0.3 else 0.0)
        draw = rng.random()
        if draw < down and own[number] > 1:
            levels[number] = own[number] - 1
        elif draw > 1 - PANEL_RAISES and own[number] < HIGHEST_LEVEL[cycle]:
            levels[number] = own[number] + 1
    return levels


REVIEW_AGREED = "Agreed: the evidence and the board's account at the panel support this level."
REVIEW_LOWERED = {
    1: "partners at the panel described the PCT's leadership less firmly than its own account.",
    2: "joint work with the council is real, but the shared outcomes are not yet measured.",
    3: "engagement is active, but few decisions can be shown to have changed because of it.",
    4: "clinical engagement rests on a few committed GPs; the panel wanted it across practices.",
    5: "the needs assessment is sound but does not yet drive investment decisions.",
    6: "prioritisation is applied to new money only, not to existing spend.",
    7: "the market statement sets out intentions; the panel saw no change yet in who provides.",
    8: "improvement is shown in single projects, not across the programme.",
    9: "procurement skill rests on a few staff and one or two tenders.",
    10: "contract reviews record activity more than quality and outcomes.",
    11: "savings beyond the first two years are not identified.",
}
REVIEW_RAISED = (
    "Raised from {own} to {level}: the board's account at the panel went further than the "
    "written evidence, and partners confirmed it."
)
REVIEW_NOT_RATED = (
    "Not rated separately in 2008/09: finance was assessed under governance. The PCT's own "
    "level is recorded for completeness."
)


def review_comment(cycle: str, number: int, own: int, level: int) -> str:
    """What the panel wrote beside its level for a competency."""
    if number not in ASSESSED[cycle]:
        return REVIEW_NOT_RATED
    if level < own:
        return f"Moderated from {own} to {level}: {REVIEW_LOWERED[number]}"
    if level > own:
        return REVIEW_RAISED.format(own=own, level=level)
    return REVIEW_AGREED


RATING_COMMENTS = {
    "strong": "Clear, dated and shows what changed as a result.",
    "adequate": "Relevant, but shows activity more than effect.",
    "weak": "Describes intentions only; no sign yet of delivery.",
    "not_relevant": "Useful background, but it does not bear on the competencies it is linked to.",
}


# The SHA's panel, its questions and its provisional ratings ----------------------------------

# Who sat on each SHA's panels beside its director of commissioning development: a peer
# reviewer from a PCT elsewhere and a clinical adviser, the same two for each of the SHA's
# panels. All fictional; no surname of the national data set's names (``SURNAMES``).
PEER_REVIEWER = "Peer reviewer: director of commissioning at a PCT in another region"
CLINICAL_ADVISER = "Clinical adviser: GP and PEC chair from another SHA's area"
PANEL_PEERS: dict[str, tuple[tuple[str, str], ...]] = {
    "Q30": (("Moira Elstob", PEER_REVIEWER), ("Dr Stuart Lowery", CLINICAL_ADVISER)),
    "Q31": (("Bernadette Quayle", PEER_REVIEWER), ("Dr Tariq Mahmood", CLINICAL_ADVISER)),
    "Q32": (("Lorraine Haxby", PEER_REVIEWER), ("Dr Geoffrey Pybus", CLINICAL_ADVISER)),
    "Q33": (("Annette Spendlove", PEER_REVIEWER), ("Dr Ravi Chandran", CLINICAL_ADVISER)),
    "Q34": (("Philip Onions", PEER_REVIEWER), ("Dr Mairead Kinsella", CLINICAL_ADVISER)),
    "Q35": (("Josephine Blyth", PEER_REVIEWER), ("Dr Kenneth Rudd", CLINICAL_ADVISER)),
    "Q36": (("Marcus Adebayo", PEER_REVIEWER), ("Dr Helen Okoro", CLINICAL_ADVISER)),
    "Q37": (("Caroline Fitzwilliam", PEER_REVIEWER), ("Dr Andrew Tulloch", CLINICAL_ADVISER)),
    "Q38": (("Simon Ledger", PEER_REVIEWER), ("Dr Frances Aldous", CLINICAL_ADVISER)),
    "Q39": (("Elaine Penrose", PEER_REVIEWER), ("Dr Martin Colenso", CLINICAL_ADVISER)),
}
# Who came to the panel for the PCT: its chief executive, PEC chair, director of
# commissioning and WCC programme lead (account prefixes of ``PCT_POSTS``).
PANEL_ATTENDEES = ("board", "clinician", "director", "lead")

# What each small-demo panel explored: its key lines of enquiry, and what it made of them.
PANEL_NOTES: dict[tuple[str, str], str] = {
    ("5N1", "2008/09"): (
        "Key lines of enquiry: how Leodis Healthcare's business cases for dermatology and ENT "
        "were weighed against other calls on the budget; whether prioritisation reaches "
        "existing spend as well as new money; and how the city's PBC groups, now three or "
        "four, will be held to account for what they commission. The board described its "
        "earned-autonomy paper. The panel found prioritisation applied to new money only and "
        "moderated competency 6."
    ),
    ("5N2", "2008/09"): (
        "Key lines of enquiry: how the board reached its levels in its development sessions; "
        "whether improvement in the musculoskeletal and falls prevention programme reaches "
        "beyond single projects; and how far procurement skill goes beyond the few staff who "
        "ran the last tenders. The panel agreed most of the board's levels and altered two, "
        "competencies 8 and 9."
    ),
    ("5C4", "2008/09"): (
        "Key lines of enquiry: what the polysystem consultation changed in the plans for "
        "networks of practices and health centres; how the partnership with the London "
        "Borough of Tower Hamlets turns shared priorities into measured outcomes; and how the "
        "board will know the programme is working. The panel moderated competency 2: the "
        "joint work is real, but its outcomes are not yet measured."
    ),
    ("5QL", "2008/09"): (
        "Key lines of enquiry: how WyvernHealth.Com and the PCT ran the COPD service tender "
        "together and kept patients involved; what the first months of the new service show; "
        "and whether the approach will carry to other pathways. The board's account of the "
        "tender went further than its written evidence, and the panel raised competency 9."
    ),
    ("5N1", "2009/10"): (
        "Key lines of enquiry, put to the PCT before the panel: how practices outside Leodis "
        "Healthcare take part in commissioning, and how many took part in the city-wide "
        "diabetes pathway; and what the pathway's six-month review shows about referrals and "
        "outpatient attendances. The PEC chair brought practice-level figures. The panel "
        "scored the first five competencies on the day and will score the rest once it has "
        "read them."
    ),
    ("5NC", "2009/10"): (
        "Key lines of enquiry: how the three locality commissioning groups reach the practices "
        "that do not come to their meetings; what has changed because of what GPs said; and "
        "the outcome trajectories behind the refreshed Strategic Plan. The evidence for "
        "competency 4 rests mostly on locality meetings and the trajectories were not set "
        "out: the panel agreed to return the assessment with two points."
    ),
    ("5C4", "2009/10"): (
        "Key lines of enquiry: how the networks of practices engage GPs beyond their leads; "
        "what the polysystem programme has changed for patients; and how the board answers "
        "the Care Quality Commission's weak rating for the quality of services alongside its "
        "commissioning. The board gave a confident account. On competency 4 the panel was not "
        "yet persuaded that engagement reached beyond a few committed GPs."
    ),
    ("5QL", "2009/10"): (
        "Key lines of enquiry: whether the COPD service's approach has carried to the "
        "pathways now under review; how WyvernHealth.Com's locality plans shape investment; "
        "and how far improvement and procurement reach beyond the COPD programme. The panel "
        "found improvement shown in single projects and procurement skill resting on one "
        "tender, and moderated competencies 8 and 9."
    ),
}
GENERIC_PANEL_NOTES = (
    "Key lines of enquiry: how the board of {pct} holds the organisation to its Strategic "
    "Plan and the outcomes it chose; how far clinicians beyond the Professional Executive "
    "Committee shape commissioning decisions; and what the evidence shows has changed, not "
    "only what is planned."
)


def panel_notes(pct_name: str, moved: list[int]) -> str:
    """What a panel noted where the demo has no notes of its own: the key lines of enquiry,
    and the competencies on which it altered the board's levels."""
    notes = GENERIC_PANEL_NOTES.format(pct=pct_name)
    if not moved:
        return f"{notes} The panel agreed the board's levels."
    if len(moved) == 1:
        altered = f"competency {moved[0]}"
    else:
        altered = f"competencies {', '.join(str(n) for n in moved[:-1])} and {moved[-1]}"
    return f"{notes} The panel agreed the board's other levels and altered {altered}."


Asked = Literal["before_panel", "after_panel", "after_return"]
"""When a question is asked: a key line of enquiry before the panel, after the panel, or on
a return."""


@dataclass(frozen=True)
class QuestionSeed:
    """A question between a PCT and its SHA on an assessment: who asks (the account prefix,
    ``reviewer`` or ``lead``), on which competency (None: the assessment as a whole), when,
    and the other side's answer (None: not answered yet)."""

    asker: Literal["reviewer", "lead"]
    competency: int | None
    when: Asked
    question: str
    answer: str | None = None


QUESTIONS: dict[tuple[str, str], tuple[QuestionSeed, ...]] = {
    ("5N1", "2009/10"): (
        # A key line of enquiry before the panel.
        QuestionSeed(
            "reviewer",
            4,
            "before_panel",
            "Leodis Healthcare's business cases are well evidenced. How do the practices "
            "outside Leodis take part in commissioning, and how many of the city's practices "
            "took part in the diabetes pathway work? Please bring practice-level figures to "
            "the panel.",
            "The city's other PBC groups bring their business cases to the Professional "
            "Executive Committee as Leodis does, and each has a GP on the diabetes pathway "
            "steering group. Dr Qureshi will bring practice-level figures for the pathway and "
            "for the referral data reviews to the panel.",
        ),
        QuestionSeed(
            "lead",
            None,
            "after_panel",
            "Thank you for the panel. Can you tell us when the SHA expects to share its "
            "provisional ratings? Our board would like to consider them, and the development "
            "plan that follows, at its next meeting.",
        ),
    ),
    ("5NC", "2009/10"): (
        QuestionSeed(
            "lead",
            4,
            "after_return",
            "On the return point for competency 4: would attendance at the three locality "
            "commissioning groups by practice since April 2009, with the decisions each group "
            "has influenced, answer it? Or do you also want the results of our GP survey?",
            "Yes: attendance by practice, and two or three decisions you can trace to what GPs "
            "said, would answer it. The survey would help but is not needed.",
        ),
    ),
}


@dataclass(frozen=True)
class FactCheck:
    """A PCT's factual-accuracy comment on a competency of the provisional ratings, and the
    SHA's moderation that follows: the panel had shared a level one below the one it
    finalised."""

    competency: int
    comment: str
    reason: str
    """Why the reviewer changed the level: kept in the moderation log."""
    final_comment: str
    """The panel's comment beside the moderated level."""


FACT_CHECKS: dict[tuple[str, str], FactCheck] = {
    ("5C4", "2009/10"): FactCheck(
        4,
        "The provisional rating for competency 4 says clinical engagement rests on a few "
        "committed GPs. Since April 2009 the incentive scheme for networks of practices, "
        "presented with our assessment, rewards each network for outcomes its practices "
        "agreed together, and each network has a GP lead. We ask the panel to consider this "
        "evidence again.",
        "The PCT's factual-accuracy response points to the incentive scheme for networks of "
        "practices, presented with the assessment but not weighed at the panel. It shows "
        "engagement across the borough's practices, not only a few GPs: level 3, as the "
        "board assessed.",
        "Agreed after the factual-accuracy check: the incentive scheme for networks of "
        "practices shows engagement across the borough's practices.",
    ),
}


def provisional_levels(pct_code: str, cycle: str) -> dict[int, int]:
    """The panel's levels as it first shared them: its final ones, but for a competency it
    moderated after the PCT's factual-accuracy check, one lower."""
    levels = panel_levels(pct_code, cycle)
    check = FACT_CHECKS.get((pct_code, cycle))
    if check is not None:
        if levels[check.competency] <= 1:
            raise ValueError(f"{pct_code} {cycle}: competency {check.competency} at level 1")
        levels[check.competency] -= 1
    return levels
