"""Synthetic demo evaluation data: focus groups, interviews, a codebook, coders, questionnaires.

:func:`generate_evaluation_demo` builds a deterministic :class:`EvaluationBatch` for four demo
regions (keys of :func:`scirocco_lab.assessment.demo.generate_demo`; three follow the
knowledge-transfer programmes of the planning demo): focus groups after study visits, interviews
after an expert mission and a webinar series, a webinar discussion and an expert-mission debrief (8
sources, 15-30 turns each) in which invented participants from several groups (clinicians, managers,
social care professionals, IT specialists, patient representatives) talk about what they learned,
what they would apply, barriers, facilitators and context. Utterances are assembled from sentence
fragments, so every sentence's intended code is known; two coders ("coder-A", "coder-B") code every
source from that key with high but imperfect agreement (some boundaries and some codes differ, some
segments are missed), and a third ("coder-C") codes one source. Study-visit satisfaction
questionnaires (8 items, 1-5 agreement scale) have 10-15 respondents per region.

Everything is invented and marked ``synthetic=True``; outputs made from it must show
:data:`scirocco_lab.assessment.demo.DEMO_MARK`. Codes link to instrument dimensions through a small
table of keys, kept only when the instrument has them.

>>> batch = generate_evaluation_demo()
>>> len(batch.sources), len(batch.coders)
(8, 3)
>>> batch == generate_evaluation_demo()
True
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scirocco_lab.assessment.demo import DEMO_MARK, DEMO_SEED
from scirocco_lab.evaluation.records import (
    CodeRecord,
    CoderRecord,
    EvaluationBatch,
    ItemRecord,
    ParticipantRecord,
    QuestionnaireRecord,
    ResponseRecord,
    SegmentRecord,
    SourceRecord,
    TurnRecord,
)
from scirocco_lab.evaluation.transcripts import build_source_text
from scirocco_lab.instruments import DEFAULT_INSTRUMENT, Instrument, load_instrument

__all__ = [
    "DEMO_CODERS",
    "DEMO_REGIONS",
    "DEMO_SOURCE",
    "generate_evaluation_demo",
    "seed_evaluation_demo",
    "write_demo_transcripts",
]

#: ``EvaluationBatch.source`` of the demo batch.
DEMO_SOURCE = "evaluation demo data (synthetic)"
#: The coders of the demo: two code everything, the third one source.
DEMO_CODERS = ("coder-A", "coder-B", "coder-C")


# ---------------------------------------------------------------------------------------
# The fictional world: regions, visits, people


@dataclass(frozen=True)
class _Region:
    key: str
    name: str
    prefix: str  # pseudonym prefix
    host: str  # the region that transferred knowledge (display name)
    practice: str  # what the participants saw or heard about
    programme: str | None  # knowledge-transfer programme key (planning demo), if any
    visit_on: dt.date  # last day of the study visit: the questionnaire was filled in then
    satisfaction: float  # latent satisfaction with the study visit, about -1..1


# Programmes, hosts and dates follow the planning demo (scirocco_lab.planning.demo): e.g.
# kt-corvalla-2026 has an expert mission from Thornmere on 4-5 May and a study visit to
# Thornmere on 8-9 June. Ostermark's visit was outside any programme.
_REGIONS = (
    _Region(
        "corvalla", "Corvalla", "CRV", "Thornmere",
        "outcome-based commissioning for diabetes care", "kt-corvalla-2026",
        dt.date(2026, 6, 9), 0.45,
    ),
    _Region(
        "kestrel-coast", "Kestrel Coast", "KSC", "Eastholm Lakes", "the integrated discharge hub",
        "kt-kestrel-coast-2026", dt.date(2026, 6, 16), 0.65,
    ),
    _Region(
        "saltmarsh-isles", "Saltmarsh Isles", "SMI", "Northvale",
        "community telemonitoring for COPD", "kt-saltmarsh-isles-2026", dt.date(2026, 6, 30),
        0.1,
    ),
    _Region(
        "ostermark", "Ostermark", "OSM", "Northvale", "the shared care record", None,
        dt.date(2026, 4, 16), 0.35,
    ),
)  # fmt: skip
#: The region keys the demo needs in the store.
DEMO_REGIONS = tuple(region.key for region in _REGIONS)


@dataclass(frozen=True)
class _SourceSpec:
    key: str
    region: str
    activity: str
    held_on: dt.date
    title: str
    event: str  # how participants name the activity: "the visit", "the webinar"
    lead: str  # facilitator label
    size: int  # participants besides the lead
    topics: tuple[str, ...]
    original_format: str


_ALL_TOPICS = ("learning", "application", "barriers", "facilitators", "context", "organisation")
_INTERVIEW_TOPICS = ("learning", "application", "barriers", "facilitators", "context")
_SHORT_TOPICS = ("learning", "application", "barriers", "facilitators")
_SOURCES = (
    _SourceSpec(
        "corvalla-expert-mission-debrief", "corvalla", "expert_mission", dt.date(2026, 5, 5),
        "Debrief of the expert mission from Thornmere", "the expert mission", "Facilitator", 3,
        _SHORT_TOPICS, "srt",
    ),
    _SourceSpec(
        "corvalla-fg-study-visit", "corvalla", "focus_group", dt.date(2026, 6, 16),
        "Focus group after the study visit to Thornmere", "the visit", "Facilitator", 6,
        _ALL_TOPICS, "docx",
    ),
    _SourceSpec(
        "kestrel-coast-int-expert-mission", "kestrel-coast", "interview", dt.date(2026, 5, 28),
        "Interview after the expert mission from Eastholm Lakes", "the expert mission",
        "Interviewer", 1, _INTERVIEW_TOPICS, "txt",
    ),
    _SourceSpec(
        "kestrel-coast-fg-study-visit", "kestrel-coast", "focus_group", dt.date(2026, 6, 23),
        "Focus group after the study visit to Eastholm Lakes", "the visit", "Facilitator", 5,
        _ALL_TOPICS, "txt",
    ),
    _SourceSpec(
        "kestrel-coast-webinar-discussion", "kestrel-coast", "webinar", dt.date(2026, 7, 13),
        "Webinar on integrated discharge: discussion", "the webinar", "Moderator", 4,
        _SHORT_TOPICS, "vtt",
    ),
    _SourceSpec(
        "saltmarsh-isles-fg-study-visit", "saltmarsh-isles", "focus_group",
        dt.date(2026, 7, 7), "Focus group after the study visit to Northvale", "the visit",
        "Facilitator", 5, _ALL_TOPICS, "vtt",
    ),
    _SourceSpec(
        "saltmarsh-isles-int-webinar", "saltmarsh-isles", "interview", dt.date(2026, 9, 28),
        "Interview after the webinar series with Northvale", "the webinar series",
        "Interviewer", 1, _INTERVIEW_TOPICS, "txt",
    ),
    _SourceSpec(
        "ostermark-fg-study-visit", "ostermark", "focus_group", dt.date(2026, 4, 21),
        "Focus group after the study visit to Northvale", "the visit", "Facilitator", 6,
        _ALL_TOPICS, "docx",
    ),
)  # fmt: skip
#: The source a third coder codes too.
_THIRD_CODER_SOURCE = "kestrel-coast-fg-study-visit"


@dataclass(frozen=True)
class _Group:
    name: str
    roles: tuple[str, ...]
    organisations: tuple[str, ...]
    place: tuple[str, ...]  # where the speaker works, as a phrase
    people: tuple[str, ...]  # the people the speaker serves
    affinity: tuple[str, ...]  # codes this group talks about more often


_GROUPS = (
    _Group(
        "clinician", ("community nurse", "geriatrician", "general practitioner", "ward nurse"),
        ("{region} University Hospital", "{region} Primary Care Network"),
        ("on the wards", "in our practice", "in the community nursing team"),
        ("our patients", "patients with long-term conditions", "frail older patients"),
        ("ka-new-insights", "bar-workforce", "kap-adaptation"),
    ),
    _Group(
        "manager", ("service manager", "head of integrated care", "operations director"),
        ("{region} Regional Health Board", "{region} University Hospital"),
        ("across the directorate", "at board level", "in our hospital"),
        ("our staff", "the teams", "the whole service"),
        ("bar-funding", "bar-governance", "kap-action-planning", "fac-leadership"),
    ),
    _Group(
        "social care professional", ("social worker", "home care coordinator"),
        ("{region} Social Services Department", "{region} Home Care Cooperative"),
        ("in home care", "in the social work team"),
        ("the people we support", "older people living at home"),
        ("bar-workforce", "fac-relationships", "ctx-population"),
    ),
    _Group(
        "IT specialist", ("information systems lead", "interoperability architect"),
        ("{region} Health Informatics Ltd", "{region} Regional Health Board"),
        ("in the integration team", "on the regional platform"),
        ("the clinical users", "the end users"),
        ("bar-it", "ka-new-insights"),
    ),
    _Group(
        "patient representative", ("patient representative", "carers' representative"),
        ("{region} Patients' Forum", "{region} Carers' Association"),
        ("in the patients' forum", "in our carers' network"),
        ("patients and carers", "our members"),
        ("fac-citizen", "ctx-differences", "org-visit"),
    ),
)  # fmt: skip

# Invented names for the participants (stored only as identities; files written by
# write_demo_transcripts use them as speaker names, to exercise pseudonymisation).
_FIRST_NAMES = (
    "Alma", "Benedek", "Cosima", "Daan", "Elin", "Fabian", "Gesa", "Henrik", "Ilona", "Jorit",
    "Kaisa", "Leif", "Mirela", "Noor", "Oskar", "Petra", "Quirin", "Runa", "Stellan", "Tamsin",
    "Ulla", "Valter", "Wiebke", "Xenia", "Ylva", "Zeno",
)  # fmt: skip
_LAST_NAMES = (
    "Aldergrove", "Brightwater", "Corveth", "Dalsgaard", "Emberly", "Falkenrath", "Grimstad",
    "Holloway", "Isenbeck", "Jarlsson", "Kettering", "Lowenstam", "Merriden", "Nordahl",
    "Oakhurst", "Pellerin", "Rosendahl", "Stavros", "Thornbury", "Vandermeer", "Whitlock",
)  # fmt: skip


# ---------------------------------------------------------------------------------------
# The codebook


@dataclass(frozen=True)
class _CodeSpec:
    key: str
    name: str
    parent: str | None
    description: str
    dimension: str | None = None  # instrument dimension key; dropped when unknown


_PARENT_COLOURS = {
    "knowledge-acquisition": "#1f77b4",
    "knowledge-application": "#2ca02c",
    "barriers": "#d62728",
    "facilitators": "#9467bd",
    "context": "#8c564b",
    "activity-organisation": "#7f7f7f",
}
_CODES = (
    _CodeSpec("knowledge-acquisition", "Knowledge acquisition", None,
              "What participants learned from the transferring region."),
    _CodeSpec("ka-new-insights", "New insights", "knowledge-acquisition",
              "Something participants had not seen or understood before.", "process_coordination"),
    _CodeSpec("ka-peer-learning", "Peer learning", "knowledge-acquisition",
              "Learning from counterparts: conversations, shadowing, lasting contacts."),
    _CodeSpec("knowledge-application", "Knowledge application", None,
              "How participants use or plan to use what they learned."),
    _CodeSpec("kap-adaptation", "Adapting the practice", "knowledge-application",
              "What must change for the practice to work locally.", "innovation_management"),
    _CodeSpec("kap-action-planning", "Action planning", "knowledge-application",
              "Concrete next steps, pilots, plans and decisions.", "readiness_to_change"),
    _CodeSpec("barriers", "Barriers", None, "What gets in the way of transfer."),
    _CodeSpec("bar-funding", "Funding and resources", "barriers",
              "Budgets, payment rules, short-term grants.", "funding"),
    _CodeSpec("bar-it", "Interoperability and IT", "barriers",
              "Systems that do not exchange information; access to records.",
              "digital_infrastructure"),
    _CodeSpec("bar-governance", "Fragmented governance", "barriers",
              "No shared mandate or decision-making across sectors.", "structure_and_governance"),
    _CodeSpec("bar-workforce", "Workforce and time", "barriers",
              "Staff shortages, workload, missing training.", "capacity_building"),
    _CodeSpec("facilitators", "Facilitators", None, "What helps transfer."),
    _CodeSpec("fac-leadership", "Leadership and champions", "facilitators",
              "Committed leaders, local champions, a sense of urgency.", "readiness_to_change"),
    _CodeSpec("fac-relationships", "Relationships and trust", "facilitators",
              "Personal contacts and trust between organisations and regions."),
    _CodeSpec("fac-citizen", "Citizen involvement", "facilitators",
              "Patients and carers as partners.", "citizen_empowerment"),
    _CodeSpec("context", "Context", None, "How the two regions' situations differ."),
    _CodeSpec("ctx-differences", "Differences between systems", "context",
              "Size, history, rules and culture of the regions.", "removal_of_inhibitors"),
    _CodeSpec("ctx-population", "Population needs", "context",
              "The population served and how it is targeted.", "population_approach"),
    _CodeSpec("activity-organisation", "Organisation of the activity", None,
              "Programme, time, preparation and materials of the activity itself."),
)  # fmt: skip
_CODE_PARENT = {spec.key: spec.parent for spec in _CODES}
_CATEGORY_OF = {
    "knowledge-acquisition": "knowledge acquisition",
    "knowledge-application": "knowledge application",
    "barriers": "barriers",
    "facilitators": "facilitators",
    "context": "context",
    "activity-organisation": "activity organisation",
}

_TOPIC_CODES = {
    "learning": ("ka-new-insights", "ka-peer-learning"),
    "application": ("kap-adaptation", "kap-action-planning"),
    "barriers": ("bar-funding", "bar-it", "bar-governance", "bar-workforce"),
    "facilitators": ("fac-leadership", "fac-relationships", "fac-citizen"),
    "context": ("ctx-differences", "ctx-population"),
    "organisation": ("activity-organisation",),
}
# Codes a careless second coder confuses (for imperfect agreement).
_CONFUSED_WITH = {
    "ka-new-insights": "ka-peer-learning",
    "ka-peer-learning": "fac-relationships",
    "kap-adaptation": "ctx-differences",
    "kap-action-planning": "kap-adaptation",
    "bar-funding": "bar-governance",
    "bar-it": "bar-funding",
    "bar-governance": "bar-funding",
    "bar-workforce": "bar-funding",
    "fac-leadership": "fac-relationships",
    "fac-relationships": "ka-peer-learning",
    "fac-citizen": "fac-relationships",
    "ctx-differences": "ctx-population",
    "ctx-population": "ctx-differences",
    "activity-organisation": "ka-peer-learning",
}


# ---------------------------------------------------------------------------------------
# What people say: sentences per code. Slots: {host} (transferring region), {home} (own
# region), {practice}, {event}, {place}, {people}. Each sentence carries one code. "V|" marks
# sentences that only make sense after a study visit (the speakers travelled).

_SENTENCES: dict[str, tuple[str, ...]] = {
    "ka-new-insights": (
        "What struck me most was how {practice} in {host} is organised around {people}, "
        "not around the institutions.",
        "I had never seen one assessment shared by health and social care before; in {host} "
        "it is simply how they work.",
        "We learned that {practice} started small, with one team, and only grew once it had "
        "shown results.",
        "V|Seeing it with my own eyes was different from reading the reports: {practice} is much "
        "less high-tech than I expected.",
        "It showed me that the real change in {host} was in the roles, not in the technology.",
        "V|I came back with a very concrete picture of what a shared care plan can look like.",
        "The daily huddle between the hospital and the community teams was a revelation for me.",
        "I did not realise how much of {practice} rests on one shared telephone number.",
        "The thing I keep thinking about is that their nurses can order home care directly.",
        "It changed my idea of what a care coordinator actually does all day.",
        "I learned that they measure success by fewer readmissions, not by more activity.",
    ),
    "ka-peer-learning": (
        "V|The most useful moments were the informal conversations with people doing the same job "
        "as me in {host}.",
        "We could ask the staff in {host} about their mistakes, and they were very open about "
        "them.",
        "V|Shadowing a team for a morning taught me more than all the presentations together.",
        "We have stayed in touch with two of the coordinators we met, and they answer our "
        "questions by e-mail.",
        "Hearing the same story from a nurse, a manager and a patient made it credible.",
        "Talking to colleagues who had the same doubts five years ago was reassuring.",
        "A social worker there told me exactly which forms they dropped, and why.",
        "Comparing notes with another manager over lunch was worth the whole trip.",
        "We swapped our templates with the team from {host}, and theirs are already in use here.",
        "Learning from people at our own level made it feel possible, not theoretical.",
    ),
    "kap-adaptation": (
        "We cannot copy {practice} as it is; we would have to adapt it to {home}, where services "
        "are organised by municipality.",
        "I think we could start with the shared assessment form and leave the rest for later.",
        "Some parts would transfer easily to the way we work {place}, others depend on contracts "
        "we simply do not have.",
        "We would need a lighter version, because our teams are smaller and spread over a much "
        "larger area.",
        "The idea transfers, the tools probably don't.",
        "If we tried it here, we would have to give the coordinating role to the community "
        "nurses rather than to the hospital.",
        "Our rural districts would need a travelling team rather than a fixed office.",
        "We would keep their checklist but translate it into the language our GPs use.",
        "For us the starting point would be the existing memory clinic, not a new service.",
        "The weekly case review could work here if we run it online.",
    ),
    "kap-action-planning": (
        "After {event} we agreed on three actions and put them into our local action plan.",
        "We have already set up a working group to draft a pilot in two districts.",
        "We plan to test the approach with a small group of {people} from the autumn.",
        "The first step is to agree who owns the pathway; that is now in the action plan with a "
        "date next to it.",
        "We presented what we learned to the board last month, and they asked us for a proposal "
        "by the summer.",
        "My team will map our current discharge process before we change anything.",
        "By the end of the month we will have named a lead for each of the three actions.",
        "We booked a follow-up call with {host} to review our draft before we start.",
        "The action plan now has indicators, so we will know in a year whether it worked.",
        "Two of us will visit the districts to explain the pilot before it begins.",
    ),
    "bar-funding": (
        "The honest answer is money: nobody has a budget for coordination work that falls "
        "between two organisations.",
        "Our funding is tied to activity, so a service that keeps people out of hospital looks "
        "like a loss on paper.",
        "Everything we start is a pilot with a one-year grant, and then it stops.",
        "{host} has a pooled budget; we have three separate budgets and three sets of rules.",
        "Without someone paying for the coordinators' time, this will stay a nice idea.",
        "The budget for next year is already fixed, so anything new has to wait.",
        "Each organisation protects its own money, and joint funding sounds like a risk to them.",
        "We were told to do this within existing resources, which means it will not happen.",
        "Insurers here only pay for visits, not for the time spent agreeing a plan.",
    ),
    "bar-it": (
        "Our systems don't talk to each other, so a shared plan would end up printed and faxed, "
        "which defeats the purpose.",
        "In {host} everyone sees the same record; here social care has no access to the "
        "hospital system at all.",
        "The regional platform exists, but it is not connected to the home care software.",
        "Every new interface takes months of negotiation with the vendors.",
        "People {place} are tired of logging into yet another portal.",
        "Consent rules stop us even e-mailing a discharge letter to the home care team.",
        "Our IT department has a two-year queue of projects ahead of this one.",
        "Half of the GP practices still use a system that cannot export anything.",
        "A shared record would need a data protection agreement that nobody knows how to write.",
    ),
    "bar-governance": (
        "Nobody here has the mandate to make health and social care work to one plan.",
        "Decisions about hospital discharge and about home care are taken by different boards, "
        "at different times.",
        "In {host} there is one board for the whole pathway; here the region and the "
        "municipalities would have to agree first.",
        "Every time we try, the question of who is responsible comes back and blocks us.",
        "The municipalities and the hospital each wait for the other to move first.",
        "The region changes its priorities after every election, and pilots are the first to go.",
        "There is no forum where all the partners meet and can actually decide something.",
        "Our legal department says that sharing staff between organisations is not allowed.",
        "Every agreement has to go through four committees before anyone can sign it.",
    ),
    "bar-workforce": (
        "Staff are exhausted, and a new way of working feels like extra work on top of "
        "everything else.",
        "We don't have the time to train people properly; we lose experienced staff faster than "
        "we can replace them.",
        "Without protected time for joint team meetings, the coordination simply won't happen.",
        "Many of our home care workers have never been trained in this kind of teamwork.",
        "The vacancies {place} mean that the same few people would carry the whole change.",
        "Half of the night shifts are covered by agency staff who do not know the patients.",
        "Our coordinators are already responsible for twice as many people as in {host}.",
        "People are willing, but they cannot leave their wards to attend the training.",
        "Recruiting social workers for the remote areas has been impossible for two years.",
    ),
    "fac-leadership": (
        "It helps that our new director really wants this and talks about it at every meeting.",
        "We have a few champions who took part in {event}, and they are already convincing "
        "their colleagues.",
        "V|Having senior managers with us made a difference: they saw it too, so we don't have to "
        "convince them.",
        "There is a real sense now that things have to change, after the difficult winter we had.",
        "Our chief nurse has offered to sponsor the pilot personally.",
        "The mayor has put integrated care in the municipal plan, which gives us cover.",
        "Our medical director wants a monthly update, and that keeps it on the agenda.",
        "The board has named this one of its three priorities for the coming year.",
        "Having a manager who protects the team's time is what makes it possible at all.",
    ),
    "fac-relationships": (
        "{event_cap} created trust between people who had never sat at the same table.",
        "We know each other by name now, hospital and social care, and that makes the phone "
        "calls easier.",
        "The relationship with the team in {host} is a resource in itself; they offered to come "
        "here and help us.",
        "Informal contacts are what keep things moving when the formal structures are slow.",
        "V|Travelling together as a mixed group was worth it just for the conversations in the "
        "evenings.",
        "The GP who came with us is now our link to the other practices.",
        "We meet the hospital discharge team every Friday since we came back.",
        "Our contacts in {host} introduced us to a second region working on the same problem.",
        "People who used to send e-mails now just walk over and talk.",
    ),
    "fac-citizen": (
        "In {host} patients hold their own care plan, and that changes the conversation "
        "completely.",
        "We should involve the patients' forum from the start this time, not at the end.",
        "V|The carers we met there were part of the team, not visitors.",
        "{people_cap} already ask why they have to tell their story five times; they would "
        "support this.",
        "Patient representatives could help us explain the change to the public.",
        "A carers' group has offered to test the new leaflet with us.",
        "Patients told us they want one person to call, and that is exactly what this offers.",
        "The local older people's council asked to be part of the steering group.",
        "Volunteers {place} already do part of this work informally.",
    ),
    "ctx-differences": (
        "Their context is very different: {host} is smaller and has had the same leadership for "
        "ten years.",
        "Some of what we heard depends on national rules that we don't have in our country.",
        "We have to remember that {host} started this a decade ago; we are at the beginning.",
        "The culture is different too: people there expect to share information, here they "
        "expect to protect it.",
        "Their hospitals and municipalities are used to working together; ours have a long "
        "history of disputes.",
        "Their municipalities are large enough to employ their own nurses; ours are not.",
        "In {host} one organisation runs the hospital and the home care; here they are two.",
        "They have had a shared record for years; we are still arguing about the standard.",
        "Their staff have permanent contracts, while many of ours are on short-term ones.",
    ),
    "ctx-population": (
        "Our population is older and more spread out than in {host}, so distances matter a lot "
        "more.",
        "They use population data to decide which groups to target first; we don't really do "
        "that yet.",
        "We have many people living alone in remote villages, and that changes what a home visit "
        "means.",
        "Targeting frail older people first, as they did, would make sense for us too.",
        "A third of our older people live more than an hour from the nearest hospital.",
        "We have more families caring at home, and fewer care homes, than {host}.",
        "Many of our patients speak a minority language, which makes shared leaflets harder.",
        "Winter roads cut some villages off for days, so plans have to work without visits.",
    ),
    "activity-organisation": (
        "The programme was well organised, though a bit packed on the second day.",
        "I would have liked more time with the front-line staff and fewer presentations.",
        "Two days were enough to see the main things, but not to understand the details.",
        "The preparation beforehand helped a lot; we knew what questions to ask.",
        "The interpreters were excellent, which made the conversations much easier.",
        "The translators made the discussions possible, even when the slides were not translated.",
        "I would have preferred smaller groups for the site visits.",
        "Having the programme two weeks in advance helped us prepare our questions.",
        "The final discussion was too short to agree on what we would do next.",
    ),
}

# Openers of the first answer to a question, and of later answers (which may refer back).
_FIRST_OPENERS = ("", "", "", "", "Good question. ", "For me it is quite simple. ", "Well. ")
_LATER_OPENERS = (
    "", "", "", "Yes. ", "I agree with that. ", "Can I add something? ",
    "Just to build on that: ", "I see it a bit differently. ",
)  # fmt: skip
_CLOSERS = (
    "", "", "", "", "", "That's my main point.", "I think others see it the same way.",
    "But that's just my view.", "V|We talked about this a lot on the way back.",
    "It's something we keep coming back to.",
)  # fmt: skip
_QUESTIONS = {
    "learning": (
        "Let's start with what you learned. What stayed with you from {event}?",
        "What did you see or hear about {host} that was new to you?",
    ),
    "application": (
        "How could what you learned be used here in {home}?",
        "What would you take from {host} and try here first?",
    ),
    "barriers": (
        "What do you think would get in the way?",
        "What makes this difficult in {home}?",
    ),
    "facilitators": (
        "And what would help? What is already working in your favour?",
        "Where do you see support for this in {home}?",
    ),
    "context": (
        "How different is {home} from {host}, in your view?",
        "Does the situation here change what can be transferred?",
    ),
    "organisation": (
        "Finally, a word on {event} itself: how was it organised?",
        "How did you find the programme of {event}?",
    ),
}
_FOLLOW_UPS = (
    "Can you give an example?",
    "Why do you think that is?",
    "Could you say a bit more about that?",
)
_GROUP_FOLLOW_UPS = (*_FOLLOW_UPS, "Does anyone see it differently?", "Do others agree?")
_ANYTHING_ELSE = (
    "Is there anything else you would like to add?",
    "Before we finish: is there anything we have not talked about?",
)
_OPENING = {
    "Facilitator": "Thank you all for coming. We want to hear how {event} went and what you "
    "take from it. Everything you say is pseudonymised in the transcript.",
    "Moderator": "Welcome back everyone. We now have time for questions and discussion; please "
    "say who you are when you speak.",
    "Interviewer": "Thank you for making the time. I'd like to talk about {event} and what has "
    "happened since. Your answers are pseudonymised.",
}
_CLOSING = {
    "Facilitator": "Thank you, that was very helpful. We will share a summary with all of you.",
    "Moderator": "We are out of time. Thank you all; the slides and the recording will be sent "
    "round.",
    "Interviewer": "That's all my questions. Thank you very much.",
}


# ---------------------------------------------------------------------------------------
# Generation


@dataclass(frozen=True)
class _Person:
    record: ParticipantRecord
    group: _Group
    place: str
    people: str


@dataclass(frozen=True)
class _Piece:
    text: str
    code: str | None
    offset: int  # where the coded sentence starts inside the piece (after an opener)


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _people(rng: random.Random, region: _Region, used_names: set[str]) -> list[_Person]:
    """Eight people per region, at least one of every group."""
    groups = list(_GROUPS) + [rng.choice(_GROUPS) for _ in range(3)]
    rng.shuffle(groups)
    people = []
    for number, group in enumerate(groups, start=1):
        while True:
            name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
            if name not in used_names:
                used_names.add(name)
                break
        first = name.split()[0].lower()
        last = name.split()[1].lower()
        record = ParticipantRecord(
            pseudonym=f"{region.prefix}-P{number:02d}",
            group=group.name,
            role=rng.choice(group.roles),
            organisation=rng.choice(group.organisations).format(region=region.name),
            region=region.key,
            full_name=name,
            email=f"{first}.{last}@example.org",
            synthetic=True,
        )
        people.append(_Person(record, group, rng.choice(group.place), rng.choice(group.people)))
    return people


def _fill(template: str, slots: dict[str, str]) -> str:
    return template.format(**slots)


# Said instead when a participant has nothing left to say that nobody else said before.
_NOTHING_TO_ADD = (
    "I don't have much to add.",
    "Nothing more from me on this one.",
    "I would leave that to the others.",
    "I have said what I wanted to say, really.",
    "Honestly, I can't add much here.",
    "That covers it for me.",
    "I'll pass on this one.",
    "Others know this better than I do.",
)


def _answer(
    rng: random.Random,
    person: _Person,
    topic: str,
    slots: dict[str, str],
    used: set[str],
    said: dict[str, str],
    *,
    first_answer: bool,
) -> list[_Piece]:
    codes = _TOPIC_CODES[topic]
    preferred = [code for code in codes if code in person.group.affinity]
    code = rng.choice(preferred) if preferred and rng.random() < 0.6 else rng.choice(codes)
    own = {**slots, "place": person.place, "people": person.people}
    own["people_cap"] = own["people"][0].upper() + own["people"][1:]

    visited = slots["event"] == "the visit"
    speaker = person.record.pseudonym

    def fits(text: str) -> bool:
        return visited or not text.startswith("V|")

    def free(text: str) -> bool:
        # No sentence is put in two participants' mouths anywhere in the demo (said: text ->
        # who said it first); one person may repeat themselves.
        return said.get(text.strip(), speaker) == speaker

    def say(text: str) -> str:
        if text.strip():
            said[text.strip()] = speaker
        return text

    def sentence(code: str) -> str | None:
        options = [
            s
            for s in _SENTENCES[code]
            if s not in used and fits(s) and free(_fill(s.removeprefix("V|"), own))
        ]
        if not options:
            return None
        chosen = rng.choice(options)
        used.add(chosen)
        return say(_fill(chosen.removeprefix("V|"), own))

    first = sentence(code)
    if first is None:
        code = rng.choice([c for c in _SENTENCES if c != code])
        first = sentence(code)
    if first is None:
        code = None
        first = say(rng.choice([t for t in _NOTHING_TO_ADD if free(t)] or ["That is all from me."]))
    openers = _FIRST_OPENERS if first_answer else _LATER_OPENERS
    opener = say(rng.choice([o for o in openers if free(o)] or [""]))
    pieces = [_Piece(opener + first, code, len(opener))]
    if rng.random() < 0.45 and code is not None:
        # A second point: the same code (one longer segment) or another code of the topic.
        second_code = code if rng.random() < 0.5 else rng.choice(codes)
        second = sentence(second_code)
        if second is not None:
            pieces.append(_Piece(second, second_code, 0))
    closers = [c.removeprefix("V|") for c in _CLOSERS if fits(c)]
    closer = say(rng.choice([c for c in closers if free(c)] or [""]))
    if closer:
        pieces.append(_Piece(closer, None, 0))
    return pieces


@dataclass(frozen=True)
class _Spoken:
    speaker: str
    pieces: tuple[_Piece, ...]


def _conversation(
    rng: random.Random,
    spec: _SourceSpec,
    region: _Region,
    people: Sequence[_Person],
    said: dict[str, str],
) -> list[_Spoken]:
    slots = {
        "host": region.host,
        "home": region.name,
        "practice": region.practice,
        "event": spec.event,
        "event_cap": spec.event[0].upper() + spec.event[1:],
    }
    used: set[str] = set()
    spoken: list[_Spoken] = []
    last_speaker = None
    for topic in spec.topics:
        question = _Piece(_fill(rng.choice(_QUESTIONS[topic]), slots), None, 0)
        if spoken:
            spoken.append(_Spoken(spec.lead, (question,)))
        else:
            # The welcome and the first question are one turn: nobody speaks in between.
            opening = _Piece(_fill(_OPENING[spec.lead], slots), None, 0)
            spoken.append(_Spoken(spec.lead, (opening, question)))
        answers = 1 if len(people) == 1 else rng.randint(2, min(4, len(people)))
        for index in range(answers):
            choices = [p for p in people if p.record.pseudonym != last_speaker] or list(people)
            person = rng.choice(choices)
            spoken.append(
                _Spoken(
                    person.record.pseudonym,
                    tuple(_answer(rng, person, topic, slots, used, said, first_answer=index == 0)),
                )
            )
            last_speaker = person.record.pseudonym
            # An interviewer probes most answers; a facilitator sometimes asks for more.
            chance = 0.85 if len(people) == 1 else 0.15 if index == 0 else 0.0
            probe = rng.random() < chance
            if probe and topic != "organisation":
                follow_ups = _FOLLOW_UPS if len(people) == 1 else _GROUP_FOLLOW_UPS
                spoken.append(_Spoken(spec.lead, (_Piece(rng.choice(follow_ups), None, 0),)))
                if len(people) == 1:
                    spoken.append(
                        _Spoken(
                            person.record.pseudonym,
                            tuple(
                                _answer(rng, person, topic, slots, used, said, first_answer=True)
                            ),
                        )
                    )
        last_speaker = None
    if len(spoken) < 24:  # short conversations end with an open question
        spoken.append(_Spoken(spec.lead, (_Piece(rng.choice(_ANYTHING_ELSE), None, 0),)))
        person = rng.choice(list(people))
        topic = rng.choice([t for t in spec.topics if t != "organisation"])
        answer = _answer(rng, person, topic, slots, used, said, first_answer=True)
        spoken.append(_Spoken(person.record.pseudonym, tuple(answer)))
    spoken.append(_Spoken(spec.lead, (_Piece(_CLOSING[spec.lead], None, 0),)))
    return spoken[:30]


def _gold_segments(text: str, turns: Sequence[TurnRecord], spoken: Sequence[_Spoken]):
    """(code, start, end, turn start, turn end) of every coded sentence; consecutive
    sentences with one code are one segment."""
    gold = []
    for turn, said in zip(turns, spoken, strict=True):
        position = turn.start_char
        for piece in said.pieces:
            start = position + piece.offset
            end = position + len(piece.text)
            if piece.code is not None:
                if gold and gold[-1][0] == piece.code and gold[-1][2] + 1 == start:
                    gold[-1] = (piece.code, gold[-1][1], end, turn.start_char, turn.end_char)
                else:
                    gold.append((piece.code, start, end, turn.start_char, turn.end_char))
            position = end + 1  # the space between pieces
        if text[turn.start_char : turn.end_char] != " ".join(p.text for p in said.pieces):
            raise AssertionError("demo turn offsets drifted")  # a bug in this module
    return gold


def _coder_segments(
    rng: random.Random,
    coder: str,
    source: str,
    gold,
    coded_on: dt.date,
    *,
    exact: float,
    boundary: float,
    confuse: float,
) -> list[SegmentRecord]:
    """A coder's segments: mostly the key, some boundaries widened to the whole turn, some
    codes confused with a neighbour, the rest missed."""
    segments = []
    seen: set[tuple] = set()
    clock = dt.datetime.combine(coded_on, dt.time(9, 0), tzinfo=dt.UTC)
    for code, start, end, turn_start, turn_end in gold:
        draw = rng.random()
        if draw < exact:
            chosen = (code, start, end)
        elif draw < exact + boundary:
            chosen = (
                (code, turn_start, turn_end)
                if (turn_start, turn_end) != (start, end)
                else (
                    code,
                    start,
                    max(start + 1, end - 1),
                )
            )
        elif draw < exact + boundary + confuse:
            chosen = (_CONFUSED_WITH.get(code, code), start, end)
        else:
            continue
        if chosen in seen:
            continue
        seen.add(chosen)
        clock += dt.timedelta(seconds=rng.randint(20, 240))
        segments.append(
            SegmentRecord(
                source=source,
                code=chosen[0],
                coder=coder,
                start_char=chosen[1],
                end_char=chosen[2],
                origin="manual",
                coded_at=clock,
                guid=_guid(rng),
            )
        )
    return segments


def _started_at(rng: random.Random, spoken: Sequence[_Spoken]) -> list[float]:
    """Whole seconds from the start of the recording, about 2.5 words per second."""
    clock = float(rng.randint(5, 40))
    times = []
    for said in spoken:
        times.append(clock)
        words = sum(len(piece.text.split()) for piece in said.pieces)
        clock += round(words / 2.5) + rng.randint(1, 4)
    return times


def _codebook(rng: random.Random, instrument: Instrument) -> list[CodeRecord]:
    keys = set(instrument.dimension_keys)
    codes = []
    for spec in _CODES:
        top = spec.parent or spec.key
        codes.append(
            CodeRecord(
                code=spec.key,
                name=spec.name,
                parent=spec.parent,
                description=spec.description,
                colour=_PARENT_COLOURS[top],
                # The link table above names SCIROCCO Exchange keys; another instrument
                # keeps only the keys it has.
                dimensions=(spec.dimension,) if spec.dimension in keys else (),
                categories=(_CATEGORY_OF[top],),
                guid=_guid(rng),
            )
        )
    return codes


_ITEMS = (
    ("objectives", "The objectives of the study visit were clear to me.", False, 0.3),
    ("programme", "The programme matched my needs.", False, 0.0),
    ("relevance", "What I saw is relevant to my daily work.", False, 0.2),
    ("learning", "I learned something I can apply in my organisation.", False, 0.1),
    ("discussion", "There was enough time for discussion with the hosts.", False, -0.4),
    ("materials", "The materials provided were useful.", False, -0.1),
    ("too-packed", "The programme was too packed to take everything in.", True, -0.3),
    ("recommend", "I would recommend this study visit to a colleague.", False, 0.4),
)
_AGREE_LABELS = (
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
)
# Group effects on satisfaction (latent units): patient representatives found the visit
# less relevant, IT specialists wanted more technical detail.
_GROUP_EFFECT = {
    "clinician": 0.1,
    "manager": 0.2,
    "social care professional": 0.0,
    "IT specialist": -0.3,
    "patient representative": -0.2,
}


def _questionnaire(rng: random.Random, region: _Region, visit_on: dt.date):
    key = f"{region.key}-study-visit-satisfaction"
    questionnaire = QuestionnaireRecord(
        questionnaire=key,
        title=f"Satisfaction with the study visit to {region.host}",
        activity="study_visit",
        held_on=visit_on,
        scale_min=1,
        scale_max=5,
        scale_labels=_AGREE_LABELS,
        region=region.key,
        programme=region.programme,
        synthetic=True,
    )
    items = [
        ItemRecord(key, item, position, wording, reverse_scored=reverse)
        for position, (item, wording, reverse, _) in enumerate(_ITEMS, start=1)
    ]
    responses = []
    groups = [group.name for group in _GROUPS]
    for number in range(1, rng.randint(10, 15) + 1):
        group = groups[(number - 1) % len(groups)] if number <= 5 else rng.choice(groups)
        person = region.satisfaction + _GROUP_EFFECT[group] + rng.gauss(0, 0.5)
        for item, _, reverse, effect in _ITEMS:
            if rng.random() < 0.03:
                value = None  # left blank
            else:
                latent = person + effect + rng.gauss(0, 0.6)
                if reverse:
                    latent = -latent
                value = float(min(5, max(1, round(3.4 + 1.2 * latent))))
            responses.append(
                ResponseRecord(
                    key,
                    f"{region.prefix}-R{number:02d}",
                    item,
                    value,
                    group=group,
                    region=region.key,
                )
            )
    return questionnaire, items, responses


@dataclass(frozen=True)
class _DemoSource:
    spec: _SourceSpec
    source: SourceRecord
    turns: tuple[TurnRecord, ...]
    names: dict[str, str]  # pseudonym -> full name of the speakers in this source


def _demo(seed: int, instrument: Instrument):
    rng = random.Random(seed)
    regions = {region.key: region for region in _REGIONS}
    used_names: set[str] = set()
    people = {key: _people(rng, region, used_names) for key, region in regions.items()}
    codes = _codebook(rng, instrument)
    coders = [CoderRecord(name, guid=_guid(rng), synthetic=True) for name in DEMO_CODERS]
    sources: list[_DemoSource] = []
    segments: list[SegmentRecord] = []
    said: dict[str, str] = {}  # every participant sentence -> who said it
    for number, spec in enumerate(_SOURCES):
        source_rng = random.Random(seed * 1000 + number)  # one stream per source
        region = regions[spec.region]
        pool = people[spec.region]
        if spec.size == 1:
            # Interviews are with a manager or clinician who also sat in a focus group.
            candidates = [p for p in pool if p.group.name in ("manager", "clinician")]
            chosen = [source_rng.choice(candidates)]
        else:
            chosen = source_rng.sample(pool, spec.size)
        spoken = _conversation(source_rng, spec, region, chosen, said)
        times = _started_at(source_rng, spoken)
        text, turns = build_source_text(
            (
                (said.speaker, " ".join(p.text for p in said.pieces), started)
                for said, started in zip(spoken, times, strict=True)
            ),
            spec.key,
        )
        speakers = tuple(dict.fromkeys(t.speaker for t in turns if t.speaker != spec.lead))
        record = SourceRecord(
            source=spec.key,
            title=spec.title,
            activity=spec.activity,
            held_on=spec.held_on,
            text=text,
            region=spec.region,
            programme=region.programme,
            language="en",
            original_format=spec.original_format,
            participants=speakers,
            guid=_guid(source_rng),
            synthetic=True,
        )
        names = {p.record.pseudonym: p.record.full_name for p in chosen}
        sources.append(_DemoSource(spec, record, turns, names))
        gold = _gold_segments(text, turns, spoken)
        coded_on = spec.held_on + dt.timedelta(days=14)
        segments += _coder_segments(
            source_rng, "coder-A", spec.key, gold, coded_on, exact=0.9, boundary=0.05, confuse=0.02
        )
        segments += _coder_segments(
            source_rng, "coder-B", spec.key, gold, coded_on + dt.timedelta(days=3),
            exact=0.72, boundary=0.1, confuse=0.1,
        )  # fmt: skip
        if spec.key == _THIRD_CODER_SOURCE:
            segments += _coder_segments(
                source_rng, "coder-C", spec.key, gold, coded_on + dt.timedelta(days=5),
                exact=0.78, boundary=0.08, confuse=0.08,
            )  # fmt: skip
    spoken_by = {p for s in sources for p in s.source.participants}
    participants = [
        person.record
        for key in regions
        for person in people[key]
        if person.record.pseudonym in spoken_by
    ]
    questionnaires, items, responses = [], [], []
    for region in _REGIONS:
        questionnaire, q_items, q_responses = _questionnaire(
            random.Random(seed * 7919 + len(questionnaires)), region, region.visit_on
        )
        questionnaires.append(questionnaire)
        items += q_items
        responses += q_responses
    batch = EvaluationBatch(
        participants=tuple(participants),
        sources=tuple(s.source for s in sources),
        turns=tuple(turn for s in sources for turn in s.turns),
        codes=tuple(codes),
        coders=tuple(coders),
        segments=tuple(segments),
        questionnaires=tuple(questionnaires),
        items=tuple(items),
        responses=tuple(responses),
        source=DEMO_SOURCE,
        notes=(
            DEMO_MARK,
            "Fictional regions, organisations, people and conversations.",
            f"Generated by scirocco_lab.evaluation.demo.generate_evaluation_demo(seed={seed}).",
        ),
    )
    return batch, sources


def generate_evaluation_demo(
    seed: int = DEMO_SEED, *, instrument: Instrument | None = None
) -> EvaluationBatch:
    """The demo evaluation batch: the same ``seed`` always gives the same batch.

    ``instrument`` (default: the bundled SCIROCCO Exchange instrument) decides which
    dimension links the codes keep. Every record that can be is marked ``synthetic``.

    >>> batch = generate_evaluation_demo(2026)
    >>> {source.region for source in batch.sources} == set(DEMO_REGIONS)
    True
    """
    instrument = instrument if instrument is not None else load_instrument(DEFAULT_INSTRUMENT)
    return _demo(seed, instrument)[0]


def seed_evaluation_demo(store, *, seed: int = DEMO_SEED) -> str | None:
    """Write the demo evaluation data in one transaction; a one-line summary.

    Returns None and writes nothing when the store already holds evaluation records or
    lacks the demo regions (write :func:`scirocco_lab.assessment.demo.generate_demo` first).

    >>> from scirocco_lab.store import open_store
    >>> seed_evaluation_demo(open_store("sqlite://")) is None  # no demo regions
    True
    """
    from scirocco_lab.evaluation.store import evaluation_counts, write_evaluation
    from scirocco_lab.store import subjects_frame

    if any(evaluation_counts(store).values()):
        return None
    regions = set(subjects_frame(store, kind="system")["key"])
    if not set(DEMO_REGIONS) <= regions:
        return None
    summary = write_evaluation(store, generate_evaluation_demo(seed), action="seed demo")
    return (
        f"evaluation {DEMO_MARK.lower()}: {summary.sources_added} transcripts "
        f"({summary.turns_written} turns), {summary.codes_added} codes, "
        f"{summary.segments_added} coded segments by {summary.coders_added} coders, "
        f"{summary.questionnaires_added} questionnaires ({summary.responses_written} answers)"
    )


# ---------------------------------------------------------------------------------------
# Demo transcripts as files, to exercise the importers


def _clock(seconds: float | None, separator: str = ".") -> str:
    total = round((seconds or 0) * 1000)
    hours, rest = divmod(total, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    whole, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{whole:02d}{separator}{millis:03d}"


def _chunks(words: Sequence[str], size: int) -> list[str]:
    return [" ".join(words[i : i + size]) for i in range(0, len(words), size)]


def write_demo_transcripts(folder: str | Path, *, seed: int = DEMO_SEED) -> dict[str, Path]:
    """Write four demo transcripts as files, one per format, plus their speaker map.

    Speakers appear under their invented full names, as in a real transcript, so importing
    the files exercises pseudonymisation; ``speakers.csv`` (name, pseudonym, group, role,
    organisation) maps them back to the demo pseudonyms. Returns {"txt", "docx", "vtt",
    "srt", "speaker_map": path}. Importing a file with the speaker map gives the demo
    source's text (and, except for .docx, its turn start times).

    >>> import tempfile
    >>> sorted(write_demo_transcripts(tempfile.mkdtemp()))
    ['docx', 'speaker_map', 'srt', 'txt', 'vtt']
    """
    import docx

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    instrument = load_instrument(DEFAULT_INSTRUMENT)
    batch, sources = _demo(seed, instrument)
    chosen = {}
    for demo_source in sources:
        chosen.setdefault(demo_source.spec.original_format, demo_source)
    paths: dict[str, Path] = {}
    participants = {p.pseudonym: p for p in batch.participants}
    map_rows = []
    for kind, demo_source in sorted(chosen.items()):
        text = demo_source.source.text
        names = demo_source.names

        def name_of(turn: TurnRecord, names=names) -> str:
            return names.get(turn.speaker, turn.speaker)

        utterances = [
            (name_of(turn), text[turn.start_char : turn.end_char], turn.started_at)
            for turn in demo_source.turns
        ]
        path = folder / f"{demo_source.spec.key}.{kind}"
        if kind == "txt":
            lines = [f"[{_clock(at)[:8]}] {name}: {said}" for name, said, at in utterances]
            path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        elif kind == "docx":
            document = docx.Document()
            for name, said, _ in utterances:
                paragraph = document.add_paragraph()
                paragraph.add_run(f"{name}:").bold = True
                paragraph.add_run(f" {said}")
            document.save(str(path))
        elif kind == "vtt":
            blocks = ["WEBVTT", ""]
            for index, (name, said, at) in enumerate(utterances):
                pieces = _chunks(said.split(), 14)
                end = utterances[index + 1][2] if index + 1 < len(utterances) else at + 10
                step = (end - at) / len(pieces)
                for number, piece in enumerate(pieces):
                    start = at + number * step
                    blocks += [
                        f"{_clock(start)} --> {_clock(start + step)}",
                        f"<v {name}>{piece}",
                        "",
                    ]
            path.write_text("\n".join(blocks), encoding="utf-8")
        else:  # srt: "Name:" on the first cue of a turn only
            blocks = []
            cue = 0
            for index, (name, said, at) in enumerate(utterances):
                pieces = _chunks(said.split(), 12)
                end = utterances[index + 1][2] if index + 1 < len(utterances) else at + 10
                step = (end - at) / len(pieces)
                for number, piece in enumerate(pieces):
                    cue += 1
                    start = at + number * step
                    words = f"{name}: {piece}" if number == 0 else piece
                    blocks += [
                        str(cue),
                        f"{_clock(start, ',')} --> {_clock(start + step, ',')}",
                        words,
                        "",
                    ]
            path.write_text("\n".join(blocks), encoding="utf-8")
        paths[kind] = path
        for pseudonym, name in names.items():
            person = participants.get(pseudonym)
            if person is not None:
                map_rows.append((name, pseudonym, person.group, person.role, person.organisation))
    speaker_map = folder / "speakers.csv"
    with speaker_map.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("name", "pseudonym", "group", "role", "organisation"))
        writer.writerows(sorted(set(map_rows)))
    paths["speaker_map"] = speaker_map
    return paths
