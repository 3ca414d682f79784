"""Who may log in, and as what: employees ask questions; reviewers also work the review queue.

Two sources, read once at the entry point: ``ASSISTANT_USER``/``ASSISTANT_PASSWORD`` (one
employee login, kept in the environment as before) and ``ASSISTANT_USERS``, a TOML file of
named users, each with a role and a scrypt hash of the password, written by
``python -m assistant user add NAME --role reviewer`` (the password is read from standard
input, never from the command line). No password is stored in clear in the file.

``LoginGuard`` slows guessing down in front of either.

Not here: what a role may do (the page checks ``role`` on every reviewer action), sessions
(Gradio keeps them), single sign-on.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import threading
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROLES = ("employee", "reviewer")
_NAME = re.compile(r"[A-Za-z0-9_.@-]{1,64}")
# scrypt at n=2**14, r=8: about 16 MB and tens of milliseconds a check, so a stolen file is
# slow to guess from, while a login stays instant for a person.
_N, _R, _P = 2**14, 8, 1
# The hash of a password nobody knows: checked against for a name that has no account, so
# that how long a refusal takes does not tell which names exist.
_NOBODY = ("scrypt$16384$8$1$2de0a78f3948ab51785258996e56020f$90d48dd56110a7d2ee7583af39838389a86f75d672204161"
           "bc04c1387ac4d9c7741e1b8d142d32461e6bad385e4bb4634f0e23c81393c590562451828555e6fb")


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_password(stored: str, password: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        given = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    except (ValueError, UnicodeEncodeError):
        return False
    return hmac.compare_digest(given.hex(), digest)


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    secret: str = field(repr=False)  # a scrypt hash, or (the environment's login) the password itself
    hashed: bool = True

    def accepts(self, password: str) -> bool:
        if self.hashed:
            return verify_password(self.secret, password)
        return hmac.compare_digest(password.encode("utf-8", "surrogatepass"), self.secret.encode("utf-8"))


@dataclass(frozen=True)
class Accounts:
    users: Mapping[str, Account]

    def check(self, name: str, password: str) -> bool:
        account = self.users.get(name)
        if account is None:
            verify_password(_NOBODY, password)
            return False
        return account.accepts(password)

    def role(self, name: str | None) -> str | None:
        account = self.users.get(name or "")
        return account.role if account else None

    @classmethod
    def load(cls, env_user: str = "", env_password: str = "", users_file: Path | None = None) -> Accounts | None:
        """The logins configured; ``None`` when there are none (the page is then open)."""
        users: dict[str, Account] = {}
        if users_file is not None:
            users.update(read_users(users_file))
        if env_user:
            users[env_user] = Account(env_user, "employee", env_password, hashed=False)
        return cls(users) if users else None


def read_users(path: Path) -> dict[str, Account]:
    """The users of a users file; ``ValueError`` naming the file and the problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read the users file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"the users file {path} is not TOML: {exc}") from None
    users = {}
    for name, entry in (data.get("users") or {}).items():
        if not _NAME.fullmatch(name) or not isinstance(entry, dict):
            raise ValueError(f"the users file {path}: {name!r} is not a user name with a table of settings")
        role, secret = entry.get("role"), entry.get("password")
        if role not in ROLES:
            raise ValueError(f"the users file {path}: user {name!r} has role {role!r}; use one of {', '.join(ROLES)}")
        if not isinstance(secret, str) or not secret.startswith("scrypt$"):
            raise ValueError(f"the users file {path}: user {name!r} has no scrypt password hash "
                             "(set it with `python -m assistant user add`)")
        users[name] = Account(name, role, secret)
    return users


def add_user(path: Path, name: str, role: str, password: str) -> None:
    """Add or replace one user in the users file (created if missing), keeping the others."""
    if not _NAME.fullmatch(name):
        raise ValueError("a user name is 1 to 64 letters, digits or . _ @ -")
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < 10:
        raise ValueError("a password needs at least 10 characters")
    users = read_users(path) if path.exists() else {}
    users[name] = Account(name, role, hash_password(password))
    lines = ["# Logins of the assistant: python -m assistant user add NAME --role employee|reviewer", ""]
    for user in sorted(users.values(), key=lambda u: u.name):
        lines += [f'[users."{user.name}"]', f'role = "{user.role}"', f'password = "{user.secret}"', ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(path.name + ".new")
    staging.write_text("\n".join(lines), encoding="utf-8")
    staging.chmod(0o600)
    staging.replace(path)  # whole or not at all: a crash never leaves half a file


class LoginGuard:
    """Checks a login, slowing down guessing: after ``free`` failures within ``window``
    seconds, every attempt (the right password included) is refused unread until a lockout
    has passed since the last failure, twice as long for each failure more, up to ``cap``
    seconds. Refused, not delayed: a sleeping check would hold a server thread, and with it
    every logged-in user. Attempts during a lockout do not extend it, so guessing cannot
    lock the real user out for longer. One shared count: Gradio does not tell who is trying."""

    def __init__(self, check: Callable[[str, str], bool], free: int = 5, window: float = 300.0, cap: float = 30.0,
                 clock: Callable[[], float] = time.monotonic):
        self._check = check
        self._free, self._window, self._cap = free, window, cap
        self._clock = clock
        self._failures: list[float] = []
        self._lock = threading.Lock()

    def locked_for(self) -> float:
        """Seconds until an attempt is checked again (0: now)."""
        with self._lock:
            now = self._clock()
            self._failures = [t for t in self._failures if now - t < self._window]
            over = len(self._failures) - self._free
            if over < 0:
                return 0.0
            wait: float = max(0.0, self._failures[-1] + min(self._cap, 0.5 * 2**over) - now)
            return wait  # (typeshed types int ** int Any: a negative power would be a float)

    def __call__(self, username: str, password: str) -> bool:
        if self.locked_for() > 0:
            return False
        ok = self._check(username, password)
        if not ok:
            with self._lock:
                self._failures.append(self._clock())
        return bool(ok)
