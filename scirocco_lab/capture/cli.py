"""``serve`` and ``invitations``: the assessment form served to invited workshop participants.

``invitations create`` prints where the CSV and the printable sheet went, never a token;
``invitations list`` shows each invitation's state without its token.
"""

from __future__ import annotations

from pathlib import Path

from scirocco_lab.cli.output import add_flag, add_format, add_group, keywords, print_frame

__all__ = ["register"]


def _cmd_serve(args) -> int:
    from scirocco_lab.capture.serve import ServeSettings, capture_notebook, serve

    settings = keywords(
        args, "host", "port", "store", "subject", "instrument", "round", "behind_proxy"
    )
    return serve(
        ServeSettings(
            notebook=capture_notebook(),
            cull_idle_seconds=args.cull_idle,
            max_kernels=args.max_kernels,
            **settings,
        )
    )


def _cmd_invitations_create(args) -> int:
    from scirocco_lab.assessment.invitations import (
        DEFAULT_EXPIRY,
        create_invitations,
        parse_expiry,
        write_invitation_sheets,
    )
    from scirocco_lab.store import get_subject, open_store

    store = open_store(args.store, create=False)
    expires_at = parse_expiry(args.expires or DEFAULT_EXPIRY)
    name = str(get_subject(store, args.subject)["name"])
    issued = create_invitations(
        store,
        args.subject,
        args.round,
        assessors=args.assessors,
        count=args.count,
        expires_at=expires_at,
    )
    csv_path, html_path = write_invitation_sheets(
        issued, Path(args.out), base_url=args.base_url, subject_name=name
    )
    print(
        f"{len(issued)} invitation(s) for {args.subject}, round {args.round}, valid until "
        f"{expires_at:%Y-%m-%d %H:%M} UTC:"
    )
    print(f"  links (CSV):        {csv_path}")
    print(f"  printable sheet:    {html_path}")
    print("These files hold the only copy of the links: keep them private.")
    return 0


def _cmd_invitations_list(args) -> int:
    from scirocco_lab.assessment.invitations import invitations_frame
    from scirocco_lab.store import open_store

    frame = invitations_frame(
        open_store(args.store, create=False), subject=args.subject, round=args.round
    )
    print_frame(frame, args.format)
    return 0


def _cmd_invitations_revoke(args) -> int:
    from scirocco_lab.assessment.invitations import revoke_invitations
    from scirocco_lab.store import open_store

    count = revoke_invitations(
        open_store(args.store, create=False),
        **keywords(args, "ids", "subject", "round", "assessor"),
    )
    print(f"{count} invitation(s) revoked; their links no longer sign anyone in.")
    return 0


def register(commands) -> None:
    """Add this domain's commands to the ``scirocco-lab`` parser's subcommands."""
    serving = commands.add_parser(
        "serve", help="serve the assessment form to invited workshop participants (Voila)"
    )
    serving.add_argument(
        "--subject", help="accept only invitations for this region or good practice"
    )
    serving.add_argument(
        "--round", type=int, default=None, help="accept only invitations for this round"
    )
    serving.add_argument(
        "--instrument", default=None, help="instrument id or file (default scirocco-exchange)"
    )
    serving.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only; see docs/capture.md "
        "before using another)",
    )
    serving.add_argument("--port", type=int, default=8866, help="port (default 8866)")
    add_flag(
        serving,
        "--behind-proxy",
        "a reverse proxy on this machine terminates TLS and sets X-Real-IP and "
        "X-Forwarded-Proto (trusted for rate limits and secure cookies)",
    )
    serving.add_argument(
        "--cull-idle",
        type=int,
        default=300,
        metavar="SECONDS",
        help="stop a kernel idle this long with no page open (default 300)",
    )
    serving.add_argument(
        "--max-kernels", type=int, default=60, help="kernels in all, at most (default 60)"
    )
    serving.set_defaults(handler=_cmd_serve)

    actions = add_group(
        commands, "invitations", help="personal sign-in links for the web app's participants"
    )
    create = actions.add_parser(
        "create", help="one personal link per participant: a CSV and a printable sheet"
    )
    create.add_argument("--subject", required=True, metavar="KEY", help="region or practice")
    create.add_argument("--round", type=int, required=True, help="Delphi round")
    who = create.add_mutually_exclusive_group(required=True)
    who.add_argument("--assessors", nargs="+", metavar="CODE", help="existing pseudonyms")
    who.add_argument("--count", type=int, help="this many new participants (pseudonyms made up)")
    create.add_argument(
        "--expires",
        default=None,
        help="a duration (8h, 3d) or a UTC date/time (2026-05-03T18:00); default 7d",
    )
    create.add_argument("--out", required=True, metavar="DIR", help="folder for the files")
    create.add_argument(
        "--base-url",
        default="http://127.0.0.1:8866/",
        help="address participants reach the server at (default http://127.0.0.1:8866/)",
    )
    create.set_defaults(handler=_cmd_invitations_create)
    listing = actions.add_parser("list", help="invitations and whether used (never the tokens)")
    listing.add_argument("--subject", default=None, metavar="KEY")
    listing.add_argument("--round", type=int, default=None)
    add_format(listing)
    listing.set_defaults(handler=_cmd_invitations_list)
    revoke = actions.add_parser("revoke", help="withdraw invitations: their links stop working")
    revoke.add_argument("ids", nargs="*", type=int, help="invitation ids (from list)")
    revoke.add_argument("--subject", default=None, metavar="KEY")
    revoke.add_argument("--round", type=int, default=None)
    revoke.add_argument("--assessor", default=None, metavar="CODE")
    revoke.set_defaults(handler=_cmd_invitations_revoke)
