"""Interface strings in French, Dutch and English. One place for every word the trainee reads.

The interface language (menus, debrief) is separate from the language the trainee speaks to
the caller: a French-speaking floor answers a Dutch tourist in Dutch.
"""

from __future__ import annotations

import locale
import os

from simulator.languages import LANGS

STRINGS: dict[str, dict[str, str]] = {
    "case": {"fr": "Dossier", "nl": "Dossier", "en": "Case"},
    "clock": {"fr": "Heure", "nl": "Tijd", "en": "Time"},
    "caller": {"fr": "Appelant", "nl": "Beller", "en": "Caller"},
    "stress": {"fr": "Stress", "nl": "Stress", "en": "Stress"},
    "stress.calm": {"fr": "calme", "nl": "rustig", "en": "calm"},
    "stress.tense": {"fr": "tendu", "nl": "gespannen", "en": "tense"},
    "stress.stressed": {"fr": "très stressé", "nl": "erg gestrest", "en": "very stressed"},
    "stress.panic": {"fr": "panique", "nl": "paniek", "en": "panicking"},
    "speaker.caller": {"fr": "{name}", "nl": "{name}", "en": "{name}"},
    "speaker.provider": {"fr": "Prestataire", "nl": "Hulpverlener", "en": "Provider"},
    "speaker.colleague": {"fr": "Collègue", "nl": "Collega", "en": "Colleague"},
    "speaker.medical": {"fr": "Équipe médicale", "nl": "Medisch team", "en": "Medical team"},
    "speaker.system": {"fr": "Système", "nl": "Systeem", "en": "System"},
    "you": {"fr": "Vous", "nl": "U", "en": "You"},
    "briefing": {"fr": "Briefing", "nl": "Briefing", "en": "Briefing"},
    "your_options": {"fr": "Que faites-vous ?", "nl": "Wat doet u?", "en": "What do you do?"},
    "prompt.choice": {"fr": "Votre choix (numéro, ? pour l'aide)", "nl": "Uw keuze (nummer, ? voor hulp)",
                      "en": "Your choice (number, ? for help)"},
    "prompt.free": {"fr": "Que dites-vous ? (? : les options)", "nl": "Wat zegt u? (? : de keuzes)",
                    "en": "What do you say? (? : the options)"},
    "free.pick": {"fr": "Vous voulez dire (1 ou 2, Entrée pour reformuler)", "nl": "Bedoelt u (1 of 2, Enter om het "
                  "anders te zeggen)", "en": "Did you mean (1 or 2, Enter to say it another way)"},
    "free.understood": {"fr": "Vous (compris)", "nl": "U (begrepen)", "en": "You (understood)"},
    "free.help": {"fr": "Tapez ce que vous diriez. /aide : les commandes.", "nl": "Typ wat u zou zeggen. /hulp : de "
                  "commando's.", "en": "Type what you would say. /help : the commands."},
    "free.count": {"fr": "Réponses libres : {free} sur {total}", "nl": "Vrije antwoorden: {free} van {total}",
                   "en": "Free answers: {free} of {total}"},
    # What a caller says who did not understand the agent, in the language the caller answers in.
    "unclear.caller": {"fr": "Pardon ? Je ne comprends pas ce que vous voulez dire.",
                       "nl": "Sorry? Ik begrijp niet goed wat u bedoelt.",
                       "en": "Sorry? I don't understand what you mean."},
    "prompt.field": {"fr": "Encodez « {field} »", "nl": "Vul “{field}” in", "en": "Enter “{field}”"},
    "prompt.provider": {"fr": "Choisissez un prestataire (numéro)", "nl": "Kies een hulpverlener (nummer)",
                        "en": "Choose a provider (number)"},
    "bad_choice": {"fr": "Tapez un numéro entre 1 et {n}, ou ? pour l'aide.",
                   "nl": "Typ een nummer van 1 tot {n}, of ? voor hulp.",
                   "en": "Type a number from 1 to {n}, or ? for help."},
    "help.intro": {"fr": "Tapez le numéro d'une option (ou flèches haut/bas puis Entrée). Commandes :",
                   "nl": "Typ het nummer van een optie (of pijltjes omhoog/omlaag en Enter). Commando's:",
                   "en": "Type an option's number (or arrow keys up/down, then Enter). Commands:"},
    "help.file": {"fr": "voir le dossier (champs encodés, notes)", "nl": "het dossier bekijken (ingevoerde velden, notities)",
                  "en": "see the case file (recorded fields, notes)"},
    "help.record": {"fr": "CHAMP VALEUR : encoder un champ du dossier", "nl": "VELD WAARDE: een veld van het dossier invoeren",
                    "en": "FIELD VALUE: record a field of the case file"},
    "help.providers": {"fr": "[TYPE] [capacité...] [ouvert] [km] : chercher dans l'annuaire des prestataires",
                       "nl": "[SOORT] [mogelijkheid...] [open] [km]: zoeken in de lijst van hulpverleners",
                       "en": "[KIND] [capability...] [open] [km]: search the provider directory"},
    "help.speak": {"fr": "fr|nl|en : la langue que vous parlez à l'appelant", "nl": "fr|nl|en: de taal die u tegen de beller spreekt",
                   "en": "fr|nl|en: the language you speak to the caller"},
    "help.note": {"fr": "TEXTE : ajouter une note au dossier", "nl": "TEKST: een notitie aan het dossier toevoegen",
                  "en": "TEXT: add a note to the case file"},
    "help.switch": {"fr": "DOSSIER : passer à un autre appel", "nl": "DOSSIER: naar een andere oproep gaan",
                    "en": "CASE: switch to another call"},
    "help.quit": {"fr": "sauver et quitter (reprendre avec plateau resume)", "nl": "bewaren en stoppen (hervatten met plateau resume)",
                  "en": "save and quit (resume with plateau resume)"},
    "status.practice": {"fr": "Entraînement · ? aide · /quitter", "nl": "Oefenen · ? hulp · /stoppen", "en": "Practice · ? help · /quit"},
    "status.timed": {"fr": "Chrono · ? aide · /quitter", "nl": "Tijdslimiet · ? hulp · /stoppen", "en": "Timed · ? help · /quit"},
    "err.no_trainee": {"fr": "pas de nom, pas d'appel : chaque appel est gardé au nom de son stagiaire. "
                             "Relancez la commande et tapez votre nom (ou ajoutez --trainee NOM).",
                       "nl": "geen naam, geen oproep: elke oproep wordt bewaard op naam van de cursist. "
                             "Start de opdracht opnieuw en typ uw naam (of voeg --trainee NAAM toe).",
                       "en": "no name, no call: every call is kept under its trainee's name. "
                             "Run the command again and type your name (or add --trainee NAME)."},
    "ask.trainee": {"fr": "Votre nom (gardé avec vos appels pour votre formateur) :",
                    "nl": "Uw naam (bewaard bij uw oproepen voor uw opleider):",
                    "en": "Your name (kept with your calls for your instructor):"},
    "playing_as": {"fr": "Appel enregistré au nom de {name} (un autre nom : --trainee NOM).",
                   "nl": "Oproep bewaard op naam van {name} (een andere naam: --trainee NAAM).",
                   "en": "Call saved under the name {name} (another name: --trainee NAME)."},
    "ask.replay": {"fr": "[r] rejouer cet appel · [m] voir l'appel modèle · Entrée pour terminer",
                   "nl": "[r] deze oproep opnieuw spelen · [m] de modeloproep bekijken · Enter om te stoppen",
                   "en": "[r] replay this call · [m] see the model call · Enter to finish"},
    "model.title": {"fr": "L'appel modèle", "nl": "De modeloproep", "en": "The model call"},
    "resumed": {"fr": "Reprise de l'appel ({turns} actions déjà faites).", "nl": "Oproep hervat ({turns} acties al gedaan).",
                "en": "Call resumed ({turns} actions already done)."},
    # display order
    "order.file_order": {"fr": "Cet appel a été commencé avant que les options ne soient mélangées : elles restent "
                               "dans l'ordre du fichier, avec les numéros que vous aviez.",
                         "nl": "Deze oproep is gestart voordat de opties door elkaar werden gezet: ze staan in de "
                               "volgorde van het bestand, met dezelfde nummers als voordien.",
                         "en": "This call was started before options were shuffled: they stay in the file's order, "
                               "with the numbers you had."},
    "ringing.badge": {"fr": "sonne", "nl": "rinkelt", "en": "ringing"},
    "file.title": {"fr": "Dossier {ref}", "nl": "Dossier {ref}", "en": "Case file {ref}"},
    "file.empty": {"fr": "(vide)", "nl": "(leeg)", "en": "(empty)"},
    "file.field": {"fr": "Champ", "nl": "Veld", "en": "Field"},
    "file.value": {"fr": "Encodé", "nl": "Ingevoerd", "en": "Recorded"},
    "file.known": {"fr": "Donné par l'appelant", "nl": "Gegeven door de beller", "en": "Given by the caller"},
    "file.unknown_field": {"fr": "Champ inconnu. Champs : {fields}", "nl": "Onbekend veld. Velden: {fields}",
                           "en": "Unknown field. Fields: {fields}"},
    "providers.title": {"fr": "Prestataires ({kind})", "nl": "Hulpverleners ({kind})", "en": "Providers ({kind})"},
    "providers.name": {"fr": "Nom", "nl": "Naam", "en": "Name"},
    "providers.place": {"fr": "Lieu", "nl": "Plaats", "en": "Place"},
    "providers.km": {"fr": "km", "nl": "km", "en": "km"},
    "providers.eta": {"fr": "Arrivée", "nl": "Aankomst", "en": "ETA"},
    "providers.open": {"fr": "Ouvert", "nl": "Open", "en": "Open"},
    "providers.capabilities": {"fr": "Capacités", "nl": "Mogelijkheden", "en": "Capabilities"},
    "providers.partner": {"fr": "Partenaire", "nl": "Partner", "en": "Partner"},
    "providers.cost": {"fr": "Coût", "nl": "Kosten", "en": "Cost"},
    "providers.heading": {"fr": "Annuaire : {kind}, les plus proches d'abord ({n} sur {total})",
                          "nl": "Gids: {kind}, de dichtstbijzijnde eerst ({n} van {total})",
                          "en": "Directory: {kind}, nearest first ({n} of {total})"},
    "providers.all_have": {"fr": "tous : {capabilities}", "nl": "allemaal: {capabilities}", "en": "all: {capabilities}"},
    "providers.legend": {"fr": "★ partenaire · distance, arrivée, coût · ce qui le distingue",
                         "nl": "★ partner · afstand, aankomst, kosten · wat hem onderscheidt",
                         "en": "★ partner · distance, arrival, cost · what sets it apart"},
    "providers.closed": {"fr": "fermé", "nl": "gesloten", "en": "closed"},
    "providers.no_partner": {"fr": "pas partenaire", "nl": "geen partner", "en": "not a partner"},
    "last_words": {"fr": "Pour rappel :", "nl": "Ter herinnering:", "en": "To recall:"},
    "header.plain": {"fr": "En ligne : {caller}, dossier {ref}, {time}. Stress : {stress} sur 100, {words}.",
                     "nl": "Aan de lijn: {caller}, dossier {ref}, {time}. Stress: {stress} op 100, {words}.",
                     "en": "On the line: {caller}, case {ref}, {time}. Stress: {stress} out of 100, {words}."},
    "header.on_hold": {"fr": "En attente : {caller}, {ref}{situation}, depuis {waited}, {words}",
                       "nl": "In de wacht: {caller}, {ref}{situation}, sinds {waited}, {words}",
                       "en": "On hold: {caller}, {ref}{situation}, for {waited}, {words}"},
    "header.ringing": {"fr": "Sonne : {ref}, depuis {waited}", "nl": "Rinkelt: {ref}, sinds {waited}",
                       "en": "Ringing: {ref}, for {waited}"},
    "calls_open": {"fr": "Encore {n} appel(s) en cours : la permanence continue.",
                   "nl": "Nog {n} oproep(en) bezig: de dienst gaat door.",
                   "en": "{n} call(s) still open: the shift goes on."},
    "timed.title": {"fr": "Temps par décision", "nl": "Tijd per beslissing", "en": "Time per decision"},
    "timed.line": {"fr": "  Décision {n} : {took} s sur {limit} s", "nl": "  Beslissing {n}: {took} s van {limit} s",
                   "en": "  Decision {n}: {took} s of {limit} s"},
    "timed.ran_out": {"fr": " (temps écoulé)", "nl": " (tijd om)", "en": " (time ran out)"},
    "providers.none": {"fr": "Aucun prestataire ne correspond à cette recherche.",
                       "nl": "Geen enkele hulpverlener voldoet aan deze zoekopdracht.",
                       "en": "No provider matches this search."},
    "providers.more": {"fr": "… et {n} autres, plus loin : ajoutez « {all} » pour les voir tous.",
                       "nl": "… en nog {n}, verder weg: voeg “{all}” toe om ze allemaal te zien.",
                       "en": "… and {n} more, further away: add “{all}” to see them all."},
    "providers.all": {"fr": "tout", "nl": "alle", "en": "all"},
    "providers.unknown_word": {"fr": "« {word} » n'est ni un type de prestataire ni une capacité. Types : {kinds}. "
                                     "Capacités : {capabilities}.",
                               "nl": "“{word}” is geen soort hulpverlener en geen mogelijkheid. Soorten: {kinds}. "
                                     "Mogelijkheden: {capabilities}.",
                               "en": "“{word}” is neither a kind of provider nor a capability. Kinds: {kinds}. "
                                     "Capabilities: {capabilities}."},
    "providers.cost_value": {"fr": "{cost}\u00a0€", "nl": "€\u00a0{cost}", "en": "€{cost}"},  # a no-break space
    "switch.unknown": {"fr": "Il n'y a pas d'appel « {ref} ». Appels : {refs}.", "nl": "Er is geen oproep “{ref}”. Oproepen: {refs}.",
                       "en": "There is no call “{ref}”. Calls: {refs}."},
    "speak.unknown": {"fr": "Langues possibles : fr, nl, en (par exemple : /langue nl).",
                      "nl": "Mogelijke talen: fr, nl, en (bijvoorbeeld: /taal fr).",
                      "en": "Possible languages: fr, nl, en (for example: /speak nl)."},
    "record.no_value": {"fr": "Donnez aussi la valeur : {command} {field} VALEUR", "nl": "Geef ook de waarde: {command} {field} WAARDE",
                        "en": "Give the value too: {command} {field} VALUE"},
    "note.empty": {"fr": "Écrivez la note après la commande : {command} TEXTE", "nl": "Schrijf de notitie na het commando: {command} TEKST",
                   "en": "Write the note after the command: {command} TEXT"},
    "score.unfinished": {"fr": "Cet appel a été interrompu avant sa fin ({turns} actions) : le score ne compte que ce qui a été fait. "
                               "Reprenez-le avec plateau resume.",
                         "nl": "Deze oproep werd onderbroken voor het einde ({turns} acties): de score telt alleen wat gedaan is. "
                               "Hervat hem met plateau resume.",
                         "en": "This call was stopped before its end ({turns} actions): the score counts only what was done. "
                               "Resume it with plateau resume."},
    # --- errors a trainee meets (shown after "plateau:")
    "err.prefix": {"fr": "plateau : ", "nl": "plateau: ", "en": "plateau: "},
    "err.no_bundled": {"fr": "aucun scénario fourni n'a été trouvé (dans {path}) : l'installation est incomplète. "
                             "Réinstallez Plateau (pip install .).",
                       "nl": "er zijn geen meegeleverde scenario's gevonden (in {path}): de installatie is onvolledig. "
                             "Installeer Plateau opnieuw (pip install .).",
                       "en": "no bundled scenario was found (in {path}): the installation is incomplete. "
                             "Reinstall Plateau (pip install .)."},
    "err.no_scenario": {"fr": "il n'y a pas de scénario « {name} ». {guess}Scénarios fournis : {ids} (voir plateau list).",
                        "nl": "er is geen scenario “{name}”. {guess}Meegeleverde scenario's: {ids} (zie plateau list).",
                        "en": "there is no scenario '{name}'. {guess}Bundled scenarios: {ids} (see 'plateau list')."},
    "err.did_you_mean": {"fr": "Vouliez-vous dire « {name} » ? ", "nl": "Bedoelde u “{name}”? ", "en": "Did you mean '{name}'? "},
    "err.no_scenario_file": {"fr": "il n'y a pas de fichier de scénario « {name} ».",
                             "nl": "er is geen scenariobestand “{name}”.",
                             "en": "there is no scenario file '{name}'."},
    "err.no_session": {"fr": "il n'y a pas d'appel enregistré « {name} ». Voir plateau sessions.",
                       "nl": "er is geen bewaarde oproep “{name}”. Zie plateau sessions.",
                       "en": "there is no saved session '{name}'. See 'plateau sessions'."},
    "err.no_unfinished": {"fr": "il n'y a pas d'appel interrompu à reprendre. Commencez-en un avec : plateau play SCÉNARIO",
                          "nl": "er is geen onderbroken oproep om te hervatten. Begin er een met: plateau play SCENARIO",
                          "en": "there is no unfinished session to resume. Start one with 'plateau play SCENARIO'."},
    "err.recorded_finished": {
        "fr": "l'appel {session} s'est terminé le {ended} et son résultat est enregistré : il ne peut pas être "
              "rejoué. Son débriefing : plateau score {session}",
        "nl": "de oproep {session} is afgelopen op {ended} en het resultaat is bewaard: hij kan niet opnieuw "
              "gespeeld worden. De debriefing: plateau score {session}",
        "en": "the call {session} ended on {ended} and its result is recorded: it cannot be played again. "
              "Its debrief: plateau score {session}"},
    "err.edited": {"fr": "{path} a été modifié après son enregistrement : l'appel ne peut pas être repris.",
                   "nl": "{path} werd gewijzigd na de opname: de oproep kan niet hervat worden.",
                   "en": "{path} was edited after it was recorded; the call cannot be resumed."},
    "err.transcript_exists": {
        "fr": "le fichier {path} existe déjà : Plateau n'écrase jamais un appel. Choisissez un autre nom avec "
              "--transcript, ou laissez Plateau le nommer.",
        "nl": "het bestand {path} bestaat al: Plateau overschrijft nooit een oproep. Kies een andere naam met "
              "--transcript, of laat Plateau hem een naam geven.",
        "en": "the file {path} already exists: Plateau never overwrites a call. Choose another name with "
              "--transcript, or let Plateau name it."},
    "ended_already": {"fr": "L'appel {session} est déjà terminé. Son débriefing : plateau score {session}",
                      "nl": "De oproep {session} is al afgelopen. De debriefing: plateau score {session}",
                      "en": "The call {session} is already over. Its debrief: plateau score {session}"},
    # An action refused because the call waits for something else first.
    "refused.awaiting_input": {"fr": "Pas maintenant : tapez d'abord la valeur demandée.",
                               "nl": "Nu niet: typ eerst de gevraagde waarde in.",
                               "en": "Not now: type the value asked for first."},
    "refused.awaiting_provider": {"fr": "Pas maintenant : choisissez d'abord un prestataire dans la liste.",
                                  "nl": "Nu niet: kies eerst een hulpverlener uit de lijst.",
                                  "en": "Not now: choose a provider from the list first."},
    "refused.awaiting_choice": {"fr": "Pas maintenant : répondez d'abord à l'appelant.",
                                "nl": "Nu niet: antwoord eerst de beller.",
                                "en": "Not now: answer the caller first."},
    "refused.ended": {"fr": "L'appel est terminé.", "nl": "De oproep is afgelopen.", "en": "The call is over."},
    "refused.ready": {"fr": "L'appel n'a pas encore commencé.", "nl": "De oproep is nog niet begonnen.",
                      "en": "The call has not started yet."},
    "refused.other": {"fr": "Ce n'est pas possible à ce moment de l'appel.",
                      "nl": "Dat kan niet op dit moment van de oproep.",
                      "en": "That cannot be done at this point of the call."},
    "err.busy": {"fr": "l'appel {path} est ouvert dans une autre fenêtre de Plateau. Continuez-le là-bas, "
                       "ou fermez cette fenêtre et réessayez.",
                 "nl": "de oproep {path} is open in een ander Plateau-venster. Ga daar verder, "
                       "of sluit dat venster en probeer opnieuw.",
                 "en": "the call {path} is open in another Plateau window. Go on with it there, "
                       "or close that window and try again."},
    "err.cannot_write": {"fr": "impossible d'écrire {path} : {reason}. Vérifiez que le dossier existe et que vous pouvez y écrire.",
                         "nl": "kan {path} niet schrijven: {reason}. Controleer of de map bestaat en of u erin mag schrijven.",
                         "en": "cannot write {path}: {reason}. Check that the folder exists and that you may write in it."},
    "err.crash": {"fr": "un problème est survenu dans Plateau (une erreur du programme, pas de ce que vous avez fait). "
                        "Les appels sont enregistrés après chaque action : plateau resume reprend le vôtre.",
                  "nl": "er ging iets mis in Plateau (een fout van het programma, niet van wat u deed). "
                        "Oproepen worden na elke actie bewaard: plateau resume gaat verder met de uwe.",
                  "en": "something went wrong inside Plateau (a fault of the program, not of what you did). "
                        "Calls are saved after every action: 'plateau resume' continues yours."},
    "err.crash_log": {"fr": " Détails pour les développeurs : {path}", "nl": " Details voor de ontwikkelaars: {path}",
                      "en": " Details for the developers: {path}"},
    # --- plateau list and plateau sessions
    "col.id": {"fr": "id", "nl": "id", "en": "id"},
    "col.title": {"fr": "Titre", "nl": "Titel", "en": "Title"},
    "col.difficulty": {"fr": "Niveau", "nl": "Niveau", "en": "Level"},
    "col.minutes": {"fr": "Min.", "nl": "Min.", "en": "Min."},
    "col.languages": {"fr": "Langues", "nl": "Talen", "en": "Languages"},
    "col.scenario": {"fr": "Scénario", "nl": "Scenario", "en": "Scenario"},
    "col.trainee": {"fr": "Stagiaire", "nl": "Cursist", "en": "Trainee"},
    "col.started": {"fr": "Début", "nl": "Begin", "en": "Started"},
    "col.actions": {"fr": "Actions", "nl": "Acties", "en": "Actions"},
    "col.state": {"fr": "État", "nl": "Stand", "en": "State"},
    "state.unfinished": {"fr": "interrompu", "nl": "onderbroken", "en": "unfinished"},
    "timed_out": {"fr": "Temps écoulé : l'appelant n'a rien entendu.", "nl": "De tijd is om: de beller hoorde niets.",
                  "en": "Time's up: the caller heard nothing."},
    "yes": {"fr": "oui", "nl": "ja", "en": "yes"},
    "no": {"fr": "non", "nl": "nee", "en": "no"},
    "min": {"fr": "{n} min", "nl": "{n} min", "en": "{n} min"},
    "dispatched": {"fr": "Mandaté : {name}, arrivée estimée dans {eta} min ({km} km).",
                   "nl": "Ingeschakeld: {name}, verwachte aankomst binnen {eta} min ({km} km).",
                   "en": "Dispatched: {name}, expected in {eta} min ({km} km)."},
    "booked": {"fr": "Réservé : {name}.", "nl": "Geboekt: {name}.", "en": "Booked: {name}."},
    "recorded": {"fr": "Encodé : {field} = {value}", "nl": "Ingevoerd: {field} = {value}", "en": "Recorded: {field} = {value}"},
    "acted.call_112": {"fr": "Vous appelez le 112.", "nl": "U belt 112.", "en": "You call 112."},
    "acted.transfer": {"fr": "Transfert : {to}.", "nl": "Doorverbonden: {to}.", "en": "Transferred: {to}."},
    "transfer.medical": {"fr": "l'équipe médicale", "nl": "het medisch team", "en": "the medical team"},
    "transfer.police": {"fr": "la police", "nl": "de politie", "en": "the police"},
    "transfer.colleague": {"fr": "un collègue", "nl": "een collega", "en": "a colleague"},
    "acted.call_provider": {"fr": "Vous rappelez le prestataire.", "nl": "U belt de hulpverlener terug.",
                            "en": "You call the provider back."},
    "withheld": {"fr": "Trop stressé, l'appelant reste vague ({fact}).", "nl": "Te gestrest: de beller blijft vaag ({fact}).",
                 "en": "Too stressed, the caller stays vague ({fact})."},
    "revealed": {"fr": "Noté : {fact}", "nl": "Genoteerd: {fact}", "en": "Noted: {fact}"},
    "silence": {"fr": "(silence)", "nl": "(stilte)", "en": "(silence)"},
    "silence.default": {"fr": "Allô ? Vous êtes toujours là ?", "nl": "Hallo? Bent u daar nog?", "en": "Hello? Are you still there?"},
    "hung_up": {"fr": "L'appelant a raccroché.", "nl": "De beller heeft ingehaakt.", "en": "The caller hung up."},
    "ringing": {"fr": "Un autre appel sonne : {ref}.", "nl": "Er belt nog iemand: {ref}.", "en": "Another call is ringing: {ref}."},
    "switched": {"fr": "Vous passez à l'appel {ref}.", "nl": "U neemt oproep {ref}.", "en": "You take call {ref}."},
    "speaking": {"fr": "Vous parlez maintenant {language}.", "nl": "U spreekt nu {language}.", "en": "You now speak {language}."},
    "lang.fr": {"fr": "français", "nl": "Frans", "en": "French"},
    "lang.nl": {"fr": "néerlandais", "nl": "Nederlands", "en": "Dutch"},
    "lang.en": {"fr": "anglais", "nl": "Engels", "en": "English"},
    "note.saved": {"fr": "Note ajoutée.", "nl": "Notitie toegevoegd.", "en": "Note added."},
    "case_ended": {"fr": "Fin de l'appel : {title}", "nl": "Einde van de oproep: {title}", "en": "Call over: {title}"},
    "saved_at": {"fr": "Appel enregistré : {path}", "nl": "Oproep bewaard: {path}", "en": "Call saved: {path}"},
    "resume_hint": {"fr": "Reprenez-le avec : plateau resume", "nl": "Hervat met: plateau resume",
                    "en": "Resume it with: plateau resume"},
    "quit.confirm": {"fr": "Sauver et quitter ? [O/n]", "nl": "Bewaren en stoppen? [J/n]", "en": "Save and quit? [Y/n]"},
    "answers.short": {"fr": "Le fichier de réponses s'arrête avant la fin de l'appel.",
                      "nl": "Het antwoordenbestand stopt voor het einde van de oproep.",
                      "en": "The answers file ends before the call does."},
    "answers.next_choice": {"fr": "Options possibles ensuite : {ids}.", "nl": "Mogelijke opties hierna: {ids}.",
                            "en": "Options possible next: {ids}."},
    "answers.next_input": {"fr": "Ensuite, Plateau attend une valeur pour « {field} ».",
                           "nl": "Daarna wacht Plateau op een waarde voor “{field}”.",
                           "en": "Next, Plateau waits for a value for '{field}'."},
    "answers.next_provider": {"fr": "Ensuite, Plateau attend un prestataire ({kind}).",
                              "nl": "Daarna wacht Plateau op een hulpverlener ({kind}).",
                              "en": "Next, Plateau waits for a provider ({kind})."},
    "ending": {"fr": "Issue", "nl": "Afloop", "en": "Outcome"},
    "outcome.resolved": {"fr": "résolu", "nl": "opgelost", "en": "resolved"},
    "outcome.escalated": {"fr": "escaladé", "nl": "geëscaleerd", "en": "escalated"},
    "outcome.hung_up": {"fr": "l'appelant a raccroché", "nl": "beller ingehaakt", "en": "caller hung up"},
    "outcome.unsafe": {"fr": "dangereux", "nl": "onveilig", "en": "unsafe"},
    "outcome.failed": {"fr": "échec", "nl": "mislukt", "en": "failed"},
    # --- scoring evidence and the debrief
    "tone.reassuring": {"fr": "rassurant", "nl": "geruststellend", "en": "reassuring"},
    "tone.empathetic": {"fr": "empathique", "nl": "empathisch", "en": "empathetic"},
    "tone.neutral": {"fr": "neutre", "nl": "neutraal", "en": "neutral"},
    "tone.curt": {"fr": "sec", "nl": "kortaf", "en": "curt"},
    "tone.alarming": {"fr": "alarmant", "nl": "alarmerend", "en": "alarming"},
    "ev.stress_trajectory": {"fr": "Stress de l'appelant : {start} au début, {peak} au plus haut, {end} à la fin.",
                             "nl": "Stress van de beller: {start} bij het begin, {peak} op het hoogste, {end} op het einde.",
                             "en": "Caller's stress: {start} at the start, {peak} at its peak, {end} at the end."},
    "ev.tone": {"fr": "Réponse sur un ton {tone} : « {text} »", "nl": "Een {tone} antwoord: “{text}”",
                "en": "Reply in a tone that is {tone}: “{text}”"},
    "ev.tone_expected": {"fr": "Un ton calme et rassurant, même quand on va vite.",
                         "nl": "Een kalme, geruststellende toon, ook als het snel moet gaan.",
                         "en": "A calm, reassuring tone, even when moving fast."},
    "ev.silence": {"fr": "Silence : l'appelant est resté sans réponse.", "nl": "Stilte: de beller kreeg geen antwoord.",
                   "en": "Silence: the caller got no answer."},
    "ev.silence_expected": {"fr": "Garder le contact : dire ce qu'on fait pendant qu'on cherche.",
                            "nl": "Contact houden: zeggen wat je doet terwijl je zoekt.",
                            "en": "Keep contact: say what you are doing while you look things up."},
    "ev.hung_up": {"fr": "{name} a raccroché.", "nl": "{name} heeft ingehaakt.", "en": "{name} hung up."},
    "ev.panic": {"fr": "{name} est passé(e) en panique pendant l'appel.", "nl": "{name} raakte in paniek tijdens het gesprek.",
                 "en": "{name} was pushed into panic during the call."},
    "ev.panic_expected": {"fr": "Faire baisser le stress avant de demander des détails précis.",
                          "nl": "Eerst de stress doen zakken, dan pas precieze details vragen.",
                          "en": "Bring the stress down before asking for precise details."},
    "ev.step_done": {"fr": "Étape faite : {step}.", "nl": "Stap gedaan: {step}.", "en": "Step done: {step}."},
    "ev.step_missed": {"fr": "Étape manquée : {step}.", "nl": "Stap overgeslagen: {step}.", "en": "Step missed: {step}."},
    "ev.step_expected": {"fr": "Le protocole demande : {step}.", "nl": "Het protocol vraagt: {step}.",
                         "en": "The protocol asks for: {step}."},
    "ev.step_broken": {"fr": "Contraire à l'étape « {step} » : « {text} »", "nl": "Tegen de stap « {step} »: « {text} »",
                       "en": "Against the step “{step}”: “{text}”"},
    "ev.step_late": {"fr": "{step} : fait à {at} min, attendu dans les {within} min.",
                     "nl": "{step}: gedaan na {at} min, verwacht binnen {within} min.",
                     "en": "{step}: done at {at} min, expected within {within} min."},
    "ev.step_order": {"fr": "{step} : fait après « {other} », alors qu'il vient avant.",
                      "nl": "{step}: gedaan na « {other} », terwijl het ervoor hoort.",
                      "en": "{step}: done after “{other}”, though it comes first."},
    "ev.no_provider": {"fr": "Aucun prestataire mandaté.", "nl": "Geen hulpverlener ingeschakeld.", "en": "No provider dispatched."},
    "ev.no_provider_expected": {"fr": "Mandater le prestataire le mieux placé.", "nl": "De best geplaatste hulpverlener inschakelen.",
                                "en": "Dispatch the best-placed provider."},
    "ev.provider_best": {"fr": "Le meilleur choix : {name}.", "nl": "De beste keuze: {name}.", "en": "The best choice: {name}."},
    "ev.provider_acceptable": {"fr": "Choix acceptable : {name}.", "nl": "Aanvaardbare keuze: {name}.", "en": "Acceptable choice: {name}."},
    "ev.provider_unsuitable": {"fr": "Choix inadapté : {name}.", "nl": "Ongeschikte keuze: {name}.", "en": "Unsuitable choice: {name}."},
    "ev.partner": {"fr": "partenaire", "nl": "partner", "en": "partner"},
    "ev.missing": {"fr": "sans {what}", "nl": "zonder {what}", "en": "no {what}"},
    "ev.closed": {"fr": "fermé à cette heure", "nl": "gesloten op dat uur", "en": "closed at that hour"},
    "ev.field_ok": {"fr": "{field} : « {value} » correct.", "nl": "{field}: « {value} » juist.", "en": "{field}: “{value}” correct."},
    "ev.field_missing": {"fr": "{field} : pas encodé.", "nl": "{field}: niet ingevoerd.", "en": "{field}: not recorded."},
    "ev.field_wrong": {"fr": "{field} : « {value} » ne correspond pas.", "nl": "{field}: « {value} » klopt niet.",
                       "en": "{field}: “{value}” does not match."},
    "ev.field_expected": {"fr": "{value}", "nl": "{value}", "en": "{value}"},
    "ev.time_ok": {"fr": "{step} à {at} min (objectif {target} min).", "nl": "{step} na {at} min (doel {target} min).",
                   "en": "{step} at {at} min (target {target} min)."},
    "ev.time_late": {"fr": "{step} à {at} min : trop tard (objectif {target} min).",
                     "nl": "{step} na {at} min: te laat (doel {target} min).",
                     "en": "{step} at {at} min: too late (target {target} min)."},
    "ev.time_never": {"fr": "{step} jamais fait (objectif {target} min).", "nl": "{step} nooit gedaan (doel {target} min).",
                      "en": "{step} never done (target {target} min)."},
    "ev.lang_ok": {"fr": "Appel mené en {language}, la langue de {name}.", "nl": "Gesprek gevoerd in het {language}, de taal van {name}.",
                   "en": "Call handled in {language}, {name}'s language."},
    "ev.lang_second": {"fr": "Appel mené en partie dans la seconde langue de {name}.",
                       "nl": "Gesprek deels gevoerd in de tweede taal van {name}.",
                       "en": "Call partly handled in {name}'s second language."},
    "ev.lang_wrong": {"fr": "{n} réponse(s) dans une langue que {name} ne parle pas.",
                      "nl": "{n} antwoord(en) in een taal die {name} niet spreekt.",
                      "en": "{n} answer(s) in a language {name} does not speak."},
    "ev.lang_expected": {"fr": "Passer au {language} dès le début (/langue).", "nl": "Vanaf het begin overschakelen naar het {language} (/taal).",
                         "en": "Switch to {language} from the start (/speak)."},
    # --- verdicts: deviations, order, the pass rule, languages of callers and providers
    "deviation.critical": {"fr": "critique", "nl": "kritiek", "en": "critical"},
    "deviation.major": {"fr": "majeur", "nl": "ernstig", "en": "major"},
    "deviation.moderate": {"fr": "modéré", "nl": "matig", "en": "moderate"},
    "deviation.minor": {"fr": "mineur", "nl": "licht", "en": "minor"},
    "ev.deviation": {"fr": "Écart {level} sur « {step} » : « {text} »", "nl": "Afwijking ({level}) op “{step}”: “{text}”",
                     "en": "A {level} deviation on “{step}”: “{text}”"},
    "ev.order": {"fr": "Écart {level} : « {then} » avant « {first} ».", "nl": "Afwijking ({level}): “{then}” vóór “{first}”.",
                 "en": "A {level} deviation: “{then}” before “{first}”."},
    "ev.order_expected": {"fr": "D'abord : {first}.", "nl": "Eerst: {first}.", "en": "First: {first}."},
    "ev.missed_chance": {"fr": "Au tour {turn} ({clock} min), vous pouviez : « {text} »",
                         "nl": "In beurt {turn} ({clock} min) kon u: “{text}”",
                         "en": "At turn {turn} ({clock} min) you could have said: “{text}”"},
    "ev.help_wait": {"fr": "Aide en route à {at} min, sur place vers {arrive} min (objectif : sur place en {target} min).",
                     "nl": "Hulp onderweg na {at} min, ter plaatse rond {arrive} min (doel: ter plaatse binnen {target} min).",
                     "en": "Help on its way at {at} min, on site around {arrive} min (target: on site within {target} min)."},
    "ev.help_never": {"fr": "Aucune aide envoyée (objectif : sur place en {target} min).",
                      "nl": "Geen hulp gestuurd (doel: ter plaatse binnen {target} min).",
                      "en": "No help sent (target: on site within {target} min)."},
    "ev.lang_weak": {"fr": "{n} réponse(s) en {language}, que {name} comprend mal.",
                     "nl": "{n} antwoord(en) in het {language}, dat {name} slecht begrijpt.",
                     "en": "{n} answer(s) in {language}, which {name} understands poorly."},
    "ev.lang_provider": {"fr": "{n} échange(s) avec {name} dans une autre langue que la sienne ({language}).",
                         "nl": "{n} gesprek(ken) met {name} in een andere taal dan de zijne ({language}).",
                         "en": "{n} exchange(s) with {name} in a language other than theirs ({language})."},
    "ev.lang_provider_expected": {"fr": "Parler au prestataire dans sa langue (/langue), puis revenir à celle de l'appelant.",
                                  "nl": "De hulpverlener in zijn taal aanspreken (/taal), daarna terug naar die van de beller.",
                                  "en": "Speak to the provider in their language (/speak), then switch back to the caller's."},
    "reason.critical": {"fr": "une faute critique", "nl": "een kritieke fout", "en": "a critical failure"},
    "reason.compliance": {"fr": "une conformité « {level} » (il faut au moins « {needed} »)",
                          "nl": "conformiteit “{level}” (minstens “{needed}” nodig)",
                          "en": "compliance “{level}” (at least “{needed}” is needed)"},
    "reason.minimum": {"fr": "{criterion} sous le minimum ({percent} pour {minimum} demandés)",
                       "nl": "{criterion} onder het minimum ({percent}, {minimum} vereist)",
                       "en": "{criterion} below its minimum ({percent}, {minimum} needed)"},
    "reason.pass_mark": {"fr": "un score sous la note de passage ({mark})", "nl": "een score onder de slaaggrens ({mark})",
                         "en": "a score under the pass mark ({mark})"},
    "reason.unfinished": {"fr": "un appel pas terminé", "nl": "een onafgewerkt gesprek", "en": "an unfinished call"},
    "debrief.why_failed": {"fr": "Non réussi à cause de", "nl": "Niet geslaagd wegens", "en": "Not passed because of"},
    "criterion.calm": {"fr": "Calme et empathie", "nl": "Kalmte en empathie", "en": "Calm and empathy"},
    "criterion.procedure": {"fr": "Procédure", "nl": "Procedure", "en": "Procedure"},
    "criterion.provider": {"fr": "Choix du prestataire", "nl": "Keuze van de hulpverlener", "en": "Provider choice"},
    "criterion.case_file": {"fr": "Dossier", "nl": "Dossier", "en": "Case file"},
    "criterion.timing": {"fr": "Délais", "nl": "Tijdigheid", "en": "Timing"},
    "criterion.language": {"fr": "Langue", "nl": "Taal", "en": "Language"},
    "compliance.high_compliance": {"fr": "Conformité élevée", "nl": "Hoge conformiteit", "en": "High compliance"},
    "compliance.compliant": {"fr": "Conforme", "nl": "Conform", "en": "Compliant"},
    "compliance.partial": {"fr": "Partiel", "nl": "Gedeeltelijk", "en": "Partial"},
    "compliance.low": {"fr": "Faible", "nl": "Laag", "en": "Low"},
    "compliance.non_compliant": {"fr": "Non conforme", "nl": "Niet conform", "en": "Non-compliant"},
    "debrief.title": {"fr": "Débriefing", "nl": "Debriefing", "en": "Debrief"},
    "debrief.overall": {"fr": "Score", "nl": "Score", "en": "Score"},
    "debrief.passed": {"fr": "RÉUSSI", "nl": "GESLAAGD", "en": "PASSED"},
    "debrief.failed": {"fr": "NON RÉUSSI", "nl": "NIET GESLAAGD", "en": "NOT PASSED"},
    "debrief.compliance": {"fr": "Conformité", "nl": "Conformiteit", "en": "Compliance"},
    "debrief.criterion": {"fr": "Critère", "nl": "Criterium", "en": "Criterion"},
    "debrief.points": {"fr": "Points", "nl": "Punten", "en": "Points"},
    "debrief.level": {"fr": "Niveau", "nl": "Niveau", "en": "Level"},
    "debrief.lost": {"fr": "Points perdus", "nl": "Verloren punten", "en": "Points lost"},
    "debrief.better": {"fr": "Mieux", "nl": "Beter", "en": "Better"},
    "debrief.expected": {"fr": "Attendu", "nl": "Verwacht", "en": "Expected"},
    "debrief.turn": {"fr": "tour", "nl": "beurt", "en": "turn"},
    "debrief.critical": {"fr": "Faute critique", "nl": "Kritieke fout", "en": "Critical failure"},
    "debrief.notes": {"fr": "Pourquoi c'est important", "nl": "Waarom het ertoe doet", "en": "Why it matters"},
    "debrief.trainee": {"fr": "Stagiaire", "nl": "Cursist", "en": "Trainee"},
    "debrief.ending": {"fr": "Issue", "nl": "Afloop", "en": "Outcome"},
    "debrief.na": {"fr": "n/a", "nl": "n.v.t.", "en": "n/a"},
    "debrief.your_notes": {"fr": "Vos notes", "nl": "Uw notities", "en": "Your notes"},
    "debrief.colon": {"fr": " :", "nl": ":", "en": ":"},
    "debrief.ranking": {"fr": "Classement", "nl": "Rangschikking", "en": "Ranking"},
    "debrief.evidence": {"fr": "Détail", "nl": "Detail", "en": "Details"},
}

