from award.home import Panel
from award.rules import judges_any, organises_any
from submissions.selectors import editions_open_for_submission, projects_owned_by


def applicant_panel(request) -> Panel | None:
    user = request.user
    if not user.is_authenticated:
        return None
    projects = list(projects_owned_by(user))
    if not projects and (organises_any(user) or judges_any(user)):
        return None
    return Panel(
        "submissions/home_panel.html",
        {"projects": projects, "open_editions": list(editions_open_for_submission())},
    )
