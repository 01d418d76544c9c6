"""The demo's organisations, people and evidence.

SHA and PCT codes and names are the real 2008 ones. Leodis Healthcare (Leeds) and
WyvernHealth.Com (Somerset) are real practice-based commissioning groups of the time, with
their published sizes. Every practice, every person and the Tower Hamlets locality group are
fictional, as is every evidence item's detail.
"""

from __future__ import annotations

from datetime import date

DEMO_PASSWORD = "world-class-2008"
DEMO_DOMAIN = "demo.wcc.nhs.test"

# (code, name, population)
SHAS = [
    ("Q32", "Yorkshire and the Humber Strategic Health Authority", 5_200_000),
    ("Q36", "London Strategic Health Authority", 7_600_000),
    ("Q39", "South West Strategic Health Authority", 5_200_000),
]

# (code, name, SHA code, population, council, main acute trust)
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
        "London Borough of Havering",
        "Barking, Havering and Redbridge Hospitals",
    ),
    (
        "5NC",
        "Waltham Forest PCT",
        "Q36",
        223_000,
        "London Borough of Waltham Forest",
        "Whipps Cross University Hospital",
    ),
    (
        "5C4",
        "Tower Hamlets PCT",
        "Q36",
        238_000,
        "London Borough of Tower Hamlets",
        "Barts and The London",
    ),
    ("5QL", "Somerset PCT", "Q39", 520_000, "Somerset County Council", "Taunton and Somerset FT"),
    ("5QJ", "Bristol PCT", "Q39", 430_000, "Bristol City Council", "University Hospitals Bristol"),
]

# (code, name, PCT code, population)
PBC_GROUPS = [
    ("5N1-LEO", "Leodis Healthcare", "5N1", 203_000),
    ("5QL-WYV", "WyvernHealth.Com", "5QL", 520_000),
    ("5C4-NEL", "Tower Hamlets North East Locality", "5C4", 60_000),
]

# (code, name, parent code, population) -- all fictional
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
]

# Clinicians working in a practice or PBC group: (organisation code, full name)
PRACTICE_CLINICIANS = [
    ("5N1-LEO", "Dr Colin Ashworth"),
    ("5QL-WYV", "Dr Jane Penrose"),
    ("5C4-NEL", "Dr Farida Begum"),
    ("B86901", "Dr Amrit Sandhu"),
    ("B86902", "Dr Lucy Fairburn"),
    ("B86903", "Dr Owen Pickles"),
    ("B86904", "Dr Nadia Rahman"),
    ("L85901", "Dr Helen Marsh"),
    ("L85902", "Dr Peter Coombes"),
    ("L85903", "Dr Rosie Hallett"),
    ("F84901", "Dr Kamal Uddin"),
    ("F84902", "Dr Grace Osei"),
]

FIRST_NAMES = ["Ruth", "David", "Priya", "Michael", "Sarah", "James", "Fiona", "Tom"]
SURNAMES = ["Hargreaves", "Okafor", "Patel", "Whitworth", "Brennan", "Lloyd", "Ahmed", "Carter"]

CYCLES = [
    ("2008/09", date(2008, 10, 1), date(2009, 1, 30), date(2009, 3, 31)),
    ("2009/10", date(2009, 9, 16), date(2009, 12, 18), date(2010, 5, 21)),
]

# Assessment status per PCT and cycle; a PCT missing from a cycle has no assessment in it.
ASSESSMENTS = {
    "2008/09": {"5N1": "finalised", "5N2": "finalised", "5C4": "finalised", "5QL": "finalised"},
    "2009/10": {
        "5N1": "in_review",
        "5N2": "submitted",
        "5NX": "signed_off",
        "5A4": "draft",
        "5NC": "returned",
        "5C4": "finalised",
        "5QL": "finalised",
        "5QJ": "draft",
    },
}

RETURN_REASON = (
    "Competency 4 rests on one locality meeting. Show engagement across the borough's "
    "practices, with numbers of practices and clinicians, and what changed as a result."
)

# Evidence every PCT holds: (title, kind, competencies, month offset, description).
# {pct}, {council} and {trust} are filled in per PCT. Month offsets count from June 2008.
COMMON_EVIDENCE = [
    (
        "Five-year strategic plan 2008-2013",
        "plan",
        [1, 6],
        3,
        "The board-approved strategy, built from the needs assessment, with the vision, "
        "priorities and the health outcomes {pct} commits to improving.",
    ),
    (
        "Joint strategic needs assessment with {council}",
        "data",
        [5, 2],
        2,
        "Needs assessment signed off jointly with {council}, with ward-level data on "
        "deprivation, long-term conditions and life expectancy.",
    ),
    (
        "Local area agreement review with {council}",
        "minutes",
        [2],
        5,
        "Minutes of the partnership board reviewing the shared targets on smoking, alcohol "
        "admissions and teenage pregnancy.",
    ),
    (
        "Patient and public engagement strategy and annual report",
        "document",
        [3],
        4,
        "Who was reached this year, through which panels and surveys, and what changed "
        "because of what people said.",
    ),
    (
        "Market development statement",
        "plan",
        [7],
        8,
        "How {pct} intends to shape its provider market: where it wants new providers, "
        "where it will decommission, and the outcomes it will specify.",
    ),
    (
        "Quarterly contract performance review with {trust}",
        "minutes",
        [10],
        7,
        "Activity, quality and performance against the acute contract, with agreed actions "
        "on waiting times and readmissions.",
    ),
    (
        "Medium-term financial plan and savings programme",
        "plan",
        [11, 6],
        9,
        "Financial plan under three funding scenarios, with the savings schemes and the "
        "investments they release.",
    ),
    (
        "Procurement capability review",
        "document",
        [9],
        10,
        "An external review of the commissioning team's tendering and contracting skills, "
        "with the development plan that followed.",
    ),
    (
        "Service improvement programme: stroke pathway",
        "case_study",
        [8],
        12,
        "Redesign of the stroke pathway with the acute trust, with thrombolysis rates before "
        "and after the change.",
    ),
    (
        "GP locality forum on referral management",
        "engagement",
        [4],
        6,
        "Locality meeting at which GPs reviewed referral data by practice and agreed local "
        "referral guidelines.",
    ),
]

