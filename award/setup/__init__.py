"""Setting an edition up in the app, step by step, without the Django admin (issue 16, item 1).

readiness.py  the checklist: what is still missing before the call can open
services.py   one service per step, each audited; opening the call refuses while anything blocks
forms.py      the steps' forms (dates in the edition's time zone, texts in every language)
views.py      one small page per step with "Save and continue"
"""
