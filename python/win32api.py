"""The file-handling subset of pywin32's ``win32api``, implemented on Linux by winfile.

Only the functions file code uses are provided; the README's compatibility table
lists them. The functions come from the native extension.
"""

import pywintypes

error = pywintypes.error

from winfile import _native as _n  # noqa: E402

for _name in dir(_n.win32api):
    if not _name.startswith("_") and _name not in globals():
        globals()[_name] = getattr(_n.win32api, _name)
del _name, _n
