"""The bad-input catalogue: hostile strings by kind, fed to every form field and command option."""

from __future__ import annotations

from typing import NamedTuple


class Hostile(NamedTuple):
    """One hostile value and the short label a test id shows instead of it."""

    label: str
    text: str


TEN_THOUSAND = 10_000

# What can arrive in any text field: typed, pasted from a spreadsheet, a web page or a chat.
ANY_TEXT: tuple[Hostile, ...] = (
    Hostile("empty", ""),
    Hostile("space", " "),
    Hostile("spaces-and-nbsp", "  \u00a0 "),
    Hostile("nul", "\x00"),
    Hostile("nul-inside", "Ali\x00ce"),
    Hostile("lone-surrogate", "\ud800"),
    Hostile("surrogate-inside", "Ali\udcffce"),
    Hostile("rtl-override", "\u202eecilA"),
    Hostile("zero-width-space", "\u200b"),
    Hostile("zero-width-inside", "Ali\u200bce"),
    Hostile("bom", "\ufeff"),
    Hostile("bom-prefix", "\ufeffAlice"),
    Hostile("emoji", "Alice 😀👨‍👩‍👧"),
    Hostile("combining-marks", "Zoe\u0308 e\u0301"),
    Hostile("zalgo", "A" + "\u0301\u0302\u0303\u0304" * 50),
    Hostile("newline", "Ali\nce"),
    Hostile("crlf", "Ali\r\nce"),
    Hostile("tab", "Ali\tce"),
    Hostile("escape", "Ali\x1bce"),
    Hostile("del", "Ali\x7fce"),
    Hostile("sql-injection", "'; DROP TABLE sales; --"),
    Hostile("quote-and-percent", 'O\'Brien 100% "best" _%'),
    Hostile("html", "<b>bold</b> &amp; <script>x</script>"),
    Hostile("arabic", "محمد بن علي"),
    Hostile("chinese", "张伟"),
    Hostile("cyrillic-upper", "ХАСАН"),
    Hostile("long-10000", "a" * TEN_THOUSAND),
    Hostile("long-spaces-10000", " " * TEN_THOUSAND),
    Hostile("long-emoji-10000", "😀" * TEN_THOUSAND),
)

# Amounts: money fields (prices, cash tendered, payments, credit limits, debts).
AMOUNTS: tuple[Hostile, ...] = (
    *ANY_TEXT,
    Hostile("minus-one", "-1"),
    Hostile("zero", "0"),
    Hostile("minus-zero", "-0"),
    Hostile("three-decimals", "0.001"),
    Hostile("exponent-overflow", "1e999"),
    Hostile("exponent", "1e3"),
    Hostile("nan", "nan"),
    Hostile("NaN", "NaN"),
    Hostile("inf", "inf"),
    Hostile("minus-infinity", "-Infinity"),
    Hostile("arabic-indic-digits", "١٢٣"),
    Hostile("persian-digits", "۱۲۳"),
    Hostile("full-width-digits", "１２３"),
    Hostile("devanagari-digits", "१२३"),
    Hostile("underscore", "1_000"),
    Hostile("quintillion", "1,000,000,000,000,000"),
    Hostile("forty-nines", "9" * 40),
    Hostile("ten-thousand-digits", "9" * TEN_THOUSAND),
    Hostile("leading-zeros", "0" * 5000 + "5"),
    Hostile("twelve-345", "12.345"),
    Hostile("plus-five", "+5"),
    Hostile("five-minus", "5-"),
    Hostile("double-minus", "--5"),
    Hostile("two-points", "1.2.3"),
    Hostile("dot-five", ".5"),
    Hostile("comma-decimal", "12,50"),
    Hostile("bad-grouping", "1,23,456"),
    Hostile("hex", "0x10"),
    Hostile("space-inside", "1 000"),
    Hostile("nbsp-grouping", "1\u00a0000"),
    Hostile("currency-sign", "$5"),
    Hostile("percent", "5%"),
    Hostile("fraction-char", "½"),
    Hostile("superscript", "²"),
    Hostile("roman-numeral", "Ⅻ"),
    Hostile("digits-then-nul", "12\x00"),
    Hostile("digits-then-newline", "12\n"),
    Hostile("digits-then-zero-width", "12\u200b"),
    Hostile("digits-rtl", "\u202e21"),
    Hostile("max-int64", str(2**63)),
    Hostile("just-over-max", "10000000000000.01"),
    Hostile("plain-amount", "12.50"),
    Hostile("grouped-amount", "1,234.50"),
)

# Whole counts: quantities, stock, payment terms, backups kept, decimals.
QUANTITIES: tuple[Hostile, ...] = (
    *AMOUNTS,
    Hostile("one", "1"),
    Hostile("ten-thousand-one", "10001"),
    Hostile("int32-overflow", "2147483648"),
)

