"""No command prints a traceback for any input: generated bad arguments and files are exit 2, one line.

Each strategy yields inputs that are wrong in one of the ways the issue found (deep JSON, invalid
UTF-8, ``NaN``, a malformed endpoint or port, a directory as a config file, a non-finite timeout...)
and many more of each kind. Every one must be refused before any network call (the unit tests'
socket guard would turn a call into an exception), with exit code 2 and exactly one line on stderr.
"""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from workerctl.cli import main

SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
PORT_JUNK = string.ascii_letters + "-_.~!$&'()*+,;="  # nothing that ends the host part of a URL
GOOD_LINE = json.dumps({"type": "checksum", "payload": {"text": "ok"}})


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


not_a_number = st.text(min_size=1).filter(lambda t: not _is_number(t))
bad_port = st.one_of(
    st.integers(min_value=65_536, max_value=10**12).map(str),
    st.integers(max_value=-1).map(str),
    st.text(PORT_JUNK, min_size=1),
)
bad_url = st.one_of(
    st.builds("http://[{}".format, st.text(string.printable.replace("]", ""))),
    st.builds("http://localhost:{}/".format, bad_port),
    st.builds("{}://host".format, st.from_regex(r"[a-z][a-z0-9+.-]{0,9}", fullmatch=True)).filter(
        lambda url: not url.startswith(("http://", "https://"))
    ),
    st.text(string.ascii_letters + string.digits + ":/.", min_size=1).filter(
        lambda t: "://" not in t and t != "aws"
    ),
)
deep_json = st.one_of(
    st.integers(min_value=500, max_value=200_000).map(lambda n: "[" * n + "]" * n),
    st.integers(min_value=500, max_value=50_000).map(lambda n: '{"a": ' * n + "1" + "}" * n),
)
non_finite = st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "-2e400"]).map(
    lambda constant: f'{{"values": [1, {constant}]}}'
)
broken_json = st.text().map(lambda t: t + "}{")  # no JSON text ends with "{"
bad_payload = st.one_of(deep_json, non_finite, broken_json)
bad_envelope = st.one_of(
    bad_payload.map(lambda payload: f'{{"type": "checksum", "payload": {payload}}}'),
    bad_payload,
    st.dictionaries(st.text(), st.integers() | st.text(), max_size=3)
    .filter(lambda d: set(d) != {"type", "payload"} and set(d) != {"type"})
    .map(json.dumps),
    st.one_of(st.integers(), st.booleans(), st.none(), st.lists(st.integers(), max_size=3)).map(json.dumps),
    st.sampled_from(["\ufffe", "\uffff"]).map(lambda c: json.dumps({"type": "checksum", "payload": c})),
)
bad_file = st.one_of(
    st.binary().map(lambda tail: b"\xff" + tail),  # invalid UTF-8
    st.tuples(
        st.lists(st.just(GOOD_LINE), max_size=3), bad_envelope, st.lists(st.just(GOOD_LINE), max_size=3)
    ).map(lambda parts: "\n".join([*parts[0], parts[1], *parts[2]]).encode()),
    st.text().map(lambda t: ("[" + t + "}{").encode()),  # an array that never closes properly
    st.sampled_from([b"", b"\n\n  \n", b"[]"]),  # nothing to send
    st.integers(min_value=1_048_577, max_value=1_200_000).map(
        lambda n: json.dumps({"type": "checksum", "payload": "x" * n}).encode()
    ),
)
bad_toml = st.one_of(
    st.binary().map(lambda tail: b"\xff" + tail),
    st.text().map(lambda t: t + "\n= = ["),
    st.integers(min_value=500, max_value=50_000).map(lambda n: ("a = " + "[" * n).encode()),
    st.just(b'[prod.deploy.parameters]\nstack_name = "p"\n'),  # no [dev]
    st.just(b"[dev.deploy.parameters]\nparameter_overrides = 5\n"),
    st.just(b'[dev.deploy.parameters]\nparameter_overrides = "A=\'unclosed"\n'),
).map(lambda content: content if isinstance(content, bytes) else content.encode())


