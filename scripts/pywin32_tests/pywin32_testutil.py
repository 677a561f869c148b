"""Stand-in for pywin32's test helper module (only the names the four test files use)."""
import unittest

TestSkipped = unittest.SkipTest


def testmain(*args, **kwargs):
    unittest.main(*args, **kwargs)
