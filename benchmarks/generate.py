"""Generate a realistic, deterministic question bank for benchmarks and tests.

    python benchmarks/generate.py OUT_DIR --count 10000 [--defects 0.05] [--seed 1]

Items are assembled from phrase pools: social-work vignettes (licensing-exam style)
plus research-methods and clinical-informatics items with Markdown lists, emphasis,
code spans and fenced code. Names come from many cultures, and the text carries
Unicode (é, ü, —, curly quotes, the odd emoji). Files sit in nested topic folders
(area/subtopic/, about 100 per folder), some with comments and a
`# yaml-language-server: $schema=...` line, and weigh about 2-2.5 KB.

A share of the items (``--defects``) carries exactly one defect: a schema error,
a duplicate id or stem, or an item-writing flaw. The other items are written to
pass the schema and, as far as the generator can tell, every lint rule, so a
benchmark measures the cost of a realistic bank rather than of a flood of findings.

Same arguments give byte-identical files: everything comes from one
``random.Random(seed)`` and nothing iterates a set or dict whose order could vary.
A summary (arguments, defect per file) is written last to ``OUT_DIR/.qbank-bench.json``,
a hidden file that bank discovery skips; its presence marks a complete bank. A
comment-only ``qbank.toml`` makes OUT_DIR its own bank root (default settings), so a
qbank.toml in an enclosing folder never applies and the cache stays inside the bank.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GENERATOR_VERSION = 1
MANIFEST = ".qbank-bench.json"
CONFIG_NAME = "qbank.toml"
FILES_PER_FOLDER = 100
SCHEMA_URL = "https://qbank.dev/schema/question.schema.json"

# --------------------------------------------------------------------------- areas

# (folder, topic shown to users, kind of item, subtopic folders)
AREAS: list[tuple[str, str, str, list[str]]] = [
    ("human-development", "Human development, diversity and behavior in the environment", "sw",
     ["lifespan", "diversity", "trauma", "family-systems", "substance-use"]),
    ("assessment", "Assessment, diagnosis and treatment planning", "sw",
     ["biopsychosocial", "risk", "diagnosis", "treatment-planning", "mental-status"]),
    ("interventions", "Psychotherapy, clinical interventions and case management", "sw",
     ["engagement", "cbt", "crisis", "groups", "case-management", "termination"]),
    ("ethics", "Professional values and ethics", "sw",
     ["confidentiality", "boundaries", "informed-consent", "supervision", "mandated-reporting"]),
    ("research", "Research methods and statistics", "stats", ["design", "inference", "measurement"]),
    ("informatics", "Clinical data and informatics", "code", ["sql", "python", "privacy"]),
]


def _lines(block: str) -> list[str]:
    return [ln.strip() for ln in block.strip().splitlines() if ln.strip()]


# --------------------------------------------------------------------------- people

CULTURES: list[tuple[list[str], list[str]]] = [
    (["Ngozi", "Chinedu", "Adaeze", "Oluwaseun", "Emeka", "Folake"], ["Okafor", "Adeyemi", "Nwosu", "Balogun", "Eze"]),
    (["José", "María Fernanda", "Itzel", "Joaquín", "Ximena", "Raúl"], ["Hernández", "Ramírez", "Gutiérrez", "Ochoa", "Peña"]),
    (["Lan", "Minh", "Thảo", "Huy", "Ngọc"], ["Nguyễn", "Trần", "Phạm", "Lê", "Võ"]),
    (["Siobhán", "Cillian", "Aoife", "Pádraig", "Niamh"], ["O'Brien", "McCarthy", "Ní Bhriain", "Doyle", "Ó Súilleabháin"]),
    (["Łukasz", "Zofia", "Agnieszka", "Wojciech"], ["Wiśniewski", "Kowalczyk", "Zieliński", "Dąbrowska"]),
    (["Jürgen", "Lena", "Jörg", "Anneliese"], ["Müller", "Schäfer", "Bäcker", "Großmann"]),
    (["Søren", "Ingrid", "Bjørn", "Åsa"], ["Sørensen", "Haugen", "Løvik", "Ødegaard"]),
    (["Priya", "Arjun", "Lakshmi", "Rohan", "Ananya"], ["Raghunathan", "Iyer", "Banerjee", "Chatterjee", "Reddy"]),
    (["Fatima", "Yusuf", "Layla", "Omar", "Nour"], ["Al-Sayed", "Haddad", "Khoury", "Mansour", "Darwish"]),
    (["Ji-woo", "Min-jun", "Seo-yeon", "Hyun-woo"], ["Park", "Choi", "Kang", "Yoon"]),
    (["Mei", "Wei", "Xiaoling", "Jun"], ["Chen", "Zhang", "Liu", "Huang"]),
    (["Aiyana", "Kai", "Dezba", "Hosteen"], ["Begay", "Yazzie", "Tsosie", "Benally"]),
    (["Keanu", "Leilani", "Kalani", "Noelani"], ["Kealoha", "Kahananui", "Akana", "Kamakau"]),
    (["Hodan", "Abdirahman", "Ayaan", "Faisal"], ["Warsame", "Farah", "Hassan", "Jama"]),
    (["João", "Luíza", "Thiago", "Conceição"], ["Gonçalves", "Araújo", "Magalhães", "Simões"]),
    (["Zoë", "Anaïs", "Jérôme", "Hélène", "Noël"], ["Lefèvre", "Duchêne", "Bérubé", "Thibodeaux"]),
    (["Gülşen", "Emre", "Çağla", "Barış"], ["Yılmaz", "Öztürk", "Şahin", "Kılıç"]),
    (["Dmitri", "Anastasia", "Yekaterina", "Pyotr"], ["Ivanova", "Sokolov", "Volkova", "Kuznetsov"]),
    (["Selamawit", "Dawit", "Tigist", "Yohannes"], ["Tesfaye", "Bekele", "Haile", "Girma"]),
    (["Maricel", "Jun-Jun", "Rosario", "Editha"], ["Dela Cruz", "Bautista", "Villanueva", "Macaraeg"]),
    (["Keisha", "Marcus", "DeShawn", "Tamika", "Darnell"], ["Washington", "Campbell", "Jefferson", "Robinson"]),
    (["Eleni", "Giorgos", "Dimitra"], ["Papadopoulos", "Georgiou", "Karamanlis"]),
    (["Widlène", "Jean-Robert", "Mirlande"], ["Pierre-Louis", "Jean-Baptiste", "Désir"]),
    (["Margaret", "Robert", "Linda", "William", "Dorothy"], ["Hoffman", "Sullivan", "Pritchard", "Caldwell"]),
]

PRONOUNS = [("her", "her"), ("his", "him"), ("their", "them")]  # (possessive, object)

RELATIVES = _lines("""
    mother
    father
    older sister
    adult son
    adult daughter
    grandmother
    husband
    wife
    partner
    roommate
    foster parent
    uncle
    stepfather
    case manager from a housing program
""")

SETTINGS: list[tuple[str, int, int]] = [  # (setting, min age, max age)
    ("an outpatient mental health clinic", 19, 74),
    ("a school-based health center", 8, 17),
    ("a hospice program", 45, 93),
    ("a community action agency", 20, 70),
    ("a VA medical center", 24, 88),
    ("a hospital emergency department", 16, 85),
    ("a residential treatment program", 14, 45),
    ("a small group private practice", 21, 70),
    ("a child welfare agency", 19, 44),
    ("a family homeless shelter", 18, 52),
    ("a federally qualified health center", 18, 80),
    ("a rural home-health agency", 60, 95),
    ("a university counseling center", 18, 29),
    ("an employee assistance program", 23, 64),
    ("a tribal health clinic", 12, 80),
    ("a correctional re-entry program", 19, 61),
    ("an integrated primary care practice", 18, 85),
    ("a perinatal mental health program", 18, 43),
    ("a memory care unit", 66, 97),
    ("a refugee resettlement agency", 16, 70),
]

REFERRALS = _lines("""
    is referred by a primary care physician
    is referred by the school counselor
    self-refers after seeing a flyer at the library
    is referred by the court as a condition of probation
    is referred by an employer after two written warnings
    is brought in by a concerned relative
    is referred by a hospital discharge planner
    is referred by a pediatrician
    calls the intake line after a friend's suggestion
    is referred by a housing caseworker
    is referred by a parish nurse
    is referred through a telehealth triage service
