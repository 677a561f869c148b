"""winfile ships no win32pipe: every use skips the case."""
import unittest

import pywintypes

error = pywintypes.error


def __getattr__(name):
    raise unittest.SkipTest("win32pipe.%s: winfile provides no win32pipe" % name)
