"""The criteria a rubric can weigh, in the order every debrief, table and report shows them. Scoring has one
function for each (simulator/scoring_criteria.py), so a rubric names no other; the rubric schema lists the same.
A light module: the desk reads it without loading the model or the scoring."""

CRITERIA = ("calm", "procedure", "provider", "case_file", "timing", "language")