""")

CONCERNS = _lines("""
    persistent low mood since a job loss eight months ago
    panic attacks on crowded buses and trains
    conflict with a teenage child about curfews and grades
    trouble sleeping after a car accident on the interstate
    escalating alcohol use after a divorce
    grief after the sudden death of a sibling
    worries about caring for a parent with dementia
    repeated absences from school and falling grades
    intrusive memories of combat deployment
    irritability and arguments with coworkers
    difficulty adjusting after relocating from another country
    anxiety about an upcoming custody hearing
    chronic pain and loss of interest in hobbies
    recurring nightmares after a house fire
    isolation after retiring from a forty-year career
    tension at home since a new baby arrived
    gambling debts that the family recently discovered
    fear of eviction after months of unpaid rent
    hoarding that neighbors have reported to the landlord
    restlessness and racing thoughts at night
    harsh self-criticism about body weight and eating
    frequent fights with a partner about finances
    feelings of worthlessness after a failed licensing exam
    heavy cannabis use that started during college
    difficulty managing diabetes since a recent diagnosis
    loneliness after moving into assisted living
    anger outbursts that led to a school suspension
    worry that a child is being bullied online
    nausea and dread before every work presentation
    a recent arrest for driving under the influence
    stress about caring for a child with autism
    a sense of being watched and followed in public places
""")

DETAILS = _lines("""
    {Name} sleeps about {hours} hours a night and has missed {n} shifts in the past month.
    {Poss} {relative} has called the agency twice asking for updates on the case.
    The intake form notes a history of {history}.
    {Name} speaks {language} at home and asks for an interpreter for medical appointments.
    During the first meeting, {Name} says, "{quote}"
    {Name} has no health insurance and works two part-time jobs.
    A screening questionnaire completed in the waiting room shows a score of {score} on the PHQ-9.
    {Name} arrives {n} minutes late to the second session and apologizes repeatedly.
    {Poss} {relative} recently moved out after a long argument about money.
    {Name} mentions that a cousin died by suicide {n} years ago.
    The referral letter describes {Name} as *quiet but cooperative* in group settings.
    {Name} practices {faith} and asks whether sessions can avoid Friday afternoons.
    Records from a previous provider were never transferred to the agency.
    {Name} has lost about {n} kilograms over the past three months without trying.
    The {relative} brought {obj} to the appointment and waits in the lobby.
    {Name} drinks {n} energy drinks a day to stay awake at work.
    {Poss} landlord has posted a notice about overdue rent on the apartment door.
    {Name} recently started a new medication prescribed by a psychiatrist in another city.
    {Name} volunteers at a food pantry on weekends and describes it as "the only good part of the week."
    {Name} reports hearing about the program from a cousin in {city}.
    There is a safety plan in the chart from an emergency visit {n} months ago.
    {Name} smiles while describing the recent losses and changes the subject quickly.
    {Name} asks whether anything said in session could reach {poss} employer.
    The chart lists two previous admissions for detoxification.
    {Name} describes the neighborhood as loud, crowded and unsafe after dark.
    {Poss} teacher sent home a note about frequent visits to the nurse's office.
    {Name} keeps {poss} coat on for the whole session and sits close to the door.
    {Name} scored {score} on a brief cognitive screen administered last week.
    A recent lab report shows elevated liver enzymes, according to the medical record.
    {Name} has been sending texts late at night to an ex-partner despite a protective order.
    {Name} brings a folder of paperwork from three different agencies to the session.
    {Name} says the family moved {n} times in the past two years.
    {Poss} {relative} insists that "talking to strangers never helped anyone in this family."
    The school reports that {Name} eats lunch alone in the library every day.
    {Name} attends a weekly support group at a community center in {city}.
    {Name} describes a close bond with a grandmother who raised {obj} until age {n}.
    {Name} has stopped taking walks since a fall on an icy sidewalk last winter.
    The nursing notes mention that {Name} refused two meals yesterday.
    {Name} says, "{quote}" and then looks at the floor.
    {Name} earned a degree in {field} and worked as a {job} until last year.
    {Name} plays {instrument} in a neighborhood band and missed the last three rehearsals.
    {Poss} {relative} manages the household budget and gives {obj} a weekly allowance.
    {Name} describes the new job as "fine — just exhausting."
    The release of information form in the chart expired {n} weeks ago.
    {Name} recently finished a course of physical therapy after knee surgery.
""")

HISTORY = _lines("""
    two psychiatric hospitalizations in the past decade
    childhood placement in foster care
    untreated attention problems in elementary school
    a traumatic brain injury from a fall at work
    domestic violence in a previous relationship
    opioid use disorder in sustained remission
    an eating disorder during adolescence
    postpartum depression after the birth of a first child
    seasonal mood changes that worsen every winter
    a head-on collision that killed a close friend
""")

LANGUAGES = _lines("""
    Spanish
    Vietnamese
    Somali
    Tagalog
    Haitian Creole
    Arabic
    Navajo
    Amharic
    Polish
    Korean
    Portuguese
    Turkish
""")

FAITHS = _lines("""
    Islam
    Orthodox Judaism
    Seventh-day Adventism
    Buddhism
    a Pentecostal faith
    the Native American Church
    Hinduism
    Sikhism
""")

CITIES = _lines("""
    Montréal
    São Paulo
    Zürich
    Oaxaca
    Kraków
    Mogadishu
    Da Nang
    Düsseldorf
    Reykjavík
    Chișinău
    Tucson
    Duluth
""")

FIELDS = _lines("""
    accounting
    civil engineering
    nursing
    early childhood education
    graphic design
    agricultural science
    computer science
    hospitality management
""")

JOBS = _lines("""
    warehouse supervisor
    school bus driver
    line cook
    dental hygienist
    paralegal
    long-haul trucker
    home health aide
    bank teller
    electrician
""")

INSTRUMENTS = _lines("""
    the trumpet
    bass guitar
    the accordion
    steel drums
    the violin
    the oud
""")

QUOTES = _lines("""
    I don't know why I'm here, my doctor made me come.
    Everyone keeps telling me to just relax.
    I haven't told anyone this before.
    If my kids find out, I don't know what I'll do.
    I'm fine, honestly, it's everyone else who's worried.
    Some days I can't get out of bed at all.
    I just want things to go back to the way they were.
    Nobody at work understands what it's like.
    I'm tired of starting over every few months.
    My family thinks counseling is for weak people.
    I feel like I'm failing at everything lately 😞
    I'm trying, I really am 🙏
    It's been a rough year, but I'm hanging in there 👍
""")

# Action options: fragments starting with a verb, no absolute or hedging words, no
# final period (parallel form). The area pool plus the shared pool keep option sets
# varied enough that no distractor text recurs in a large share of the bank.
SHARED_ACTIONS = _lines("""
    Review the intake paperwork with the client line by line
    Schedule a joint session with the referring provider
    Provide written information about local support groups
    Ask the client to keep a daily log of mood and sleep
    Consult a supervisor about the next steps in the case
    Request records from the previous treating provider
    Explore the client's goals for coming to the agency
    Clarify the limits of confidentiality with the client
    Complete a standardized screening for depression
    Help the client list people who can offer support
    Discuss the client's strengths and past coping successes
    Refer the client to a psychiatrist for a medication evaluation
    Arrange transportation assistance for upcoming appointments
    Invite the client to describe a typical day in detail
    Offer the client a choice of meeting times and formats
    Summarize what the client has shared and check for accuracy
    Contact the client's employer to discuss workplace accommodations
    Recommend a medical examination to rule out physical causes
    Reflect the feelings behind the client's last statement
    Set an agenda for the session together with the client
