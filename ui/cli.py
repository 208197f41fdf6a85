"""The ``passerelle`` command: translate files (French → English, English → French, or each
file's detected language to the other), run the web app, convert models, benchmark."""

from __future__ import annotations

import argparse
import importlib.metadata
import logging
import os
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

from passerelle.summarize import DEFAULT_LENGTH, LENGTH_PRESETS, SUMMARY_SPEEDS
from passerelle.translate import BACKENDS, InvalidOptionError, PasserelleError
from passerelle.translate.engine.shortlist import ShortlistSettings
from passerelle.translate.languages import LANGUAGES

from .article import ArticleOptions, InvalidArticleOption, LoadedModels
from .article.options import GREEDY_BEAMS, MAX_BEAMS
from .batch import SOURCES, check_writable, discover, exit_status, output_target, remove_stale_parts, run_local
from .batch.engine_options import add_engine_arguments
from .batch.keep import keep_outcomes, open_library
from .config import ENVIRONMENT, AppConfig, UsageError, setting_type
from .sources.commands import add_commands as add_source_commands

EXIT_USAGE = 2
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130
OPTION_FLAGS = {"num_beams": "--beams", "summary_length": "--summary-length", "source": "--source"}  # ArticleOptions' fields
SHORTLIST = ShortlistSettings()
# Options whose values are checked by argparse, derived from the registries they name.
CHOICES = {"backend": BACKENDS, "summary_speed": tuple(SUMMARY_SPEEDS)}


# What chooses a model: the only settings ``models list`` and ``models pull`` take.
MODEL_SETTINGS = frozenset({"model", "summary_model", "summary_speed", "summary_translation_model", "backend", "device"})


