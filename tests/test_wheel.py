"""`pip install` of the built wheel gives a working `workshop serve`: pages with their CSS, a
bokmål translation, the case library and the migrations all come from inside the package.

Fast and offline. The wheel is built with `--no-build-isolation` by this environment's
setuptools (the test extras bring `setuptools>=77`, the build requirement), from a copy of the
files the build reads, so nothing is written into the work tree. It is installed with
`--no-deps` into a fresh venv made without pip; only then does a `.pth` line give that venv
this environment's site-packages, so the dependencies are the ones already installed and
nothing is downloaded. A plain path line in a `.pth` adds the folder to `sys.path` but runs none
of the `.pth` files inside it, so this environment's editable install of workshop stays out:
the venv's own site-packages comes first and holds the wheel's copy (checked below). The
server and the CLI run from a folder outside the repository, on a new SQLite file.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from babel.messages.pofile import read_po

from tests.live import PASSWORD, WAIT, Server
from workshop.library import load_library

pytestmark = pytest.mark.timeout(120)

ROOT = Path(__file__).resolve().parent.parent
BUILT_FROM = ("pyproject.toml", "README.md", "LICENSE", "workshop", "templates", "static", "cases")
# What the server reads at run time, by its place in the repository and in the wheel.
DATA = {"templates": "workshop/templates", "static": "workshop/static", "cases": "workshop/cases"}
STEP = 120.0  # one build or install, at most


@dataclass
class Installed:
    source: Path  # the copy the wheel was built from
    wheel: Path
    venv: Path
    home: Path  # a folder outside the repository, the processes' working directory

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    def run(self, *command: str) -> str:
        done = subprocess.run(
            command, cwd=self.home, env=_clean_env(), capture_output=True, text=True, timeout=STEP
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout


def _clean_env() -> dict[str, str]:
    """This environment, without anything that points Python at the repository."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _step(*command: str | Path, cwd: Path) -> None:
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=STEP
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    import setuptools

    major = int(setuptools.__version__.split(".", 1)[0])
    assert major >= 77, "the wheel is built with setuptools>=77: pip install -e '.[test]'"
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    source.mkdir()
    junk = shutil.ignore_patterns("__pycache__", "*.pyc", ".*", "*.egg-info", "build")
    for name in BUILT_FROM:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=junk)
        else:
            shutil.copy2(path, source / name)
    out = tmp / "dist"
    pip = (sys.executable, "-m", "pip")
    _step(*pip, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", out, source, cwd=tmp)
    (wheel,) = out.glob("workshop-*.whl")

    venv = tmp / "venv"
    _step(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp)
    python = venv / "bin" / "python"
    _step(*pip, "--python", python, "install", "--no-deps", "--no-index", "-q", wheel, cwd=tmp)
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = dict.fromkeys((sysconfig.get_path("purelib"), sysconfig.get_path("platlib")))
    (Path(site) / "workshop-test-dependencies.pth").write_text("\n".join(ours) + "\n")
    home = tmp / "elsewhere"
    home.mkdir()
    return Installed(source=source, wheel=wheel, venv=venv, home=home)


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_the_wheel_holds_the_code_and_its_data_and_no_tests(installed: Installed):
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        headers = wheel.read(metadata).decode("utf-8").split("\n\n", 1)[0]
    missing = []
    for folder, inside in {"workshop": "workshop", **DATA}.items():
        for name in _files(installed.source / folder):
            if f"{inside}/{name}" not in names and not name.endswith(".md"):
                missing.append(f"{folder}/{name}")
    assert not missing, f"not in the wheel (pyproject.toml's packages/package-data): {missing}"
    for kind, pattern in {
        "migration": r"workshop/store/migrations/\d{4}_\w+\.sql",
        "bokmål catalog": r"workshop/locale/nb/LC_MESSAGES/messages\.po",
        "nynorsk catalog": r"workshop/locale/nn/LC_MESSAGES/messages\.po",
        "template": r"workshop/templates/plain/\w+\.html",
        "static file": r"workshop/static/vendor/yjs\.js",
        "case": r"workshop/cases/library/[\w-]+\.toml",
    }.items():
        assert any(re.fullmatch(pattern, n) for n in names), f"no {kind} in the wheel"
    assert not [n for n in names if n.startswith("tests/") or "/tests/" in n]
    assert all(n.startswith(("workshop/", "workshop-")) for n in names), sorted(names)[:5]
    assert "License-Expression: Apache-2.0" in headers
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


class InstalledServer(Server):
    """The venv's own `workshop serve`, started from outside the repository."""

    def __init__(self, installed: Installed, db: Path) -> None:
        super().__init__(db)
        self.installed = installed

    def start(self) -> InstalledServer:
        command = [
            str(self.installed.bin / "workshop"),
            "serve",
            "--port",
            "0",
            "--db",
            str(self.db),
        ]
        self.process = subprocess.Popen(
            command,
            cwd=self.installed.home,
            env=_clean_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, args=(self.process,), daemon=True).start()
        while True:
            line = self.expect_line()
            if "running at" in line:
                self.url = line.rsplit(" ", 1)[1].strip()
            elif "Phones cannot reach" in line:
                return self


@pytest.fixture
def served(installed: Installed) -> Iterator[InstalledServer]:
    server = InstalledServer(installed, installed.home / "workshop.db").start()
    yield server
    server.stop()


def test_the_installed_package_is_the_one_that_runs(installed: Installed):
    found = installed.run(
        str(installed.bin / "python"), "-c", "import workshop.resources as r; print(r.TEMPLATES)"
    )
    assert Path(found.strip()).is_relative_to(installed.venv), found
    assert not Path(found.strip()).is_relative_to(ROOT)


def test_the_installed_server_serves_pages_translations_and_cases(
    installed: Installed, served: InstalledServer
):
    versions = [
        row[0]
        for row in sqlite3.connect(served.db).execute(
            "SELECT version FROM schema_migrations ORDER BY version"
        )
    ]
    shipped = sorted(installed.source.glob("workshop/store/migrations/*.sql"))
    assert versions == [int(p.name.split("_", 1)[0]) for p in shipped]

    with httpx.Client(base_url=served.url, timeout=WAIT) as client:
        page = client.get("/login", params={"lang": "nb"})
        assert page.status_code == 200, page.text
        assert '<html lang="nb">' in page.text
        catalog_path = installed.source / "workshop/locale/nb/LC_MESSAGES/messages.po"
        with catalog_path.open("rb") as po:
            catalog = read_po(po, locale="nb")
        log_in = str(catalog["Log in"].string)
        assert log_in and log_in != "Log in"
        assert f"<h1>{log_in}</h1>" in page.text

        css = re.search(r'href="(/static/app\.css\?v=\w+)"', page.text)
        assert css, "the page links no stylesheet"
        sheet = client.get(css.group(1))
        assert sheet.status_code == 200
        assert sheet.headers["content-type"].startswith("text/css")
        assert sheet.content == (installed.source / "static" / "app.css").read_bytes()

        secret = installed.home / "kari.password"
        secret.write_text(PASSWORD)
        db = str(served.db)
        installed.run(
            str(installed.bin / "workshop"), "facilitator", "add", "kari",
            "--password-file", str(secret), "--db", db,
        )  # fmt: skip
        login = client.post("/api/login", json={"username": "kari", "password": PASSWORD})
        assert login.status_code == 204, login.text
        cases = client.get("/api/library/cases", params={"lang": "nb"})
        assert cases.status_code == 200, cases.text
        shipped_cases = load_library(installed.source / "cases").cases
        assert {case["id"] for case in cases.json()["cases"]} == set(shipped_cases)
        assert len(shipped_cases) > 10
