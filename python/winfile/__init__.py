"""winfile: the Win32 file API on Linux. The drop-in modules are top-level (win32file, pywintypes, ...)."""