""")

AREA_ACTIONS: dict[str, list[str]] = {
    "human-development": _lines("""
        Assess how cultural expectations shape the family's view of help-seeking
        Explore the developmental tasks the client is facing at this stage of life
        Ask about the client's experiences with discrimination in the community
        Identify protective factors in the client's extended family network
        Discuss the meaning the client gives to the recent losses
        Gather a developmental history from birth through adolescence
        Connect the family with a culturally specific community organization
        Explore how migration has changed roles within the household
        Assess the impact of the recent move on peer relationships
        Ask about traditional healing practices the family uses
        Map the household's daily routines and caregiving duties
        Normalize grief reactions that follow a sudden death
        Review the stages of change with the client
        Explain how trauma can affect sleep, memory and concentration
        Screen for substance use with a brief validated instrument
    """),
    "assessment": _lines("""
        Conduct a suicide risk assessment using a structured protocol
        Complete a mental status examination during the session
        Gather collateral information from the client's family with consent
        Administer a standardized anxiety screening instrument
        Ask about the onset, duration and frequency of the symptoms
        Evaluate the client's access to firearms and medications at home
        Obtain a detailed history of alcohol and drug use
        Review the client's medical conditions and current prescriptions
        Develop measurable treatment goals with the client
        Assess the client's capacity to manage finances independently
        Explore whether the symptoms began after a specific event
        Screen for cognitive impairment with a brief validated tool
        Ask about recent changes in appetite, energy and concentration
        Identify the client's priorities for the first month of treatment
        Assess for signs of psychosis such as hallucinations or delusions
    """),
    "interventions": _lines("""
        Teach the client a paced-breathing exercise for moments of panic
        Help the client identify automatic thoughts before an argument
        Develop a written safety plan with the client during the session
        Use motivational interviewing to explore ambivalence about drinking
        Assign a graded exposure exercise for the coming week
        Role-play a difficult conversation with the client's supervisor
        Refer the client to a skills group for emotion regulation
        Coordinate services with the client's housing caseworker
        Review progress toward treatment goals and adjust the plan
        Prepare the client for termination by reviewing gains made
        Link the client with a benefits counselor at the local agency
        Introduce a thought record to track situations and reactions
        Facilitate a family meeting to discuss caregiving duties
        Practice problem-solving steps using a current stressor
        Encourage the client to schedule one pleasant activity each day
    """),
    "ethics": _lines("""
        Explain the mandated reporting duty to the client before proceeding
        Obtain a signed release before speaking with the family
        Discuss the boundary concern openly with the client
        Document the consultation and the rationale for the decision
        Seek consultation from a colleague with expertise in this area
        Decline the gift and explain the agency's policy
        Review the informed consent form with the client again
        File a report with child protective services today
        Inform the supervisor about the dual relationship
        Clarify with the client who will have access to the record
        Refer the client to another provider to avoid a conflict of interest
        Discuss the limits of confidentiality with the client's guardian
        Review the agency policy on social media contact with clients
        Protect the client's records by storing them in a locked system
        Notify the intended victim and the police as state law requires
    """),
}

AREA_LEADINS: dict[str, list[str]] = {
    "human-development": _lines("""
        What should the social worker do FIRST?
        What is the social worker's BEST response at intake?
        Which action by the social worker is MOST appropriate at this point?
        How should the social worker proceed NEXT?
        Which step BEST reflects culturally responsive practice here?
    """),
    "assessment": _lines("""
        What should the social worker do FIRST?
        What should the social worker assess NEXT?
        Which action is MOST important during the initial assessment?
        Which step in the assessment should come NEXT?
        Which step should the social worker take FIRST to clarify the picture?
    """),
    "interventions": _lines("""
        What should the social worker do NEXT?
        Which intervention is MOST appropriate at this stage?
        What is the social worker's BEST response?
        Which approach should the social worker use FIRST?
        What should the social worker do to BEST support progress?
    """),
    "ethics": _lines("""
        What should the social worker do FIRST?
        What is the social worker's BEST course of action?
        Which response is MOST consistent with professional ethics?
        How should the social worker proceed NEXT?
        Which action BEST protects the client's rights?
    """),
}

# Rationales for distractors: each names something concrete from the vignette, so
# no two items share the same rationale text.
DISTRACTOR_RATIONALES = _lines("""
    This could help later, but it skips the assessment that has to come first with {Name}.
    It moves straight to a solution before {Name}'s view of the problem is understood.
    The step is reasonable in general, yet it does not address {concern} at this point.
    Taking this action now would bypass {Name}'s right to decide what happens next.
    It shifts the focus away from {concern}, which is the reason for the referral.
    This is a later-stage task; the working relationship with {Name} is still forming.
    Doing this without consent would breach {Name}'s confidentiality and trust.
    It treats a symptom in isolation and ignores the context {Name} described.
    This response would likely feel dismissive to {Name} given what was just shared.
    Acting on this before gathering more information risks a premature conclusion about {concern}.
    The {relative} is not the client here, so this step puts the wrong person at the center.
    It relies on the social worker's assumptions instead of asking {Name} directly.
    This leaves the immediate safety question unanswered, which has to be settled first.
    The timing is wrong: this step belongs after a plan has been agreed on with {Name}.
    It answers a question {Name} did not ask and postpones the real concern.
    There is no indication yet that this is needed, so it would waste limited session time.
    This step does not match the goals {Name} set at intake.
    It would add paperwork without changing anything about {concern}.
    Choosing this now could damage rapport just as {Name} begins to open up.
    It skips over {Name}'s cultural context, which shapes how help is received.
""")

KEY_REASONS = _lines("""
    It starts where the client is and gathers the information needed for every later decision.
    Safety and a clear picture of the problem come before any change-focused work.
    It respects self-determination while keeping the focus on the presenting concern.
    This step builds the working alliance, which predicts engagement and outcomes.
    The ethical standard is clear here, and acting on it protects both client and agency.
    Collaboration on goals gives the client ownership of the plan from the start.
    It addresses the most urgent need before turning to longer-term issues.
    This is the least intrusive step that still responds to the risk described.
""")

ACTION_SUFFIXES = _lines("""
    before the next scheduled appointment
    during the current session
    at the start of the next meeting
    within the coming week
    as part of the intake process
    with the client's written permission
    and record the outcome in the chart
    using plain, jargon-free language
    in a private, quiet room
    while the client is still in the office
    after checking agency policy
    with help from an interpreter if needed
    by phone later today
    as a standing item in each session
    at a pace the client sets
    in the client's preferred language
    before closing the case record
    during a home visit this week
    in partnership with the care team
    at the end of today's meeting
""")

EXPLANATION_TAILS = _lines("""
    Other options may become useful once this foundation is in place.
    Licensing exams reward the step that comes first in the problem-solving process.
    The vignette gives no sign that a more drastic step is warranted yet.
    Documenting the reasoning also helps if the case is reviewed later.
    Starting here keeps the client's own account at the center of the work.
    Later sessions can revisit the other concerns once the plan is agreed.
""")

EXAM_TIPS = _lines("""
    *Exam tip:* when a vignette mentions risk, settle safety before anything else.
    *Exam tip:* "FIRST" questions reward the earliest step in the problem-solving process.
    *Exam tip:* prefer answers that involve the client over answers that act on the client's behalf.
    *Exam tip:* assessment comes before intervention unless there is an emergency.
    *Remember:* self-determination is limited only by a serious, foreseeable and imminent risk.
    *Remember:* consult and document whenever an ethical dilemma has no clear answer.
    **Key idea:** meet the client where they are, then move toward the goals they chose.
""")

REFERENCES = _lines("""
    NASW Code of Ethics 1.01
    NASW Code of Ethics 1.02
    NASW Code of Ethics 1.05
    NASW Code of Ethics 1.07
    NASW Code of Ethics 1.16
    DSM-5-TR
    Miller & Rollnick, Motivational Interviewing (4th ed.)
    Beck, Cognitive Behavior Therapy: Basics and Beyond
    Hepworth et al., Direct Social Work Practice
    Zastrow & Kirst-Ashman, Understanding Human Behavior and the Social Environment
""")

AREA_TAGS: dict[str, list[str]] = {
    "human-development": ["lifespan", "culture", "trauma-informed", "family", "grief", "migration", "older-adults", "adolescents"],
    "assessment": ["risk", "screening", "mental-status", "collateral", "suicide", "substance-use", "diagnosis", "goals"],
    "interventions": ["cbt", "motivational-interviewing", "crisis", "safety-plan", "groups", "termination", "case-management"],
    "ethics": ["confidentiality", "boundaries", "informed-consent", "duty-to-warn", "dual-relationship", "documentation"],
    "research": ["statistics", "design", "validity", "reliability", "sampling", "effect-size", "evaluation"],
    "informatics": ["sql", "python", "privacy", "data-quality", "hipaa", "reporting", "ehr"],
}

# --------------------------------------------------------------------------- research items

OUTCOMES = _lines("""
    depression severity
    anxiety symptoms
    school attendance
    days of alcohol use
    caregiver burden
    loneliness ratings
    housing stability
    medication adherence
    parenting stress
    hospital readmissions
    sleep quality
    self-efficacy scores
    trauma symptoms
    job retention
