#!/usr/bin/env python
"""manage.py of the minimal django-helpdesk project (run with bench/peer/.venv-helpdesk/bin/python)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdproject.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