COMMANDS: dict[str, dict[str, str]] = {
    "file": {"fr": "/dossier", "nl": "/dossier", "en": "/file"},
    "record": {"fr": "/encoder", "nl": "/invoeren", "en": "/record"},
    "providers": {"fr": "/prestataires", "nl": "/hulpverleners", "en": "/providers"},
    "speak": {"fr": "/langue", "nl": "/taal", "en": "/speak"},
    "note": {"fr": "/note", "nl": "/notitie", "en": "/note"},
    "switch": {"fr": "/appel", "nl": "/oproep", "en": "/call"},
    "quit": {"fr": "/quitter", "nl": "/stoppen", "en": "/quit"},
    "help": {"fr": "?", "nl": "?", "en": "?"},
}


def local_time(iso: str, lang: str) -> str:
    """An ISO moment (as transcripts keep it, in UTC) as a person reads it, in local time."""
    from datetime import datetime
    try:
        moment = datetime.fromisoformat(iso).astimezone()
    except (TypeError, ValueError):
        return str(iso or "")
    return moment.strftime("%Y-%m-%d %H:%M" if lang == "en" else "%d/%m/%Y %H:%M")


def num(value: float, lang: str) -> str:
    """A number as the language writes it: 24,4 in French and Dutch, 24.4 in English."""
    text = f"{value:.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return text.replace(".", ",") if lang in ("fr", "nl") else text