""")

PROGRAMS = _lines("""
    a peer mentoring program
    an eight-week mindfulness group
    a home-visiting program for new parents
    a text-message reminder service
    a supported employment program
    a parenting skills workshop
    a telehealth counseling service
    a housing-first pilot
    a school-based anger management group
    a caregiver respite program
""")

POPULATIONS = _lines("""
    older adults living alone
    first-year college students
    veterans returning to civilian work
    adolescents in foster care
    adults on probation
    parents of toddlers
    residents of a rural county
    recently resettled refugees
    hospice family caregivers
    middle-school students
""")

DESIGNS: list[tuple[list[str], str]] = [  # (phrasings of the design, kind of analysis that fits)
    (["Participants are randomly assigned to the program or a waitlist, and {outcome} is measured once at the end.",
      "Half of the {n} enrolled sites start right away and half wait a year; {outcome} is compared at twelve months.",
      "A lottery decides who gets a program slot, and staff record {outcome} for winners and non-winners alike."],
     "two-independent"),
    (["The same participants complete a {outcome} measure before and after the program.",
      "Each person rates {outcome} at intake and again at the last session.",
      "Clinicians score {outcome} for every participant at enrollment and {n} weeks later."],
     "paired"),
    (["Participants are randomly assigned to three groups: the program, a brochure, or usual care.",
      "Referrals are split at random among the program, a self-help workbook and standard services.",
      "Three counties each deliver a different version of the service, and {outcome} is compared across them."],
     "three-groups"),
    (["The researcher records whether each participant completed the program (yes or no) and whether {outcome} improved (yes or no).",
      "For every participant, staff note completion as yes or no and whether {outcome} got better as yes or no.",
      "The outcome form has two checkboxes: finished the program, and reached the target for {outcome}."],
     "two-categorical"),
    (["The researcher measures hours of program attendance and {outcome} for each participant.",
      "Attendance logs give each person's total contact hours, and a survey gives {outcome}.",
      "The question is whether people who attend more sessions also show better {outcome}."],
     "two-continuous"),
]

ANALYSES: dict[str, list[str]] = {  # several phrasings each, so option sets rarely repeat
    "two-independent": ["An independent-samples *t* test comparing the two groups on {outcome}",
                        "A two-sample *t* test of mean {outcome} in program versus waitlist",
                        "A Welch *t* test contrasting {outcome} between the two arms"],
    "paired": ["A paired-samples *t* test on each person's {outcome} before and after",
               "A dependent *t* test on pre-post differences in {outcome}",
               "A repeated-measures comparison of {outcome} within each participant"],
    "three-groups": ["A one-way ANOVA comparing {outcome} across the three conditions",
                     "An analysis of variance on {outcome} with condition as the factor",
                     "A three-level ANOVA followed by post hoc tests on {outcome}"],
    "two-categorical": ["A chi-square test of independence on the completion-by-improvement table",
                        "A 2 × 2 chi-square test relating completion to improvement in {outcome}",
                        "A test of association between two yes-or-no variables about {outcome}"],
    "two-continuous": ["A Pearson correlation between attendance hours and {outcome}",
                       "A correlation coefficient linking hours attended with {outcome}",
                       "A scatterplot-based correlation of dosage and {outcome}"],
    "regression": ["A multiple regression predicting {outcome} from several participant traits",
                   "A linear model of {outcome} with age, income and site as predictors",
                   "A hierarchical regression entering demographics before {outcome} history"],
    "mann-whitney": ["A Mann–Whitney *U* test on ranked {outcome} scores from two groups",
                     "A rank-sum test of {outcome} between two independent samples",
                     "A nonparametric comparison of median {outcome} for two groups"],
    "descriptive": ["Descriptive statistics on {outcome} reported separately for each cohort",
                    "Frequencies and percentages of {outcome} categories by site",
                    "A table of means and standard deviations of {outcome} by wave"],
}

STATS_CONTEXT = _lines("""
    Staff at {n} partner sites collect the data during routine visits.
    The evaluation team pre-registered its main hypothesis about {outcome}.
    A community advisory board reviewed the consent forms and the survey wording.
    Participants receive a grocery card for each completed survey.
    The {outcome} measure was translated into Spanish and back-translated by a second team.
    Interviewers were trained for {n} hours before the first wave.
    The agency plans to present the findings to the city council next spring.
    Sessions are delivered in English, Spanish and Somali by bilingual facilitators.
    A graduate student double-enters a random tenth of the paper forms to check accuracy.
    The program manual is {n} pages long and was revised after a pilot last year.
    Some participants joined late because of a transportation strike in the region.
    The ethics board asked for an extra question about {outcome} history to be dropped.
    The team meets every {n} weeks to review recruitment numbers.
    Peer facilitators with lived experience co-lead every session.
    Follow-up calls are made from a blocked number, which lowers response rates.
""")

STATS_LEADINS = _lines("""
    Which analysis is MOST appropriate for these data?
    Which statistical test BEST fits this design?
    Which analysis should the researcher choose FIRST?
""")

STATS_RATIONALES = _lines("""
    This test assumes a different data structure from the one described for {population}.
    The design measures {outcome} in a way that this analysis cannot handle.
    It ignores how participants were grouped, which the design makes central.
    This analysis answers a different question than the one the researcher asked about the {program_short}.
    Using it here would violate an assumption about independence of observations.
    It would discard information the researcher collected about {outcome}.
""")

# --------------------------------------------------------------------------- informatics items

TABLES = ["referrals", "visits", "clients", "screenings", "discharges", "appointments", "case_notes"]
COLUMNS = ["county", "program_id", "worker_id", "risk_level", "intake_month", "payer", "clinic"]

DATE_COLUMNS = ["created_at", "visit_date", "opened_on", "discharged_on", "screened_at"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
AGGREGATES = [  # (SQL aggregate, Python increment, what the result holds)
    ("COUNT(*)", "1", "how many entries"),
    ("SUM(units)", "row[\"units\"]", "the combined time billed"),
    ("COUNT(DISTINCT client_id)", "1", "how many different people"),
    ("SUM(no_show)", "row[\"no_show\"]", "the missed appointments"),
]

CODE_INTROS = _lines("""
    A data analyst at {setting} runs the code below on the `{table}` table {purpose}.
    The quality team reviews this snippet {purpose}.
    A social worker learning to query the agency's records writes the following {purpose}.
    An intern at {setting} pastes this code into a shared notebook {purpose}.
    The program manager asks a volunteer to explain the result of this code, written {purpose}.
    Before a meeting with the evaluation committee, a supervisor at {setting} drafts this code {purpose}.
    A contractor hands over the code below, which was written {purpose}.
    This code runs every night against `{table}` at {setting}, {purpose}.
""")

CODE_PURPOSES = _lines("""
    for a quarterly report to the county board
    before a site visit from the state licensing office
    to prepare a grant renewal
    for the monthly caseload dashboard
    to answer a question from the medical director
    for an internal audit of documentation
    to check whether a new intake process is working
""")

CODE_NOTES = _lines("""
    The table holds about {n} rows, one per service event.
    Dates in `{date_col}` are stored without a time zone.
    Rows with a missing `{column}` were cleaned up last month.
    Nobody has changed the table structure since it was created.
    The analyst has read-only access to `{table}`.
    Test records were deleted before the export.
    Each row carries a `status` column filled in by front-desk staff.
    The same report was built by hand in a spreadsheet until this year.
    A second analyst will check the numbers before they are published.
    The `{column}` values come from a drop-down list in the intake form.
    Some clinics entered data a few days late during a power outage.
    The agency switched record systems in the middle of the reporting period.
    Counts under eleven are suppressed in anything shared outside the agency.
""")

CODE_LEADINS = _lines("""
    What does this query return?
    Which description of the result is MOST accurate?
    What is the BEST summary of what this code produces?
