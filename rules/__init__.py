"""Party rules as pure functions of plain data and a date.

No I/O, no database, no Telegram, no clock (callers pass ``today``), no translation: refusals
and warnings are :class:`rules.messages.Msg` values the handlers translate. Every number comes
from :data:`rules.catalogue.DEFAULT_CATALOGUE` (or a configured copy of it).
"""
