"""The ``interventional`` command line: browse the catalogue and atlas, assess a patient file.

Every command prints a readable text form, or JSON with ``--json`` (before or after the
command). Exit codes: 0 when the command did its job; ``assess`` exits with one code per
verdict (:data:`ASSESS_EXIT_CODES`: 0 PROCEED, 3 CAUTION, 4 INSUFFICIENT_DATA, 5 DEFER,
6 CONTRAINDICATED); 2 for bad input (an unknown id, an unreadable file, a bad option);
1 for an unexpected error. Errors are one line on standard error; ``--debug`` shows the
traceback instead.

Only the standard library and the package itself are imported at start-up: matplotlib and
hypothesis never load here.

Examples
--------
>>> from interventional.cli import main
>>> main(["innervation", "facet-joint:L4-L5:left"])
facet-joint:L4-L5:left (L4-L5 facet joint, left) is innervated by:
  medial-branch:L3:left  L3 medial branch, left
  medial-branch:L4:left  L4 medial branch, left
0
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TextIO

__all__ = ["ASSESS_EXIT_CODES", "EXIT_BAD_INPUT", "EXIT_ERROR", "EXIT_OK", "main"]

EXIT_OK = 0
"""The command did its job (for ``assess``: the verdict is PROCEED)."""
EXIT_ERROR = 1
"""An unexpected error (a fault of the program; ``--debug`` shows the traceback)."""
EXIT_BAD_INPUT = 2
"""Bad input: a bad option (as argparse reports it), an unknown id, an unreadable file."""
ASSESS_EXIT_CODES: dict[str, int] = {
    "PROCEED": EXIT_OK,
    "CAUTION": 3,
    "INSUFFICIENT_DATA": 4,
    "DEFER": 5,
    "CONTRAINDICATED": 6,
}
"""The exit code of ``assess`` for each verdict (by name): one code per verdict, so that a
script can branch on it without reading the output."""
_ASSESS_EPILOG = (
    "exit codes (one per verdict, so that a script can branch on it):\n"
    + "".join(f"  {code}  {verdict}\n" for verdict, code in ASSESS_EXIT_CODES.items())
    + (
        f"  {EXIT_BAD_INPUT}  bad input: an unknown procedure, an unreadable or invalid file, a bad option\n"
        f"  {EXIT_ERROR}  an unexpected error (--debug shows the traceback)"
    )
)
_EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports it
_EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE


class _CommandLineError(Exception):
    """Bad input found by the command line itself (exit code 2)."""


def _table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    widths = [len(h) for h in header]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    return "\n".join(lines)


def _with_header(schema: str, data: dict[str, Any]) -> dict[str, Any]:
    from interventional._present import SCHEMA_VERSION

    return {"schema_version": SCHEMA_VERSION, "schema": schema, **data}


def _dump_json(data: object, out: TextIO) -> None:
    json.dump(data, out, indent=2, ensure_ascii=False, default=str)
    out.write("\n")


# --- commands -------------------------------------------------------------------------


def _cmd_procedures(args: argparse.Namespace, out: TextIO) -> int:
    from interventional.anatomy import Region
    from interventional.imaging import Modality
    from interventional.procedures import BleedingRisk, default_catalog

    procedures = list(default_catalog().values())
    if args.region:
        region = Region.parse(args.region, field="--region")
        procedures = [p for p in procedures if region in p.regions]
    if args.modality:
        modality = Modality.parse(args.modality, field="--modality")
        procedures = [p for p in procedures if modality in p.modalities]
    if args.risk:
        risk = BleedingRisk.parse(args.risk, field="--risk")
        procedures = [p for p in procedures if p.bleeding_risk is risk]
    procedures.sort(key=lambda p: p.id)
    if args.json:
        from interventional._present import procedure_summary

        _dump_json([procedure_summary(p) for p in procedures], out)
        return EXIT_OK
    rows = [
        [
            p.id,
            p.bleeding_risk.value,
            ", ".join(sorted(m.value for m in p.modalities)),
            ", ".join(sorted(r.value for r in p.regions)) or "-",
        ]
        for p in procedures
    ]
    out.write(_table(rows, ["id", "bleeding risk", "modalities", "regions"]) + "\n")
    out.write(f"{len(procedures)} procedure(s)\n")
    return EXIT_OK


def _cmd_show(args: argparse.Namespace, out: TextIO) -> int:
    from interventional._present import procedure_data
    from interventional.procedures import default_catalog

    procedure = default_catalog()[args.id]
    data = procedure_data(procedure)
    if args.json:
        _dump_json(data, out)
        return EXIT_OK
    out.write(f"{procedure.name} ({procedure.id})\n")
    for key, value in data.items():
        if key in ("schema_version", "schema", "id", "name", "references") or value in (None, ""):
            continue
        out.write(f"{key.replace('_', ' ')}:{_text_value(value, 1)}\n")
    references = [f"  {ref}" for ref in procedure.references]
    if references:
        out.write("sources:\n" + "\n".join(references) + "\n")
    return EXIT_OK


def _text_value(value: object, depth: int) -> str:
    """A value of the data form as readable text: yes/no, '-' for none, lists joined."""
    pad = "  " * depth
    if isinstance(value, dict):
        return "".join(
            f"\n{pad}{k.replace('_', ' ')}:{_text_value(v, depth + 1)}"
            for k, v in value.items()
            if v not in (None, "", [])
        )
    if isinstance(value, list):
        if not value:
            return " -"
        if all(not isinstance(v, dict | list) for v in value):
            return " " + ", ".join(_text_scalar(v) for v in value)
        return "".join(f"\n{pad}-{_text_value(v, depth + 1)}" for v in value)
    return f" {_text_scalar(value)}"


def _text_scalar(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "-" if value is None else str(value)


def _structure_row(structure: Any) -> list[str]:
    return [structure.id, structure.name]


def _cmd_innervation(args: argparse.Namespace, out: TextIO) -> int:
    from interventional.anatomy import default_atlas

    atlas = default_atlas()
    target = atlas[args.id]
    nerves = sorted(atlas.innervation(target.id), key=lambda s: s.id)
    if args.json:
        data = {"structure": target.id, "innervated_by": [s.id for s in nerves]}
        _dump_json(_with_header("innervation", data), out)
        return EXIT_OK
    if not nerves:
        out.write(f"{target.id} ({target.name}): the atlas records no innervation\n")
        return EXIT_OK
    out.write(f"{target.id} ({target.name}) is innervated by:\n")
    width = max(len(s.id) for s in nerves)
    for nerve in nerves:
        out.write(f"  {nerve.id.ljust(width)}  {nerve.name}\n")
    return EXIT_OK


def _cmd_structure(args: argparse.Namespace, out: TextIO) -> int:
    from interventional.anatomy import default_atlas

    atlas = default_atlas()
    structure = atlas[args.id]
    relations: dict[str, list[str]] = {}
    for _, other, key in atlas.graph.out_edges(structure.id, keys=True):
        relations.setdefault(str(key.value if hasattr(key, "value") else key), []).append(other)
    incoming: dict[str, list[str]] = {}
    for other, _, key in atlas.graph.in_edges(structure.id, keys=True):
        incoming.setdefault(str(key.value if hasattr(key, "value") else key), []).append(other)
    data: dict[str, Any] = {
        "id": structure.id,
        "kind": structure.kind.value,
        "name": structure.name,
        "level": None if structure.level is None else str(structure.level),
        "side": None if structure.side is None else structure.side.value,
        "relations": {k: sorted(v) for k, v in sorted(relations.items())},
        "related_from": {k: sorted(v) for k, v in sorted(incoming.items())},
        "references": [ref.key for ref in structure.references],
    }
    if args.json:
        _dump_json(_with_header("structure", data), out)
        return EXIT_OK
    out.write(f"{structure.name} ({structure.id})\n")
    out.write(f"  kind: {data['kind']}\n")
    if data["level"]:
        out.write(f"  level: {data['level']}\n")
    if data["side"]:
        out.write(f"  side: {data['side']}\n")
    for title, table in (("", data["relations"]), ("(from) ", data["related_from"])):
        for relation, others in table.items():
            out.write(f"  {title}{relation}: {', '.join(others)}\n")
    for ref in structure.references:
        out.write(f"  source: {ref}\n")
    return EXIT_OK


def _parse_time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise _CommandLineError(
            f"--at: {text!r} is not an ISO date and time such as 2026-12-01T09:00"
        ) from None


def _cmd_assess(args: argparse.Namespace, out: TextIO) -> int:
    from interventional._present import assessment_data
    from interventional.fhir import _cli as fhir_cli
    from interventional.procedures import plan as make_plan
    from interventional.safety import assess, load_patient

    plan = make_plan(
        args.procedure,
        levels=args.levels or (),
        side=args.side,
        modality=args.modality,
        duration=args.duration,
    )
    at = _parse_time(args.at) if args.at else datetime.now().astimezone()
    report = None
    if fhir_cli.is_bundle(args.patient):  # a FHIR bundle (JSON), else the TOML patient file
        assessment, report = fhir_cli.assess_bundle(args.patient, plan, at)
    else:
        assessment = assess(load_patient(args.patient), plan, at=at)
    if args.json:
        data = assessment_data(assessment)
        _dump_json(data if report is None else {**data, "fhir": report}, out)
    else:
        out.write(assessment.explain().rstrip() + "\n")
        if report is not None:
            out.write(fhir_cli.report_text(report) + "\n")
    return ASSESS_EXIT_CODES[assessment.verdict.name]


def _cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    from interventional.fhir import _cli as fhir_cli

    return fhir_cli.export(args.format, args.id, out)


def _cmd_graph(args: argparse.Namespace, out: TextIO) -> int:
    from interventional.anatomy import default_atlas

    atlas = default_atlas()
    if args.depth < 0:
        raise _CommandLineError(f"--depth: must be 0 or more, got {args.depth}")
    view = atlas.subgraph([args.id], depth=args.depth) if args.id else atlas
    if args.format == "json":
        out.write(view.to_json() + "\n")
    elif args.format == "graphml":
        out.write(view.to_graphml().rstrip("\n") + "\n")
    else:
        out.write(view.to_dot().rstrip("\n") + "\n")
    return EXIT_OK


def _cmd_screen(args: argparse.Namespace, out: TextIO) -> int:
    from interventional.cohort._cli import screen_command

    return screen_command(
        args.source,
        args.out,
        omop=args.omop,
        procedure=args.procedure,
        at=_parse_time(args.at) if args.at else None,
        levels=args.levels,
        side=args.side,
        modality=args.modality,
        as_json=args.json,
        out=out,
    )


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from interventional._demo import run_demo

    return run_demo(out, as_json=args.json)


# --- parser ---------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    from interventional._version import __version__

    # --json and --debug are taken before the command and after it. The command's copies
    # default to SUPPRESS: a default there would overwrite what was given before the command.
    def flags(parser: argparse.ArgumentParser, default: object) -> argparse.ArgumentParser:
        parser.add_argument(
            "--json", action="store_true", default=default, help="machine-readable output"
        )
        parser.add_argument(
            "--debug", action="store_true", default=default, help="show tracebacks on errors"
        )
        return parser

    common = flags(argparse.ArgumentParser(add_help=False), argparse.SUPPRESS)

    parser = argparse.ArgumentParser(
        prog="interventional",
        description=(
            "Browse interventional pain procedures, anatomy and contraindication checks. "
            "Educational software, not a medical device."
        ),
    )
    flags(parser, False)
    parser.add_argument("--version", action="version", version=f"interventional {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(
        name: str,
        handler: Callable[[argparse.Namespace, TextIO], int],
        help_text: str,
        epilog: str | None = None,
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            help=help_text,
            description=help_text,
            parents=[common],
            epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.set_defaults(handler=handler)
        return sub

    procedures = add("procedures", _cmd_procedures, "list the procedure catalogue")
    procedures.add_argument("--region", help="cervical, thoracic, lumbar, sacral or coccygeal")
    procedures.add_argument("--modality", help="fluoroscopy, ultrasound, ct or landmark")
    procedures.add_argument("--risk", help="LOW, INTERMEDIATE or HIGH (ASRA 2018)")

    show = add("show", _cmd_show, "show one procedure in full")
    show.add_argument("id", help="procedure id or alias, e.g. lumbar-medial-branch-block")

    innervation = add("innervation", _cmd_innervation, "the nerves that supply a structure")
    innervation.add_argument("id", help="structure id, e.g. facet-joint:L4-L5:left")

    structure = add("structure", _cmd_structure, "one atlas structure and its relations")
    structure.add_argument("id", help="structure id, e.g. medial-branch:L3:left")

    assess = add(
        "assess",
        _cmd_assess,
        "assess a patient file against a planned procedure",
        epilog=_ASSESS_EPILOG,
    )
    assess.add_argument(
        "patient", help="patient TOML file (see examples/patient.toml) or FHIR bundle (.json)"
    )
    assess.add_argument("--procedure", required=True, help="procedure id or alias")
    assess.add_argument("--levels", nargs="*", help="segments or levels, e.g. L4-L5")
    assess.add_argument("--side", help="left, right, midline or bilateral")
    assess.add_argument("--modality", help="image guidance (default: the procedure's usual one)")
    assess.add_argument("--at", help="procedure time, ISO 8601 (default: now)")
    assess.add_argument(
        "--duration",
        help="procedure duration, e.g. '40 min': restarts count from its end "
        "(without it, from the start)",
    )

    graph = add("graph", _cmd_graph, "export the atlas, or the neighbourhood of one structure")
    graph.add_argument("id", nargs="?", help="structure id at the centre of a subgraph")
    graph.add_argument("--format", choices=["graphml", "json", "dot"], default="json")
    graph.add_argument("--depth", type=int, default=1, help="neighbourhood depth (default 1)")

    export = add("export", _cmd_export, "write a procedure in an exchange format")
    export.add_argument("format", choices=["fhir"], help="fhir: a FHIR R4B ActivityDefinition")
    export.add_argument("id", help="procedure id or alias, e.g. lumbar-medial-branch-block")

    screen = add("screen", _cmd_screen, "screen a cohort (long format or OMOP) to Parquet")
    screen.add_argument("source", nargs="+", help="a directory or the table files")
    screen.add_argument("--out", required=True, help="the results' Parquet file")
    screen.add_argument("--omop", action="store_true", help="read an OMOP CDM extract")
    screen.add_argument("--procedure", help="one plan for everyone: procedure id (with --at)")
    screen.add_argument("--at", help="one procedure time for everyone, ISO 8601")
    screen.add_argument("--levels", nargs="*", help="the plan's segments or levels")
    screen.add_argument("--side", help="the plan's side")
    screen.add_argument("--modality", help="the plan's image guidance")

    add("demo", _cmd_demo, "a worked example on built-in data: plan, assessment and nerves")
    return parser


def main(
    argv: Iterable[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line and return its exit code.

    No error shows a traceback unless ``--debug`` is given: an error of the input is one
    line on standard error (exit 2), an unexpected one too (exit 1), and output cut short
    by its reader (``interventional graph | head``) ends quietly with exit 141, as a shell
    reports a command ended by SIGPIPE.

    Parameters
    ----------
    argv : iterable of str, optional
        The arguments (default: ``sys.argv[1:]``).
    out, err : text streams, optional
        Where to write output and errors (default: standard output and error).
    """
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exit_:
        return int(exit_.code or 0) if exit_.code in (0, None) else EXIT_BAD_INPUT
    from interventional.errors import InterventionalError

    try:
        code = int(args.handler(args, out))
        out.flush()  # a closed pipe is found here, not at exit
        return code
    except BrokenPipeError:
        return _closed_pipe(out)
    except (InterventionalError, _CommandLineError) as error:
        if args.debug:
            raise
        err.write(f"interventional {args.command}: error: {error}\n")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        if args.debug:
            raise
        return _EXIT_INTERRUPTED
    except Exception as error:  # a fault of the program, never a traceback without --debug
        if args.debug:
            raise
        err.write(
            f"interventional {args.command}: internal error: {type(error).__name__}: {error} "
            "(run again with --debug for the traceback, and please report it)\n"
        )
        return EXIT_ERROR


def _closed_pipe(out: TextIO) -> int:
    """End quietly when the reader of standard output has gone (``| head``).

    The recipe of the Python documentation (signal, "Note on SIGPIPE"): standard output is
    pointed at ``os.devnull``, so that the interpreter's last flush at exit finds no pipe.
    """
    if out is sys.stdout:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):  # no file descriptor behind sys.stdout
            pass
    return _EXIT_BROKEN_PIPE
