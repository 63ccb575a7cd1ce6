"""Entry point: reads the command line, then runs a subcommand or the window."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from app import cli


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command is not None:
        return cli.run(parser, args)
    # Qt is imported only for the window, so the subcommands run on machines with no display.
    from app.startup import run_window  # noqa: PLC0415

    return run_window(args.db)