def t(key: str, lang: str, **values) -> str:
    """The interface text `key` in `lang`, with `{name}` placeholders filled in."""
    entry = STRINGS[key]
    return entry.get(lang, entry["en"]).format(**values)


# Other words a trainee types for a command.
ALIASES = {"/aide": "help", "/help": "help", "/hulp": "help", "/?": "help"}

# The kinds of provider, as the trainee reads and types them.
KINDS: dict[str, dict[str, str]] = {
    "tow": {"fr": "dépanneuse", "nl": "takeldienst", "en": "tow"},
    "garage": {"fr": "garage", "nl": "garage", "en": "garage"},
    "ambulance": {"fr": "ambulance", "nl": "ziekenwagen", "en": "ambulance"},
    "emergency": {"fr": "urgences", "nl": "spoeddienst", "en": "emergency"},
    "hospital": {"fr": "hôpital", "nl": "ziekenhuis", "en": "hospital"},
    "doctor": {"fr": "médecin", "nl": "arts", "en": "doctor"},
    "taxi": {"fr": "taxi", "nl": "taxi", "en": "taxi"},
    "hotel": {"fr": "hôtel", "nl": "hotel", "en": "hotel"},
    "consulate": {"fr": "ambassade", "nl": "ambassade", "en": "embassy"},
    "travel": {"fr": "voyage", "nl": "reisbureau", "en": "travel"},
    "funds": {"fr": "fonds", "nl": "geld", "en": "funds"},
}
# Other words typed for a kind (plural forms, the English word in French...).
KIND_ALIASES = {"dépanneur": "tow", "depanneuse": "tow", "dépanneuses": "tow", "takelwagen": "tow", "sleepdienst": "tow",
                "hopital": "hospital", "hôtels": "hotel", "médecins": "doctor", "medecin": "doctor", "dokter": "doctor",
                "embassy": "consulate", "consulat": "consulate", "consulaat": "consulate", "argent": "funds"}

