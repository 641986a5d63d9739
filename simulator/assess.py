"""Candidate self-assessment: a short questionnaire, two short calls, and a profile that sets
what the candidate believes beside what the calls measured, quality by quality.

The measures come from scoring only (the same criteria a trainee's debrief uses); the profile
is a pure function of the answers and the scores, so it is tested without playing.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator import model as m
from simulator.scoring import Score

ASSESS_SCENARIOS = ("namur-breakdown", "brussels-ring-two-calls")
QUALITIES = ("composure", "empathy", "languages", "multitasking", "procedure", "schedule")
# A quality no call can measure: only what the candidate says counts.
SELF_REPORTED = ("schedule",)

QUESTIONS: dict[str, dict[str, str]] = {
    "composure": {"fr": "Je garde mon calme quand tout le monde autour de moi panique.",
                  "nl": "Ik blijf kalm wanneer iedereen rondom mij in paniek slaat.",
                  "en": "I stay calm when everyone around me panics."},
    "empathy": {"fr": "Aider les autres, même au téléphone, me procure de la satisfaction.",
                "nl": "Anderen helpen, ook aan de telefoon, geeft me voldoening.",
                "en": "Helping others, even over the phone, gives me satisfaction."},
    "languages": {"fr": "Je suis à l'aise pour passer du français au néerlandais ou à l'anglais en pleine conversation.",
                  "nl": "Ik schakel vlot over van Nederlands naar Frans of Engels midden in een gesprek.",
                  "en": "I am at ease switching between French, Dutch and English mid-conversation."},
    "multitasking": {"fr": "Je gère plusieurs tâches complexes en même temps sans perdre le fil.",
                     "nl": "Ik beheer meerdere complexe taken tegelijk zonder de draad kwijt te raken.",
                     "en": "I handle several complex tasks at once without losing track."},
    "procedure": {"fr": "Je suis une procédure précise même dans le feu de l'action.",
                  "nl": "Ik volg een precieze procedure, ook als het heet wordt.",
                  "en": "I follow a precise procedure even in the heat of the moment."},
    "schedule": {"fr": "Travailler la nuit, le week-end et les jours fériés ne me fait pas peur.",
                 "nl": "Werken 's nachts, in het weekend en op feestdagen schrikt me niet af.",
                 "en": "Working nights, weekends and public holidays does not put me off."},
}

NAMES: dict[str, dict[str, str]] = {
    "composure": {"fr": "Sang-froid", "nl": "Kalmte", "en": "Composure"},
    "empathy": {"fr": "Empathie", "nl": "Empathie", "en": "Empathy"},
    "languages": {"fr": "Langues", "nl": "Talen", "en": "Languages"},
    "multitasking": {"fr": "Plusieurs tâches à la fois", "nl": "Meerdere taken tegelijk", "en": "Several tasks at once"},
    "procedure": {"fr": "Respect de la procédure", "nl": "Procedure volgen", "en": "Following procedure"},
    "schedule": {"fr": "Horaires de nuit et de week-end", "nl": "Nacht- en weekendwerk", "en": "Night and weekend work"},
}

ADVICE: dict[str, dict[str, str]] = {
    "composure": {"fr": "Entraînez-vous à ralentir votre débit et à reformuler quand l'appelant s'emballe ; rejouez les appels en mode chronométré (--timed).",
                  "nl": "Oefen om trager te praten en te herformuleren wanneer de beller panikeert; speel de oproepen opnieuw met tijdslimiet (--timed).",
                  "en": "Practise slowing down and rephrasing when the caller spirals; replay the calls in timed mode (--timed)."},
    "empathy": {"fr": "Commencez chaque réponse par une phrase qui rassure avant la question suivante ; évitez les réponses sèches.",
                "nl": "Begin elk antwoord met een geruststellende zin voor de volgende vraag; vermijd kortaffe antwoorden.",
                "en": "Start each answer with a reassuring sentence before the next question; avoid curt replies."},
    "languages": {"fr": "Passez à la langue de l'appelant dès la première phrase (/langue) et pratiquez le néerlandais et l'anglais chaque jour.",
                  "nl": "Schakel vanaf de eerste zin over naar de taal van de beller (/taal) en oefen elke dag Frans en Engels.",
                  "en": "Switch to the caller's language from the first sentence (/speak) and practise French and Dutch daily."},
    "multitasking": {"fr": "Quand deux appels arrivent, sécurisez d'abord celui qui est en danger, puis revenez vers l'autre en le prévenant.",
                     "nl": "Bij twee oproepen: beveilig eerst wie in gevaar is, kom dan terug bij de andere en verwittig die.",
                     "en": "With two calls, secure the one in danger first, then come back to the other and tell them so."},
    "procedure": {"fr": "Apprenez l'ordre : sécurité, rappel, identification, localisation, panne, envoi, délai confirmé, conseils, dossier.",
                  "nl": "Leer de volgorde: veiligheid, terugbelnummer, identificatie, locatie, probleem, inzet, bevestigde tijd, advies, dossier.",
                  "en": "Learn the order: safety, call-back number, identity, location, problem, dispatch, confirmed ETA, advice, case file."},
    "schedule": {"fr": "Parlez des horaires tournants (24 h/24, 7 j/7) avec des agents en poste avant de vous engager.",
                 "nl": "Praat over wisselende uren (24/7) met agenten die het werk doen voor je je engageert.",
                 "en": "Talk about rotating shifts (24/7) with agents on the job before committing."},
}


@dataclass(frozen=True)
class QualityResult:
    quality: str
    believed: float           # 0-100, from the questionnaire
    measured: float | None    # 0-100, from the calls; None when no call measures it
    verdict: str              # "strength", "overestimated", "underestimated", "to_practise", "self_reported"


def likert_to_percent(answer: int) -> float:
    """1 (not at all) .. 5 (fully) as 0 .. 100."""
    return (max(1, min(5, answer)) - 1) * 25.0


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


# How warm a tone is, for the empathy measure.
WARMTH = {m.Tone.ALARMING: 0, m.Tone.CURT: 0, m.Tone.NEUTRAL: 1, m.Tone.REASSURING: 2, m.Tone.EMPATHETIC: 2}


def tone_decisions(scenario: m.Scenario, directory: m.Directory, actions: list[dict]) -> list[tuple[m.Tone, tuple[m.Tone, ...]]]:
    """For each option chosen in a call: its tone, and the tones of every option offered with it."""
    from simulator.engine import Session
    session = Session(scenario, directory)
    out = []
    for action in actions:
        if action.get("type") == "choose":
            offered = {o.id: o.tone for o in session.options()}
            if action.get("option") in offered:
                out.append((offered[action["option"]], tuple(offered.values())))
        session.apply(action)
    return out


def empathy_of(decisions: list[tuple[m.Tone, tuple[m.Tone, ...]]]) -> float | None:
    """How warm the candidate chose to be where a warmer or a harsher reply was on offer, 0-100.

    Each decision whose options differ in warmth counts: the warmest reply offered scores 1, a
    neutral one where a reassuring one was offered 0.5, a curt or alarming one 0. A decision
    where every option has the same tone says nothing of empathy and is left out."""
    marks = []
    for chosen, offered in decisions:
        warmest, coldest = max(WARMTH[t] for t in offered), min(WARMTH[t] for t in offered)
        if warmest > coldest:
            marks.append(WARMTH[chosen] / warmest)
    return 100 * sum(marks) / len(marks) if marks else None


def measures(scores: dict[str, Score], decisions: list[tuple[m.Tone, tuple[m.Tone, ...]]]) -> dict[str, float | None]:
    """What the two calls say of each quality, from their scores and the tones the candidate chose."""
    calm = _mean([s.criteria["calm"].percent for s in scores.values() if s.criteria["calm"].applies])
    empathy = empathy_of(decisions)
    languages = _mean([s.criteria["language"].percent for s in scores.values() if s.criteria["language"].applies])
    procedure = _mean([s.criteria["procedure"].percent for s in scores.values() if s.criteria["procedure"].applies])
    multi = scores.get(ASSESS_SCENARIOS[1])
    multitasking = None
    if multi is not None:
        parts = [multi.criteria[c].percent for c in ("procedure", "timing") if multi.criteria[c].applies]
        multitasking = _mean(parts)
        if multitasking is not None and multi.outcome in ("hung_up", "unsafe"):
            multitasking = min(multitasking, 40.0)
    return {"composure": calm, "empathy": empathy, "languages": languages, "multitasking": multitasking,
            "procedure": procedure, "schedule": None}


def profile(answers: dict[str, int], measured: dict[str, float | None]) -> list[QualityResult]:
    """Quality by quality: what the candidate believes beside what was measured, and a verdict."""
    out = []
    for quality in QUALITIES:
        believed = likert_to_percent(answers.get(quality, 3))
        got = measured.get(quality)
        if quality in SELF_REPORTED or got is None:
            verdict = "self_reported"
        elif got >= 70 and believed >= 50:
            verdict = "strength"
        elif got >= 70:
            verdict = "underestimated"
        elif believed - got >= 25:
            verdict = "overestimated"
        else:
            verdict = "to_practise"
        out.append(QualityResult(quality, believed, None if got is None else round(got, 1), verdict))
    return out


VERDICTS: dict[str, dict[str, str]] = {
    "strength": {"fr": "Point fort", "nl": "Sterk punt", "en": "Strength"},
    "underestimated": {"fr": "Meilleur que vous ne le pensez", "nl": "Beter dan u denkt", "en": "Better than you think"},
    "overestimated": {"fr": "Vous vous surestimez", "nl": "U overschat zichzelf", "en": "You rate yourself higher than measured"},
    "to_practise": {"fr": "À travailler", "nl": "Werkpunt", "en": "To practise"},
    "self_reported": {"fr": "Selon vous seulement (aucun appel ne le mesure)", "nl": "Enkel volgens u (geen oproep meet het)",
                      "en": "Your word only (no call measures it)"},
}

WORDS: dict[str, dict[str, str]] = {
    "intro": {"fr": "Ce métier vous convient-il ? Répondez à six questions (1 = pas du tout, 5 = tout à fait), puis prenez deux appels courts. Vous verrez ensuite votre profil.",
              "nl": "Past deze job bij u? Beantwoord zes vragen (1 = helemaal niet, 5 = helemaal wel) en neem daarna twee korte oproepen. Daarna ziet u uw profiel.",
              "en": "Does this job suit you? Answer six questions (1 = not at all, 5 = fully), then take two short calls. You will then see your profile."},
    "scale": {"fr": "Votre réponse (1 à 5)", "nl": "Uw antwoord (1 tot 5)", "en": "Your answer (1 to 5)"},
    "bad_scale": {"fr": "Tapez un chiffre de 1 à 5.", "nl": "Typ een cijfer van 1 tot 5.", "en": "Type a digit from 1 to 5."},
    "call": {"fr": "Appel {n} sur 2", "nl": "Oproep {n} van 2", "en": "Call {n} of 2"},
    "title": {"fr": "Votre profil", "nl": "Uw profiel", "en": "Your profile"},
    "quality": {"fr": "Qualité", "nl": "Kwaliteit", "en": "Quality"},
    "believed": {"fr": "Selon vous", "nl": "Volgens u", "en": "You said"},
    "measured": {"fr": "Mesuré", "nl": "Gemeten", "en": "Measured"},
    "verdict": {"fr": "Bilan", "nl": "Besluit", "en": "Verdict"},
    "advice": {"fr": "Conseils", "nl": "Tips", "en": "Advice"},
    "saved": {"fr": "Profil enregistré : {path}", "nl": "Profiel bewaard: {path}", "en": "Profile saved: {path}"},
    "stopped": {"fr": "Auto-évaluation arrêtée : rien n'est gardé. Recommencez quand vous voulez avec : plateau assess",
                "nl": "Zelftest gestopt: er wordt niets bewaard. Begin opnieuw wanneer u wilt met: plateau assess",
                "en": "Self-assessment stopped: nothing is kept. Start again whenever you like with: plateau assess"},
}


def word(key: str, lang: str, **values) -> str:
    return WORDS[key][lang].format(**values)
