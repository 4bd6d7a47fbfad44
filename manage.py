#!/usr/bin/env python
"""Django's manage.py for developers; `wennuan manage` does the same once installed."""

import sys

from wennuan.cli import main

if __name__ == "__main__":
    sys.exit(main(["manage", *sys.argv[1:]]))
