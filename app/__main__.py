"""Entry point for `python -m app`: hands the command line to the composition root."""

import sys

from app.main import main

sys.exit(main())