def assert_one_line_error(code: int, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    out, err = capsys.readouterr()
    assert code == 2, (argv[:6], err)
    assert "Traceback" not in out  # `run` says "starting" on stdout before it reads samconfig
    assert len(err.splitlines()) == 1, err
    assert err.startswith("workerctl ")
    assert "Traceback" not in err


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert_one_line_error(main(argv), capsys, argv)


@SLOW
@given(
    command=st.sampled_from(
        [["depth"], ["send", "--type", "checksum"], ["dlq", "inspect"], ["run", "--no-demo"]]
    )
    | st.sampled_from([["dlq", "redrive"], ["dlq", "purge", "--yes"]]),
    endpoint=bad_url,
)
def test_a_malformed_endpoint(command: list[str], endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    run([*command, "--endpoint-url", endpoint], capsys)


@SLOW
@given(payload=bad_payload)
@example(payload="[" * 9983 + "]" * 9983)  # found by this test: parses, but too deep to nest in an envelope
def test_a_bad_payload(payload: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(["send", "--type", "checksum", "--payload", payload], capsys)


@SLOW
@given(content=bad_file)
def test_a_bad_jobs_file(content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "jobs.jsonl"
    path.write_bytes(content)
    run(["send", "--file", str(path)], capsys)


@pytest.mark.parametrize("name", [".", "missing.jsonl"])
def test_a_jobs_file_that_cannot_be_read(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["send", "--file", str(tmp_path / name)], capsys)


@SLOW
@given(
    command=st.sampled_from(
        [["depth"], ["dlq", "inspect"], ["dlq", "redrive"], ["send", "--type", "checksum"]]
    ),
    content=bad_toml,
)
def test_a_bad_config_file(
    command: list[str], content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "samconfig.toml"
    path.write_bytes(content)
    run([*command, "--config-file", str(path)], capsys)


@pytest.mark.parametrize("command", [["depth"], ["dlq", "purge", "--yes"], ["run", "--no-demo"]])
def test_a_directory_as_config_file(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run([*command, "--config-file", str(tmp_path)], capsys)


@SLOW
@given(
    argv=st.one_of(
        bad_url.map(lambda url: ["--url", url]),
        st.builds(lambda t: ["--url", f"http://localhost:{t}/health"], st.text(PORT_JUNK, min_size=1)),
        st.one_of(
            st.sampled_from(["nan", "inf", "-inf", "0", "-0.0"]),
            st.floats(max_value=0).map(str),
            not_a_number,
        ).map(lambda t: ["--timeout", t]),
    )
)
def test_bad_health_arguments(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    run(["health", *argv], capsys)


out_of_range = st.builds(
    lambda option, value: [option, value],
    st.sampled_from(["--emulator-port", "--dynamodb-port", "--port"]),
    bad_port.filter(lambda t: t.lstrip("-").isdigit()),
)


@SLOW
@given(
    argv=st.one_of(
        st.builds(lambda n: ["send", "--type", "checksum", "--count", str(n)], st.integers(max_value=0)),
        st.builds(
            lambda n, extra: ["send", "--type", "checksum", "--count", str(n), "--skip", str(n + extra)],
            st.integers(1, 50),
            st.integers(0, 10**6),
        ),
        st.builds(lambda n: ["send", "--type", "checksum", "--skip", str(n)], st.integers(max_value=-1)),
        st.builds(lambda t: ["send", "--type", "checksum", "--count", t], not_a_number),
        st.builds(lambda n: ["dlq", "inspect", "--limit", str(n)], st.integers(max_value=0)),
        st.builds(
            lambda n: ["dlq", "redrive", "--rate", str(n)],
            st.integers(max_value=0) | st.integers(min_value=501),
        ),
        st.builds(lambda t: ["dlq", "redrive", "--max", t], not_a_number | st.integers(max_value=0).map(str)),
        st.builds(
            lambda n: ["run", "--no-demo", "--poll-wait", str(n)],
            st.integers().filter(lambda n: not 1 <= n <= 20),
        ),
        st.builds(
            lambda t: ["run", "--no-demo", "--metrics-summary-interval", t],
            st.sampled_from(["nan", "inf", "-1"]) | not_a_number,
        ),
        out_of_range.map(lambda option: ["run", "--no-demo", *option]),
    )
)
def test_out_of_range_and_non_numeric_options(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    run(argv, capsys)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["send", "--type", "checksum", "--payload", "[" * 100_000], "nested too deeply"),
        (["depth", "--endpoint-url", "http://[::1"], "Invalid IPv6 URL"),
        (["depth", "--endpoint-url", "http://localhost:99999"], "Port out of range"),
        (["health", "--url", "http://localhost:abc/health"], "bad URL"),
        (["health", "--timeout", "nan"], "must be a positive number of seconds"),
        (["send", "--type", "checksum", "--payload", '{"a": NaN}'], "NaN is not a JSON number"),
    ],
    ids=[
        "deep-payload",
        "unclosed-ipv6",
        "port-out-of-range",
        "port-not-a-number",
        "timeout-nan",
        "nan-payload",
    ],
)
def test_the_examples_of_the_issue(argv: list[str], says: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(argv)
    err = capsys.readouterr().err
    assert (code, len(err.splitlines())) == (2, 1)
    assert says in err