""")

CODE_RATIONALES = _lines("""
    The `GROUP BY` clause changes what each row of the result means, so this reading is off.
    This confuses filtering rows before grouping with filtering the groups afterwards.
    The query counts rows in `{table}`, not distinct values of another column.
    It misreads the comparison in the `WHERE` clause applied to `{column}`.
    This description would need a join to another table, which the code does not contain.
    The ordering clause sorts the output but does not limit or remove any rows.
""")

# --------------------------------------------------------------------------- item model


@dataclass
class Item:
    """One question before it is written: plain data plus the writer's style choices."""

    id: str
    stem: str
    options: list[dict[str, Any]]
    explanation: str
    topic: str
    tags: list[str]
    difficulty: str | None = None
    references: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)  # real key -> typo written instead


_WORD = re.compile(r"[^\W\d_]+")
# Absolute terms and hedges (QB306/QB307 cues); clean items keep them out of options.
_CUE_WORDS = re.compile(r"\b(?:always|never|all|none|only|must|every|everyone|everything|everybody|nobody|"
                        r"entirely|completely|totally|absolutely|invariably|guarantee[ds]?|certainly|"
                        r"solely|exclusively|impossible|forever|usually|may|might|often|sometimes|"
                        r"generally|typically|frequently|possibly|perhaps|probably|occasionally|"
                        r"commonly|tends?|likely|could)\b", re.I)
_STOP = set(_lines("""
    that
    this
    with
    from
    what
    which
    should
    social
    worker
    client
    about
    their
    into
    after
    before
    most
    best
    first
    next
"""))


_SUFFIXES = ("ations", "ation", "ments", "ment", "ness", "ities", "ity", "ings", "ing", "ions", "ion",
             "ives", "ive", "ers", "er", "ors", "or", "ies", "ied", "ed", "es", "al", "ly", "s")


def _stem_word(w: str) -> str:
    """A rough stem so that refer/referred/referral or assess/assessment count as one word.

    Deliberately eager: a clean-item check that over-matches only costs a resample.
    """
    w = w.casefold().replace("’", "'").removesuffix("'s")
    for _ in range(4):  # to a fixed point, so assess and assessment meet
        before = w
        for suf in _SUFFIXES:
            if w.endswith(suf) and len(w) - len(suf) >= 4:
                w = w[: -len(suf)]
                break
        w = w.rstrip("ey") if len(w) > 4 else w
        if len(w) > 4 and w[-1] == w[-2]:
            w = w[:-1]
        if w == before:
            break
    return w


def _content_words(text: str) -> set[str]:
    return {_stem_word(w) for w in _WORD.findall(text) if len(w) >= 4 and w.casefold() not in _STOP}


def _options_look_clean(stem: str, texts: list[str], key: int) -> bool:
    """Reject option sets a careful writer would not publish (cues the lint rules look for)."""
    if any(_CUE_WORDS.search(t) for t in texts):
        return False
    longest_distractor = max(len(t) for i, t in enumerate(texts) if i != key)
    if len(texts[key]) >= 1.1 * longest_distractor:
        return False
    words = [set(w.casefold() for w in _WORD.findall(t)) for t in texts]
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            a, b = texts[i].casefold(), texts[j].casefold()
            if a in b or b in a:
                return False
            union = words[i] | words[j]
            if union and len(words[i] & words[j]) / len(union) >= 0.5:
                return False
    # clang cue: a stem word echoed by the key and by no distractor
    content = [_content_words(t) for t in texts]
    key_words = content[key] & _content_words(stem)
    other = set().union(*(c for i, c in enumerate(content) if i != key))
    if key_words - other:
        return False
    # convergence cue: the key shares the most words with the other options
    shared = [[len(content[i] & content[j]) for j in range(len(texts)) if j != i] for i in range(len(texts))]
    key_total = sum(shared[key])
    return not (all(shared[key]) and key_total >= 3
                and key_total > max(sum(s) for i, s in enumerate(shared) if i != key))


class _KeyPositions:
    """Balanced key positions: a shuffled bag per option count, never five in a row."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.bags: dict[int, list[int]] = {}
        self.recent: list[int] = []

    def draw(self, k: int) -> int:
        bag = self.bags.get(k)
        if not bag:
            bag = [p for p in range(k) for _ in range(2)]
            self.rng.shuffle(bag)
            self.bags[k] = bag
        i = len(bag) - 1
        if len(self.recent) >= 3 and all(p == bag[i] for p in self.recent[-3:]):
            j = next((j for j in range(len(bag)) if bag[j] != bag[i]), i)
            bag[i], bag[j] = bag[j], bag[i]
        pos = bag.pop()
        self.recent = (self.recent + [pos])[-4:]
        return pos


def _option_count(rng: random.Random) -> int:
    r = rng.random()
    return 3 if r < 0.08 else 5 if r > 0.93 else 4


def _fill(template: str, values: dict[str, str]) -> str:
    return template.format(**values)


def _lower_first(text: str) -> str:
    """'Review the chart' -> 'review the chart' (a fragment continues a sentence)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() or text[1:2] == " " else text


# --------------------------------------------------------------------------- builders


# (stem, option texts, rationales by option, explanation)
_Built = tuple[str, list[str], list[str], str]


def _sw_item(rng: random.Random, area: str, k: int, key: int) -> _Built:
    """A licensing-exam style vignette with options drawn from the area's actions."""
    given, family = rng.choice(CULTURES)
    first, last = rng.choice(given), rng.choice(family)
    poss, obj = rng.choice(PRONOUNS)
    setting, lo, hi = rng.choice(SETTINGS)
    age = rng.randint(lo, hi)
    relative, concern = rng.choice(RELATIVES), rng.choice(CONCERNS)
    full = f"{first} {last}"
    values = {
        "Name": first, "Poss": poss.capitalize(), "poss": poss, "obj": obj, "relative": relative,
        "hours": str(rng.randint(3, 6)), "n": str(rng.randint(2, 9)), "history": rng.choice(HISTORY),
        "language": rng.choice(LANGUAGES), "quote": rng.choice(QUOTES), "score": str(rng.randint(8, 26)),
        "faith": rng.choice(FAITHS), "city": rng.choice(CITIES), "field": rng.choice(FIELDS),
        "job": rng.choice(JOBS), "instrument": rng.choice(INSTRUMENTS),
    }
    intro = rng.choice([
        f"{full}, a {age}-year-old, {rng.choice(REFERRALS)} to {setting} because of {concern}.",
        f"A social worker at {setting} meets {full}, age {age}, who {rng.choice(REFERRALS)} for {concern}.",
        f"{full} ({age}) {rng.choice(REFERRALS)} to {setting}, describing {concern}.",
    ])
    details = [_fill(t, values) for t in rng.sample(DETAILS, rng.randint(4, 6))]
    paragraphs = [intro + " " + " ".join(details[:2])]
    rest = details[2:]
    if rest and rng.random() < 0.3:
        paragraphs.append("**Notes from the intake call:**\n\n" + "\n".join(f"- {d}" for d in rest))
    elif rest:
        paragraphs.append(" ".join(rest))
    leadins = AREA_LEADINS[area]
    paragraphs.append(rng.choice(leadins))
    stem = "\n\n".join(paragraphs)

    pool = AREA_ACTIONS[area] + SHARED_ACTIONS
    # core action + a timing/manner phrase: thousands of distinct option texts
    texts = [f"{core} {when}" for core, when in zip(rng.sample(pool, k), rng.sample(ACTION_SUFFIXES, k))]
    rats = [_fill(t, {"Name": first, "concern": concern, "relative": relative})
            for t in rng.sample(DISTRACTOR_RATIONALES, k)]
    reason, key_reason = rng.sample(KEY_REASONS, 2)
    rats[key] = f"{key_reason} For {first}, it keeps the work focused on {concern}."
    tail = rng.choice(EXPLANATION_TAILS)
    explanation = (f"The BEST choice is to {_lower_first(texts[key])}. {reason} "
                   f"Given {first}'s {concern}, {tail[0].lower()}{tail[1:]}")
    if rng.random() < 0.6:
        explanation += "\n\n" + rng.choice(EXAM_TIPS)
    return stem, texts, rats, explanation


