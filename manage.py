#!/usr/bin/env python
"""Django's command-line utility; the same as the `integrationsatlas` console script."""

from integrationsatlas.cli import main

if __name__ == "__main__":
    main()
