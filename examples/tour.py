"""A short walk through what winfile does: pywin32 code, unchanged, on Linux (files,
attributes, times, errors, copies, share modes, locks, overlapped I/O, listings, watches).

Run with `make demo`. Everything happens in a scratch directory mapped to drive W:
through a private drive table, so Windows-style paths work end to end.
"""
import os
import shutil
import tempfile

# A private drive table for the tour: W: -> a scratch directory (set before use).
scratch = tempfile.mkdtemp(prefix="winfile-tour-")
table = os.path.join(scratch, "config", "winfile", "dosdevices")
os.makedirs(table)
os.makedirs(os.path.join(scratch, "w"))
os.symlink(os.path.join(scratch, "w"), os.path.join(table, "w:"))
os.environ["XDG_CONFIG_HOME"] = os.path.join(scratch, "config")

import pywintypes  # noqa: E402
import win32con  # noqa: E402
import win32file  # noqa: E402
import winerror  # noqa: E402


def show(label, value):
    print(f"  {label:<34} {value!r}")


try:
    print("1. CreateFile on a Windows path through drive W:")
    h = win32file.CreateFile(r"W:\Reports\..\Notes.TXT", win32con.GENERIC_READ | win32con.GENERIC_WRITE,
                             0, None, win32file.CREATE_NEW, win32con.FILE_ATTRIBUTE_NORMAL, None)
    show("handle", h)
    show("WriteFile", win32file.WriteFile(h, b"Hello from win32file on Linux\r\n"))
    show("SetFilePointer(0, FILE_BEGIN)", win32file.SetFilePointer(h, 0, win32file.FILE_BEGIN))
    show("ReadFile(100)", win32file.ReadFile(h, 100))
    show("GetFileSize", win32file.GetFileSize(h))

    print("2. File information and times")
    info = win32file.GetFileInformationByHandle(h)
    show("attributes (ARCHIVE=32)", info[0])
    show("created", info[1])
    show("links, index low", (info[7], info[9]))
    ctime, atime, wtime = win32file.GetFileTime(h)
    win32file.SetFileTime(h, CreationTime=pywintypes.Time(946684800))
    show("creation time after SetFileTime", win32file.GetFileTime(h)[0])
    h.Close()

    print("3. Case-insensitive names and DOS attributes (stored in user.DOSATTRIB)")
    win32file.SetFileAttributes(r"w:\notes.txt", win32con.FILE_ATTRIBUTE_HIDDEN | win32con.FILE_ATTRIBUTE_READONLY)
    show("GetFileAttributes", win32file.GetFileAttributes(r"W:\NOTES.txt"))
    show("on disk", os.listdir(os.path.join(scratch, "w")))

    print("4. Windows errors, with Windows' codes and words")
    for call in (
        lambda: win32file.DeleteFile(r"W:\notes.txt"),  # READONLY
        lambda: win32file.CreateFile(r"W:\missing\x.txt", win32con.GENERIC_READ, 0, None,
                                     win32file.OPEN_EXISTING, 0, None),
        lambda: win32file.CreateDirectory(r"W:\Notes.txt", None),
    ):
        try:
            call()
        except pywintypes.error as e:
            show(e.funcname, (e.winerror, e.strerror))
    show("missing file attributes", win32file.GetFileAttributes(r"W:\nope"))

    print("5. Copy, move, delete")
    win32file.SetFileAttributes(r"W:\notes.txt", win32con.FILE_ATTRIBUTE_NORMAL)
    win32file.CopyFile(r"W:\notes.txt", r"W:\copy.txt", True)
    win32file.MoveFileEx(r"W:\copy.txt", r"W:\moved.txt", win32file.MOVEFILE_REPLACE_EXISTING)
    win32file.DeleteFile(r"W:\notes.txt")
    show("directory now", sorted(os.listdir(os.path.join(scratch, "w"))))
    show("GetFullPathName", win32file.GetFullPathName(r"W:\a\.\b\..\c.txt"))
    assert winerror.ERROR_FILE_NOT_FOUND == 2

    print("6. Share modes, locks, overlapped I/O through a completion port")
    import win32event  # noqa: E402
    log = win32file.CreateFile(r"W:\log.bin", win32con.GENERIC_READ | win32con.GENERIC_WRITE, win32con.FILE_SHARE_READ,
                               None, win32file.CREATE_ALWAYS, win32file.FILE_FLAG_OVERLAPPED, None)
    try:
        win32file.CreateFile(r"W:\log.bin", win32con.GENERIC_WRITE, 7, None, win32file.OPEN_EXISTING, 0, None)
    except pywintypes.error as e:
        show("second writer", (e.winerror, e.strerror))
    win32file.LockFileEx(log, win32con.LOCKFILE_EXCLUSIVE_LOCK, 0, -0x10000, pywintypes.OVERLAPPED())
    port = win32file.CreateIoCompletionPort(log, None, 7, 0)
    ol = pywintypes.OVERLAPPED()
    ol.hEvent = win32event.CreateEvent(None, True, False, None)
    show("WriteFile (overlapped)", win32file.WriteFile(log, b"x" * 4096, ol))
    show("GetQueuedCompletionStatus", win32file.GetQueuedCompletionStatus(port, 5000)[:3])
    show("event signaled", win32event.WaitForSingleObject(ol.hEvent, 0) == win32event.WAIT_OBJECT_0)
    win32file.UnlockFileEx(log, 0, -0x10000, pywintypes.OVERLAPPED())
    log.Close()

    print("7. Listing and watching a directory")
    show("FindFilesW('W:\\*.*')", [f[8] for f in win32file.FindFilesW(r"W:\*.*")])
    import winnt  # noqa: E402
    d = win32file.CreateFile("W:\\", winnt.FILE_LIST_DIRECTORY, 7, None, win32file.OPEN_EXISTING,
                             win32file.FILE_FLAG_BACKUP_SEMANTICS, None)
    import threading  # noqa: E402
    got = []
    t = threading.Thread(target=lambda: got.append(win32file.ReadDirectoryChangesW(
        d, 4096, False, win32con.FILE_NOTIFY_CHANGE_FILE_NAME, None, None)))
    t.start()
    import time  # noqa: E402
    time.sleep(0.2)
    open(os.path.join(scratch, "w", "new.txt"), "w").close()
    t.join(5)
    show("ReadDirectoryChangesW", got)
    d.Close()

    print("8. Pipes, named objects across processes, win32api")
    import subprocess  # noqa: E402
    import sys  # noqa: E402
    import win32api  # noqa: E402
    import win32pipe  # noqa: E402
    pipe_name = r"\\.\pipe\winfile-tour-%d" % os.getpid()
    server = win32pipe.CreateNamedPipe(pipe_name, win32pipe.PIPE_ACCESS_DUPLEX,
                                       win32pipe.PIPE_TYPE_MESSAGE | win32pipe.PIPE_READMODE_MESSAGE, 1, 0, 0, 0, None)
    client = subprocess.Popen([sys.executable, "-c", (
        "import win32file, win32con, win32pipe; "
        "h = win32file.CreateFile(%r, win32con.GENERIC_READ | win32con.GENERIC_WRITE, 0, None, "
        "win32con.OPEN_EXISTING, 0, None); "
        "win32pipe.SetNamedPipeHandleState(h, win32pipe.PIPE_READMODE_MESSAGE, None, None); "
        "print(win32pipe.TransactNamedPipe(h, b'hello from another process', 4, None))") % pipe_name],
        stdout=subprocess.PIPE, text=True)
    win32pipe.ConnectNamedPipe(server, None)
    show("server ReadFile", win32file.ReadFile(server, 100))
    win32file.WriteFile(server, b"a reply longer than the client's 4-byte buffer")
    show("client TransactNamedPipe", client.communicate(timeout=10)[0].strip())
    server.Close()
    mutex_name = "Local\\winfile-tour-%d" % os.getpid()
    mine = win32event.CreateMutex(None, False, mutex_name)
    other = subprocess.run([sys.executable, "-c", (
        "import win32event, win32api; h = win32event.CreateMutex(None, False, %r); "
        "print(win32api.GetLastError())") % mutex_name], capture_output=True, text=True, timeout=10)
    show("second instance GetLastError", int(other.stdout))
    show("FormatMessage(183)", win32api.FormatMessage(int(other.stdout)).strip())
    mine.Close()
finally:
    shutil.rmtree(scratch, ignore_errors=True)
print("Tour complete.")
