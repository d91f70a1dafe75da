"""Deterministic synthetic demo data: fictional regions, stakeholders and assessments.

:func:`generate_demo` builds a complete :class:`~scirocco_lab.assessment.records.RecordBatch` that
exercises every part of the workbench without real data: nine invented regions in invented
countries, 8-15 stakeholders each, individual health-and-care-system (HS) assessments with
role-dependent bias, explicit don't-knows, Delphi rounds that converge, consensus workshops,
good practices with their requirement (GP) profiles and features, and a couple of drafts.
With the bundled instrument it also gives three regions an earlier assessment made with the
previous generation, SCIROCCO v3 (2023-2024), and two regions a reassessment a year later
(2026, numbered as the next round) whose panel splits on two dimensions, so the longitudinal
view has rounds, years and instrument generations to show.

Everything is invented. The stakeholders' ``full_name`` and ``email`` exist only so that the
rest of the system can prove it keeps personal data out of reports; every output made from
this data must show :data:`DEMO_MARK`.

The generator works for any instrument: it reads dimension keys, names, level labels and the
scale from the :class:`~scirocco_lab.instruments.Instrument`. Domain flavour (which role knows
which dimension, which region is ahead where, justification texts, good-practice features) is
data keyed by words of the dimension key and name, with a generic fallback, so a custom
instrument still gets regions that differ, biased raters and plausible texts.

>>> batch = generate_demo()
>>> batch.notes[0]
'Synthetic demo data'
>>> sum(subject.kind == "system" for subject in batch.subjects)
9
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from scirocco_lab.assessment.records import (
    AssessmentRecord,
    AssessorRecord,
    RatingRecord,
    RecordBatch,
    SubjectRecord,
)
from scirocco_lab.instruments import (
    DEFAULT_INSTRUMENT,
    Dimension,
    Instrument,
    load_crosswalk,
    load_instrument,
)

__all__ = ["DEMO_MARK", "DEMO_SEED", "DEMO_SOURCE", "demo_notes", "generate_demo"]

#: The label every table, figure and report made from demo data shows.
DEMO_MARK = "Synthetic demo data"
#: The seed the notebooks and the CLI use, so everyone sees the same demo.
DEMO_SEED = 2026
#: ``RecordBatch.source`` of a demo batch (problems and provenance name it).
DEMO_SOURCE = "demo data (synthetic)"

# The bias, noise and offset parameters below are tuned on a 0..5 scale (the SCIROCCO one)
# and stretched by _Scale.unit for other scales.
_REFERENCE_WIDTH = 5


# ---------------------------------------------------------------------------------------
# Fictional world: regions, roles, organisations, names


@dataclass(frozen=True)
class _RegionSpec:
    key: str
    name: str
    prefix: str  # pseudonym prefix, e.g. NVL-01
    country: str
    setting: str  # a phrase for the one-line description
    maturity: float  # overall maturity as a fraction of the scale
    ahead_in: tuple[str, ...]  # words of dimensions where the region is ahead
    behind_in: tuple[str, ...]  # words of dimensions where it lags
    panel_size: int
    rounds: int  # Delphi rounds of individual assessment
    contested: int  # dimensions where round 1 splits the panel into two camps
    leaves_draft: bool = False  # a dropout of the last round left an unfinished draft


# Pairs of regions are deliberately complementary (one ahead where the other lags) so that
# twinning analysis has something to find: Northvale/Ostermark, Kestrel Coast/Valmorra,
# Thornmere/Brisca Valley; Eastholm Lakes leads overall, Corvalla is just starting.
_REGIONS: tuple[_RegionSpec, ...] = (
    _RegionSpec(
        "northvale", "Northvale", "NVL", "Republic of Calmaria",
        "northern region of 1.1 million people with a technology-led care strategy",
        0.56, ("digital", "information", "ehealth", "innovation"),
        ("citizen", "empowerment", "population", "ambition"),
        panel_size=12, rounds=3, contested=2, leaves_draft=True,
    ),
    _RegionSpec(
        "ostermark", "Ostermark", "OSM", "Kingdom of Varnholm",
        "rural region of 600,000 people with strong community and municipal services",
        0.48, ("citizen", "empowerment", "population", "ambition"),
        ("digital", "information", "ehealth", "funding", "finance"),
        panel_size=14, rounds=2, contested=1,
    ),
    _RegionSpec(
        "kestrel-coast", "Kestrel Coast", "KSC", "Republic of Calmaria",
        "coastal region of 850,000 people governed by a joint health and social care board",
        0.46, ("governance", "structure", "readiness", "funding", "finance"),
        ("evaluation", "process", "standardisation"),
        panel_size=10, rounds=1, contested=0,
    ),
    _RegionSpec(
        "valmorra", "Valmorra", "VLM", "Grand Duchy of Lysenia",
        "university region of 1.4 million people with a tradition of clinical pathways",
        0.42, ("evaluation", "process", "coordination", "standardisation", "capacity"),
        ("governance", "structure", "readiness", "funding", "finance"),
        panel_size=12, rounds=3, contested=2, leaves_draft=True,
    ),
    _RegionSpec(
        "eastholm-lakes", "Eastholm Lakes", "EHL", "Kingdom of Varnholm",
        "lake district of 400,000 people, an early adopter of integrated care",
        0.68, ("ambition", "governance", "structure", "process", "coordination"),
        ("inhibitors",),
        panel_size=11, rounds=1, contested=0,
    ),
    _RegionSpec(
        "corvalla", "Corvalla", "CRV", "Commonwealth of Aldermere",
        "mountain region of 300,000 people at the start of its integration journey",
        0.28, ("readiness",), ("digital", "information", "ehealth", "evaluation", "innovation"),
        panel_size=13, rounds=2, contested=1,
    ),
    _RegionSpec(
        "thornmere", "Thornmere", "TNM", "Commonwealth of Aldermere",
        "industrial region of 950,000 people with pooled health and social care budgets",
        0.52, ("funding", "finance", "inhibitors"), ("capacity", "innovation"),
        panel_size=9, rounds=1, contested=1,
    ),
    _RegionSpec(
        "saltmarsh-isles", "Saltmarsh Isles", "SMI", "Republic of Estavia",
        "island region of 150,000 people relying on community and volunteer care",
        0.36, ("population", "citizen", "empowerment"),
        ("funding", "finance", "governance", "structure"),
        panel_size=8, rounds=1, contested=0,
    ),
    _RegionSpec(
        "brisca-valley", "Brisca Valley", "BRV", "Grand Duchy of Lysenia",
        "valley region of 700,000 people with a regional innovation agency",
        0.47, ("capacity", "innovation"), ("funding", "finance", "inhibitors"),
        panel_size=15, rounds=1, contested=0,
    ),
)  # fmt: skip


@dataclass(frozen=True)
class _PracticeSpec:
    key: str
    name: str
    owner: str
    summary: str
    needs: tuple[str, ...]  # words of the dimensions the practice depends on


_PRACTICES: tuple[_PracticeSpec, ...] = (
    _PracticeSpec(
        "northvale-copd-telemonitoring", "Northvale community telemonitoring for COPD",
        "northvale", "home monitoring of people with COPD by community nurses",
        ("digital", "information", "ehealth", "process", "coordination", "citizen"),
    ),
    _PracticeSpec(
        "northvale-shared-care-record", "Northvale shared care record for frail older people",
        "northvale", "one record shared by GPs, hospital, home care and social workers",
        ("digital", "information", "ehealth", "ambition", "inhibitors"),
    ),
    _PracticeSpec(
        "eastholm-discharge-hub", "Eastholm integrated hospital discharge hub",
        "eastholm-lakes", "a joint health and social care team that plans every complex discharge",
        ("process", "coordination", "ambition", "governance", "structure"),
    ),
    _PracticeSpec(
        "ostermark-social-prescribing", "Ostermark neighbourhood social prescribing network",
        "ostermark", "link workers connecting patients with community and volunteer activities",
        ("citizen", "empowerment", "population", "ambition"),
    ),
    _PracticeSpec(
        "thornmere-diabetes-commissioning",
        "Thornmere outcome-based commissioning for diabetes care",
        "thornmere", "a pooled budget paying providers for outcomes in diabetes care",
        ("funding", "finance", "evaluation", "population"),
    ),
    _PracticeSpec(
        "valmorra-care-academy", "Valmorra integrated care academy",
        "valmorra", "joint training of health and social care staff in integrated working",
        ("capacity", "evaluation", "innovation"),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class _Role:
    name: str
    sectors: tuple[tuple[str, float], ...]  # (sector, weight)
    expert_in: tuple[str, ...]  # words of dimensions the role knows well
    general_expertise: float  # expertise (0..1) in the other dimensions
    biased_on: tuple[str, ...]  # words of dimensions the role rates systematically off
    bias: float  # levels (0..5 scale) added on those dimensions
    leniency: float  # levels added on every dimension
    weight: float  # how often the role appears in a panel


_ROLES: tuple[_Role, ...] = (
    _Role(
        "policy maker", (("public administration", 0.8), ("health", 0.2)),
        ("governance", "structure", "readiness", "funding", "finance", "ambition"), 0.5,
        ("governance", "structure", "readiness", "funding", "finance"), 0.5, 0.2, 1.2,
    ),
    _Role(
        "manager", (("health", 0.5), ("social care", 0.3), ("public administration", 0.2)),
        ("process", "coordination", "funding", "finance", "inhibitors", "capacity"), 0.5,
        ("process", "coordination", "inhibitors"), 0.3, 0.15, 1.6,
    ),
    _Role(
        "clinician", (("health", 1.0),),
        ("process", "coordination", "population", "ambition", "standardisation"), 0.4,
        ("digital", "information", "ehealth", "process", "coordination"), -0.4, -0.1, 2.0,
    ),
    _Role(
        "social care professional", (("social care", 0.8), ("third sector", 0.2)),
        ("ambition", "citizen", "process", "capacity"), 0.4,
        ("ambition", "process", "coordination", "funding", "finance"), -0.5, -0.15, 1.5,
    ),
    _Role(
        "IT specialist", (("health", 0.4), ("industry", 0.35), ("public administration", 0.25)),
        ("digital", "information", "ehealth", "infrastructure", "standardisation", "innovation"),
        0.35, ("digital", "information", "ehealth", "infrastructure"), 0.8, 0.0, 1.0,
    ),
    _Role(
        "researcher", (("academia", 1.0),),
        ("evaluation", "innovation", "population", "capacity"), 0.55,
        ("evaluation", "innovation"), -0.4, -0.1, 0.9,
    ),
    _Role(
        "patient representative", (("third sector", 1.0),),
        ("citizen", "empowerment"), 0.3, ("citizen", "empowerment"), -0.9, -0.2, 0.8,
    ),
)  # fmt: skip

_ORGANISATIONS: dict[str, tuple[str, ...]] = {
    "health": (
        "{region} Regional Health Board",
        "{region} University Hospital",
        "{region} Primary Care Network",
    ),
    "social care": ("{region} Social Services Department", "{region} Home Care Cooperative"),
    "public administration": (
        "{region} Regional Government",
        "{region} Association of Municipalities",
    ),
    "academia": ("University of {region}", "{region} Institute for Health Research"),
    "industry": ("{region} Health Informatics Ltd", "{region} MedTech Cluster"),
    "third sector": (
        "{region} Patients' Forum",
        "{region} Carers' Association",
        "{region} Volunteer Network",
    ),
}

# Invented names: combined at random, never reused within a batch.
_FIRST_NAMES = (
    "Aino", "Bram", "Carla", "Dario", "Edda", "Filip", "Greta", "Hamid", "Ines", "Jonas",
    "Katja", "Luca", "Maren", "Nils", "Olga", "Pavel", "Rosa", "Sami", "Tilde", "Ugo",
    "Vera", "Willem", "Yara", "Zofia", "Ansel", "Brita", "Corin", "Delia", "Emil", "Freya",
)  # fmt: skip
_LAST_NAMES = (
    "Ardelune", "Brenholt", "Castavel", "Dunmoor", "Elvaskog", "Fairbrook", "Gorvani",
    "Hallqvarn", "Istrova", "Jaskeln", "Korvath", "Lindmere", "Marovesk", "Norberth",
    "Ostravel", "Pellucci", "Quennel", "Rastova", "Sandhaven", "Tervolain", "Ulvenes",
    "Varganest", "Westerhelm", "Yllander", "Zarkova",
)  # fmt: skip


# ---------------------------------------------------------------------------------------
# Texts: justifications and good-practice features, keyed by dimension key and level band


_Bands = dict[str, tuple[str, ...]]

# Flavour for the bundled instruments' dimension keys; any other key uses _GENERIC_FLAVOUR.
_FLAVOUR: dict[str, _Bands] = {
    "readiness_to_change": {
        "low": (
            "No shared sense that care must change; integration is seen as a side project.",
            "The need for change is acknowledged, but nobody owns a plan.",
        ),
        "mid": (
            "A regional plan is being drafted through stakeholder dialogue.",
            "Leaders talk about integration and a vision is now in the regional strategy.",
        ),
        "high": (
            "Vision and plan are visible and backed by senior leaders across sectors.",
            "Staff expect change; champions exist in most services.",
        ),
    },
    "structure_and_governance": {
        "low": (
            "Health and social care are governed separately, with no joint board.",
            "Collaboration relies on personal contacts rather than formal structures.",
        ),
        "mid": (
            "Task forces and an informal alliance meet regularly but have no mandate.",
            "A joint governance board exists at regional level and is still finding its role.",
        ),
        "high": (
            "A roadmap for the change programme is agreed by all partners.",
            "The integrated programme has its own budget and a clear mandate.",
        ),
    },
    "digital_infrastructure": {
        "low": (
            "Systems do not talk to each other; information travels by phone and letter.",
            "A digital strategy is promised but technical standards are not agreed.",
        ),
        "mid": (
            "Standards are agreed and a shared record is piloted in two districts.",
            "Telemonitoring pilots run, but nothing is region-wide yet.",
        ),
        "high": (
            "The shared care record is deployed region-wide, though social care uses it less.",
            "Digital services are available at scale to most stakeholders.",
        ),
    },
    "process_coordination": {
        "low": (
            "No formal pathways; coordination depends on individual staff.",
            "Some local guidelines, but nothing standardised across organisations.",
        ),
        "mid": (
            "Several pathways are formally described; there is no systematic approach yet.",
            "The main pathways have standard descriptions; a systematic roll-out is planned.",
        ),
        "high": (
            "Care processes are described in a standard way and coordinated across providers.",
            "Pathways are coordinated systematically and reviewed every year.",
        ),
    },
    "funding": {
        "low": (
            "No money beyond pilot projects.",
            "Integrated care is funded from short project grants only.",
        ),
        "mid": (
            "Innovation funding from competitions pays for small-scale services.",
            "Regional and European funds support scaling up, for now.",
        ),
        "high": (
            "Integrated services are reimbursed as part of regular operations.",
            "A multi-year budget for integrated care is open to all providers.",
        ),
    },
    "removal_of_inhibitors": {
        "low": (
            "Projects keep stalling on legal and organisational barriers.",
            "Several initiatives were delayed by data-sharing rules.",
        ),
        "mid": (
            "Barriers are identified systematically and a removal strategy is being agreed.",
            "Barriers are logged and escalated, but few are solved.",
        ),
        "high": (
            "Solutions for the common barriers are in routine use.",
            "Inhibitors are rarely an issue for new projects now.",
        ),
    },
    "population_approach": {
        "low": (
            "Services react to demand; there is no risk stratification.",
            "Population health is mentioned in plans but not acted on.",
        ),
        "mid": (
            "Frequent users are identified with a risk tool in primary care.",
            "Risk groups are stratified, but only in some districts.",
        ),
        "high": (
            "Population-wide stratification is in place and informs commissioning.",
            "The whole population is stratified and services are targeted accordingly.",
        ),
    },
    "citizen_empowerment": {
        "low": (
            "Citizens have little say and no access to their own records.",
            "Policies mention empowerment, but nothing reaches patients yet.",
        ),
        "mid": (
            "Patients can see parts of their record online and are consulted on plans.",
            "Citizens are consulted, but co-design is rare.",
        ),
        "high": (
            "Citizens co-create services and use tools to manage their own health.",
            "Patient organisations sit on planning boards and shape decisions.",
        ),
    },
    "evaluation_methods": {
        "low": (
            "Little evaluation beyond activity counts.",
            "Evaluation is planned but not systematic.",
        ),
        "mid": (
            "Some initiatives are evaluated systematically; most are not.",
            "Pilots are evaluated, but results are rarely published.",
        ),
        "high": (
            "Most initiatives are evaluated and the results are published.",
            "Evaluation results feed back into service redesign.",
        ),
    },
    "breadth_of_ambition": {
        "low": (
            "Families are left to coordinate care themselves.",
            "Integration stays within single services.",
        ),
        "mid": (
            "Integration between primary and hospital care is under way.",
            "Integration works between care levels, less so with social care.",
        ),
        "high": (
            "Health and social care are coordinated for most client groups.",
            "Health and social care work as one system for the people they serve.",
        ),
    },
    "innovation_management": {
        "low": (
            "Innovations stay isolated and little known.",
            "Good ideas depend on enthusiasts; nothing is captured.",
        ),
        "mid": (
            "Good practices are collected and published regionally.",
            "Innovation is encouraged at regional level but not managed formally.",
        ),
        "high": (
            "A formal innovation management process runs with procurement support.",
            "Open innovation with industry and academia; good practice spreads quickly.",
        ),
    },
    "capacity_building": {
        "low": (
            "No training in integrated care beyond occasional workshops.",
            "Skills for integrated working are not planned for.",
        ),
        "mid": (
            "Training programmes exist for some professions.",
            "Learning is organised, but not across organisations.",
        ),
        "high": (
            "Capacity building is systematic across sectors, with shared curricula.",
            "Staff from health and social care learn together as a matter of routine.",
        ),
    },
}

_GENERIC_FLAVOUR: _Bands = {
    "low": (
        "Little is in place for {dimension} yet.",
        "{dimension} is recognised as a gap; there is no plan so far.",
    ),
    "mid": (
        "Some progress on {dimension}, uneven across the region.",
        "{dimension}: plans exist and parts are implemented.",
    ),
    "high": (
        "{dimension} is well established across the region.",
        "Mature practice in {dimension}, used by most stakeholders.",
    ),
}

_EVIDENCE = (
    "That is what I see in my own service.",
    "The regional strategy and last year's report say the same.",
    "Colleagues in other sectors may see it differently.",
    "Based on our current project portfolio.",
    "The budget documents show it.",
)
_HEDGES = ("Hard to judge from my position.", "Only partly visible from where I work.")
_DONT_KNOW_TEXTS = (
    "Outside my area; I cannot judge this.",
    "Not enough information to rate this.",
)
_CHANGED_TEXTS = (
    "Moved towards the panel after the round {previous} feedback.",
    "Revised after seeing the round {previous} results.",
    "Adjusted: the other ratings convinced me.",
)
_KEPT_TEXTS = (
    "Kept my rating.",
    "No change since round {previous}.",
    "Still my view after the feedback.",
)

# Features a good practice may need, by dimension key; any other key uses _GENERIC_FEATURES.
_FEATURES: dict[str, tuple[str, ...]] = {
    "readiness_to_change": (
        "Local clinical champion",
        "Shared vision statement",
        "Change management plan",
        "Executive sponsor",
    ),
    "structure_and_governance": (
        "Joint governance board",
        "Formal partnership agreement",
        "Clear programme mandate",
        "Joint primary and hospital leadership",
    ),
    "digital_infrastructure": (
        "Shared care record",
        "Remote monitoring platform",
        "Interoperable messaging standard",
        "Secure video consultation",
        "Patient portal",
    ),
    "process_coordination": (
        "Agreed care pathway",
        "Case manager role",
        "Single point of access",
        "Multidisciplinary team meetings",
        "Discharge planning protocol",
    ),
    "funding": (
        "Multi-year service budget",
        "Pooled health and social care budget",
        "Reimbursement code for remote care",
        "Start-up grant",
    ),
    "removal_of_inhibitors": (
        "Data-sharing agreement",
        "Legal basis for joint records",
        "Issue escalation route",
        "Workforce agreement with unions",
    ),
    "population_approach": (
        "Risk stratification tool",
        "Disease registry",
        "Case-finding algorithm",
        "Population health dashboard",
    ),
    "citizen_empowerment": (
        "Self-management education",
        "Patient access to own data",
        "Shared decision-making aids",
        "Carer involvement",
    ),
    "evaluation_methods": (
        "Outcome indicator set",
        "Routine data linkage",
        "Patient-reported outcome measures",
        "Cost-effectiveness study",
    ),
    "breadth_of_ambition": (
        "Health and social care coordination",
        "Community care team",
        "Home care integration",
        "Voluntary sector partners",
    ),
    "innovation_management": (
        "Innovation procurement route",
        "Good practice registry",
        "Living lab",
        "Scaling-up plan",
    ),
    "capacity_building": (
        "Joint training programme",
        "Digital skills training",
        "Care coordinator competences",
        "Train-the-trainer scheme",
    ),
}
_GENERIC_FEATURES = (
    "Named lead for {dimension}",
    "Agreed protocol for {dimension}",
    "Dedicated budget for {dimension}",
    "Staff training in {dimension}",
)


# ---------------------------------------------------------------------------------------
# Helpers


@dataclass(frozen=True)
class _Scale:
    """The instrument's scale, with the demo's parameters stretched to fit it."""

    low: int
    high: int

    @property
    def width(self) -> int:
        return self.high - self.low

    @property
    def unit(self) -> float:
        return self.width / _REFERENCE_WIDTH

    def at(self, fraction: float) -> float:
        """The (continuous) level at a fraction of the scale."""
        return self.low + fraction * self.width

    def level(self, value: float) -> int:
        """The nearest level on the scale, as a plain int (never a numpy scalar)."""
        return int(min(self.high, max(self.low, round(float(value)))))

    def band(self, level: float) -> str:
        fraction = (level - self.low) / self.width
        return "low" if fraction < 0.3 else "mid" if fraction < 0.7 else "high"


def _pick(rng: np.random.Generator, options: Sequence[str]) -> str:
    return options[int(rng.integers(len(options)))]


def _weighted_pick(rng: np.random.Generator, options: Sequence[tuple[str, float]]) -> str:
    weights = np.array([weight for _, weight in options], dtype=float)
    return options[int(rng.choice(len(options), p=weights / weights.sum()))][0]


def _dimension_words(dimension: Dimension) -> set[str]:
    words = set(dimension.key.lower().split("_"))
    words.update(word.strip("&,.()/-").lower() for word in dimension.name.split())
    return words


def _matching(instrument: Instrument, words: Sequence[str]) -> list[int]:
    """Indices of the dimensions whose key or name contains one of ``words``."""
    wanted = set(words)
    return [i for i, dim in enumerate(instrument.dimensions) if _dimension_words(dim) & wanted]


def _mask(instrument: Instrument, words: Sequence[str]) -> np.ndarray:
    mask = np.zeros(len(instrument.dimensions), dtype=bool)
    mask[_matching(instrument, words)] = True
    return mask


def _lower_first(text: str) -> str:
    # "Shared care record" -> "shared care record", but leave "IT ..." alone.
    if len(text) > 1 and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _flavour(rng: np.random.Generator, dimension: Dimension, band: str) -> str:
    table = _FLAVOUR.get(dimension.key)
    if table is not None:
        return _pick(rng, table[band])
    text = _pick(rng, _GENERIC_FLAVOUR[band]).format(dimension=dimension.name)
    return text[0].upper() + text[1:]


def _features_pool(dimension: Dimension) -> tuple[str, ...]:
    pool = _FEATURES.get(dimension.key)
    if pool is not None:
        return pool
    return tuple(template.format(dimension=dimension.name) for template in _GENERIC_FEATURES)


def _confidence(score: float) -> str:
    return "high" if score > 0.7 else "medium" if score > 0.4 else "low"


def _median_levels(rows: Sequence[Sequence[int | None]], count: int) -> list[float | None]:
    """Per dimension, the median of the levels given (don't-knows left out)."""
    medians: list[float | None] = []
    for index in range(count):
        levels = [row[index] for row in rows if row[index] is not None]
        medians.append(float(np.median(levels)) if levels else None)
    return medians


# ---------------------------------------------------------------------------------------
# Stakeholders


@dataclass(frozen=True)
class _Panelist:
    record: AssessorRecord
    role: _Role
    expertise: np.ndarray  # 0..1 per dimension
    bias: np.ndarray  # levels added to the latent level, per dimension
    pull: float  # how far the panel median moves this person between rounds (0..1)


class _NameBook:
    """Hands out invented full names, each once per batch."""

    def __init__(self, rng: np.random.Generator):
        pairs = [(first, last) for first in _FIRST_NAMES for last in _LAST_NAMES]
        order = rng.permutation(len(pairs))
        self._pairs = [pairs[int(i)] for i in order]

    def take(self) -> tuple[str, str]:
        first, last = self._pairs.pop()
        return f"{first} {last}", f"{first}.{last}@example.org".lower()


def _panel_roles(rng: np.random.Generator, size: int) -> list[_Role]:
    """Every role once (a SCIROCCO panel is multi-stakeholder), the rest by weight."""
    roles = list(_ROLES)
    weights = np.array([role.weight for role in _ROLES])
    extra = rng.choice(len(_ROLES), size=max(0, size - len(roles)), p=weights / weights.sum())
    roles.extend(_ROLES[int(i)] for i in extra)
    order = rng.permutation(len(roles))  # so pseudonym numbers do not reveal the role
    return [roles[int(i)] for i in order[:size]]


def _make_panel(
    rng: np.random.Generator,
    spec: _RegionSpec,
    instrument: Instrument,
    scale: _Scale,
    names: _NameBook,
) -> list[_Panelist]:
    size = int(np.clip(spec.panel_size + rng.integers(-1, 2), 8, 15))
    panel = []
    for number, role in enumerate(_panel_roles(rng, size), start=1):
        sector = _weighted_pick(rng, role.sectors)
        organisation = _pick(rng, _ORGANISATIONS[sector]).format(region=spec.name)
        full_name, email = names.take()
        expert = _mask(instrument, role.expert_in)
        expertise = np.where(expert, 0.88, role.general_expertise)
        expertise = np.clip(expertise + rng.normal(0, 0.08, expertise.size), 0.05, 1.0)
        personal_leniency = rng.normal(0, 0.25)
        bias = role.leniency + personal_leniency + role.bias * _mask(instrument, role.biased_on)
        panel.append(
            _Panelist(
                record=AssessorRecord(
                    pseudonym=f"{spec.prefix}-{number:02d}",
                    role=role.name,
                    sector=sector,
                    organisation=organisation,
                    home_subject=spec.key,
                    full_name=full_name,
                    email=email,
                    synthetic=True,
                ),
                role=role,
                expertise=expertise,
                bias=bias * scale.unit,
                pull=float(rng.uniform(0.2, 0.7)),
            )
        )
    return panel


# ---------------------------------------------------------------------------------------
# Regions: latent profile, Delphi rounds, consensus


def _pick_dimensions(
    rng: np.random.Generator, instrument: Instrument, words: Sequence[str], avoid: set[int]
) -> list[int]:
    """Dimensions named by ``words``; for an instrument without such words, a random few."""
    chosen = [i for i in _matching(instrument, words) if i not in avoid]
    if chosen:
        return chosen
    free = [i for i in range(len(instrument.dimensions)) if i not in avoid]
    count = min(len(free), max(1, len(instrument.dimensions) // 4))
    return sorted(int(i) for i in rng.choice(free, size=count, replace=False)) if free else []


def _latent_profile(
    rng: np.random.Generator, spec: _RegionSpec, instrument: Instrument
) -> tuple[np.ndarray, list[int], list[int]]:
    """The region's "true" maturity per dimension, as a fraction of the scale."""
    ahead = _pick_dimensions(rng, instrument, spec.ahead_in, set())
    behind = _pick_dimensions(rng, instrument, spec.behind_in, set(ahead))
    fraction = spec.maturity + rng.normal(0, 0.07, len(instrument.dimensions))
    fraction[ahead] += 0.24
    fraction[behind] -= 0.22
    return np.clip(fraction, 0.03, 0.97), ahead, behind


def _names(instrument: Instrument, indices: Sequence[int]) -> str:
    names = [instrument.dimensions[i].name for i in indices[:2]]
    return " and ".join(names)


def _individual_justification(
    rng: np.random.Generator,
    dimension: Dimension,
    level: int,
    scale: _Scale,
    confidence: str,
    round_number: int,
    previous_level: int | None,
) -> str:
    flavour = _flavour(rng, dimension, scale.band(level))
    if round_number > 1:
        if previous_level is None:
            lead = "Now rated after the panel discussion."
        elif previous_level != level:
            lead = _pick(rng, _CHANGED_TEXTS).format(previous=round_number - 1)
        else:
            lead = _pick(rng, _KEPT_TEXTS).format(previous=round_number - 1)
        return lead if rng.random() < 0.4 else f"{lead} {flavour}"
    roll = rng.random()
    label = dimension.level(level).label
    if confidence == "low" and roll < 0.5:
        return f"{_pick(rng, _HEDGES)} {flavour}"
    if roll < 0.3:
        return f"{flavour} {_pick(rng, _EVIDENCE)}"
    if roll < 0.45 and label:
        return f"Closest to '{label}'. {flavour}"
    return flavour


@dataclass
class _RegionResult:
    subject: SubjectRecord
    panel: list[_Panelist]
    assessments: list[AssessmentRecord]
    ahead: list[int]


def _individual_ratings(
    rng: np.random.Generator,
    instrument: Instrument,
    scale: _Scale,
    panelist: _Panelist,
    levels: Sequence[int | None],
    round_number: int,
    previous: Sequence[int | None] | None,
) -> tuple[RatingRecord, ...]:
    ratings = []
    for index, dimension in enumerate(instrument.dimensions):
        level = levels[index]
        if level is None:
            text = _pick(rng, _DONT_KNOW_TEXTS) if rng.random() < 0.5 else None
            ratings.append(RatingRecord(dimension.key, dont_know=True, justification=text))
            continue
        # Confidence follows expertise, and grows a little once the panel has been heard.
        score = panelist.expertise[index] + 0.08 * (round_number - 1) + rng.normal(0, 0.15)
        confidence = _confidence(score)
        wants_text = rng.random() < (0.7 if round_number == 1 else 0.45)
        text = None
        if wants_text:
            text = _individual_justification(
                rng,
                dimension,
                level,
                scale,
                confidence,
                round_number,
                None if previous is None else previous[index],
            )
        ratings.append(
            RatingRecord(dimension.key, level=level, justification=text, confidence=confidence)
        )
    return tuple(ratings)


def _first_round_levels(
    rng: np.random.Generator,
    panel: list[_Panelist],
    latent: np.ndarray,
    contested: list[int],
    scale: _Scale,
) -> list[list[int | None]]:
    count = latent.size
    # On a contested dimension the panel falls into two camps that see it differently
    # (say, hospital staff against community staff): the source of a Delphi "Split".
    camp_offset = np.zeros((len(panel), count))
    for index in contested:
        order = rng.permutation(len(panel))
        minority = order[: round(len(panel) * float(rng.uniform(0.4, 0.5)))]
        sign = 1.0 if rng.random() < 0.5 else -1.0
        camp_offset[:, index] = -sign * 1.2
        camp_offset[minority, index] = sign * 1.2
    rows: list[list[int | None]] = []
    for position, panelist in enumerate(panel):
        row: list[int | None] = []
        for index in range(count):
            expertise = panelist.expertise[index]
            # Don't-know: about 5% overall, mostly far from the rater's expertise.
            if rng.random() < 0.005 + 0.24 * (1.0 - expertise) ** 2:
                row.append(None)
                continue
            noise = rng.normal(0, 0.3 + 0.6 * (1.0 - expertise)) * scale.unit
            offset = camp_offset[position, index] * scale.unit
            row.append(scale.level(latent[index] + panelist.bias[index] + offset + noise))
        rows.append(row)
    return rows


def _next_round_levels(
    rng: np.random.Generator,
    previous: list[int | None],
    medians: list[float | None],
    panelist: _Panelist,
    scale: _Scale,
) -> list[int | None]:
    """A rater's levels after seeing the panel's medians: pulled part of the way towards them."""
    row: list[int | None] = []
    for level, median in zip(previous, medians, strict=True):
        if median is None:
            row.append(level)
        elif level is None:
            # Some who did not know rate once they have heard the others.
            row.append(
                None
                if rng.random() < 0.5
                else scale.level(median + rng.normal(0, 0.4 * scale.unit))
            )
        else:
            moved = level + panelist.pull * (median - level) + rng.normal(0, 0.3 * scale.unit)
            row.append(scale.level(moved))
    return row


def _consensus_ratings(
    rng: np.random.Generator,
    instrument: Instrument,
    scale: _Scale,
    rows: list[list[int | None]],
    latent: np.ndarray,
    last_round: int,
) -> tuple[RatingRecord, ...]:
    ratings = []
    for index, dimension in enumerate(instrument.dimensions):
        levels = [row[index] for row in rows if row[index] is not None]
        if not levels:
            ratings.append(
                RatingRecord(
                    dimension.key,
                    dont_know=True,
                    justification="Workshop agreed that nobody could judge this yet.",
                )
            )
            continue
        median = float(np.median(levels))
        if median != int(median):
            # A half-way median: the workshop settles on the side the evidence supports.
            median = float(np.floor(median) if latent[index] < median else np.ceil(median))
        level = scale.level(median)
        if rng.random() < 0.08:  # the discussion occasionally moves the level by one
            level = scale.level(level + (1 if latent[index] > level else -1))
        within = sum(abs(value - level) <= 1 for value in levels)
        confidence = "high" if within >= 0.75 * len(levels) else "medium"
        flavour = _flavour(rng, dimension, scale.band(level))
        frames = (
            f"Workshop agreed on level {level}. {flavour}",
            f"Workshop agreed level {level} after discussing the round {last_round} "
            f"spread. {flavour}",
            f"Workshop agreed level {level}; {within} of {len(levels)} panel members "
            f"rated within one level. {flavour}",
        )
        ratings.append(
            RatingRecord(
                dimension.key,
                level=level,
                justification=_pick(rng, frames),
                confidence=confidence,
            )
        )
    return tuple(ratings)


def _draft_ratings(
    rng: np.random.Generator, instrument: Instrument, levels: Sequence[int | None]
) -> tuple[RatingRecord, ...]:
    """An unfinished form: the first few dimensions filled in, the rest not yet."""
    count = len(instrument.dimensions)
    filled = int(rng.integers(max(1, count // 3), max(2, (2 * count) // 3) + 1))
    filled = min(filled, count - 1) if count > 1 else 0
    return tuple(
        RatingRecord(dimension.key, level=level, dont_know=level is None)
        for dimension, level in zip(instrument.dimensions[:filled], levels[:filled], strict=True)
    )


def _region(
    rng: np.random.Generator,
    order: int,
    spec: _RegionSpec,
    instrument: Instrument,
    scale: _Scale,
    names: _NameBook,
) -> _RegionResult:
    fraction, ahead, behind = _latent_profile(rng, spec, instrument)
    latent = np.array([scale.at(value) for value in fraction])
    description = f"Fictional {spec.setting}"
    if ahead and behind:
        description += (
            f"; ahead in {_names(instrument, ahead)}, behind in {_names(instrument, behind)}"
        )
    subject = SubjectRecord(
        key=spec.key,
        name=spec.name,
        kind="system",
        country=spec.country,
        description=description + ".",
        synthetic=True,
    )
    panel = _make_panel(rng, spec, instrument, scale, names)
    # Contested dimensions sit mid-scale, where two camps do not both hit an end of the scale.
    mid_scale = [i for i, value in enumerate(fraction) if 0.3 <= value <= 0.7]
    contested_count = min(spec.contested, len(mid_scale))
    contested = [int(i) for i in rng.choice(mid_scale, size=contested_count, replace=False)]

    assessments: list[AssessmentRecord] = []
    # Individual and submitted unless said otherwise (the record's defaults).
    assessment = partial(AssessmentRecord, "HS", spec.key, instrument.id)
    round_start = dt.date(2025, 2, 3) + dt.timedelta(days=21 * order + int(rng.integers(7)))
    active = list(range(len(panel)))
    rows = _first_round_levels(rng, panel, latent, contested, scale)
    previous_rows: list[list[int | None]] | None = None
    last_dates: list[dt.date] = []
    dropouts: list[int] = []
    for round_number in range(1, spec.rounds + 1):
        if round_number > 1:
            medians = _median_levels([rows[i] for i in active], latent.size)
            medians = [latent[i] if median is None else median for i, median in enumerate(medians)]
            is_last = round_number == spec.rounds
            # Later rounds lose one or two people; a region with a draft loses at least one.
            lose = int(rng.choice([0, 1, 1, 2] if round_number > 2 else [0, 1, 1]))
            if is_last and spec.leaves_draft:
                lose = max(lose, 1)
            dropouts = [int(i) for i in rng.choice(active, size=lose, replace=False)]
            active = [i for i in active if i not in dropouts]
            previous_rows = rows
            rows = [
                _next_round_levels(rng, rows[i], medians, panel[i], scale)
                if i in active
                else rows[i]
                for i in range(len(panel))
            ]
            round_start += dt.timedelta(days=28 + int(rng.integers(15)))
        last_dates = []
        note = f"Delphi round {round_number} of {spec.rounds}" if spec.rounds > 1 else None
        for i in active:
            assessed_on = round_start + dt.timedelta(days=int(rng.integers(19)))
            last_dates.append(assessed_on)
            assessments.append(
                assessment(
                    round=round_number,
                    assessor=panel[i].record.pseudonym,
                    assessed_on=assessed_on,
                    notes=note,
                    ratings=_individual_ratings(
                        rng,
                        instrument,
                        scale,
                        panel[i],
                        rows[i],
                        round_number,
                        None if previous_rows is None else previous_rows[i],
                    ),
                )
            )
    if spec.leaves_draft and spec.rounds > 1 and dropouts:
        quitter = dropouts[0]
        assessments.append(
            assessment(
                round=spec.rounds,
                assessor=panel[quitter].record.pseudonym,
                status="draft",
                assessed_on=round_start + dt.timedelta(days=int(rng.integers(10))),
                notes="Draft: not finished before the round closed",
                ratings=_draft_ratings(rng, instrument, rows[quitter]),
            )
        )
    last_rows = [rows[i] for i in active]
    assessments.append(
        assessment(
            round=spec.rounds,
            mode="consensus",
            assessed_on=max(last_dates) + dt.timedelta(days=7 + int(rng.integers(15))),
            notes=f"Consensus workshop after round {spec.rounds}; {len(active)} panel members",
            ratings=_consensus_ratings(rng, instrument, scale, last_rows, latent, spec.rounds),
        )
    )
    return _RegionResult(subject, panel, assessments, ahead)


# ---------------------------------------------------------------------------------------
# History: an earlier SCIROCCO v3 assessment, and a later year's reassessment

# Regions with an earlier assessment made with the previous generation (SCIROCCO v3), and
# the year of it; and regions assessed again a year later (the store numbers that later
# year as the next round), whose panel then disagrees on two dimensions.
_EARLIER_V3 = {"northvale": 2023, "ostermark": 2023, "valmorra": 2024}
_LATER_YEAR = ("kestrel-coast", "eastholm-lakes")
_V3_PANEL = 6  # members of today's panel who also took part in the v3 assessment


def _consensus_levels(result: _RegionResult) -> dict[str, int | None]:
    workshop = next(a for a in reversed(result.assessments) if a.mode == "consensus")
    return {rating.dimension: rating.level for rating in workshop.ratings}


def _median_consensus(
    records: Sequence[AssessmentRecord],
    keys: Sequence[str],
    scale: _Scale,
    assessed_on: dt.date,
    notes: str,
    justify: Callable[[str, int | None], str],
) -> AssessmentRecord:
    """The workshop consensus of these individual assessments (one subject, instrument and
    round): each dimension at the panel's median level, ``justify(key, level)`` its text."""
    levels = {
        key: scale.level(np.median([r.ratings[i].level for r in records]))
        for i, key in enumerate(keys)
    }
    ratings = tuple(
        RatingRecord(key, level=levels[key], justification=justify(key, levels[key]))
        for key in keys
    )
    return replace(
        records[0],
        mode="consensus",
        assessor=None,
        assessed_on=assessed_on,
        notes=notes,
        ratings=ratings,
    )


def _earlier_v3(
    rng: np.random.Generator,
    result: _RegionResult,
    year: int,
    exchange: Instrument,
    v3: Instrument,
) -> list[AssessmentRecord]:
    """A small v3 panel and its consensus, about a level lower than today (before progress)."""
    today = _consensus_levels(result)
    walk = load_crosswalk(v3.id, exchange.id)
    target_of = {key: link.to_keys[0] for link in walk.links for key in link.from_keys}
    scale = _Scale(v3.scale_min, v3.scale_max)
    start = dt.date(year, 10, 1) + dt.timedelta(days=int(rng.integers(20)))
    earlier = {}
    for key in v3.dimension_keys:
        level = today.get(target_of.get(key, ""))
        base = scale.at(0.35) if level is None else level
        earlier[key] = scale.level(base - float(rng.choice([0, 1, 1, 2])))
    records = []
    for panelist in result.panel[:_V3_PANEL]:
        ratings = tuple(
            RatingRecord(
                key,
                level=scale.level(earlier[key] + float(rng.choice([-1, 0, 0, 1]))),
                confidence=str(rng.choice(["low", "medium", "medium", "high"])),
            )
            for key in v3.dimension_keys
        )
        records.append(
            AssessmentRecord(
                "HS",
                result.subject.key,
                v3.id,
                assessor=panelist.record.pseudonym,
                assessed_on=start + dt.timedelta(days=int(rng.integers(14))),
                notes=f"Earlier assessment with SCIROCCO v3 ({year})",
                ratings=ratings,
            )
        )
    records.append(
        _median_consensus(
            records,
            v3.dimension_keys,
            scale,
            start + dt.timedelta(days=30),
            f"Consensus of the {year} SCIROCCO v3 assessment",
            lambda key, level: (
                f"Workshop agreed level {level} in the {year} SCIROCCO v3 assessment."
            ),
        )
    )
    return records


def _later_year(
    rng: np.random.Generator, result: _RegionResult, exchange: Instrument, scale: _Scale
) -> list[AssessmentRecord]:
    """The next year's assessment: some progress, and a panel split on two dimensions."""
    today = _consensus_levels(result)
    last = max(a.round for a in result.assessments if a.instrument == exchange.id)
    members = sorted({a.assessor for a in result.assessments if a.round == last and a.assessor})
    members = members[: len(members) - int(rng.integers(0, 2))]  # one may have left
    keys = list(exchange.dimension_keys)
    # Dimensions with room for two camps, 2 below and 1 above the (improved) level.
    mid = [
        k for k in keys if today.get(k) is not None and scale.low + 2 <= today[k] <= scale.high - 2
    ]
    split = [str(k) for k in rng.choice(mid, size=min(2, len(mid)), replace=False)]
    target = {k: scale.level((today.get(k) or scale.low) + float(rng.random() < 0.4)) for k in keys}
    start = dt.date(2026, 3, 2) + dt.timedelta(days=int(rng.integers(20)))
    records = []
    for index, pseudonym in enumerate(members):
        camp = 1 if index % 2 else -2  # two camps, far enough apart to split the panel
        ratings = tuple(
            RatingRecord(
                key,
                level=scale.level(
                    target[key] + (camp if key in split else float(rng.choice([-1, 0, 0, 0, 1])))
                ),
                confidence=str(rng.choice(["low", "medium", "high"])),
            )
            for key in keys
        )
        records.append(
            AssessmentRecord(
                "HS",
                result.subject.key,
                exchange.id,
                round=last + 1,
                assessor=pseudonym,
                assessed_on=start + dt.timedelta(days=int(rng.integers(19))),
                notes="Reassessment one year later",
                ratings=ratings,
            )
        )
    records.append(
        _median_consensus(
            records,
            keys,
            scale,
            max(r.assessed_on for r in records) + dt.timedelta(days=10),
            f"Consensus workshop of the 2026 reassessment; {len(records)} panel members",
            lambda key, level: (
                f"Workshop agreed level {level} in the 2026 reassessment"
                + (" after a split panel." if key in split else ".")
            ),
        )
    )
    return records


# ---------------------------------------------------------------------------------------
# Good practices: requirement profiles with features


def _gp_justification(
    rng: np.random.Generator, dimension: Dimension, band: str, features: Sequence[str]
) -> str:
    needs = ", ".join(_lower_first(feature) for feature in features)
    if band == "low":
        if needs:
            return f"Only the basics are needed: {needs}."
        return _pick(
            rng,
            (
                f"The practice can run with little {dimension.name} in place.",
                "Not critical for this practice.",
            ),
        )
    if band == "mid":
        text = f"The practice needs some {dimension.name} in place"
        return f"{text}: {needs}." if needs else f"{text}."
    text = _pick(
        rng,
        (
            f"The practice depends on mature {dimension.name}",
            "Without this the practice would not transfer",
        ),
    )
    return f"{text}: {needs}." if needs else f"{text}."


def _feature_count(rng: np.random.Generator, fraction: float) -> int:
    """0-3 features, more where the requirement is high."""
    if fraction < 0.3:
        return int(rng.random() < 0.2)
    if fraction < 0.6:
        return 1 + int(rng.random() < 0.2)
    if fraction < 0.8:
        return 2
    return 3 - int(rng.random() < 0.25)


def _practice(
    rng: np.random.Generator,
    order: int,
    spec: _PracticeSpec,
    owner: _RegionResult,
    instrument: Instrument,
    scale: _Scale,
) -> tuple[SubjectRecord, list[AssessmentRecord]]:
    count = len(instrument.dimensions)
    needed = _matching(instrument, spec.needs) or owner.ahead or [int(rng.integers(count))]
    requirement = rng.uniform(0.15, 0.55, count)
    requirement[needed] = rng.uniform(0.72, 1.0, len(needed))
    subject = SubjectRecord(
        key=spec.key,
        name=spec.name,
        kind="good_practice",
        country=owner.subject.country,
        owner=owner.subject.key,
        description=f"Fictional good practice: {spec.summary}.",
        synthetic=True,
    )
    raters = rng.choice(len(owner.panel), size=int(rng.integers(2, 5)), replace=False)
    start = dt.date(2026, 1, 12) + dt.timedelta(days=14 * order + int(rng.integers(5)))
    individual_levels = [
        [scale.level(scale.at(value) + rng.normal(0, 0.45 * scale.unit)) for value in requirement]
        for _ in raters
    ]
    # The consensus profile first: individual raters then name part of its features.
    consensus_ratings = []
    consensus_features: list[tuple[str, ...]] = []
    for index, dimension in enumerate(instrument.dimensions):
        median = float(np.median([row[index] for row in individual_levels]))
        target = scale.at(requirement[index])
        level = scale.level(np.floor(median) if target < median else np.ceil(median))
        pool = _features_pool(dimension)
        fraction = (level - scale.low) / scale.width
        size = min(len(pool), _feature_count(rng, fraction))
        features = tuple(pool[int(i)] for i in sorted(rng.choice(len(pool), size, replace=False)))
        consensus_features.append(features)
        consensus_ratings.append(
            RatingRecord(
                dimension.key,
                level=level,
                justification=_gp_justification(rng, dimension, scale.band(level), features),
                confidence="high" if rng.random() < 0.7 else "medium",
                features=features,
            )
        )
    assessments = []
    assessment = partial(AssessmentRecord, "GP", spec.key, instrument.id)
    for number, rater in enumerate(raters):
        ratings = []
        for index, dimension in enumerate(instrument.dimensions):
            level = individual_levels[number][index]
            kept = [f for f in consensus_features[index] if rng.random() < 0.75]
            pool = [f for f in _features_pool(dimension) if f not in kept]
            if pool and rng.random() < 0.12:
                kept.append(_pick(rng, pool))
            expertise = owner.panel[int(rater)].expertise[index]
            text = None
            if rng.random() < 0.6:
                text = _gp_justification(rng, dimension, scale.band(level), kept)
            ratings.append(
                RatingRecord(
                    dimension.key,
                    level=level,
                    justification=text,
                    confidence=_confidence(expertise + rng.normal(0, 0.15)),
                    features=tuple(kept),
                )
            )
        assessments.append(
            assessment(
                assessor=owner.panel[int(rater)].record.pseudonym,
                assessed_on=start + dt.timedelta(days=int(rng.integers(8))),
                ratings=tuple(ratings),
            )
        )
    assessments.append(
        assessment(
            mode="consensus",
            assessed_on=start + dt.timedelta(days=10 + int(rng.integers(5))),
            notes="Requirements agreed with the practice team",
            ratings=tuple(consensus_ratings),
        )
    )
    return subject, assessments


# ---------------------------------------------------------------------------------------
# Public API


def demo_notes(fictional: str, generated_by: str) -> tuple[str, ...]:
    """The notes of a demo batch: the demo mark, what is fictional and what made it.

    >>> demo_notes("regions", "generate_demo(seed=1)")[1:]
    ('Fictional regions.', 'Generated by generate_demo(seed=1).')
    """
    return (DEMO_MARK, f"Fictional {fictional}.", f"Generated by {generated_by}.")


def generate_demo(seed: int = DEMO_SEED, *, instrument: Instrument | None = None) -> RecordBatch:
    """A complete, fictional batch of regions, stakeholders and assessments.

    The same ``seed`` always gives the same batch (no global random state is used).
    ``instrument`` defaults to the bundled SCIROCCO Exchange instrument; any instrument
    works, its dimension keys and scale are read from it. Every subject and assessor is
    marked ``synthetic=True`` and the batch's first note is :data:`DEMO_MARK`. With the
    bundled instrument the batch also holds the SCIROCCO v3 assessments and the 2026
    reassessments described in the module docstring.

    >>> from scirocco_lab.instruments import load_instrument
    >>> from scirocco_lab.assessment.records import validate_batch
    >>> exchange, v3 = load_instrument("scirocco-exchange"), load_instrument("scirocco-v3")
    >>> batch = generate_demo(2026, instrument=exchange)
    >>> validate_batch(batch, {exchange.id: exchange, v3.id: v3})
    []
    >>> batch == generate_demo(2026, instrument=exchange)
    True
    """
    instrument = instrument if instrument is not None else load_instrument(DEFAULT_INSTRUMENT)
    scale = _Scale(instrument.scale_min, instrument.scale_max)
    rng = np.random.default_rng(seed)
    # Independent streams per region and practice: tuning one leaves the others unchanged.
    names = _NameBook(rng.spawn(1)[0])
    region_rngs = rng.spawn(len(_REGIONS))
    practice_rngs = rng.spawn(len(_PRACTICES))

    regions = {
        spec.key: _region(region_rng, order, spec, instrument, scale, names)
        for order, (spec, region_rng) in enumerate(zip(_REGIONS, region_rngs, strict=True))
    }
    subjects = [result.subject for result in regions.values()]
    assessors = [panelist.record for result in regions.values() for panelist in result.panel]
    assessments = [record for result in regions.values() for record in result.assessments]
    for order, (spec, practice_rng) in enumerate(zip(_PRACTICES, practice_rngs, strict=True)):
        subject, records = _practice(
            practice_rng, order, spec, regions[spec.owner], instrument, scale
        )
        subjects.append(subject)
        assessments.extend(records)
    if instrument.id == DEFAULT_INSTRUMENT:
        # Spawned after the other streams, so the 2025 data stay as they were. Only for the
        # bundled instrument: the earlier assessment goes through its v3 cross-walk.
        history_rng = rng.spawn(1)[0]
        v3 = load_instrument("scirocco-v3")
        for key, year in _EARLIER_V3.items():
            assessments.extend(_earlier_v3(history_rng, regions[key], year, instrument, v3))
        for key in _LATER_YEAR:
            assessments.extend(_later_year(history_rng, regions[key], instrument, scale))
    return RecordBatch(
        subjects=tuple(subjects),
        assessors=tuple(assessors),
        assessments=tuple(assessments),
        source=DEMO_SOURCE,
        notes=demo_notes(
            "regions, countries, organisations and people; any resemblance to real ones is "
            "coincidental",
            f"scirocco_lab.assessment.demo.generate_demo(seed={seed}) for instrument "
            f"'{instrument.id}'",
        ),
    )
