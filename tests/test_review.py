"""Logins with roles, and the review queue's handlers: a reviewer resolves and accepts flags,
each action recorded with who and when; an employee (or nobody) gets nothing from them."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import warnings
from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant.accounts import Accounts, add_user, hash_password, read_users, verify_password
from assistant.store import open_store

ROOT = Path(__file__).resolve().parent.parent
FILING = "标准合同生效后多久要备案？"


def test_a_password_is_kept_only_as_a_salted_hash(tmp_path):
    users = tmp_path / "users.toml"
    add_user(users, "rita", "reviewer", "correct horse battery")
    add_user(users, "eve", "employee", "another long secret")
    add_user(users, "rita", "reviewer", "a new long password")  # replaced, the others kept
    text = users.read_text(encoding="utf-8")
    assert "correct horse" not in text and "a new long password" not in text
    assert users.stat().st_mode & 0o777 == 0o600
    accounts = Accounts(read_users(users))
    assert accounts.check("rita", "a new long password") and not accounts.check("rita", "correct horse battery")
    assert accounts.role("rita") == "reviewer" and accounts.role("eve") == "employee"
    assert not accounts.check("mallory", "a new long password") and accounts.role("mallory") is None
    a, b = hash_password("same"), hash_password("same")
    assert a != b and verify_password(a, "same") and verify_password(b, "same")
    assert not verify_password("plain-text", "plain-text")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[users."rita"]\nrole = "admin"\npassword = "scrypt$1"\n', "has role 'admin'"),
        ('[users."rita"]\nrole = "reviewer"\npassword = "hunter2"\n', "no scrypt password hash"),
        ('[users."a b"]\nrole = "reviewer"\n', "not a user name"),
        ("users = [", "is not TOML"),
    ],
)
def test_a_bad_users_file_is_refused_naming_the_problem(tmp_path, content, message):
    users = tmp_path / "users.toml"
    users.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        Accounts.load(users_file=users)


def test_the_environment_login_is_an_employee_and_no_login_means_an_open_page():
    accounts = Accounts.load("alice", "s3cret-pass")
    assert accounts.check("alice", "s3cret-pass") and accounts.role("alice") == "employee"
    assert Accounts.load() is None


@pytest.mark.slow  # the CLI as a process
def test_cli_adds_a_user_reading_the_password_from_standard_input(tmp_path):
    users = tmp_path / "users.toml"
    run = subprocess.run([sys.executable, "-m", "assistant", "user", "add", "rita", "--role", "reviewer",
                          "--users", str(users)], input="a long password here\n", capture_output=True, text=True,
                         cwd=ROOT)
    assert run.returncode == 0 and "rita (reviewer) saved" in run.stderr
    assert Accounts(read_users(users)).check("rita", "a long password here")
    short = subprocess.run([sys.executable, "-m", "assistant", "user", "add", "bob", "--role", "employee",
                            "--users", str(users)], input="short\n", capture_output=True, text=True, cwd=ROOT)
    assert short.returncode == 2 and "at least 10 characters" in short.stderr and "Traceback" not in short.stderr


# --- the queue's handlers -------------------------------------------------------------------


@pytest.fixture
def review(assistant, temp_config, tmp_path):
    web = pytest.importorskip("assistant.web")
    users = tmp_path / "users.toml"
    add_user(users, "rita", "reviewer", "reviewer password")
    add_user(users, "eve", "employee", "employee password")
    accounts = Accounts.load(users_file=users)
    store = open_store(tmp_path / "review.sqlite3")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # Gradio's short-lived event loops
        demo = web.build_ui(assistant, store, temp_config, accounts)
        gc.collect()
    fns = demo.fns.values() if isinstance(demo.fns, dict) else demo.fns
    handlers = {getattr(f.fn, "__name__", ""): f.fn for f in fns}
    answer = assistant.ask(FILING, "2025-06-01")
    record = store.record_answer(answer, assistant.corpus.digest, assistant.embedder_id)
    flags = [store.add_feedback(record, "down", comment="太简略"),
             store.add_feedback(record, "citation_wrong", answer.citations[0].key, "不是这一条")]
    return handlers, store, flags


def _as(name: str | None):
    return SimpleNamespace(username=name)


def test_only_a_reviewer_sees_the_queue(review):
    handlers, _, flags = review
    panel, html, pick, download = handlers["open_panel"](_as("rita"))
    assert panel.visible is True and Path(download.value["path"]).read_text(encoding="utf-8") == ""
    assert html.index(f"#{flags[1]}") < html.index(f"#{flags[0]}")  # newest first
    assert FILING in html and "不是这一条" in html and "10个工作日" in html
    assert [value for _, value in pick.choices] == [str(flags[1]), str(flags[0])]
    for who in ("eve", None, "mallory"):
        panel, html, pick, download = handlers["open_panel"](_as(who))
        assert panel.visible is False and html == "" and pick.choices == [] and download.value is None


def test_a_reviewer_resolves_and_accepts_each_recorded_with_who(review):
    handlers, store, flags = review
    message, _, pick, _, note = handlers["resolve_flag"](str(flags[0]), "fine", "", _as("rita"))
    assert "已处理" in message and "rita" in message and note == ""
    assert [value for _, value in pick.choices] == [str(flags[1])]
    message, _, _, download, _ = handlers["accept_flag"](str(flags[1]), "wrong_citation", "应引第七条", _as("rita"))
    assert "收入金标准候选" in message
    assert store.queue() == []
    (verdict, who, accepted, note, when), = store.reviews(flags[1])
    assert (verdict, who, accepted, note) == ("wrong_citation", "rita", True, "应引第七条") and when
    (line,) = [json.loads(x) for x in Path(download.value["path"]).read_text(encoding="utf-8").splitlines()]
    assert line["question"] == FILING and line["verdict"] == "wrong_citation"


def test_an_employee_calling_the_handlers_changes_nothing(review):
    handlers, store, flags = review
    for who in ("eve", None):
        message, *_ = handlers["resolve_flag"](str(flags[0]), "fine", "", _as(who))
        assert "无权操作审核队列" in message
        message, *_ = handlers["accept_flag"](str(flags[0]), "fine", "", _as(who))
        assert "无权操作审核队列" in message
        html, pick, download = handlers["refresh_queue"](_as(who))
        assert html == "" and pick.choices == [] and download.value is None
    assert len(store.queue()) == 2 and store.reviews(flags[0]) == []


def test_a_review_without_a_choice_is_asked_for_and_keeps_the_note(review):
    handlers, store, flags = review
    message, *_, note = handlers["resolve_flag"](None, "fine", "我的备注", _as("rita"))
    assert "请先选择" in message and note == "我的备注"
    message, *_, note = handlers["resolve_flag"]("1; DROP TABLE reviews", "fine", "我的备注", _as("rita"))
    assert "请先选择" in message and note == "我的备注"
    message, *_, note = handlers["resolve_flag"](str(flags[0]), None, "我的备注", _as("rita"))
    assert "请先选择" in message and note == "我的备注"
    assert len(store.queue()) == 2


def test_gradio_can_read_the_handlers_annotations(review):
    # Gradio passes the request to the parameter annotated gr.Request, and it finds that one by
    # resolving all of a handler's annotations: one name it cannot resolve hides them all.
    import gradio as gr
    from gradio.utils import get_type_hints

    handlers, _, _ = review
    for name in ("open_panel", "refresh_queue", "resolve_flag", "accept_flag"):
        assert get_type_hints(handlers[name]).get("request") is gr.Request, name
