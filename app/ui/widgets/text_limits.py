"""How far a line edit lets a text grow, so a pasted text that is too long is said, never cut."""

from __future__ import annotations

# Typing a little past a limit lets the checker, not a silent cut, explain it.
SLACK = 20


def room_for(limit: int) -> int:
    """The `setMaxLength` for a field whose checker allows `limit` characters.

    Qt counts UTF-16 units, the checkers count characters, and an emoji or a rare CJK character
    is two units: with `limit + SLACK` a pasted 10,000-emoji name was cut to 110 emoji and
    saved. With twice the limit, any text Qt cuts still has more than `limit` characters, so
    the checker refuses it and says how long it may be.
    """
    return 2 * limit + SLACK


# Qt's own ceiling, for fields that hold a number: cut shorter, "0000…05" pasted would be kept
# as its zeros and read as 0, while the parsers already refuse too many digits by themselves.
NUMBER_ROOM = 32767
