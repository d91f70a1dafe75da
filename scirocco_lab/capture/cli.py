"""``serve``: the assessment form served to workshop participants with Voila."""

from __future__ import annotations

__all__ = ["register"]


def _cmd_serve(args) -> int:
    from scirocco_lab.capture.serve import ServeSettings, capture_notebook, serve

    return serve(
        ServeSettings(
            notebook=capture_notebook(),
            host=args.host,
            port=args.port,
            store=args.store,
            subject=args.subject,
            instrument=args.instrument,
            round=args.round,
        )
    )


def register(commands) -> None:
    """Add this domain's commands to the ``scirocco-lab`` parser's subcommands."""
    serving = commands.add_parser(
        "serve", help="serve the assessment form to workshop participants (Voila web app)"
    )
    serving.add_argument(
        "--subject", help="region or good practice key (a link's ?subject= overrides it)"
    )
    serving.add_argument("--round", type=int, default=None, help="Delphi round (default 1)")
    serving.add_argument(
        "--instrument", default=None, help="instrument id or file (default scirocco-exchange)"
    )
    serving.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    serving.add_argument("--port", type=int, default=8866, help="port (default 8866)")
    serving.set_defaults(handler=_cmd_serve)