def _stats_item(rng: random.Random, k: int, key: int) -> _Built:
    outcome, program, population = rng.choice(OUTCOMES), rng.choice(PROGRAMS), rng.choice(POPULATIONS)
    designs, fit = rng.choice(DESIGNS)
    n = rng.randint(24, 480)
    city = rng.choice(CITIES)
    sentences = [
        f"An agency in {city} evaluates {program} for {population} (*N* = {n}).",
        rng.choice(designs).format(outcome=outcome, n=rng.randint(4, 20)),
        rng.choice([
            f"Scores on the {outcome} measure range from 0 to {rng.choice([27, 40, 63, 100])}, higher meaning more.",
            f"About {rng.randint(5, 30)}% of participants have missing data at follow-up.",
            f"The data manager notes that the {outcome} scores look roughly normal in a histogram.",
            f"Funding for the evaluation comes from a county grant that ends in {rng.choice(MONTHS)}.",
        ]),
    ] + [t.format(outcome=outcome, n=rng.randint(2, 12)) for t in rng.sample(STATS_CONTEXT, 3)]
    if rng.random() < 0.35:
        sentences.append("Summary so far:\n\n"
                         f"- Mean age: {rng.randint(16, 78)} years\n"
                         f"- Retention: {rng.randint(61, 97)}%\n"
                         f"- Sites: {rng.randint(2, 9)}")
    listing = [s for s in sentences if s.startswith("Summary")]
    prose = [s for s in sentences if not s.startswith("Summary")]
    stem = " ".join(prose) + "".join("\n\n" + s for s in listing)
    stem += "\n\n" + rng.choice(STATS_LEADINS)
    others = [a for a in ANALYSES if a != fit]
    kinds = rng.sample(others, k - 1)
    kinds.insert(key, fit)
    texts = [rng.choice(ANALYSES[kd]).format(outcome=outcome) for kd in kinds]
    program_short = program.split(" ", 1)[1]
    rats = [_fill(t, {"population": population, "outcome": outcome, "program_short": program_short})
            for t in rng.sample(STATS_RATIONALES, min(k, len(STATS_RATIONALES)))]
    while len(rats) < k:
        rats.append(f"This option does not fit a study of {outcome} among {population} with this design.")
    rats[key] = f"This analysis matches how {outcome} was measured and how the {n} participants were grouped."
    explanation = (f"The design calls for {_lower_first(texts[key])}. "
                   f"It matches how {outcome} was measured and how participants were grouped, "
                   f"so the result speaks directly to whether {program} helps {population}.")
    return stem, texts, rats, explanation


def _code_item(rng: random.Random, k: int, key: int, sub: str) -> _Built:
    """A code-reading item: a short SQL query or Python loop over agency records."""
    table, column = rng.choice(TABLES), rng.choice(COLUMNS)
    date_col = rng.choice(DATE_COLUMNS)
    year, month = rng.randint(2019, 2025), rng.randint(1, 12)
    threshold, limit = rng.randint(2, 40), rng.choice([5, 10, 20, 25, 50])
    agg_sql, agg_py, agg_desc = rng.choice(AGGREGATES)
    status = rng.choice(["open", "closed", "pending", "transferred", None])
    having = rng.random() < 0.6
    month_name = MONTHS[month - 1]
    if sub.startswith("sql") or (not sub.startswith("python") and rng.random() < 0.5):
        where = f"WHERE {date_col} >= '{year}-{month:02d}-01'" + (f" AND status = '{status}'" if status else "")
        code = "\n".join(filter(None, [
            "```sql",
            f"SELECT {column}, {agg_sql} AS result",
            f"FROM {table}",
            where,
            f"GROUP BY {column}",
            f"HAVING {agg_sql} > {threshold}" if having else "",
            f"ORDER BY result DESC LIMIT {limit};",
            "```",
        ]))
        shape = f"At most {limit} output lines, one per `{column}`"
    else:
        acc, var, kept = rng.choice(["totals", "counts", "by_group", "summary"]), rng.choice(["row", "rec", "r", "event"]), rng.choice(["kept", "big", "result", "top"])
        inc = agg_py.replace("row", var)
        code = "\n".join(filter(None, [
            "```python",
            f"{acc} = {{}}" if rng.random() < 0.5 else f"{acc}: dict[str, int] = {{}}",
            f"for {var} in {table}:",
            f"    if {var}[\"{date_col}\"] >= date({year}, {month}, 1)"
            + (f" and {var}[\"status\"] == \"{status}\":" if status else ":"),
            f"        {acc}[{var}[\"{column}\"]] = {acc}.get({var}[\"{column}\"], 0) + {inc}",
            f"{kept} = {{c: v for c, v in {acc}.items() if v > {threshold}}}" if having else f"{kept} = {acc}",
            f"print(sorted({kept}.items(), key=lambda kv: -kv[1])[:{limit}])",
            "```",
        ]))
        shape = f"Up to {limit} pairs, one per `{column}`"
    right = f"{shape}, with {agg_desc}" + (f" when above {threshold}" if having else "")
    # several phrasings of each misreading, so no distractor text recurs across the bank
    wrong = [rng.choice(variants) for variants in [
        [f"A single grand total for `{table}` that ignores the date condition altogether",
         f"One overall figure for the whole `{table}` table, dates disregarded",
         f"The sum over all of `{table}` with no date restriction applied"],
        [f"The records of `{table}` dated before {month_name} {year}, in no particular order",
         f"Raw `{table}` entries older than {month_name} {year}, unsorted",
         f"Individual lines from `{table}` prior to {month_name} {year}"],
        [f"The {limit} smallest groups, listed from lowest to highest with their values",
         f"The bottom {limit} groups in ascending order of their result",
         f"{limit} groups chosen at random from those that pass the filter"],
        [f"An error, because `{column}` cannot appear in both the grouping and the output",
         f"A syntax error caused by listing `{column}` twice",
         f"Nothing, since grouping by `{column}` removes the rows it needs"],
        [f"One value per client identifier instead of one value per `{column}`",
         f"A breakdown by staff member rather than by `{column}`",
         f"Monthly subtotals that leave out `{column}`"],
        [f"Each distinct `{column}` including those at or below {threshold}",
         f"Each `{column}` group, small ones below {threshold} included",
         f"The groups at or below {threshold}, with larger ones dropped"] if having else
        [f"Groups whose result exceeds {threshold}, with the rest dropped",
         f"Groups above {threshold}, as if the code had a filter",
         f"The `{column}` groups with a result under {threshold}"],
    ]]
    wrong = rng.sample(wrong, k - 1)
    texts = wrong[:key] + [right] + wrong[key:]
    sentences = [rng.choice(CODE_INTROS).format(setting=rng.choice(SETTINGS)[0], table=table,
                                                 purpose=rng.choice(CODE_PURPOSES))]
    sentences += [t.format(table=table, column=column, n=f"{rng.randint(2, 900) * 100:,}", date_col=date_col)
                  for t in rng.sample(CODE_NOTES, 3)]
    stem = f"{' '.join(sentences)}\n\n{code}\n\n{rng.choice(CODE_LEADINS)}"
    rats = [_fill(t, {"table": table, "column": column}) for t in rng.sample(CODE_RATIONALES, k)]
    rats[key] = f"Following each clause in order leads to exactly this result for `{table}`."
    explanation = (f"Read the code in order: it keeps rows dated from {month_name} {year} on"
                   + (f" with status `{status}`" if status else "")
                   + f", groups them by `{column}`"
                   + (f", drops groups at or below {threshold}" if having else "")
                   + f" and returns the {limit} largest. The result is therefore {_lower_first(right)}. "
                   "Tracing filters and groupings one clause at a time avoids most misreadings of summaries like this.")
    return stem, texts, rats, explanation


# --------------------------------------------------------------------------- defects

SCHEMA_DEFECTS = ["unknown-key", "missing-rationale", "two-keys", "correct-string"]
BANK_DEFECTS = ["duplicate-id", "duplicate-stem"]
LINT_DEFECTS = ["all-of-the-above", "lowercase-qualifier", "longest-key", "none-of-the-above",
                "lowercase-negative", "letter-reference", "short-rationale"]
DEFECT_KINDS = SCHEMA_DEFECTS + BANK_DEFECTS + LINT_DEFECTS

_TYPOS = [("explanation", "explanaton"), ("topic", "tpoic"), ("tags", "tag"), ("difficulty", "dificulty"),
          ("references", "refrences")]


