import pytest

from rules.text import fold, mask_cccd, name_matches, normalize_cccd, similar_names


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
