"""Text from people and feeds never reaches a terminal with its control characters."""

import json

from gridcenter.formatting import json_text, printable


def test_plain_text_is_returned_as_it_is() -> None:
    text = "路灯不亮 [bold]x[/bold] café ok"
    assert printable(text) is text


def test_escape_sequences_become_visible() -> None:
    osc52 = "\x1b]52;c;ZWNobyBwd25lZA==\x07"
    assert printable(osc52) == "\\x1b]52;c;ZWNobyBwd25lZA==\\x07"
    assert printable("a\x00b\x9bc\x7f") == "a\\x00b\\x9bc\\x7f"


def test_bidi_overrides_and_separators_become_visible() -> None:
    assert printable("abc\u202eexe.txt") == "abc\\u202eexe.txt"
    assert printable("x\u2028y\u2066") == "x\\u2028y\\u2066"


def test_newlines_stay_only_when_lines_are_asked_for() -> None:
    assert printable("one\ntwo\tthree") == "one\\x0atwo\\x09three"
    assert printable("one\ntwo\tthree\r", lines=True) == "one\ntwo    three\\x0d"


def test_json_keeps_the_exact_text_with_nothing_a_terminal_acts_on() -> None:
    text = "路灯 \x1b]52;c;eA==\x07 \x00 \x9b2J \u202e \u2028 café"
    out = json_text({"title": text})
    assert json.loads(out) == {"title": text}
    assert not [char for char in out if printable(char) != char and char != "\n"]
    assert "路灯" in out and "café" in out  # readable text stays as it is