def _distractor_indexes(item: Item) -> list[int]:
    return [i for i, o in enumerate(item.options) if o.get("correct") is not True]


def _apply_defect(item: Item, kind: str, rng: random.Random, earlier: list[tuple[str, str]]) -> str:
    """Give ``item`` one defect of ``kind``; returns the kind actually applied."""
    opts = item.options
    distractors = _distractor_indexes(item)
    if kind in BANK_DEFECTS and not earlier:
        kind = "all-of-the-above"
    if kind == "unknown-key":
        if rng.random() < 0.3:
            opt = opts[rng.choice(distractors)]
            opt["rationle"] = opt.pop("rationale")  # typo on an option key
        else:
            real, typo = rng.choice(_TYPOS)
            item.renamed[real] = typo
            if real == "difficulty" and item.difficulty is None:
                item.difficulty = "medium"
            if real == "references" and not item.references:
                item.references = [rng.choice(REFERENCES)]
    elif kind == "missing-rationale":
        opts[rng.choice(distractors)].pop("rationale")
    elif kind == "two-keys":
        opts[rng.choice(distractors)]["correct"] = True
    elif kind == "correct-string":
        key = next(o for o in opts if o.get("correct") is True)
        key["correct"] = "yes"
    elif kind == "duplicate-id":
        item.id = rng.choice(earlier)[0]
    elif kind == "duplicate-stem":
        item.stem = rng.choice(earlier)[1]
    elif kind == "all-of-the-above":
        opts[distractors[-1]] = {"text": "All of the above",
                                 "rationale": "Not every listed step fits this situation, so this choice cannot be right."}
    elif kind == "none-of-the-above":
        opts[distractors[-1]] = {"text": "None of the above",
                                 "rationale": "One of the listed steps does fit the situation, so this choice is wrong."}
    elif kind == "lowercase-qualifier":
        lead = item.stem.rsplit("\n\n", 1)
        item.stem = lead[0] + "\n\n" + rng.choice(["What should the social worker do first?",
                                                    "Which step is most important at this point?",
                                                    "What is the best next step?"])
    elif kind == "lowercase-negative":
        lead = item.stem.rsplit("\n\n", 1)
        item.stem = lead[0] + "\n\n" + rng.choice(["Which response is not appropriate at this stage?",
                                                    "Each of these steps fits the situation except which one?"])
    elif kind == "longest-key":
        key = next(o for o in opts if o.get("correct") is True)
        key["text"] = (key["text"] + ", while also reviewing the history in detail and agreeing on "
                       "concrete goals that can be measured at every later session")
    elif kind == "letter-reference":
        letter = "ABCDE"[next(i for i, o in enumerate(opts) if o.get("correct") is True)]
        item.explanation = f"{letter} is correct. " + item.explanation
    elif kind == "short-rationale":
        opts[rng.choice(distractors)]["rationale"] = "Not the priority here."
    return kind


# --------------------------------------------------------------------------- writing YAML

_PLAIN_START = re.compile(r"[^\W\d_]|[“‘(]")


def _plain_ok(s: str) -> bool:
    """A conservative test for text that YAML 1.1 and 1.2 both read back as the same string.

    Multi-word text starting with a letter can never resolve to a bool, number, null
    or date; the remaining checks keep indicators and comments out.
    """
    return (" " in s and bool(_PLAIN_START.match(s)) and s == s.strip() and ": " not in s
            and " #" not in s and not s.endswith(":") and "\t" not in s and "\n" not in s
            and "`" not in s and not any(c in s for c in "\"'{}[]"))


def _scalar(s: str) -> str:
    return s if _plain_ok(s) else json.dumps(s, ensure_ascii=False)


def _folded(s: str, indent: str) -> str:
    """A long single-line text as a folded block (``>-``) wrapped like a person would."""
    lines = textwrap.wrap(s, width=72, break_long_words=False, break_on_hyphens=False)
    return ">-\n" + "\n".join(indent + ln for ln in lines)


# A word that would change the Markdown if it began a line (list item, heading, quote,
# setext underline, fence); wrapping keeps such words on the previous line.
_NO_LINE_START = re.compile(r"^(?:[-+*]|#{1,6}|=+|-+|\d{1,9}[.)])$|^(?:>|```|~~~)")


def _wrap_markdown(text: str, width: int = 80) -> str:
    """Hard-wrap prose paragraphs as an editor would; lists and code blocks stay as they are."""
    out = []
    for para in text.split("\n\n"):
        if "\n" in para or para.startswith("```"):
            out.append(para)
            continue
        lines: list[str] = []
        for word in para.split(" "):
            if lines and (len(lines[-1]) + 1 + len(word) <= width or _NO_LINE_START.match(word)):
                lines[-1] += " " + word
            else:
                lines.append(word)
        out.append("\n".join(lines))
    return "\n\n".join(out)


def _block(s: str, indent: str) -> str:
    body = "\n".join((indent + ln) if ln else "" for ln in s.split("\n"))
    return "|\n" + body


@dataclass
class _Style:
    """How this item's author writes YAML (varies across the bank, like real contributors)."""

    schema_line: bool
    header_comment: str | None
    inline_comment: str | None
    options_comment: str | None
    folded_rationales: bool
    flow_tags: bool
    wrap: bool
    meta_first: bool
    curly: bool


def _smart_quotes(text: str) -> str:
    """Straight quotes to curly ones, as word processors do (one consistent style per item)."""
    out, opening = [], True
    for i, ch in enumerate(text):
        if ch == '"':
            out.append("“" if opening else "”")
            opening = not opening
        elif ch == "'":
            out.append("’")
        else:
            out.append(ch)
    return "".join(out)


def render(item: Item, style: _Style) -> str:
    """The YAML text of one question file."""
    out: list[str] = []
    if style.schema_line:
        out.append(f"# yaml-language-server: $schema={SCHEMA_URL}")
    if style.header_comment:
        out.append(f"# {style.header_comment}")

    def key(name: str) -> str:
        return item.renamed.get(name, name)

    def meta() -> None:
        out.append(f"{key('topic')}: {_scalar(item.topic)}")
        if style.flow_tags:
            out.append(f"{key('tags')}: [{', '.join(item.tags)}]")
        else:
            out.append(f"{key('tags')}:")
            out.extend(f"  - {t}" for t in item.tags)
        if item.difficulty:
            line = f"{key('difficulty')}: {item.difficulty}"
            out.append(line + (f"  # {style.inline_comment}" if style.inline_comment else ""))

    out.append(f"id: {item.id}")
    if style.meta_first:
        meta()
    out.append(f"stem: {_block(item.stem, '  ')}")
    if style.options_comment:
        out.append(f"# {style.options_comment}")
    out.append("options:")
    for opt in item.options:
        first = True
        for name, value in opt.items():
            lead = "  - " if first else "    "
            first = False
            if isinstance(value, bool):
                out.append(f"{lead}{name}: {'true' if value else 'false'}")
            elif name in ("rationale", "rationle") and style.folded_rationales and len(value) > 72:
                out.append(f"{lead}{name}: {_folded(value, '      ')}")
            elif name == "correct":  # a string where a boolean belongs (a defect)
                out.append(f'{lead}{name}: "{value}"')
            else:
                out.append(f"{lead}{name}: {_scalar(value)}")
    out.append(f"{key('explanation')}: {_block(item.explanation, '  ')}")
    if not style.meta_first:
        meta()
    if item.references:
        out.append(f"{key('references')}:")
        out.extend(f"  - {_scalar(r)}" for r in item.references)
    return "\n".join(out) + "\n"


HEADER_COMMENTS = _lines("""
    Reviewed by the item-writing committee, spring cycle
    Draft — needs a second reviewer before the next form
    Adapted from a workshop case; identifying details changed
    Pilot statistics pending
    Checked against the current content outline
""")

INLINE_COMMENTS = ["pilot p = .41", "raised after review", "tentative", "matches blueprint", "see item notes"]
OPTIONS_COMMENTS = ["options are shuffled in exports", "keep distractors parallel in length",
                    "distractor 2 rewritten after review"]


