"""Command line: ``python -m assistant ask|build|feedback|user``.

``ask`` prints the answer for people, or the JSON answer contract with ``--json``; with
``--batch FILE`` it reads JSON lines ``{"id", "question", "as_of"}`` and prints one JSON
line per input line, in order, answering a bad line with an error object instead of
stopping. ``build`` (re)builds the index. ``feedback export`` writes flagged answers as
gold-set lines for review; ``feedback candidates`` the lines reviewers accepted in the app.
``user add NAME --role employee|reviewer`` adds a login to the users file.

Exit codes: 0 success; 1 unexpected failure; 2 bad usage or input; 3 malformed corpus;
4 unusable index (only with ``--no-rebuild``); 5 a database written by a newer version. Messages go to stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .config import Config
from .errors import AssistantError, UsageError
from .text import source_label

if TYPE_CHECKING:  # (the commands import these where they use them)
    from .api import Assistant
    from .types import Answer


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m assistant", description="出境合规问答助手")
    sub = p.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer a question")
    ask.add_argument("question", nargs="?", help="the question (omit with --batch)")
    ask.add_argument("--json", action="store_true", help="print the JSON answer contract")
    ask.add_argument("--as-of", dest="as_of", help="answer as of this date, YYYY-MM-DD (default: today, China time)")
    ask.add_argument("--batch", type=Path, help="JSON-lines file of {id, question, as_of}")
    ask.add_argument("--no-rebuild", action="store_true", help="refuse a stale index instead of rebuilding it")
    build = sub.add_parser("build", help="build the index if missing or stale")
    build.add_argument("--force", action="store_true", help="rebuild even if the index is current")
    fb = sub.add_parser("feedback", help="reviewer feedback")
    fb_sub = fb.add_subparsers(dest="action", required=True)
    export = fb_sub.add_parser("export", help="write flagged answers as gold-set JSON lines")
    export.add_argument("--out", type=Path, help="output file (default: standard output)")
    accepted = fb_sub.add_parser("candidates", help="write the gold-set candidates reviewers accepted as JSON lines")
    accepted.add_argument("--out", type=Path, help="output file (default: standard output)")
    user = sub.add_parser("user", help="logins with a role (the file ASSISTANT_USERS names)")
    user_sub = user.add_subparsers(dest="action", required=True)
    add = user_sub.add_parser("add", help="add or replace a login; the password is read from standard input")
    add.add_argument("name")
    add.add_argument("--role", choices=["employee", "reviewer"], required=True)
    add.add_argument("--users", type=Path, help="the users file (default: ASSISTANT_USERS)")
    return p


def _user(args: argparse.Namespace, config: Config) -> int:
    from .accounts import add_user

    path = args.users or config.users_file
    if path is None:
        raise UsageError("no users file: give --users FILE or set ASSISTANT_USERS")
    if sys.stdin.isatty():
        import getpass

        password = getpass.getpass(f"password for {args.name}: ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        add_user(path, args.name, args.role, password)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    print(f"{args.name} ({args.role}) saved in {path}; restart the app to use it", file=sys.stderr)
    return 0


def _notify(message: str) -> None:
    print(message, file=sys.stderr)


def render_human(answer: Answer) -> str:
    lines = [answer.answer]
    if answer.citations:
        lines.append("")
        lines.append("Citations:" if answer.answer.startswith("As of") else "引用：")
        for c in answer.citations:
            lines.append(f"- {source_label(c.title, c.locator)}：{c.quote}")
    return "\n".join(lines)


MAX_BATCH_BYTES = 20 * 2**20  # far more than any real batch; /dev/zero is refused, not read


def _strict_number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is not a finite number")
    return value


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _batch_lines(assistant: Assistant, lines: Iterable[str | None], out: TextIO, as_of: str | None = None) -> None:
    """One output line per input line, in order, whatever goes wrong on a line (``None``
    stands for a line that was not UTF-8). ``as_of`` (the ``--as-of`` flag) is the date of
    every line that gives none of its own."""
    for number, line in enumerate(lines, start=1):
        record_id = None
        try:
            if line is None:
                raise UsageError(f"line {number}: not UTF-8")
            try:
                # strict JSON: NaN, Infinity and 1e999 are no numbers, so none is echoed back
                item = json.loads(line, parse_constant=_reject_constant, parse_float=_strict_number)
            except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
                raise UsageError(f"line {number}: not valid JSON") from None
            if not isinstance(item, dict):
                raise UsageError(f"line {number}: expected a JSON object")
            record_id = item.get("id")
            answer = assistant.ask(item.get("question"), item["as_of"] if "as_of" in item else as_of)  # type: ignore[arg-type]  # ask checks what the JSON held
            result = {"id": record_id, **answer.to_dict()}
        except AssistantError as exc:
            result = {"id": record_id, "error": str(exc)}
        except Exception as exc:
            result = {"id": record_id, "error": f"line {number}: could not be answered ({type(exc).__name__})"}
        out.write(_json_line(result) + "\n")
        out.flush()


# Line separators that JSON allows raw inside a string (it escapes only those below U+0020)
# but that line readers other than a plain split at "\n" (Python's str.splitlines among
# them) take for line ends.
_LINE_BREAKERS = str.maketrans({c: f"\\u{ord(c):04x}" for c in "\x85\u2028\u2029"})


def _json_line(record: dict[str, Any]) -> str:
    """One record as one strict JSON line, that every line reader reads as one line."""
    return json.dumps(record, ensure_ascii=False, allow_nan=False).translate(_LINE_BREAKERS)


def _read_batch(path: Path) -> list[str | None]:
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BATCH_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read batch file {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_BATCH_BYTES:
        raise UsageError(f"batch file {path} is larger than {MAX_BATCH_BYTES // 2**20} MB; split it")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UsageError(f"batch file {path} is UTF-16; save it as UTF-8")
    data = data.removeprefix(b"\xef\xbb\xbf")  # a leading BOM is not data
    # Lines end in LF, CRLF or a lone CR (none can occur inside a JSON line: a string holds
    # them escaped); str.splitlines would also split at U+2028 inside a JSON string. Each line
    # is decoded alone: one line that is not UTF-8 is that line's error, not the batch's.
    lines = re.split(rb"\r\n|\r|\n", data)
    if lines and lines[-1] == b"":
        lines.pop()  # the file's last line break ends a line; it starts none
    return [_decode_line(raw) for raw in lines]


def _decode_line(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _ask(args: argparse.Namespace, config: Config) -> int:
    from .api import Assistant, clean_question, parse_as_of

    if args.batch is None:
        clean_question(args.question if args.question is not None else "")
    parse_as_of(args.as_of)  # fail fast, before loading anything
    if args.batch is not None:
        if args.question:
            raise UsageError("give either a question or --batch FILE, not both")
        lines = _read_batch(args.batch)
        assistant = Assistant.from_config(config, notify=_notify, rebuild=not args.no_rebuild)
        _batch_lines(assistant, lines, sys.stdout, args.as_of)
        return 0
    assistant = Assistant.from_config(config, notify=_notify, rebuild=not args.no_rebuild)
    answer = assistant.ask(args.question, args.as_of)
    if args.json:
        print(_json_line(answer.to_dict()))
    else:
        print(render_human(answer))
    return 0


def _build(args: argparse.Namespace, config: Config) -> int:
    from .corpus import load_corpus
    from .embed import make_embedder
    from .errors import IndexError_
    from .glosses import load_glosses
    from .index import build_index, check_index
    from .lexicon import load_lexicon
    from .relevance import load_relevance

    corpus = load_corpus(config.corpus_dir)
    embedder = make_embedder(config.embedder)
    terms, glosses = load_lexicon(config.lexicon_path).terms(), load_glosses(corpus, config.glosses_path)
    model = load_relevance(config.relevance_dir, embedder.id)
    digest = model.digest if model else ""
    if not args.force:
        try:
            check_index(corpus, embedder.id, config.index_dir, terms, glosses, digest)
            print(f"index is current: {config.index_dir}", file=sys.stderr)
            return 0
        except IndexError_ as reason:
            print(f"building index: {reason}", file=sys.stderr)
    index = build_index(
        corpus, embedder, config.index_dir, terms, glosses, cache_dir=config.embed_cache_dir, model_digest=digest
    )
    fresh = index.manifest["chunks_embedded"]
    print(
        f"index built: {len(index.chunks)} chunks ({fresh} embedded, the rest cached) in {index.manifest['build_seconds']} s",
        file=sys.stderr,
    )
    return 0


def _feedback(args: argparse.Namespace, config: Config) -> int:
    from .store import is_url, open_store

    if not is_url(config.db) and not Path(config.db).is_file():
        # (opening the store would create an empty database where none was meant to be)
        raise UsageError(f"no feedback database at {config.db}: nothing to export")
    if args.out and _is_database(args.out, None if is_url(config.db) else Path(config.db)):
        # opening it for writing would empty it before a line is written
        raise UsageError(f"{args.out} is a database, not an export file: nothing was written; choose another --out")
    store = open_store(config.db)
    try:
        try:
            out = args.out.open("w", encoding="utf-8") if args.out else sys.stdout
        except OSError as exc:
            raise UsageError(f"cannot write {args.out}: {exc.strerror or exc}") from None
        try:
            if args.action == "candidates":
                count, what = store.export_candidates(out), "accepted gold-set candidates"
            else:
                count, what = store.export_gold(out), "flagged answers"
        finally:
            if args.out:
                out.close()
    finally:
        store.close()
    print(f"exported {count} {what}", file=sys.stderr)
    return 0


def _is_database(path: Path, db_path: Path | None) -> bool:
    """``path`` is the feedback database, one of its journal files, or any SQLite database."""
    if path.is_dir():
        return False
    own = set()
    if db_path is not None:
        own = {db_path.resolve(), *(db_path.resolve().with_name(db_path.name + s) for s in ("-wal", "-shm", "-journal"))}
    if path.resolve() in own:
        return True
    try:
        with path.open("rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = Config.from_env()
        handler = {"ask": _ask, "build": _build, "feedback": _feedback, "user": _user}[args.command]
        return handler(args, config)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except ValueError as exc:  # configuration problems
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``... | head``): nothing more can be printed, and that is fine.
        sys.stderr.close()
        return 0
    except OSError as exc:  # an operator's path: a missing folder, no permission, a full disk
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2
