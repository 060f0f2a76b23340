from datetime import date

import pytest

from chibo.rules.messages import N_, Msg


def test_marker_returns_its_argument_unchanged():
    assert N_("Probation ends on {end}.") == "Probation ends on {end}."


def test_msg_defaults_to_no_params_and_formats_with_params():
    assert dict(Msg("Hello").params) == {}
    msg = Msg(N_("Ends on {end}."), {"end": date(2025, 2, 28)})
    assert msg.key.format(**msg.params) == "Ends on 2025-02-28."


def test_msg_params_cannot_be_changed_after_creation():
    source = {"end": date(2025, 2, 28)}
    msg = Msg("x {end}", source)
    source["end"] = date(2000, 1, 1)  # the caller's dict changing does not leak in
    assert msg.params["end"] == date(2025, 2, 28)
    with pytest.raises(TypeError):
        msg.params["end"] = date(2000, 1, 1)  # type: ignore[index]


def test_equal_msgs_hash_alike():
    assert Msg("k", {"a": 1}) == Msg("k", {"a": 1})
    assert len({Msg("k", {"a": 1}), Msg("k", {"a": 1})}) == 1
    assert Msg("k", {"a": 1}) != Msg("k", {"a": 2})
