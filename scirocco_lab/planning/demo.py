"""Synthetic demo planning records for the demo regions.

:func:`seed_planning_demo` writes, in one transaction, a catalogue of capacity-building
assets, three knowledge-transfer programmes (seed 001: dimensions, needs, stakeholders,
assets, activities from the menu including a study visit within its limits, the eight steps
as milestones, an evaluation plan), an action plan for each receiving region and one system
improvement coaching programme like seed 004 (a cohort of coaches, three neighbourhoods,
assignments, the eleven dated milestones, a session log and a mid-point review).

The receiving regions, their transferring partners and dimensions come from the demo
ratings: the programme pairing of :mod:`scirocco_lab.comparison.twinning` (largest total
complementarity), the three receivers with the most to gain, and in each the focus
dimensions where the partner is furthest ahead. Without usable ratings, fixed pairs of the
demo regions are used. Everything is deterministic (:data:`scirocco_lab.assessment.demo.DEMO_SEED`)
and marked ``synthetic``; people are invented, with invented names and example.org addresses that
only prove identities stay out of frames and reports.

Statuses are as of :data:`DEMO_AS_OF` (not today), so the demo looks the same every day.

>>> from scirocco_lab.store import open_store
>>> seed_planning_demo(open_store("sqlite://")) is None   # no demo regions in the store
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import replace

import numpy as np
import pandas as pd

from scirocco_lab.assessment.demo import DEMO_SEED
from scirocco_lab.assessment.store import ratings_frame
from scirocco_lab.errors import SciroccoLabError
from scirocco_lab.instruments import Instrument
from scirocco_lab.planning.records import (
    ActionPlanRecord,
    ActionRecord,
    ActivityRecord,
    AssetRecord,
    AssignmentRecord,
    CoachingProgrammeRecord,
    CoachingSessionRecord,
    CoachRecord,
    KnowledgeTransferProgramme,
    MidpointReview,
    MilestoneRecord,
    PlanningBatch,
    StakeholderRecord,
    TeamRecord,
    coaching_timeline_milestones,
    knowledge_transfer_step_milestones,
)
from scirocco_lab.store import Store, resolve_instrument, subjects_frame

__all__ = ["DEMO_AS_OF", "DEMO_REGIONS", "demo_planning_batch", "seed_planning_demo"]

#: The date the demo statuses are computed for (done before it, planned after it).
DEMO_AS_OF = dt.date(2026, 10, 15)
#: Region keys of :func:`scirocco_lab.assessment.demo.generate_demo`.
DEMO_REGIONS = (
    "northvale", "ostermark", "kestrel-coast", "valmorra", "eastholm-lakes", "corvalla",
    "thornmere", "saltmarsh-isles", "brisca-valley",
)  # fmt: skip

# Used when the store has no ratings to pair regions by: (receiving, transferring, words of
# the dimensions to improve), complementary pairs of the demo generator.
_FALLBACK_PAIRS = (
    ("corvalla", "eastholm-lakes", ("process", "evaluation")),
    ("valmorra", "kestrel-coast", ("governance", "funding")),
    ("ostermark", "northvale", ("digital", "innovation")),
)

# ---------------------------------------------------------------------------------------
# Domain flavour: data keyed by words of dimension keys (any instrument gets something).

# (key, kind, title, description, dimension words, languages, owner region)
_ASSETS = (
    ("shared-care-record-toolkit", "tool", "Shared care record implementation toolkit",
     "Templates and checklists for rolling out a record shared by health and social care.",
     ("digital",), ("en", "nl"), "northvale"),
    ("telemonitoring-procurement-checklist", "tool", "Telemonitoring procurement checklist",
     "Questions to ask suppliers of home monitoring services, with scoring guidance.",
     ("digital", "innovation"), ("en",), "northvale"),
    ("maturity-self-assessment-kit", "tool", "Integrated care maturity self-assessment kit",
     "Workshop materials for a local multi-stakeholder maturity assessment.",
     ("readiness", "capacity"), ("en", "es", "it", "nl"), None),
    ("pooled-budget-calculator", "tool", "Pooled budget calculator",
     "Spreadsheet model of shared health and social care budgets and risk shares.",
     ("funding",), ("en",), "thornmere"),
    ("risk-stratification-tool", "tool", "Population risk stratification tool",
     "Finds people at rising risk from linked primary care and hospital data.",
     ("population",), ("en", "es"), "eastholm-lakes"),
    ("patient-reported-outcomes-kit", "tool", "Patient-reported outcomes measurement kit",
     "Short validated questionnaires and a data dictionary for routine outcome collection.",
     ("evaluation", "citizen"), ("en", "it"), "valmorra"),
    ("information-governance-guide", "guideline", "Information governance for data sharing",
     "How to agree lawful, proportionate data sharing between care organisations.",
     ("digital", "inhibitors"), ("en", "nl"), "northvale"),
    ("joint-governance-board-guide", "guideline", "Setting up a joint governance board",
     "Terms of reference, membership and decision rights of a joint care board.",
     ("governance", "structure"), ("en", "es"), "kestrel-coast"),
    ("discharge-pathway-guideline", "guideline", "Integrated discharge pathway guideline",
     "Roles, timings and hand-overs for planning complex hospital discharges together.",
     ("process", "coordination"), ("en",), "eastholm-lakes"),
    ("outcome-based-contracting-guide", "guideline", "Outcome-based contracting guide",
     "Designing contracts that pay for outcomes rather than activity.",
     ("funding", "evaluation"), ("en", "it"), "thornmere"),
    ("co-production-guide", "guideline", "Co-producing services with citizens",
     "Methods for involving patients, carers and communities in service design.",
     ("citizen", "empowerment"), ("en", "es"), "ostermark"),
    ("innovation-procurement-guide", "guideline", "Procurement for innovation",
     "Pre-commercial procurement and innovation partnerships in health and care.",
     ("innovation",), ("en",), "brisca-valley"),
    ("copd-telemonitoring-practice", "good_practice", "Community telemonitoring for COPD",
     "Home monitoring of people with COPD by community nurses.",
     ("digital", "process", "citizen"), ("en", "nl"), "northvale"),
    ("discharge-hub-practice", "good_practice", "Integrated hospital discharge hub",
     "A joint health and social care team that plans every complex discharge.",
     ("process", "coordination", "governance"), ("en",), "eastholm-lakes"),
    ("social-prescribing-practice", "good_practice", "Neighbourhood social prescribing network",
     "Link workers connecting patients with community and volunteer activities.",
     ("citizen", "population"), ("en", "es"), "ostermark"),
    ("diabetes-commissioning-practice", "good_practice",
     "Outcome-based commissioning for diabetes care",
     "A pooled budget paying providers for outcomes in diabetes care.",
     ("funding", "evaluation"), ("en",), "thornmere"),
    ("care-academy-practice", "good_practice", "Integrated care academy",
     "Joint training of health and social care staff in integrated working.",
     ("capacity", "evaluation"), ("en", "it"), "valmorra"),
    ("leadership-course", "training", "Leading integrated care: a six-module course",
     "For senior managers leading change across organisational boundaries.",
     ("governance", "readiness", "ambition"), ("en", "es", "it"), None),
    ("improvement-coaching-course", "training", "System improvement coaching course",
     "Taught phase and peer supervision for improvement coaches of neighbourhood teams.",
     ("capacity", "process"), ("en",), "eastholm-lakes"),
    ("analytics-for-commissioners", "training", "Data analytics for commissioners",
     "Using linked data to plan services for a population.",
     ("evaluation", "population"), ("en", "nl"), None),
    ("digital-skills-course", "training", "Digital skills for care staff",
     "Blended course on telecare, shared records and remote consultations.",
     ("digital", "capacity"), ("en", "es"), "brisca-valley"),
    ("expert-information-governance", "expert", "Information governance adviser (NVL-X01)",
     "Led the data-sharing agreements behind a regional shared care record.",
     ("digital", "inhibitors"), ("en", "nl"), "northvale"),
    ("expert-pooled-budgets", "expert", "Pooled budgets finance lead (TNM-X02)",
     "Set up and ran a pooled health and social care budget for five years.",
     ("funding",), ("en",), "thornmere"),
    ("expert-evaluation", "expert", "Evaluation methods researcher (VLM-X03)",
     "Designs mixed-methods evaluations of integrated care pathways.",
     ("evaluation",), ("en", "it"), "valmorra"),
    ("expert-innovation-hub", "expert", "Innovation hub director (BRV-X04)",
     "Runs a regional innovation agency linking care providers and companies.",
     ("innovation", "capacity"), ("en", "es"), "brisca-valley"),
    ("expert-governance-change", "expert", "Governance change consultant (KSC-X05)",
     "Supported the merger of health and social care boards into one joint board.",
     ("governance", "structure", "readiness"), ("en",), "kestrel-coast"),
)  # fmt: skip

# Actions per dimension word: (objective, indicator, resources).
_ACTIONS = {
    "digital": (
        ("Map data flows between hospital, primary care and social care",
         "Data-flow map agreed by all partners", "Information analyst, 0.2 FTE"),
        ("Pilot a shared care record in one locality",
         "Share of care plans viewed by two or more organisations", "Supplier budget; IT lead"),
        ("Agree data-sharing rules with the information governance leads",
         "Signed data-sharing agreement", "Legal advice, 10 days"),
    ),
    "governance": (
        ("Set up a joint health and social care board",
         "Board meets monthly with agreed terms of reference", "Board secretary, 0.3 FTE"),
        ("Publish a roadmap with mandates for each partner",
         "Roadmap approved by partner boards", "Programme manager"),
        ("Name an accountable lead for integrated care in each organisation",
         "Leads named and meeting quarterly", "Executive time"),
    ),
    "funding": (
        ("Model a pooled budget for frail older people",
         "Pooled budget business case approved", "Finance leads of both partners"),
        ("Pilot an outcome-based payment for one pathway",
         "Contract with outcome measures signed", "Commissioning team"),
        ("Secure transition funding for the first two years",
         "Funding agreed in both partners' budgets", "Finance director"),
    ),
    "process": (
        ("Redesign the complex discharge pathway with a joint team",
         "Median days from medically fit to discharge", "Discharge coordinators"),
        ("Introduce multidisciplinary case reviews in primary care",
         "Share of high-risk patients reviewed", "GP and social worker time"),
        ("Agree one care plan format for all providers",
         "Share of care plans in the common format", "Clinical leads"),
    ),
    "evaluation": (
        ("Define an outcome framework for integrated care",
         "Framework with ten indicators agreed", "Public health analyst"),
        ("Collect patient-reported outcomes in two services",
         "Response rate of the outcome questionnaire", "Research nurse, 0.5 FTE"),
        ("Commission an independent evaluation of the pilot",
         "Evaluation protocol approved", "University partner, 20 days"),
    ),
    "innovation": (
        ("Create an innovation board that screens proposals",
         "Proposals screened per quarter", "Innovation lead"),
        ("Run an innovation procurement for remote monitoring",
         "Procurement completed", "Procurement officer"),
        ("Name innovation champions in each locality",
         "Champions named and trained", "Training budget"),
    ),
    "citizen": (
        ("Co-design self-management support with patients",
         "Patients involved in design workshops", "Patient engagement officer"),
        ("Give patients online access to their care plan",
         "Share of patients who viewed their plan", "Digital team"),
        ("Set up a citizens' panel on integrated care",
         "Panel meets four times a year", "Engagement budget"),
    ),
    "population": (
        ("Stratify the population by risk and agree target groups",
         "Risk groups agreed with primary care", "Data analyst"),
        ("Start proactive care for the top 2% at risk",
         "Share of the group with a care plan", "Community nursing time"),
        ("Publish a joint needs assessment",
         "Needs assessment published", "Public health team"),
    ),
    "capacity": (
        ("Train staff in integrated working",
         "Staff completing the integrated care course", "Training budget"),
        ("Set up joint induction for new health and social care staff",
         "New staff attending joint induction", "Workforce team"),
        ("Create a network of improvement coaches",
         "Coaches trained and supporting teams", "Coaching course places"),
    ),
    "readiness": (
        ("Hold a stakeholder workshop on the case for change",
         "Workshop held with all sectors represented", "Facilitator, venue"),
        ("Publish a shared vision for integrated care",
         "Vision endorsed by partner boards", "Communications team"),
        ("Repeat the maturity assessment with the same stakeholders",
         "Second assessment completed", "Facilitator time"),
    ),
    "ambition": (
        ("Extend the integrated pathway from older people to people with multimorbidity",
         "Number of client groups covered", "Service design team"),
        ("Bring housing and voluntary services into the partnership",
         "Partners signed up to the joint agreement", "Partnership manager"),
        ("Agree a five-year ambition for whole-population integration",
         "Ambition statement approved", "Executive team"),
    ),
    "inhibitors": (
        ("List the rules and incentives that block joint working",
         "Inhibitors listed with an owner each", "Policy adviser"),
        ("Agree a protocol to share staff across organisations",
         "Protocol signed", "Human resources leads"),
        ("Align performance targets of hospital and community services",
         "Shared targets in both contracts", "Commissioners"),
    ),
}  # fmt: skip
# When a dimension has used up its own actions (or has none): generic next steps.
_GENERIC_ACTIONS = (
    ("Adapt the transferring region's approach to {name} to local conditions",
     "Adapted approach agreed by the working group", "Working group time"),
    ("Review progress on {name} with the stakeholder group",
     "Review held and actions updated", "Programme manager"),
    ("Agree a local improvement target for {name}",
     "Target agreed and reviewed quarterly", "Working group time"),
)  # fmt: skip
_ACTION_OWNERS = (
    "Programme manager", "Director of integrated care", "Head of digital health",
    "Social care lead", "Primary care network lead", "Finance director", "Quality lead",
)  # fmt: skip
_STAKEHOLDER_ROLES = (
    ("programme lead", "Regional health authority"),
    ("clinical lead", "University hospital"),
    ("social care manager", "Municipal social services"),
    ("IT and data lead", "Regional health authority"),
    ("primary care representative", "Primary care network"),
    ("patient representative", "Patients' association"),
    ("commissioner", "Regional health authority"),
)
_FIRST_NAMES = ("Alva", "Bruno", "Cleo", "Dario", "Esme", "Falk", "Greta", "Hugo", "Ines", "Jonas",
                "Kaja", "Lior", "Mira", "Nils", "Orla", "Pavel")  # fmt: skip
_LAST_NAMES = ("Example", "Sample", "Placeholder", "Fictional", "Invented", "Madeup")
_COACH_ROLES = (
    ("Service improvement lead", "Community health trust"),
    ("Community nursing manager", "Community health trust"),
    ("Adult social care manager", "County council"),
    ("GP partner", "Primary care network"),
    ("Therapy services lead", "Acute hospital trust"),
    ("Public health consultant", "County council"),
    ("Voluntary sector lead", "Voluntary sector alliance"),
    ("Mental health service manager", "Mental health trust"),
    ("Clinical pharmacist", "Primary care network"),
    ("Transformation programme manager", "Integrated care board"),
)
_NEIGHBOURHOODS = (
    ("lakeside", "Lakeside neighbourhood", "Urban neighbourhood of 38,000 people"),
    ("fellbridge", "Fellbridge neighbourhood", "Market town and villages, 29,000 people"),
    ("upper-vale", "Upper Vale neighbourhood", "Rural and remote, 17,000 people"),
)
# The activities of a demo programme, from the seed-001 menu: (key, kind, title, location,
# (from, first day, last day): days counted from the programme's start or from the study
# visit's Monday (two days: the programme's limit), visiting experts and participants (a
# number, None, or a (low, high) range to draw from), expected outcomes, the first programme
# index that has it). Templates name {home}, {partner} and {topic}; numbers are drawn in
# this order.
_ACTIVITY_MENU = (
    ("expert-mission", "expert_mission", "Experts from {partner} visit {home}", "{home}",
     ("start", 49, 50), 3, 18, "Shared understanding of the gaps in {topic}.", 0),
    ("study-visit", "study_visit", "Study visit to {partner}", "{partner}",
     ("visit", 0, 1), (3, 6), (8, 16), "Actions to adopt, written up during the visit.", 0),
    ("regional-event", "event", "Regional event: {topic} in {home}", "{home}",
     ("start", 196, 196), None, (40, 90), "Wider buy-in for the action plan.", 0),
    ("webinar-series", "capacity_building", "Webinar series on {topic}", "Online",
     ("start", 91, 161), None, (25, 60),
     "Staff trained in the methods of the transferring region.", 1),
    ("staff-placement", "staff_exchange", "Two-week placement of two staff in {partner}",
     "{partner}", ("start", 224, 237), None, 2,
     "Hands-on experience brought back to the home team.", 2),
)  # fmt: skip
_SESSION_FOCUS = (
    "Driver diagram for proactive frailty care",
    "Process map of the referral pathway",
    "Measurement plan and baseline data",
    "PDSA cycle review",
    "Stakeholder mapping across organisations",
    "Relational check-in and team roles",
    "Spreading the change to a second practice",
)


def _demo_count(count, rng) -> int | None:
    """A fixed count, None, or a number drawn from a ``(low, high)`` range (high excluded)."""
    return int(rng.integers(*count)) if isinstance(count, tuple) else count


def _menu_activity(entry, words, anchors, dimensions, rng) -> ActivityRecord:
    """One activity of :data:`_ACTIVITY_MENU` for a programme (``words`` fill the templates,
    ``anchors`` give the dates the days count from)."""
    key, kind, title, location, (anchor, first, last), experts, participants, outcomes, _ = entry
    return ActivityRecord(
        key=key,
        kind=kind,
        title=title.format(**words),
        start=anchors[anchor] + dt.timedelta(days=first),
        end=anchors[anchor] + dt.timedelta(days=last),
        location=location.format(**words),
        visiting_experts=_demo_count(experts, rng),
        participants=_demo_count(participants, rng),
        dimensions=dimensions[:1] if kind == "staff_exchange" else dimensions,
        expected_outcomes=outcomes.format(**words),
    )


def _dimensions(instrument: Instrument, words: Sequence[str]) -> tuple[str, ...]:
    """Dimension keys of ``instrument`` containing any of ``words``, in instrument order."""
    # Whole words of the key: "structure" must not match digital_infrastructure.
    return tuple(
        key
        for key in instrument.dimension_keys
        if any(word in key.lower().replace("-", "_").split("_") for word in words)
    )


def _word_of(dimension: str) -> str | None:
    parts = dimension.lower().replace("-", "_").split("_")
    return next((word for word in _ACTIONS if word in parts), None)


def _done_or(due: dt.date, offset: int, *, late: bool = False) -> dict:
    if due < DEMO_AS_OF and not late:
        return {"done_on": due + dt.timedelta(days=offset), "status": "done"}
    return {"done_on": None, "status": "late" if due < DEMO_AS_OF else "planned"}


def _milestones(template: Sequence[MilestoneRecord], rng, *, late: Sequence[str] = ()):
    return tuple(
        MilestoneRecord(
            m.key,
            m.title,
            m.due,
            **_done_or(m.due, int(rng.integers(0, 6)), late=m.key in late),
        )
        for m in template
    )


def _identity(rng) -> dict:
    first = _FIRST_NAMES[int(rng.integers(len(_FIRST_NAMES)))]
    last = _LAST_NAMES[int(rng.integers(len(_LAST_NAMES)))]
    return {"full_name": f"{first} {last}"}


# ---------------------------------------------------------------------------------------
# Choosing who twins with whom, from the demo ratings


def _twinning_choices(
    store: Store, instrument: Instrument, regions: Sequence[str]
) -> list[tuple[str, str, tuple[str, ...]]]:
    """(receiving, transferring, dimensions) for up to three programmes."""
    with suppress(SciroccoLabError, KeyError, ValueError):
        from scirocco_lab.comparison.gaps import region_profiles
        from scirocco_lab.comparison.twinning import (
            complementarity_matrix,
            focus_dimensions,
            level_table,
            programme_pairing,
        )

        ratings = ratings_frame(store, kind="HS", instrument=instrument.id)
        ratings = ratings[ratings["subject"].isin(regions)]
        profiles = region_profiles(ratings, instrument)
        pairing = programme_pairing(complementarity_matrix(profiles, instrument))
        pairing = pairing.sort_values(
            ["complementarity", "receiving_region"], ascending=[False, True], kind="stable"
        )
        levels = level_table(profiles, instrument)
        choices = []
        for row in pairing.itertuples():
            if row.complementarity <= 0 or len(choices) == 3:
                continue
            receiving, transferring = (
                levels.loc[row.receiving_region],
                levels.loc[row.transferring_region],
            )
            focus = focus_dimensions(receiving, instrument)
            ahead = pd.Series(
                {key: transferring[key] - receiving[key] for key in focus}, dtype=float
            ).dropna()
            ahead = ahead[ahead > 0]
            # Largest lead first; the instrument's order breaks ties.
            order = sorted(ahead.index, key=lambda key: (-ahead[key], focus.index(key)))
            dimensions = tuple(key for key in instrument.dimension_keys if key in order[:2])
            if dimensions:
                choices.append((row.receiving_region, row.transferring_region, dimensions))
        if choices:
            return choices
    choices = []
    for receiving, transferring, words in _FALLBACK_PAIRS:
        dimensions = _dimensions(instrument, words)[:2] or tuple(instrument.dimension_keys[:2])
        if receiving in regions:
            partner = transferring if transferring in regions else None
            choices.append((receiving, partner, dimensions))
    if not choices:
        choices.append((regions[0], None, tuple(instrument.dimension_keys[:2])))
    return choices


# ---------------------------------------------------------------------------------------
# The records


def _assets(instrument: Instrument, regions: Sequence[str]) -> tuple[AssetRecord, ...]:
    return tuple(
        AssetRecord(
            key=key,
            kind=kind,
            title=title,
            description=description,
            dimensions=_dimensions(instrument, words),
            languages=languages,
            region=owner if owner in regions else None,
            url=f"https://example.org/scirocco-lab/demo/{key}",
            synthetic=True,
        )
        for key, kind, title, description, words, languages, owner in _ASSETS
    )


def _pick_assets(assets, dimensions, transferring) -> tuple[str, ...]:
    """Catalogue assets that cover the programme's dimensions, the partner's first."""
    scored = [
        (-len(set(asset.dimensions) & set(dimensions)), asset.region != transferring, asset.key)
        for asset in assets
        if set(asset.dimensions) & set(dimensions)
    ]
    return tuple(key for *_, key in sorted(scored)[:4])


def _programme(
    index: int,
    receiving: str,
    transferring: str | None,
    dimensions: tuple[str, ...],
    names: dict[str, str],
    dimension_names: dict[str, str],
    assets: Sequence[AssetRecord],
    rng,
) -> KnowledgeTransferProgramme:
    start = dt.date(2026, 3, 16) + dt.timedelta(days=14 * index)
    end = dt.date(2027, 2, 26)
    prefix = receiving[:3].upper()
    topic = " and ".join(dimension_names[key] for key in dimensions)
    partner = names.get(transferring, "a transferring region")
    count = 5 + index % 3
    stakeholders = tuple(
        StakeholderRecord(
            pseudonym=f"KT-{prefix}-{n:02d}",
            role=role,
            organisation=organisation,
            email=f"kt-{prefix.lower()}-{n:02d}@example.org",
            **_identity(rng),
        )
        for n, (role, organisation) in enumerate(_STAKEHOLDER_ROLES[:count], start=1)
    )
    visit_start = start + dt.timedelta(days=70 + int(rng.integers(0, 10)))
    visit_start += dt.timedelta(days=(7 - visit_start.weekday()) % 7)  # a Monday
    words = {"home": names[receiving], "partner": partner, "topic": topic}
    anchors = {"start": start, "visit": visit_start}
    activities = [
        _menu_activity(entry, words, anchors, dimensions, rng)
        for entry in _ACTIVITY_MENU
        if index >= entry[-1]
    ]
    activities = [
        replace(a, status="done" if a.end < DEMO_AS_OF else "planned") for a in activities
    ]
    late = ("step-4-assets",) if index == 2 else ()
    milestones = _milestones(knowledge_transfer_step_milestones(start, end), rng, late=late)
    return KnowledgeTransferProgramme(
        key=f"kt-{receiving}-2026",
        title=f"Knowledge transfer on {topic}: {names[receiving]} learns from {partner}",
        receiving_region=receiving,
        dimensions=dimensions,
        transferring_region=transferring,
        needs=f"{names[receiving]} rated {topic} among its weakest dimensions in the maturity "
        f"assessment. Stakeholders asked for practical know-how rather than more strategy.",
        objectives=f"Learn how {partner} organised {topic}; adapt two of its practices; agree "
        "an action plan with owners and dates.",
        stakeholders=stakeholders,
        assets=_pick_assets(assets, dimensions, transferring),
        activities=tuple(sorted(activities, key=lambda a: a.start)),
        milestones=milestones,
        evaluation_plan="Focus groups with the stakeholders after the study visit and at the "
        "end; a short questionnaire after each activity; progress of the action plan reviewed "
        "quarterly.",
        start=start,
        end=end,
        status="active",
        synthetic=True,
    )


def _action_plan(programme: KnowledgeTransferProgramme, names, instrument, rng) -> ActionPlanRecord:
    extra = [key for key in instrument.dimension_keys if key not in programme.dimensions]
    # Mostly the programme's dimensions, plus one or two neighbours that support them.
    pool = list(programme.dimensions) * 3 + [extra[int(rng.integers(len(extra)))]]
    count = int(rng.integers(6, 11))
    used: dict[str, int] = {}
    actions = []
    base = programme.start + dt.timedelta(days=28)
    for position in range(1, count + 1):
        dimension = pool[(position - 1) % len(pool)]
        templates = _ACTIONS.get(_word_of(dimension) or "", ()) + _GENERIC_ACTIONS
        n = used.get(dimension, 0)
        used[dimension] = n + 1
        objective, indicator, resources = templates[n % len(templates)]
        objective = objective.format(name=instrument.dimension_names[dimension].lower())
        start = base + dt.timedelta(days=int(rng.integers(0, 200)))
        end = start + dt.timedelta(days=int(rng.integers(30, 240)))
        if end < DEMO_AS_OF:
            status = "delayed" if rng.random() < 0.2 else "done"
        elif start <= DEMO_AS_OF:
            status = "in_progress" if rng.random() < 0.8 else "delayed"
        else:
            status = "cancelled" if rng.random() < 0.08 else "planned"
        actions.append(
            ActionRecord(
                position=position,
                dimension=dimension,
                objective=objective,
                start=start,
                end=end,
                owner=_ACTION_OWNERS[int(rng.integers(len(_ACTION_OWNERS)))],
                resources=resources,
                indicator=indicator,
                priority=("high", "medium", "low")[int(rng.choice(3, p=[0.35, 0.45, 0.2]))],
                status=status,
            )
        )
    region = programme.receiving_region
    return ActionPlanRecord(
        key=f"ap-{region}-2026",
        title=f"{names[region]} integrated care action plan 2026-27",
        region=region,
        actions=tuple(actions),
        programme=programme.key,
        synthetic=True,
    )


def _coaching_programme(region: str, names, rng) -> CoachingProgrammeRecord:
    recruit_on = dt.date(2025, 12, 1)
    timeline = coaching_timeline_milestones(recruit_on)
    due = {m.key: m.due for m in timeline}
    start, end = recruit_on, dt.date(2027, 1, 29)
    coaches = tuple(
        CoachRecord(
            pseudonym=f"COACH-{n:02d}",
            role=role,
            organisation=organisation,
            cohort="cohort-2",
            email=f"coach-{n:02d}@example.org",
            **_identity(rng),
        )
        for n, (role, organisation) in enumerate(_COACH_ROLES, start=1)
    )
    teams = tuple(
        TeamRecord(f"nb-{key}", name, "neighbourhood", f"{description}; integrated "
                   "neighbourhood team for people with severe frailty")
        for key, name, description in _NEIGHBOURHOODS
    )  # fmt: skip
    # Lead coaches 1-3; co-coaches 4-10 shared out in turn.
    assigned: dict[str, list[str]] = {team.key: [] for team in teams}
    assignments = []
    for n, coach in enumerate(coaches):
        team = teams[n % len(teams)].key
        assigned[team].append(coach.pseudonym)
        assignments.append(
            AssignmentRecord(
                coach.pseudonym,
                team,
                "lead" if n < len(teams) else "co-coach",
                start=due["assign-teams"],
                end=end,
            )
        )
    sessions = []
    first = due["coaching-contacts"] + dt.timedelta(days=7)
    for week in range(0, 30, 4):
        for t, team in enumerate(teams):
            day = first + dt.timedelta(days=7 * week + 7 * t + int(rng.integers(0, 3)))
            if day >= DEMO_AS_OF or len(sessions) >= 21:
                continue
            coach = assigned[team.key][int(rng.integers(len(assigned[team.key])))]
            sessions.append(
                CoachingSessionRecord(
                    session_date=day,
                    coach=coach,
                    team=team.key,
                    duration_minutes=int(rng.choice([60, 90, 120])),
                    focus=_SESSION_FOCUS[(week // 4 + t) % len(_SESSION_FOCUS)],
                    notes="Team agreed next steps and a date for the next session.",
                )
            )
    review = MidpointReview(
        reviewed_on=due["midpoint-review"],
        summary="All three neighbourhoods have an improvement aim and a measurement plan. "
        "Lakeside has tested two changes; Upper Vale struggles to bring social care to the "
        "table.",
        decisions="Pair Upper Vale's lead coach with a social care co-coach; add a shared "
        "learning session for the three teams each quarter.",
    )
    return CoachingProgrammeRecord(
        key=f"coaching-{region}-2026",
        title=f"System improvement coaching for united neighbourhoods ({names[region]})",
        region=region,
        start=start,
        end=end,
        coaches=coaches,
        teams=teams,
        assignments=tuple(assignments),
        milestones=_milestones(timeline, rng),
        sessions=tuple(sorted(sessions, key=lambda s: (s.session_date, s.team))),
        midpoint_review=review,
        status="active",
        synthetic=True,
    )


def demo_planning_batch(
    store: Store, instrument: str | Instrument | None = None, *, seed: int = DEMO_SEED
) -> PlanningBatch | None:
    """The demo planning records for the demo regions in ``store`` (None when it holds
    none of them). Pure apart from reading regions and ratings."""
    chosen = resolve_instrument(store, instrument)
    subjects = subjects_frame(store, kind="system")
    regions = [key for key in DEMO_REGIONS if key in set(subjects["key"])]
    if not regions:
        return None
    names = dict(zip(subjects["key"], subjects["name"], strict=True))
    rng = np.random.default_rng(seed)
    assets = _assets(chosen, regions)
    programmes = tuple(
        _programme(index, receiving, transferring, dims, names, chosen.dimension_names, assets, rng)
        for index, (receiving, transferring, dims) in enumerate(
            _twinning_choices(store, chosen, regions)
        )
    )
    plans = tuple(_action_plan(programme, names, chosen, rng) for programme in programmes)
    # The coaching programme runs in the most mature region (an "improvement community"),
    # or the first demo region when there are no ratings to tell.
    coaching_region = "eastholm-lakes" if "eastholm-lakes" in regions else regions[0]
    return PlanningBatch(
        assets=assets,
        programmes=programmes,
        action_plans=plans,
        coaching_programmes=(_coaching_programme(coaching_region, names, rng),),
    )


def seed_planning_demo(store: Store) -> str | None:
    """Write the demo planning records in one transaction and return a one-line summary;
    None (nothing written) when the store already holds planning records or holds none of
    the demo regions."""
    from scirocco_lab.planning.store import has_planning_records, save_planning_batch

    if has_planning_records(store):
        return None
    exchange = resolve_instrument(store, None)  # read once: parsing an instrument takes time
    batch = demo_planning_batch(store, exchange)
    if batch is None:
        return None
    save_planning_batch(store, batch, instrument=exchange, action="seed demo")
    actions = sum(len(plan.actions) for plan in batch.action_plans)
    activities = sum(len(p.activities) for p in batch.programmes)
    coaching = batch.coaching_programmes[0]
    return (
        f"synthetic planning demo: {len(batch.assets)} assets, {len(batch.programmes)} "
        f"knowledge-transfer programmes ({activities} activities), {len(batch.action_plans)} "
        f"action plans ({actions} actions), 1 coaching programme ({len(coaching.coaches)} "
        f"coaches, {len(coaching.teams)} neighbourhoods, {len(coaching.sessions)} sessions)"
    )
