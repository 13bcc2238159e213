
import sys as _sys
def _docs_echo(value):
    if value is not None:
        print("=== " + repr(value).replace("\n", "\\n"))
_sys.displayhook = _docs_echo