# Evidence only some PCTs hold, with the real colour of the time.
SPECIAL_EVIDENCE: dict[str, list[tuple[str, str, list[int], int, str, str | None, int, int]]] = {
    # (title, kind, competencies, month offset, description, practice/group code,
    #  clinicians involved, practices involved)
    "5N1": [
        (
            "Leodis business case: community dermatology in GP premises",
            "engagement",
            [4, 8],
            5,
            "Leodis Healthcare's member practices agreed and submitted a business case to move "
            "routine dermatology into GP premises; approved by the PCT.",
            "5N1-LEO",
            38,
            17,
        ),
        (
            "Leodis business case: ENT service in the community",
            "engagement",
            [4, 7],
            9,
            "Second Leodis business case, for a community ENT service, approved and implemented.",
            "5N1-LEO",
            21,
            12,
        ),
        (
            "Enhanced services for residential and nursing-home patients",
            "contract",
            [4, 9],
            11,
            "Locally enhanced service agreed with Leodis practices for patients in residential "
            "and nursing homes.",
            "5N1-LEO",
            30,
            30,
        ),
        (
            "City-wide diabetes pathway workshop",
            "engagement",
            [4, 8, 5],
            15,
            "Workshop of GPs, diabetes specialist nurses and consultants that agreed a single "
            "diabetes pathway for the city.",
            None,
            61,
            52,
        ),
    ],
    "5QL": [
        (
            "COPD service tender: evaluation panel report",
            "contract",
            [9, 7, 3],
            7,
            "Tender for a community COPD service, evaluated by a panel including members of the "
            "Yeovil Breathability Support Group; a three-year contract was awarded.",
            None,
            6,
            0,
        ),
        (
            "WyvernHealth.Com: consortium membership and business plan",
            "engagement",
            [4],
            4,
            "WyvernHealth.Com, the GP consortium covering 71 of the county's 75 practices, set "
            "out its commissioning business plan with the PCT.",
            "5QL-WYV",
            120,
            71,
        ),
        (
            "Yeovil Breathability Support Group on the COPD pathway",
            "engagement",
            [3],
            6,
            "Patients with COPD described their experience of the current service and helped "
            "write the service specification.",
            "L85901",
            2,
            1,
        ),
    ],
    "5A4": [
        (
            "Practice-based commissioning simulation: outcomes",
            "case_study",
            [4, 1],
            2,
            "A simulation of practice-based commissioning with GPs, the acute trust and the PCT, "
            "about 100 participants across two boroughs.",
            None,
            34,
            18,
        ),
    ],
    "5NC": [
        (
            "PBC simulation follow-up: practice commissioning plans",
            "engagement",
            [4],
            3,
            "Practices that took part in the simulation drafted their first commissioning plans.",
            None,
            19,
            9,
        ),
    ],
    "5C4": [
        (
            "Polysystem model consultation",
            "engagement",
            [3, 8],
            8,
            "Public consultation on networks of practices and health centres, with responses "
            "analysed by ward and ethnicity.",
            "5C4-NEL",
            12,
            8,
        ),
        (
            "Network incentive scheme for GP practices",
            "contract",
            [4, 9, 10],
            10,
            "Contracts that pay practice networks for outcomes on diabetes, hypertension and "
            "childhood immunisation.",
            "5C4-NEL",
            45,
            36,
        ),
    ],
}

RATIONALE = {
    1: "The board leads the local NHS agenda through the strategic plan and chairs the "
    "health economy's leadership forum; partners' feedback is mixed.",
    2: "Joint commissioning with the council covers mental health and learning "
    "disabilities; shared targets are reviewed at the partnership board.",
    3: "An engagement strategy is in place and a patient panel meets monthly; we can show "
    "some services changed as a result, but seldom-heard groups are under-represented.",
    4: "Practice-based commissioning groups are active and several business cases are "
    "implemented; engagement still varies between localities.",
    5: "The joint needs assessment is current and informs the plan; practice-level "
    "analysis is improving but forward-looking modelling is limited.",
    6: "Investment decisions follow a published prioritisation framework applied to all "
    "new bids this year.",
    7: "A market development statement exists; few new providers have entered and the "
    "market is still shaped mainly by existing contracts.",
    8: "Two pathway redesigns show measurable improvement; innovation is not yet "
    "systematic across the programme.",
    9: "Procurement skills were reviewed externally and a development plan is under way; "
    "the first competitive tenders ran this year.",
    10: "Contract performance reviews run quarterly with every major provider, with "
    "quality measures alongside activity.",
    11: "The medium-term financial plan is balanced in the base case; savings schemes "
    "beyond year two are not yet fully identified.",
}

YEAR_ONE_C11 = (
    " In 2008/09 competency 11 was judged under governance and not rated separately; the "
    "level records the board's own view."
)

IMPROVEMENT_ACTION = (
    "Agree an action plan with named leads for each gap and report progress quarterly to the board."
)
