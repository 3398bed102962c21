from award.home import Panel
from award.rules import judges_any, organises_any
from submissions.selectors import projects_owned_by


def applicant_panel(request) -> Panel | None:
    user = request.user
    if not user.is_authenticated:
        return None
    projects = list(projects_owned_by(user))
    if not projects and (organises_any(user) or judges_any(user)):
        return None
    return Panel("submissions/home_panel.html", {"projects": projects})
