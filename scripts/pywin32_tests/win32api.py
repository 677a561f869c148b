"""Stand-in for the few win32api names the tests use. winfile ships no win32api:
CloseHandle is the same Win32 call as win32file.CloseHandle; GetTempPath is the temp dir."""
import tempfile
import time
import unittest

import pywintypes
import win32file

error = pywintypes.error
CloseHandle = win32file.CloseHandle


def GetTempPath():
    return tempfile.gettempdir() + "/"


def Sleep(ms):
    time.sleep(ms / 1000)


def __getattr__(name):
    raise unittest.SkipTest("win32api.%s: winfile provides no win32api" % name)