# The capabilities providers most often list, in the trainee's words; others show their id.
CAPABILITIES: dict[str, dict[str, str]] = {
    "flatbed": {"fr": "plateau", "nl": "laadbak", "en": "flatbed"},
    "tyre": {"fr": "pneus", "nl": "banden", "en": "tyres"},
    "battery": {"fr": "batterie", "nl": "batterij", "en": "battery"},
    "english": {"fr": "anglais", "nl": "Engels", "en": "English"},
    "dutch": {"fr": "néerlandais", "nl": "Nederlands", "en": "Dutch"},
    "night": {"fr": "nuit", "nl": "nacht", "en": "night"},
    "motorway": {"fr": "autoroute", "nl": "autosnelweg", "en": "motorway"},
    "4x4": {"fr": "4x4", "nl": "4x4", "en": "4x4"},
    "offroad": {"fr": "tout-terrain", "nl": "terreinwagen", "en": "off-road"},
    "heavy": {"fr": "poids lourd", "nl": "zwaar", "en": "heavy"},
    "paediatric": {"fr": "pédiatrie", "nl": "kinderen", "en": "paediatric"},
    "wheelchair": {"fr": "chaise roulante", "nl": "rolstoel", "en": "wheelchair"},
    "child_seat": {"fr": "siège enfant", "nl": "kinderzitje", "en": "child seat"},
    "repair": {"fr": "réparation", "nl": "herstelling", "en": "repair"},
    "diagnostics": {"fr": "diagnostic", "nl": "diagnose", "en": "diagnostics"},
    "electric": {"fr": "électrique", "nl": "elektrisch", "en": "electric"},
    "adrenaline": {"fr": "adrénaline", "nl": "adrenaline", "en": "adrenaline"},
    "allergy": {"fr": "allergie", "nl": "allergie", "en": "allergy"},
    "stretcher": {"fr": "civière", "nl": "brancard", "en": "stretcher"},
    "oxygen": {"fr": "oxygène", "nl": "zuurstof", "en": "oxygen"},
    "passengers": {"fr": "passagers", "nl": "passagiers", "en": "passengers"},
    "rebooking": {"fr": "changement de réservation", "nl": "omboeken", "en": "rebooking"},
    "flights": {"fr": "vols", "nl": "vluchten", "en": "flights"},
    "late_checkin": {"fr": "arrivée tardive", "nl": "late check-in", "en": "late check-in"},
    "estate": {"fr": "break", "nl": "break", "en": "estate car"},
    "emergency": {"fr": "urgence", "nl": "spoed", "en": "emergency"},
    "accessible": {"fr": "accessible", "nl": "toegankelijk", "en": "accessible"},
    "parking": {"fr": "parking", "nl": "parking", "en": "parking"},
    "fit_to_fly": {"fr": "aptitude au vol", "nl": "vliegattest", "en": "fit to fly"},
    "family_contact": {"fr": "contact famille", "nl": "contact familie", "en": "family contact"},
    "direct_billing": {"fr": "facturation directe", "nl": "rechtstreekse facturatie", "en": "direct billing"},
    "courtesy_car": {"fr": "véhicule de remplacement", "nl": "vervangwagen", "en": "courtesy car"},
    "consular_help": {"fr": "aide consulaire", "nl": "consulaire hulp", "en": "consular help"},
    "cash_advance": {"fr": "avance de fonds", "nl": "voorschot", "en": "cash advance"},
    "budget": {"fr": "petit budget", "nl": "budget", "en": "budget"},
    "airport_shuttle": {"fr": "navette aéroport", "nl": "luchthavenshuttle", "en": "airport shuttle"},
}