# Free text: names, descriptions, reasons, notes, addresses, tax numbers.
NAMES: tuple[Hostile, ...] = (
    *ANY_TEXT,
    Hostile("long-201", "b" * 201),
    Hostile("long-301", "c" * 301),
    Hostile("long-501", "d" * 501),
    Hostile("persian-zwnj", "مهر\u200cناز"),
    Hostile("emoji-only", "🛒"),
    Hostile("digits-only", "123"),
    Hostile("apostrophe", "O'Brien"),
)

# Phones; `PHONE_STORED_AS_TYPED` is on file, `PHONE_SAME_OTHER_FORMAT` is it typed another way.
PHONE_STORED_AS_TYPED = "0555 12 34 56"
PHONE_SAME_OTHER_FORMAT = "+213555123456"
PHONES: tuple[Hostile, ...] = (
    *ANY_TEXT,
    Hostile("already-used-other-format", PHONE_SAME_OTHER_FORMAT),
    Hostile("already-used-00-form", "00213 555 12 34 56"),
    Hostile("already-used-dashes", "0555-12-34-56"),
    Hostile("arabic-indic-phone", "٠٥٥٥١٢٣٤٥٦"),
    Hostile("full-width-phone", "０５５５１２３４５６"),
    Hostile("letters", "call me"),
    Hostile("too-short", "12"),
    Hostile("forty-digits", "9" * 40),
    Hostile("plus-only", "+"),
    Hostile("double-plus", "++213555123456"),
    Hostile("extension", "0555 12 34 56 ext 12"),
    Hostile("new-valid", "0661 22 33 44"),
)

# Dates typed as text (a date picker holds a date; these reach the parsers that read text).
DATES: tuple[Hostile, ...] = (
    *ANY_TEXT,
    Hostile("far-future", "9999-12-31"),
    Hostile("far-past", "0001-01-01"),
    Hostile("before-gregorian", "1582-10-10"),
    Hostile("year-10000", "10000-01-01"),
    Hostile("feb-30", "2026-02-30"),
    Hostile("month-13", "2026-13-01"),
    Hostile("arabic-indic-date", "٢٠٢٦-١١-٢١"),
    Hostile("slashes", "21/11/2026"),
)

# Identifiers typed by people: customer numbers, barcodes, region codes, version numbers.
NUMBERS: tuple[Hostile, ...] = (
    *QUANTITIES,
    Hostile("customer-number", "C-00042"),
    Hostile("spaced-number", "C 00042"),
    Hostile("slash-number", "A/12.3_x"),
    Hostile("barcode", "6130001000066"),
    Hostile("barcode-with-space", "6130 001"),
    Hostile("lowercase-region", "dz"),
    Hostile("unknown-region", "ZZ"),
)

# Paths for the command line's --db, --out and --backup (NUL is refused by the OS itself).
PATH_NAMES: tuple[Hostile, ...] = (
    Hostile("empty", ""),
    Hostile("nul", "shop\x00.db"),
    Hostile("lone-surrogate", "shop\ud800.db"),
    Hostile("undecodable-byte", "shop\udcff.db"),
    Hostile("newline", "shop\n.db"),
    Hostile("rtl-override", "\u202ebd.pohs"),
    Hostile("arabic", "دكان.db"),
    Hostile("emoji", "🛒.db"),
    Hostile("long-10000", "a" * TEN_THOUSAND),
    Hostile("long-component-300", "a" * 300 + ".db"),
    Hostile("dash-leading", "-shop.db"),
    Hostile("sql-injection", "'; DROP TABLE sales; --.db"),
)

# The option values `--to N` is fed.
VERSIONS: tuple[Hostile, ...] = (
    Hostile("empty", ""),
    Hostile("space", " "),
    Hostile("zero", "0"),
    Hostile("minus-one", "-1"),
    Hostile("minus-zero", "-0"),
    Hostile("nan", "nan"),
    Hostile("inf", "inf"),
    Hostile("exponent", "1e1"),
    Hostile("decimal", "1.5"),
    Hostile("arabic-indic-digits", "١"),
    Hostile("full-width-digits", "１"),
    Hostile("underscore", "1_0"),
    Hostile("plus", "+1"),
    Hostile("padded", " 1 "),
    Hostile("forty-nines", "9" * 40),
    Hostile("ten-thousand-digits", "9" * TEN_THOUSAND),
    Hostile("nul", "1\x00"),
    Hostile("lone-surrogate", "1\ud800"),
)


def labels(values: tuple[Hostile, ...]) -> list[str]:
    """Test ids: the labels, since a 10,000-character id helps no one."""
    return [value.label for value in values]


def catalogue_size() -> int:
    """Distinct hostile values across every kind."""
    kinds = (ANY_TEXT, AMOUNTS, QUANTITIES, NAMES, PHONES, DATES, NUMBERS, PATH_NAMES, VERSIONS)
    return len({value.text for kind in kinds for value in kind})
