import pytest

from chibo.rules import text
from chibo.rules.text import fold, mask_cccd, name_matches, normalize_cccd, similar_names


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Nguyễn Văn A", "nguyen van a"),
        ("  NGUYỄN   văn\tAn ", "nguyen van an"),
        ("Đặng Thị Đào", "dang thi dao"),
        ("Trần Quốc Tuấn", "tran quoc tuan"),
        ("Lê Ngọc Hữu", "le ngoc huu"),
        # The same name typed in decomposed Unicode (some Android keyboards) folds alike.
        ("Nguye\u0302\u0303n", "nguyen"),
        ("", ""),
    ],
)
def test_fold(raw, folded):
    assert fold(raw) == folded


@pytest.mark.parametrize(
    ("query", "name", "expected"),
    [
        ("nguyen van a", "Nguyễn Văn A", True),
        ("van a", "Nguyễn Văn A", True),
        ("a nguyen", "Nguyễn Văn A", True),  # order does not matter
        ("NGUY", "Nguyễn Văn A", True),  # prefix of a token
        ("Nguyễn", "Nguyễn Văn A", True),
        ("dao", "Đặng Thị Đào", True),
        ("nguyen van b", "Nguyễn Văn A", False),
        ("guyen", "Nguyễn Văn A", False),  # not a prefix
        ("van van", "Nguyễn Văn A", False),  # each query token needs its own name token
        ("van van", "Văn Văn Bình", True),
        ("nguyen van a b", "Nguyễn Văn A", False),  # more tokens than the name has
        ("", "Nguyễn Văn A", False),
        ("   ", "Nguyễn Văn A", False),
    ],
)
def test_name_matches(query, name, expected):
    assert name_matches(query, name) is expected


def test_similar_names_scores_near_duplicates_above_different_names():
    same = similar_names("Nguyễn Văn An", "nguyen van an")
    typo = similar_names("Nguyễn Văn An", "Nguyễn Văn Ân")
    one_letter = similar_names("Nguyễn Văn An", "Nguyễn Văn Anh")
    other = similar_names("Nguyễn Văn An", "Trần Thị Bích")
    assert same == 1.0
    assert typo == 1.0  # differs only by a diacritic
    assert 0.9 < one_letter < 1.0
    assert other < 0.5


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("001234567890", "001234567890"),
        (" 001 234 567 890 ", "001234567890"),
        ("001.234.567.890", "001234567890"),
        ("001-234-567-890", "001234567890"),
        ("00123456789", None),  # 11 digits
        ("0012345678901", None),  # 13 digits
        ("00123456789O", None),  # letter O
        ("０01234567890", None),  # full-width digit is not accepted
        ("", None),
    ],
)
def test_normalize_cccd(raw, normalized):
    assert normalize_cccd(raw) == normalized


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("001234567890", "********7890"),
        ("001 234 567 890", "********7890"),
        ("123", "***"),  # too short to show anything
    ],
)
def test_mask_cccd(raw, masked):
    assert mask_cccd(raw) == masked


# -- hostile input: control/format characters, echoes, message length ---------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Nguy\x1bễn Văn\x07 An\x00", "Nguyễn Văn An"),
        ("Lê\u200b\u200b\u200bVăn\u200dBa", "LêVănBa"),  # zero-width runs removed
        ("\u202eTrần Thị Bình\u202c", "Trần Thị Bình"),  # bidi override
        ("\ufeffPhạm\u00adThị\u2066 Dung\u2069", "PhạmThị Dung"),  # BOM, soft hyphen, isolates
        ("Nguye\u0302\u0303n  Văn\tAn", "Nguyễn Văn An"),  # NFC, whitespace collapsed
        ("\x1b[31m", "[31m"),
        ("  ", ""),
    ],
)
def test_clean_line_removes_control_and_format_characters(raw, clean):
    assert text.clean_line(raw) == clean


def test_clean_text_keeps_line_breaks_of_free_text():
    raw = "Dòng 1\x07\r\n\u202eDòng\u200b 2\x00\n\n\n\nDòng 3  "
    assert text.clean_text(raw) == "Dòng 1\nDòng 2\n\nDòng 3"


def test_echo_shortens_long_input_and_cleans_it():
    assert text.echo("abc") == "abc"
    long = "1" * 4000
    short = text.echo(long)
    assert len(short) <= text.ECHO_MAX and short.endswith("…")
    assert text.echo("a\x1bb") == "ab"


def test_utf16_length_counts_as_telegram_does():
    assert text.utf16_len("abc") == 3
    assert text.utf16_len("Đảng") == 4
    assert text.utf16_len("🎉") == 2  # outside the BMP: a surrogate pair


def test_split_message_splits_at_lines_and_never_loses_text():
    lines = [f"Dòng {i}: " + "x" * 90 for i in range(100)]
    whole = "\n".join(lines)
    parts = text.split_message(whole, 1000)
    assert len(parts) > 1 and all(text.utf16_len(p) <= 1000 for p in parts)
    assert "\n".join(parts) == whole
    # a single line longer than the limit is cut between characters, never inside a pair
    emoji = "🎉" * 700
    parts = text.split_message(emoji, 1001)
    assert all(text.utf16_len(p) <= 1001 for p in parts) and "".join(parts) == emoji
    assert text.split_message("ngắn", 10) == ["ngắn"]


def test_shorten_is_the_one_truncation():
    from chibo.rules.text import echo, shorten

    assert shorten("Nộp báo cáo", 20) == "Nộp báo cáo"
    assert shorten("Nộp báo cáo quý", 9) == "Nộp báo…"
    assert echo("  Nộp   báo cáo quý ", 9) == "Nộp báo…"