def kind_label(kind: str, lang: str) -> str:
    return KINDS.get(kind, {}).get(lang, kind)


def capability_label(capability: str, lang: str) -> str:
    return CAPABILITIES.get(capability, {}).get(lang, capability.replace("_", " "))


def kind_of(word: str) -> str | None:
    """The kind of provider a typed word names, in any language (`dépanneuse`, `tow` -> "tow")."""
    word = word.lower()
    if word in KINDS:
        return word
    return KIND_ALIASES.get(word) or next((k for k, names in KINDS.items() if word in (n.lower() for n in names.values())), None)


def capability_of(word: str) -> str | None:
    """The capability a typed word names, in any language (`pneus`, `tyre` -> "tyre")."""
    word = word.lower()
    if word in CAPABILITIES:
        return word
    return next((c for c, names in CAPABILITIES.items() if word in (n.lower() for n in names.values())), None)


def command_of(word: str) -> str | None:
    """The command a typed word names, in any language (`/dossier`, `/file` -> "file")."""
    word = word.lower()
    for command, names in COMMANDS.items():
        if word in names.values():
            return command
    return ALIASES.get(word)


_chosen: str | None = None  # the --lang of the running command, for messages raised deep inside it


def choose_lang(lang: str | None) -> None:
    """Remember the command's --lang, so that errors raised anywhere speak it."""
    global _chosen
    _chosen = lang if lang in LANGS else None


def detect_lang(explicit: str | None = None) -> str:
    """--lang, else the locale (PLATEAU_LANG, LC_ALL, LC_MESSAGES, LANG), else English."""
    if explicit in LANGS:
        return explicit
    if _chosen is not None:
        return _chosen
    candidates = [os.environ.get(k, "") for k in ("PLATEAU_LANG", "LC_ALL", "LC_MESSAGES", "LANG")]
    try:
        candidates.append(locale.getlocale()[0] or "")
    except ValueError:
        pass
    for value in candidates:
        code = value[:2].lower()
        if code in LANGS:
            return code
    return "en"
