"""Named and anonymous pipes, like pywin32's ``win32pipe``, implemented on Linux by winfile.

The functions come from the native extension.
"""

import pywintypes

error = pywintypes.error

from winfile import _native as _n  # noqa: E402

for _name in dir(_n.win32pipe):
    if not _name.startswith("_") and _name not in globals():
        globals()[_name] = getattr(_n.win32pipe, _name)
del _name, _n
