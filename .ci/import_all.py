"""Prove that requirements.txt alone is enough for production (run by .ci/run in a fresh virtualenv).

1. Every third-party package that the apps import by name is pinned in requirements.txt itself,
   not merely pulled in by another pin (fontTools arrived only through WeasyPrint, and pypdf was
   pinned only for development, so a README deployment could not make certificates).
2. After django.setup(), every module of the apps (migrations and management commands included)
   and every module that the settings name as a string (hashers, storages, the database driver)
   imports cleanly.

    python .ci/import_all.py        # exit status 1 and a list of what is missing
"""

import ast
import importlib
import importlib.metadata
import os
import pkgutil
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = [name for name in ("award", "submissions", "scoring", "reports", "demo") if (ROOT / name).is_dir()]
# Named in settings as strings, so no `import` statement shows them; production needs them all.
NAMED_IN_SETTINGS = ["argon2", "psycopg", "storages.backends.s3", "boto3", "gunicorn", "whitenoise.storage"]


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned_distributions() -> set[str]:
    names = set()
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(_normalise(re.split(r"[\[=<>!~; ]", line, maxsplit=1)[0]))
    return names


def imported_top_level_names() -> dict[str, str]:
    """Top-level module name -> the first file that imports it, over every app's source."""
    found: dict[str, str] = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def unpinned_imports() -> list[str]:
    pinned = pinned_distributions()
    owners = importlib.metadata.packages_distributions()
    problems = []
    for module, where in sorted(imported_top_level_names().items()):
        if module in sys.stdlib_module_names or module in APPS:
            continue
        distributions = owners.get(module)
        if not distributions:
            problems.append(f"{module} (imported in {where}) is not installed")
        elif not {_normalise(d) for d in distributions} & pinned:
            problems.append(f"{module} (imported in {where}) comes from {', '.join(distributions)}, not pinned")
    return problems


def import_failures() -> tuple[int, list[str]]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "award.settings")
    sys.path.insert(0, str(ROOT))
    import django

    try:
        django.setup()  # the apps' ready() already imports a good part of them
    except Exception as error:  # noqa: BLE001 (reported like any other import failure)
        return 0, [f"django.setup(): {type(error).__name__}: {error}"]
    modules = list(NAMED_IN_SETTINGS)
    for app in APPS:
        package = importlib.import_module(app)
        modules.append(app)
        modules += [info.name for info in pkgutil.walk_packages(package.__path__, prefix=app + ".")]
    failures = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001 (every failure is reported, then the run fails)
            failures.append(f"{name}: {type(error).__name__}: {error}")
    return len(modules), failures


def main() -> int:
    problems = unpinned_imports()
    count, failures = import_failures()
    for line in problems + failures:
        print(line)
    print(f"{count} modules imported, {len(failures)} failed; {len(problems)} imports not pinned in requirements.txt")
    return 1 if problems or failures else 0


if __name__ == "__main__":
    sys.exit(main())
