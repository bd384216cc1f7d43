"""The companion's exit codes, one vocabulary for cron wrappers and MTAs.

0 all good, 1 some messages failed (they are named), 2 a setting is wrong (it is named),
75 a temporary failure (EX_TEMPFAIL: a server unreachable, a ledger busy; try again later).
"""

from typing import Final

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_CONFIG: Final = 2
EXIT_TEMPORARY: Final = 75