def _setting_arguments(parser: argparse.ArgumentParser, server: bool = False, only: frozenset[str] | None = None) -> None:
    """An option for each setting that has one, documented with its environment variable."""
    for var in ENVIRONMENT:
        if var.option is None or (var.server_only and not server) or (only is not None and var.field not in only):
            continue
        parser.add_argument(
            var.option,
            dest=var.field,
            type=setting_type(var.field),
            choices=CHOICES.get(var.field),
            help=f"{var.help} (env {var.name})",
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="passerelle", description="French ⇄ English translation of whole articles, with bilingual summaries."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True)

    translate = commands.add_parser("translate", help="translate files, directories, links to articles or standard input")
    translate.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="file, directory (recursive), link (http:// or https://: its article) or - for stdin"
    )
    translate.add_argument("-o", "--output", required=True, type=Path, help="output directory (NAME.EXT -> NAME.<target>.EXT)")
    translate.add_argument(
        "--source",
        choices=SOURCES,
        default="fr",
        help="language of the inputs: fr (default), en (translated with --summary-translation-model), or auto (detected per file)",
    )
    translate.add_argument(
        "--target",
        choices=LANGUAGES,
        default=None,
        help="language of the translations (default: the other one of the source; with --source auto, files already in it are errors)",
    )
    translate.add_argument(
        "--beams", type=int, help=f"beam size, {GREEDY_BEAMS} to {MAX_BEAMS} ({GREEDY_BEAMS} = greedy, fastest; default: the model's)"
    )
    translate.add_argument("--force", action="store_true", help="redo inputs already translated")
    translate.add_argument("--summarize", action="store_true", help="add an English and French summary")
    translate.add_argument("--article-only", action="store_true", help="reduce web pages to their article (no menus, headers, footers)")
    translate.add_argument(
        "--summary-length",
        choices=list(LENGTH_PRESETS),
        default=None,
        help=f"how long the summaries are (with --summarize; default: {DEFAULT_LENGTH})",
    )
    translate.add_argument(
        "--group",
        type=int,
        default=None,
        metavar="N",
        help="articles made together, sharing the models' batches (default 4, env PASSERELLE_BATCH_GROUP; 1: one after another)",
    )
    translate.add_argument(
        "--keep", action="store_true", help="keep the results in the library too (PASSERELLE_DATA_DIR or PASSERELLE_DATABASE_URL)"
    )
    add_engine_arguments(translate, "files")
    _setting_arguments(translate)

    serve = commands.add_parser("ui", help="start the web app")
    _setting_arguments(serve, server=True)

    convert = commands.add_parser("convert", help="convert a model to CTranslate2 now (otherwise done on first use)")
    convert.add_argument("model", help="hub id or local directory")
    convert.add_argument("--quantization", default="int8", help="int8 (CPU), int8_float16 or float16 (GPU), float32")
    convert.add_argument("--force", action="store_true", help="convert again even if cached")
    convert.add_argument(
        "--shortlist", type=Path, metavar="MAP", help="embed this vocabulary shortlist (from `passerelle shortlist build`)"
    )

    shortlist = commands.add_parser("shortlist", help="vocabulary shortlists: faster decoding with CTranslate2")
    shortlist_actions = shortlist.add_subparsers(dest="action", required=True)
    build = shortlist_actions.add_parser(
        "build",
        help="learn a shortlist from a parallel corpus",
        description="CORPUS is either one file of french<TAB>english lines, or (with --english) a French file "
        "whose line n is translated by line n of the English file. Tokens are the model's own.",
    )
    build.add_argument("corpus", type=Path, metavar="CORPUS", help="french<TAB>english lines, or French lines with --english")
    build.add_argument("--english", type=Path, metavar="FILE", help="the English lines, one per French line of CORPUS")
    build.add_argument("-o", "--output", type=Path, required=True, help="the shortlist file to write")
    build.add_argument("--model", help="the French→English model whose tokens to use (default: PASSERELLE_MODEL or opus-mt-fr-en)")
    build.add_argument("--candidates", type=int, default=SHORTLIST.candidates, help="target tokens kept per source token")
    build.add_argument("--frequent", type=int, default=SHORTLIST.frequent, help="most frequent target tokens, always allowed")

    models = commands.add_parser("models", help="list the models, or fetch them ahead of time")
    actions = models.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="each model's state: downloaded, converted, size, where")
    listing.add_argument("--all", action="store_true", help="every registered model, not only the configured ones")
    fetch = actions.add_parser("pull", help="download and convert the models now (first use is then instant)")
    fetch.add_argument("--all", action="store_true", help="every registered model, not only the configured ones")
    fetch.add_argument("--no-convert", action="store_true", help="download only")
    for action in (listing, fetch):
        _setting_arguments(action, only=MODEL_SETTINGS)

    bench = commands.add_parser("bench", help="side-by-side speed benchmark on same-shape models")
    bench.add_argument("--json", action="store_true", help="print the measurements as JSON")
    bench.add_argument("--quick", action="store_true", help="fewer sentences, for a smoke test")
    bench.add_argument(
        "--only",
        action="append",
        metavar="SECTION",
        help="measure just this section (repeatable): startup, translation, summary, article, memory, "
        "or one of the extra sections; default: all but soak (measured only when named)",
    )
    bench.add_argument(
        "--input",
        action="append",
        type=Path,
        metavar="FILE",
        help="a French article to measure on (repeatable; default: the sample articles shipped with the benchmark)",
    )
    add_source_commands(commands, _setting_arguments)
    return parser


def _config(args: argparse.Namespace | None, **extra: object) -> AppConfig:
    """The settings from the environment and the options (of ``args``, when the command has
    them); AppConfig checks them, and a bad value is a usage error (exit 2)."""
    options = {var.field: getattr(args, var.field, None) for var in ENVIRONMENT if var.option and args}
    try:
        return AppConfig.from_env(None, **options, **extra)
    except InvalidOptionError as error:
        raise UsageError(str(error)) from error


def package_version() -> str:
    try:
        return importlib.metadata.version("passerelle")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree, not installed
        return "(not installed)"