def _style(rng: random.Random) -> _Style:
    return _Style(
        schema_line=rng.random() < 0.2,
        header_comment=rng.choice(HEADER_COMMENTS) if rng.random() < 0.2 else None,
        inline_comment=rng.choice(INLINE_COMMENTS) if rng.random() < 0.1 else None,
        options_comment=rng.choice(OPTIONS_COMMENTS) if rng.random() < 0.08 else None,
        folded_rationales=rng.random() < 0.35,
        flow_tags=rng.random() < 0.6,
        wrap=rng.random() < 0.4,
        meta_first=rng.random() < 0.15,
        curly=rng.random() < 0.25,
    )


# --------------------------------------------------------------------------- bank


def _folders(count: int) -> list[tuple[str, str, str, str]]:
    """(relative folder, area, topic, kind) for each block of FILES_PER_FOLDER items.

    Social-work areas get more folders, as in a real licensing-prep bank; a bank that
    needs more folders than there are subtopics repeats them with a numeric suffix.
    """
    cycle: list[tuple[str, str, str, str]] = []
    for weight_round in range(3):
        # round-robin over areas, so even a small bank touches each of them
        for i in range(max(len(subs) for _, _, _, subs in AREAS)):
            for area, topic, kind, subs in AREAS:
                if i < len(subs) and weight_round < (3 if kind == "sw" else 2):
                    cycle.append((area, subs[i], topic, kind))
    n_folders = max(1, -(-count // FILES_PER_FOLDER))
    used: dict[tuple[str, str], int] = {}
    out = []
    for f in range(n_folders):
        area, sub, topic, kind = cycle[f % len(cycle)]
        used[(area, sub)] = used.get((area, sub), 0) + 1
        name = sub if used[(area, sub)] == 1 else f"{sub}-{used[(area, sub)]}"
        out.append((f"{area}/{name}", area, topic, kind))
    return out


def _make_item(rng: random.Random, seq: int, folder: str, area: str, topic: str, kind: str,
               keys: _KeyPositions, clean: bool) -> Item:
    k = _option_count(rng)
    key = keys.draw(k)
    for _ in range(40):  # resample until the option set carries no cue (clean items only)
        if kind == "sw":
            stem, texts, rats, explanation = _sw_item(rng, area, k, key)
        elif kind == "stats":
            stem, texts, rats, explanation = _stats_item(rng, k, key)
        else:
            stem, texts, rats, explanation = _code_item(rng, k, key, folder.split("/", 1)[1])
        if not clean or _options_look_clean(stem, texts, key):
            break
    options: list[dict[str, Any]] = []
    for i, text in enumerate(texts):
        opt: dict[str, Any] = {"text": text}
        if i == key:
            opt["correct"] = True
            if rng.random() < 0.7:
                opt["rationale"] = rats[i]
        else:
            opt["rationale"] = rats[i]
        options.append(opt)
    sub = folder.split("/", 1)[1]
    tags = rng.sample(AREA_TAGS[area], rng.randint(1, 4))
    item = Item(
        id=f"{area}-{sub}-{seq:06d}", stem=stem, options=options, explanation=explanation,
        topic=topic if rng.random() < 0.7 else f"{topic} — {sub.replace('-', ' ')}",
        tags=tags, difficulty=rng.choice(["easy", "medium", "medium", "hard", None]),
        references=rng.sample(REFERENCES, rng.randint(1, 2)) if kind == "sw" and rng.random() < 0.4 else [],
    )
    return item


def generate(out_dir: str | os.PathLike, count: int, defects: float = 0.05, seed: int = 1) -> dict[str, Any]:
    """Write a bank of ``count`` questions under ``out_dir`` (replacing what was there).

    Returns the manifest that is also written to ``out_dir/.qbank-bench.json``:
    the arguments, the file count and ``defects`` mapping each defective file
    (path relative to ``out_dir``) to its defect kind.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    if not 0.0 <= defects <= 1.0:
        raise ValueError("defects must be a share between 0 and 1")
    out = Path(out_dir)
    if out.exists():
        # Start from nothing so a smaller bank never inherits files from a larger one.
        shutil.rmtree(out)
    out.mkdir(parents=True)
    rng = random.Random(seed)
    keys = _KeyPositions(rng)
    folders = _folders(count)
    earlier: list[tuple[str, str]] = []  # recent (id, stem) pairs for duplicate defects
    seen_stems: set[str] = set()
    defect_map: dict[str, str] = {}
    made_dirs: set[str] = set()
    for seq in range(count):
        folder, area, topic, kind = folders[seq // FILES_PER_FOLDER]
        defect = rng.choice(DEFECT_KINDS) if rng.random() < defects else None
        item = _make_item(rng, seq, folder, area, topic, kind, keys, clean=defect is None)
        tries = 0
        while item.stem in seen_stems and tries < 20:  # accidental duplicates are not wanted
            item = _make_item(rng, seq, folder, area, topic, kind, keys, clean=defect is None)
            tries += 1
        style = _style(rng)
        if style.curly and kind != "code":  # code spans keep straight quotes
            item.stem = _smart_quotes(item.stem)
            item.explanation = _smart_quotes(item.explanation)
            for opt in item.options:
                opt["text"] = _smart_quotes(opt["text"])
                if "rationale" in opt:
                    opt["rationale"] = _smart_quotes(opt["rationale"])
        if style.wrap:
            item.stem, item.explanation = _wrap_markdown(item.stem), _wrap_markdown(item.explanation)
        file_name = f"{item.id}.yaml"
        if defect:
            defect = _apply_defect(item, defect, rng, earlier)
        rel = f"{folder}/{file_name}"
        if defect:
            defect_map[rel] = defect
        seen_stems.add(item.stem)
        earlier.append((item.id, item.stem))
        if len(earlier) > 200:
            del earlier[:100]
        if folder not in made_dirs:
            (out / folder).mkdir(parents=True, exist_ok=True)
            made_dirs.add(folder)
        # Scratch data, regenerated on demand: plain writes (fsync per file would
        # dominate); the manifest written last is what marks the bank complete.
        (out / rel).write_text(render(item, style), encoding="utf-8", newline="\n")
    (out / CONFIG_NAME).write_text("# Generated benchmark bank: this file makes the folder its own bank root.\n",
                                   encoding="utf-8")
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "args": {"count": count, "defects": defects, "seed": seed},
        "files": count,
        "defects": defect_map,
    }
    tmp = out / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, out / MANIFEST)
    return manifest


def question_data(count: int, seed: int = 1) -> list[dict[str, Any]]:
    """``count`` clean questions as the data of valid files, in memory (no files written), each
    with ``domain`` (its area folder: ``human-development``, ``assessment``, ... as a bank would
    declare with `[fields.domain]`) and ``status: approved``, so a blueprint applies to them:
    what the assembly benchmark draws forms from. Deterministic from ``seed``; the items are
    made as :func:`generate` makes them (same areas, topics, phrase pools and key spread), but
    from their own random stream, so they are not the files :func:`generate` writes."""
    rng = random.Random(seed)
    keys = _KeyPositions(rng)
    folders = _folders(count)
    seen: set[str] = set()
    out = []
    for seq in range(count):
        folder, area, topic, kind = folders[seq // FILES_PER_FOLDER]
        item = _make_item(rng, seq, folder, area, topic, kind, keys, clean=True)
        for _ in range(20):
            if item.stem not in seen:
                break
            item = _make_item(rng, seq, folder, area, topic, kind, keys, clean=True)
        seen.add(item.stem)
        data: dict[str, Any] = {"id": item.id, "stem": item.stem, "options": item.options,
                                "explanation": item.explanation, "topic": item.topic, "tags": item.tags,
                                "status": "approved", "domain": area}
        if item.difficulty:
            data["difficulty"] = item.difficulty
        out.append(data)
    return out


def read_manifest(out_dir: str | os.PathLike) -> dict[str, Any] | None:
    """The manifest of a complete generated bank, or None if there is none (or it is unreadable)."""
    try:
        return json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out_dir", help="folder to (re)create with the generated bank")
    p.add_argument("--count", type=int, required=True, help="number of questions")
    p.add_argument("--defects", type=float, default=0.05, help="share of items with one defect (default 0.05)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = p.parse_args(argv)
    try:
        manifest = generate(args.out_dir, args.count, args.defects, args.seed)
    except ValueError as exc:
        p.error(str(exc))
    print(f"wrote {manifest['files']} questions ({len(manifest['defects'])} with a defect) to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
