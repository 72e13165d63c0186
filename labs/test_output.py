"""Expected output (literal, (re), (glob), ...) and normalization into placeholders."""
import pytest

from labs.match import diff, output_matches
from labs.normalize import Normalizer


@pytest.mark.parametrize("expected, actual, ok", [
    (["a", "b"], ["a", "b"], True),
    (["a", "b"], ["a", "c"], False),
    (["a"], ["a", "b"], False),
    (["a  "], ["a", "", ""], True),                       # trailing space, trailing blank lines
    ([r"rtt \d+\.\d+ ms (re)"], ["rtt 0.41 ms"], True),
    ([r"rtt \d+ ms (re)"], ["rtt 0.41 ms"], False),
    ([r"\d+ (re)"], ["12x"], False),                       # the regex must match the whole line
    (["file-?.t* (glob)"], ["file-1.txt"], True),
    (["file-?.t* (glob)"], ["file-12.txt"], False),
    (["[a] (glob)"], ["[a]"], True),                        # brackets are literal in globs
    (["first", "...", "last"], ["first", "x", "y", "last"], True),
    (["first", "...", "last"], ["first", "last"], True),    # ... matches zero lines too
    (["...", "b", "..."], ["a", "b", "c"], True),
    (["...", "z"], ["a", "b"], False),
    (["..."], [], True),
])
def test_output_matching(expected, actual, ok):
    assert output_matches(expected, actual) is ok


def test_diff_shows_pattern_lines_as_matched():
    d = diff([r"\d+ packets (re)", "done"], ["12 packets", "failed"])
    assert "-done" in d and "+failed" in d
    assert "-\\d+ packets (re)" not in d


def test_placeholders():
    n = Normalizer(secrets=["s3cr3t-token"], paths={"/tmp/lab-fl-abc123": "$LAB_TMP"},
                   pids=[4242], port_range=(32768, 60999))
    text = "\n".join([
        "started 2025-11-27T14:31:02.123456Z pid 999 child 4242",
        "Thu Nov 27 14:31:02 UTC 2025",
        "14:31:02.123456 IP 10.0.0.1.45678 > 10.0.0.2.8285: UDP",
        "link/ether 02:42:ac:11:00:02 brd ff:ff:ff:ff:ff:ff",
        "net:[4026532813] and 4026531840",
        "container 3f4e5d6c7b8a and 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "listening on 10.0.0.1:2379, peer 127.0.0.1:45000, local 10.0.0.1 port 51234 connected to port 5201",
        "token=s3cr3t-token in /tmp/lab-fl-abc123/etcd",
        '"pid": 31337,',
        "ttl 64 time 0.041 ms, 3 packets",
    ])
    assert n(text).splitlines() == [
        "started <TIME> pid <PID> child <PID>",
        "<TIME>",
        "<TIME> IP 10.0.0.1.<PORT> > 10.0.0.2.8285: UDP",
        "link/ether <MAC> brd <MAC>",
        "net:[<INODE>] and <INODE>",
        "container <ID> and <ID>",
        "listening on 10.0.0.1:2379, peer 127.0.0.1:<PORT>, local 10.0.0.1 port <PORT> connected to port 5201",
        "token=<SECRET> in $LAB_TMP/etcd",
        '"pid": <PID>,',
        "ttl 64 time 0.041 ms, 3 packets",
    ]


def test_secrets_are_masked_even_where_nothing_else_is_normalized():
    n = Normalizer(secrets=["hunter2"])
    assert n.mask("password hunter2 at 12:00:00") == "password <SECRET> at 12:00:00"


def test_a_number_that_equals_a_pid_still_matches_a_literal_expected_line():
    """pid_max can be 32768: an ordinary number may equal a pid of the run. The comparison
    accepts the reading where bare numbers are not taken for pids; named pids always are."""
    n = Normalizer(port_range=(32768, 60999))
    raw = "mtu 1500\nchild 1500\npid 1500"
    full = n(raw, pids={1500}).splitlines()
    plain = n(raw, pids={1500}, bare_pids=False).splitlines()
    assert full == ["mtu <PID>", "child <PID>", "pid <PID>"]
    assert plain == ["mtu 1500", "child 1500", "pid <PID>"]
    assert not output_matches(["mtu 1500", "child <PID>", "pid <PID>"], full)
    assert output_matches(["mtu 1500", "child <PID>", "pid <PID>"], full, plain)
    assert not output_matches(["mtu 1500", "child <PID>", "pid 1500"], full, plain)
    assert n("child 1500") == "child 1500"           # pids given for one text only


def test_daemon_log_tail_normalizes_only_the_kept_lines():
    from labs.runner import _tail
    seen = []

    def norm(text):
        seen.append(text)
        return text.replace("pid 7", "pid <PID>")
    log = "".join(f"line {i}\n" for i in range(100)) + "started pid 7\n"
    out = _tail(log, n=3, norm=norm)
    assert out == "[... 98 earlier lines ...]\nline 98\nline 99\nstarted pid <PID>\n"
    assert seen == ["line 98\nline 99\nstarted pid 7\n"]            # not the whole log
    assert _tail("a\npid 7\n", n=3, norm=norm) == "a\npid <PID>\n"
    assert _tail("a\nb\nc\nd\n", n=2) == "[... 2 earlier lines ...]\nc\nd\n"