def cmd_translate(args: argparse.Namespace) -> int:
    output_target(args.source, args.target)  # a bad direction is a usage error before anything is made
    config = _config(args, summary_length=args.summary_length, batch_group=args.group)
    try:
        glossary = config.load_glossary()
        options = ArticleOptions(
            args.summarize, config.summary_length, args.beams, glossary, source=args.source, article_only=args.article_only
        )
    except InvalidArticleOption as error:  # the limits every front end has, in the words of a flag
        raise UsageError(f"{OPTION_FLAGS.get(error.option, error.option)}: {error}") from error
    except InvalidOptionError as error:
        raise UsageError(str(error)) from error
    check_writable(args.output)
    jobs = discover(args.inputs, args.output, config, source=args.source, target=args.target)
    remove_stale_parts(args.output)
    library = open_library(config) if args.keep else None  # a wrong database is said before any model loads
    try:
        if args.engine == "ray":
            from .batch.ray_engine import run_ray_reported

            outcomes = run_ray_reported(jobs, config, options, args)
        else:
            outcomes = run_local(jobs, LoadedModels(config), options, args.force)
        if library is None:
            return exit_status(outcomes)
        kept, failed = keep_outcomes(outcomes, library)
    finally:
        if library is not None:
            library.close()
    for problem in failed:
        print(f"error: {problem}", file=sys.stderr)
    print(f"{len(kept)} kept in the library", file=sys.stderr)
    return EXIT_FAILED if failed else exit_status(outcomes)


class PortBusyError(PasserelleError):
    """The server cannot listen where it was asked to."""

    exit_code = 3  # what uvicorn answered a busy port with


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` (uvicorn listens on it), or a PortBusyError."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise PortBusyError(
            f"cannot listen on {host}:{port}: {error.strerror or error}. "
            "Is another server using that port? Choose another with --port (or PASSERELLE_PORT)."
        ) from None
    sock.set_inheritable(True)
    return sock


def cmd_ui(args: argparse.Namespace) -> int:
    config = _config(args)
    sock = listening_socket(config.host, config.port)  # a busy port says so before any model loads
    services = LoadedModels(config)
    services.start_warm_up()  # the models load while the web app is imported and built
    from .web import launch

    launch(config, services, sock)
    return 0


def cmd_convert(args: argparse.Namespace) -> int:
    from passerelle.translate.engine.convert import convert_model
    from passerelle.translate.engine.models import resolve_model

    config = _config(None)
    ref = resolve_model(args.model)
    path = convert_model(ref, args.quantization, cache_dir=config.conversions_dir(), force=args.force, shortlist=args.shortlist)
    print(path)
    return 0


def cmd_shortlist(args: argparse.Namespace) -> int:
    from passerelle.translate.engine.models import resolve_model
    from passerelle.translate.engine.shortlist import build_shortlist_file

    settings = ShortlistSettings(args.candidates, args.frequent)
    try:
        settings.validate()
    except InvalidOptionError as error:
        raise UsageError(str(error)) from error
    model = args.model or _config(None).model
    shortlist = build_shortlist_file(resolve_model(model), args.corpus, args.output, args.english, settings)
    print(
        f"{args.output}: {len(shortlist.rules)} source tokens, {shortlist.mean_candidates:.1f} candidates each, "
        f"{len(shortlist.always)} always allowed, from {shortlist.pairs} pairs"
    )
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from .models import entries, pull, render

    config = _config(args)
    if args.action == "list":
        print(render(entries(config, args.all)))
        return 0
    failed = pull(config, args.all, convert=not args.no_convert)
    return EXIT_FAILED if failed else 0


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench.run import run_bench

    return run_bench(as_json=args.json, quick=args.quick, inputs=args.input, only=args.only)


def cmd_feeds(args: argparse.Namespace) -> int:
    from .sources.commands import cmd_feeds as run

    return run(args, _config(args))


def cmd_digest(args: argparse.Namespace) -> int:
    from .sources.commands import cmd_digest as run

    return run(args, _config(None))


COMMANDS = {
    "translate": cmd_translate,
    "ui": cmd_ui,
    "convert": cmd_convert,
    "shortlist": cmd_shortlist,
    "models": cmd_models,
    "bench": cmd_bench,
    "feeds": cmd_feeds,
    "digest": cmd_digest,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("passerelle").setLevel(logging.DEBUG if args.verbose else logging.INFO)
    try:
        return COMMANDS[args.command](args)
    except UsageError as error:
        parser.error(str(error))  # exits with status 2
    except PasserelleError as error:
        print(f"passerelle: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("passerelle: interrupted; finished files are complete, rerun to continue", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `passerelle digest | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return EXIT_FAILED
    return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
