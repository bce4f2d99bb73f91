"""The `integrationsatlas` console script: Django's manage.py, with the project's settings built in.

Command names may be written with hyphens (`load-regions`); they map to the
management command of the same name with underscores (`load_regions`).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integrationsatlas.settings")
    args = list(sys.argv if argv is None else argv)
    args[0] = "integrationsatlas"
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
