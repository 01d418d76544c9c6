"""The demo world's organisations, people, evidence and assessment wording.

Real: the SHA and PCT codes and names (2008), Leodis Healthcare (Leeds) and WyvernHealth.Com
(Somerset) with their published sizes, the Somerset COPD tender and the Yeovil Breathability
Support Group, the Havering and Waltham Forest PBC simulations of 2005, and Kirklees' year-two
board report. Fictional: every practice, every person, every PBC group marked as such below,
and the detail of every evidence item.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

DEMO_PASSWORD = "world-class-2008"
DEMO_DOMAIN = "demo.wcc.nhs.test"


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


# (code, name, population)
SHAS = [
    ("Q32", "Yorkshire and the Humber Strategic Health Authority", 5_200_000),
    ("Q36", "London Strategic Health Authority", 7_600_000),
    ("Q39", "South West Strategic Health Authority", 5_200_000),
]

# (code, name, SHA code, registered population, council, main acute provider)
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
]

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
]

# Clinicians working in a practice or PBC group: (organisation code, full name). Fictional.
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

# (name, opens, submission due, review due)
CYCLES = [
    ("2008/09", date(2008, 10, 1), date(2009, 1, 30), date(2009, 3, 31)),
    ("2009/10", date(2009, 9, 16), date(2009, 12, 18), date(2010, 5, 21)),
]

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
        "5QL": "finalised",
        "5QJ": "draft",
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
        "Date each item of evidence; several appear to come from before the assurance year.",
    ),
)
# The board minute that ratified each self-assessment, by cycle name: a reference as boards
# numbered their minutes.
MINUTE_REFERENCE = {"2008/09": "PCT/BD/08/112", "2009/10": "PCT/BD/09/147"}

# Evidence every PCT holds, dated inside the year it supports.
COMMON_EVIDENCE = [
    # 2008/09: April 2008 to January 2009.
    EvidenceSeed(
        "Five-year strategic plan 2008-2013",
        "plan",
        (1, 6),
        date(2008, 9, 25),
        "The board-approved strategy, built from the needs assessment, with the vision, "
        "priorities and the health outcomes {pct} commits to improving.",
    ),
    EvidenceSeed(
        "Joint strategic needs assessment with {council}",
        "data",
        (5, 2),
        date(2008, 7, 10),
        "Needs assessment signed off jointly with {council}, with ward-level data on "
        "deprivation, long-term conditions and life expectancy.",
    ),
    EvidenceSeed(
        "Local area agreement review with {council}",
        "minutes",
        (2,),
        date(2008, 11, 6),
        "Minutes of the partnership board reviewing the shared targets on smoking, alcohol "
        "admissions and teenage pregnancy.",
    ),
    EvidenceSeed(
        "Patient and public engagement strategy and annual report",
        "document",
        (3,),
        date(2008, 10, 16),
        "Who was reached this year, through which panels and surveys, and what changed "
        "because of what people said.",
    ),
    EvidenceSeed(
        "Market development statement",
        "plan",
        (7,),
        date(2008, 12, 4),
        "How {pct} intends to shape its provider market: where it wants new providers, "
        "where it will decommission, and the outcomes it will specify.",
    ),
    EvidenceSeed(
        "Quarterly contract performance review with {trust}",
        "minutes",
        (10,),
        date(2008, 10, 23),
        "Activity, quality and performance against the acute contract, with agreed actions "
        "on waiting times and readmissions.",
    ),
    EvidenceSeed(
        "Medium-term financial plan and savings programme",
        "plan",
        (11, 6),
        date(2008, 12, 18),
        "Financial plan for the five years of the strategy, with the savings schemes and the "
        "investments they release.",
    ),
    EvidenceSeed(
        "Procurement capability review",
        "document",
        (9,),
        date(2008, 11, 20),
        "An external review of the commissioning team's tendering and contracting skills, "
        "with the development plan that followed.",
    ),
    EvidenceSeed(
        "Service improvement programme: stroke pathway",
        "case_study",
        (8,),
        date(2009, 1, 15),
        "Redesign of the stroke pathway with {trust}, with thrombolysis rates before and after "
        "the change.",
    ),
    EvidenceSeed(
        "GP locality forum on referral management",
        "engagement",
        (4,),
        date(2008, 9, 11),
        "Locality meeting at which GPs reviewed referral data by practice and agreed local "
        "referral guidelines.",
    ),
    # 2009/10: February to mid-December 2009.
    EvidenceSeed(
        "Strategic plan refresh 2009/10 under three financial scenarios",
        "plan",
        (1, 6, 11),
        date(2009, 6, 25),
        "The strategy re-tested against flat, low and negative growth in funding, with the "
        "programmes {pct} would protect, slow or stop under each.",
    ),
    EvidenceSeed(
        "Joint strategic needs assessment refresh with {council}",
        "data",
        (5,),
        date(2009, 5, 14),
        "Second edition of the joint needs assessment, adding practice-level disease "
        "prevalence and ten-year projections for long-term conditions.",
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
        "Citizens' panel: what we heard and what changed, 2009",
        "document",
        (3,),
        date(2009, 9, 3),
        "Results of three citizens' panel surveys and two deliberative events, each finding "
        "set beside the decision it informed.",
    ),
    EvidenceSeed(
        "Clinical executive committee: first six months",
        "minutes",
        (4, 1),
        date(2009, 7, 16),
        "Minutes and decisions log of the clinical executive, which now reviews every "
        "investment and disinvestment proposal before it reaches the board.",
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
        "Unplanned admissions programme: first-year results",
        "case_study",
        (8, 10),
        date(2009, 10, 8),
        "Case management and rapid response for frail older people, with emergency "
        "admissions per 1,000 over-75s before and after.",
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
        "Efficiency and effectiveness of spend: programme budgeting review",
        "data",
        (11, 6),
        date(2009, 11, 5),
        "Spend and outcome by programme budget category compared with similar PCTs, with "
        "the five areas chosen for review.",
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
        "GP workshop on commissioning intentions for 2010/11",
        "engagement",
        (4, 6),
        date(2009, 10, 22),
        "Evening workshop where GPs ranked the draft commissioning intentions and added two "
        "of their own.",
    ),
]

# Evidence only some PCTs hold, with the colour of the time.
SPECIAL_EVIDENCE: dict[str, list[EvidenceSeed]] = {
    "5N1": [
        EvidenceSeed(
            "Leodis Healthcare: member practices' commissioning agreement",
            "engagement",
            (4, 1),
            date(2008, 5, 22),
            "Leodis Healthcare, a co-operative owned by its 30 member practices and 126 GPs, "
            "agreed its commissioning agreement and governance with the PCT.",
            practice="5N1-LEO",
            clinicians=126,
            practices=30,
        ),
        EvidenceSeed(
            "Leodis business case: community dermatology in GP premises",
            "engagement",
            (4, 8),
            date(2008, 10, 9),
            "Leodis Healthcare's member practices agreed and submitted a business case to move "
            "routine dermatology into GP premises; approved by the PCT.",
            practice="5N1-LEO",
            clinicians=38,
            practices=17,
        ),
        EvidenceSeed(
            "Leodis business case: ENT service in the community",
            "engagement",
            (4, 7),
            date(2008, 12, 11),
            "Second Leodis business case, for low-complexity ear, nose and throat care closer "
            "to home; approved and in the first months of delivery.",
            practice="5N1-LEO",
            clinicians=21,
            practices=12,
        ),
        EvidenceSeed(
            "Enhanced service for residential and nursing-home patients",
            "contract",
            (4, 9),
            date(2009, 1, 8),
            "Locally enhanced service agreed with Leodis practices for regular review of "
            "patients in residential and nursing homes.",
            practice="5N1-LEO",
            clinicians=30,
            practices=30,
        ),
        EvidenceSeed(
            "PBC groups in Leeds: from ten to four",
            "document",
            (4, 1),
            date(2008, 6, 19),
            "Paper to the board on the merger of about ten early practice-based commissioning "
            "groups into four, and the management support each will receive.",
        ),
        EvidenceSeed(
            "Earned autonomy for practice-based commissioning groups",
            "plan",
            (4, 6),
            date(2008, 11, 27),
            "Framework giving more mature PBC groups more freedom over their budgets, with "
            "different funding for different levels of ambition.",
        ),
        EvidenceSeed(
            "Practice-level disease registers for long-term conditions",
            "data",
            (5,),
            date(2009, 1, 22),
            "Registers and a predictive risk tool built with Leodis, so practices can find the "
            "patients most likely to be admitted.",
            practice="5N1-LEO",
        ),
        EvidenceSeed(
            "City-wide diabetes pathway workshop",
            "engagement",
            (4, 8, 5),
            date(2009, 6, 11),
            "Workshop of GPs, diabetes specialist nurses and consultants that agreed a single "
            "evidence-based diabetes pathway for the city.",
            clinicians=61,
            practices=52,
        ),
        EvidenceSeed(
            "Diabetes pathway: first six months",
            "data",
            (8, 10),
            date(2009, 11, 19),
            "HbA1c control, referrals and outpatient attendances since low-complexity diabetes "
            "care moved into Leodis practices.",
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
    ],
    "5N2": [
        EvidenceSeed(
            "Board ratification of the 2008/09 self-assessment",
            "minutes",
            (1,),
            date(2009, 1, 27),
            "Board minutes ratifying the self-assessed levels before submission to the SHA, "
            "with competency 1 at level 2 on each of its three sub-competencies.",
        ),
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
            "World class commissioning year 2 board report",
            "minutes",
            (1, 2, 3),
            date(2009, 12, 3),
            "Board paper setting out the year-two self-assessment by sub-competency; "
            "competency 1 rises from level 2 to level 3 on each of its three.",
        ),
    ],
    "5NX": [
        EvidenceSeed(
            "Health inequalities programme with Hull City Council",
            "plan",
            (2, 5),
            date(2009, 3, 12),
            "Joint programme on smoking, alcohol and cardiovascular risk in the most deprived "
            "wards, with a shared target on the life expectancy gap.",
        ),
    ],
    "5A4": [
        EvidenceSeed(
            "PBC development plan built on the north east London simulations",
            "document",
            (4, 1),
            date(2008, 7, 17),
            "Plan for practice-based commissioning support that draws on the two 2005 "
            "simulations run with Waltham Forest, which brought about 100 people from PCTs, "
            "acute trusts and practices together.",
        ),
        EvidenceSeed(
            "Havering collaborative: outpatient referral business case",
            "engagement",
            (4, 7),
            date(2009, 5, 21),
            "The collaborative's business case for a GP-led musculoskeletal triage service, "
            "agreed by its member practices and submitted to the PCT.",
            practice="5A4-HPC",
            clinicians=27,
            practices=14,
        ),
    ],
    "5NC": [
        EvidenceSeed(
            "PBC simulation follow-up: practice commissioning plans",
            "engagement",
            (4,),
            date(2008, 8, 14),
            "Practices that took part in the 2005 PBC simulation drafted their first "
            "commissioning plans with PCT support.",
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
            date(2008, 11, 13),
            "Public consultation on networks of practices and health centres, with responses "
            "analysed by ward and ethnicity.",
            practice="5C4-NEL",
            clinicians=12,
            practices=8,
        ),
        EvidenceSeed(
            "Network incentive scheme for GP practices",
            "contract",
            (4, 9, 10),
            date(2009, 4, 16),
            "Contracts that pay networks of practices for outcomes on diabetes, hypertension "
            "and childhood immunisation.",
            practice="5C4-NEL",
            clinicians=45,
            practices=36,
        ),
    ],
    "5QL": [
        EvidenceSeed(
            "WyvernHealth.Com: consortium membership and business plan",
            "engagement",
            (4,),
            date(2008, 6, 26),
            "WyvernHealth.Com, the GP consortium covering 71 of the county's 75 practices, set "
            "out its commissioning business plan with the PCT.",
            practice="5QL-WYV",
            clinicians=120,
            practices=71,
        ),
        EvidenceSeed(
            "Yeovil Breathability Support Group on the COPD pathway",
            "engagement",
            (3,),
            date(2008, 7, 24),
            "Patients with COPD described what living with the condition is like and helped "
            "write the service specification.",
            practice="L85901",
            clinicians=2,
            practices=1,
        ),
        EvidenceSeed(
            "COPD community service specification",
            "plan",
            (8, 7),
            date(2008, 8, 28),
            "Specification for routine case management and support for people with COPD, "
            "initiated by WyvernHealth.Com, to cut emergency admissions.",
            practice="5QL-WYV",
        ),
        EvidenceSeed(
            "COPD service tender: evaluation panel report",
            "contract",
            (9, 7, 3),
            date(2008, 11, 6),
            "The PCT invested over £500,000 in a three-year contract, won by Clinovia with the "
            "GP-led Avanaula Systems; patients sat on the panel that marked the bids.",
        ),
        EvidenceSeed(
            "COPD service: first-year admissions and patient experience",
            "data",
            (10, 8),
            date(2009, 10, 29),
            "Emergency admissions for COPD against the year before the contract, with the "
            "support group's survey of patients' experience.",
        ),
        EvidenceSeed(
            "WyvernHealth.Com locality commissioning plans",
            "engagement",
            (4, 6),
            date(2009, 5, 7),
            "Each of the consortium's four localities set out its priorities for 2009/10, "
            "agreed with the PCT's commissioning team.",
            practice="5QL-WYV",
            clinicians=96,
            practices=68,
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

YEAR_TWO_RATIONALE = {
    1: "Partners now look to the PCT to lead: the clinical executive and the council's "
    "leaders sign off the strategy refresh together.",
    2: "Pooled budgets for children's services sit beside the mental health agreement; the "
    "partnership board tracks the gap in life expectancy.",
    3: "The citizens' panel findings are set beside the decisions they changed; reach into "
    "seldom-heard groups has improved but is not yet routine.",
    4: "Clinicians review every investment proposal and PBC groups hold budgets; the GP "
    "workshop shaped next year's commissioning intentions.",
    5: "The refreshed needs assessment adds practice-level prevalence and ten-year "
    "projections, and is used in every business case.",
    6: "The strategy was re-tested under three funding scenarios and the prioritisation "
    "framework ranked the programmes to protect.",
    7: "Providers were engaged openly on community services and outcome-based "
    "specifications are in use; the market is still thin in places.",
    8: "Improvement programmes report outcome data, not only activity, and two have been "
    "spread across all localities.",
    9: "Competitive tenders are run to a consistent evaluation model with a moderation "
    "record; the team now has accredited procurement staff.",
    10: "Quality schedules and CQUIN payments are in every major contract and reviewed "
    "monthly with providers.",
    11: "Programme budgeting compares spend and outcome with similar PCTs; five areas are "
    "under review for efficiency and effectiveness of spend.",
}

YEAR_ONE_C11 = (
    " In 2008/09 competency 11 was judged under governance and not rated separately; the "
    "level records the board's own view."
)

IMPROVEMENT_ACTIONS = {
    1: "Run a partners' perception survey and act on the findings through the leadership forum.",
    2: "Extend pooled budgets to older people's services and agree shared outcome measures.",
    3: "Reach seldom-heard groups through community organisations and report back to them.",
    4: "Give every PBC group a named commissioning manager and a quarterly budget statement.",
    5: "Add forward projections to the needs assessment and publish practice-level profiles.",
    6: "Apply the prioritisation framework to existing spend, not only to new bids.",
    7: "Publish market position statements for community and mental health services.",
    8: "Spread the pathway redesigns that worked and stop those that did not.",
    9: "Complete the procurement development plan and accredit two more staff.",
    10: "Add outcome measures to every contract's quality schedule.",
    11: "Identify the savings schemes needed beyond year two and test them with clinicians.",
}

# The PCTs the trade press named among the best in each year; their panels moved no scores.
LEADERS = {"2008/09": {"5C4", "5QL"}, "2009/10": {"5C4"}}

REVIEW_AGREED = "Agreed: the evidence supports the PCT's level."
REVIEW_MODERATED = (
    "Moderated down from {level}: the evidence shows plans and activity more than results so far."
)
REVIEW_YEAR_ONE_C11 = (
    "Not rated separately in 2008/09: finance was assessed under governance. The PCT's own "
    "level is recorded for completeness."
)

RATING_COMMENTS = {
    "strong": "Clear, dated and shows what changed as a result.",
    "adequate": "Relevant, but shows activity more than effect.",
    "weak": "Describes intentions only; no sign yet of delivery.",
    "not_relevant": "Useful background, but it does not bear on the competencies it is linked to.",
}
