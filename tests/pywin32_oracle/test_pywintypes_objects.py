"""pywintypes objects against pywin32's C source, one test per behaviour, each citing
the source it follows (mhammond/pywin32, win32/src/...), and pywin32's own tests
(win32/test/handles.py, test_pywintypes.py, test_win32file.py) re-expressed here.
Cases needing win32api/win32pipe/sockets/pythoncom or real Windows are listed in
README.md ("pywin32's own tests")."""
import datetime
import gc
import operator
import sys
import warnings

import pytest
import pywintypes
import win32event
import win32file

# ---------------------------------------------------------------- PyHANDLE.cpp


def test_handle_ctor_default_none_and_int():
    # PyWinMethod_NewHANDLE: "|O", default None -> 0 through PyWinObject_AsHANDLE.
    assert int(pywintypes.HANDLE()) == 0 and int(pywintypes.HANDLE(None)) == 0
    assert pywintypes.HANDLE(1).Detach() == 1


def test_handle_ctor_takes_another_handle():
    # PyWinObject_AsHANDLE: a PyHANDLE gives its value (handles.py testOtherHandle).
    h = pywintypes.HANDLE(1)
    h2 = pywintypes.HANDLE(h)
    assert h == h2
    h2.Detach(), h.Detach()


def test_handle_ctor_rejects_non_numbers():
    # PyWinObject_AsHANDLE: "The object is not a PyHANDLE object" (handles.py testTypes).
    for bad in ("foo", ()):
        with pytest.raises(TypeError, match="The object is not a PyHANDLE object"):
            pywintypes.HANDLE(bad)


def test_handle_ctor_accepts_unsigned_pointer_values():
    # PyWinLong_AsVoidPtr: signed first, then unsigned (handles.py testLong).
    h = pywintypes.HANDLE(sys.maxsize + 1)
    assert h.Detach() == -(sys.maxsize + 1)  # PyWinLong_FromHANDLE is signed


def test_handle_equality_with_ints_both_ways():
    # PyHANDLE::richcompare: PyHANDLE or int, EQ/NE (handles.py testHandleCompareInt).
    h = pywintypes.HANDLE(1)
    assert h == 1 and 1 == h and not (h != 1) and not (1 != h)
    assert h != 0 and 0 != h and not (h == 0) and not (0 == h)
    h.Detach()


def test_handle_compares_unequal_to_none():
    # richcompare returns NotImplemented for other types (handles.py testHandleCompareNone).
    h = pywintypes.HANDLE(1)
    assert h != None and None != h and not (h == None)  # noqa: E711
    h.Detach()


def test_handle_ordering_is_a_type_error():
    # richcompare: only Py_EQ/Py_NE are answered.
    h = pywintypes.HANDLE(1)
    with pytest.raises(TypeError):
        h < 2  # noqa: B015
    h.Detach()


def test_handle_hash_is_identity_and_dict_lookups_work():
    # PyHANDLE::hash "Just use the address" (handles.py testHandleInDict, ...ThenInt).
    h = pywintypes.HANDLE(1)
    d = dict(foo=h)
    assert d["foo"] == h and d["foo"] == 1
    other = pywintypes.HANDLE(1)
    assert other == h and hash(other) != hash(h)
    other.Detach(), h.Detach()


def test_handle_bool():
    # PyHANDLE::nonzeroFunc (handles.py testHandleNonZero).
    assert not pywintypes.HANDLE(0)
    h = pywintypes.HANDLE(1)
    assert h
    h.Detach()


@pytest.mark.parametrize("op", [
    lambda h: h + 1, lambda h: 1 + h, lambda h: h - 1, lambda h: h * 2, lambda h: h % 2,
    lambda h: divmod(h, 2), lambda h: h ** 2, lambda h: -h, lambda h: +h, lambda h: abs(h),
    lambda h: ~h, lambda h: h << 1, lambda h: h >> 1, lambda h: h & 1, lambda h: h ^ 1,
    lambda h: h | 1, lambda h: float(h),
])
def test_handle_arithmetic_is_bad_operand_type(op):
    # PyHANDLE_NumberMethods: binary/unary/ternaryFailureFunc, failMsg "bad operand type".
    h = pywintypes.HANDLE(4)
    with pytest.raises(TypeError, match="^bad operand type$"):
        op(h)
    h.Detach()


def test_handle_is_not_an_index():
    # PyHANDLE_NumberMethods has nb_int but no nb_index.
    h = pywintypes.HANDLE(4)
    assert int(h) == 4
    with pytest.raises(TypeError):
        operator.index(h)
    h.Detach()


def test_handle_str_and_repr():
    # PyHANDLE::asStr "<%hs:%Id>", used for tp_repr and tp_str.
    h = pywintypes.HANDLE(-1)
    assert str(h) == repr(h) == "<PyHANDLE:-1>"
    h.Detach()


def test_handle_attribute_is_read_only():
    # PyHANDLE::getset: "handle" has a getter only.
    h = pywintypes.HANDLE(4)
    with pytest.raises(AttributeError):
        h.handle = 5
    with pytest.raises(AttributeError):
        h.other = 1
    h.Detach()


def test_handle_close_of_closed_handle_then_again():
    # handles.py testCleanupGood: a failing Close raises, a following Close works.
    h = win32event.CreateEvent(None, 0, 0, None)
    win32file.CloseHandle(int(h))
    with pytest.raises(pywintypes.error):
        h.Close()
    h.Close()


def test_handle_gc_of_invalid_handle_in_a_cycle():
    # handles.py testGC / testCleanup2: destruction never raises.
    class Cycle:
        def __init__(self, handle):
            self.cycle = self
            self.handle = handle

    Cycle(pywintypes.HANDLE(-2))
    gc.collect()


# ------------------------------------------------------------- PyOVERLAPPED.cpp


def test_overlapped_takes_no_arguments():
    # PyWinMethod_NewOVERLAPPED: ":OVERLAPPED".
    with pytest.raises(TypeError):
        pywintypes.OVERLAPPED(1)


def test_overlapped_fields_start_at_zero_and_hevent_is_int_zero():
    # PyOVERLAPPED(): memset 0; getattro "hEvent" -> PyWinLong_FromHANDLE when no PyHANDLE.
    ol = pywintypes.OVERLAPPED()
    assert (ol.Offset, ol.OffsetHigh, ol.Internal, ol.InternalHigh, ol.dword) == (0, 0, 0, 0, 0)
    assert ol.hEvent == 0 and type(ol.hEvent) is int
    assert ol.object is None


def test_overlapped_hevent_keeps_a_handle_object_and_reads_ints_back_as_ints():
    # setattro "hEvent": m_obhEvent kept only for a PyHANDLE.
    ol = pywintypes.OVERLAPPED()
    ev = win32event.CreateEvent(None, 0, 0, None)
    ol.hEvent = ev
    assert ol.hEvent is ev
    ol.hEvent = None
    assert ol.hEvent == 0 and type(ol.hEvent) is int
    ol.hEvent = int(ev)
    assert ol.hEvent == int(ev) and type(ol.hEvent) is int
    with pytest.raises(TypeError, match="The object is not a PyHANDLE object"):
        ol.hEvent = "event"


def test_overlapped_offset_is_a_32_bit_unsigned_member():
    # members[]: Offset/OffsetHigh/dword are T_ULONG (32 bits on Windows): no masking.
    ol = pywintypes.OVERLAPPED()
    ol.Offset = 0xFFFFFFFF
    for field in ("Offset", "OffsetHigh", "dword"):
        with pytest.raises(OverflowError):
            setattr(ol, field, 1 << 32)
        with pytest.raises(TypeError):
            setattr(ol, field, 1.5)
    assert ol.Offset == 0xFFFFFFFF and ol.OffsetHigh == 0


def test_overlapped_negative_offset_warns_as_structmember_does():
    # CPython's T_ULONG setter: a negative value is stored with a RuntimeWarning.
    ol = pywintypes.OVERLAPPED()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ol.Offset = -1
    assert ol.Offset == 0xFFFFFFFF
    assert [str(w.message) for w in caught] == ["Writing negative value into unsigned field"]


def test_overlapped_internal_is_pointer_sized():
    # setattro "Internal"/"InternalHigh": PyWinLong_AsULONG_PTR.
    ol = pywintypes.OVERLAPPED()
    ol.Internal = 2**64 - 1
    ol.InternalHigh = 5
    assert (ol.Internal, ol.InternalHigh) == (2**64 - 1, 5)
    with pytest.raises(TypeError):
        ol.Internal = "x"


def test_overlapped_equal_when_fields_equal():
    # richcompareFunc: memcmp of the structure (test_win32file testComparable2).
    a, b = pywintypes.OVERLAPPED(), pywintypes.OVERLAPPED()
    assert a == b and not (a != b)
    a.hEvent = 1
    assert a != b and not (a == b)
    a.hEvent = 0
    assert a == b
    a.Offset = 7
    assert a != b
    b.Offset = 7
    o = object()
    a.object = o
    assert a != b  # the object pointer is part of the struct
    b.object = o
    assert a == b


def test_overlapped_compares_to_itself():
    # test_win32file testComparable.
    ol = pywintypes.OVERLAPPED()
    assert ol == ol and not (ol != ol)


def test_overlapped_hash_is_identity():
    # hashFunc "Just use the address" (test_win32file testHashable).
    a, b = pywintypes.OVERLAPPED(), pywintypes.OVERLAPPED()
    d = {a: "hello"}
    assert d[a] == "hello"
    assert a == b and hash(a) != hash(b)


def test_overlapped_ordering_and_other_types():
    # richcompareFunc: NotImplemented for other types and for <, >.
    ol = pywintypes.OVERLAPPED()
    assert ol != 0 and ol != None  # noqa: E711
    with pytest.raises(TypeError):
        ol < pywintypes.OVERLAPPED()  # noqa: B015


def test_overlapped_attributes_cannot_be_deleted():
    # setattro: v == NULL -> AttributeError.
    ol = pywintypes.OVERLAPPED()
    with pytest.raises(AttributeError):
        del ol.Offset
    with pytest.raises(AttributeError):
        ol.undefined = 1


def test_overlapped_aliases():
    # PyWinTypesmodule.cpp: ADD_TYPE(OVERLAPPEDType), ADD_TYPE(HANDLEType), ADD_TYPE(IIDType).
    assert pywintypes.OVERLAPPEDType is type(pywintypes.OVERLAPPED())
    assert pywintypes.HANDLEType is type(pywintypes.HANDLE())
    assert pywintypes.IIDType is type(pywintypes.IID("{00000000-0000-0000-0000-000000000000}"))
    assert issubclass(pywintypes.TimeType, datetime.datetime)


# -------------------------------------------------------------------- PyIID.cpp

GUID_TEXT = "{00020400-0000-0000-C000-000000000046}"


def test_iid_parse_str_repr():
    # PyWinCoreString_FromIID (StringFromGUID2: upper case, braces); PyIID::repr.
    iid = pywintypes.IID(GUID_TEXT.lower())
    assert str(iid) == GUID_TEXT and repr(iid) == "IID('%s')" % GUID_TEXT


def test_iid_from_its_bytes():
    # PyWinMethod_NewIID is_bytes; buffer protocol (test_pywintypes testGUID).
    iid = pywintypes.IID(GUID_TEXT)
    assert pywintypes.IID(memoryview(iid), True) == iid
    assert bytes(iid)[:4] == (0x00020400).to_bytes(4, "little")
    with pytest.raises(ValueError):
        pywintypes.IID(b"00", True)
    with pytest.raises(TypeError):
        pywintypes.IID(0, True)


def test_iid_of_an_iid_is_itself():
    # PyWinMethod_NewIID: "Already an IID? Return self."
    iid = pywintypes.IID(GUID_TEXT)
    assert pywintypes.IID(iid) is iid


def test_iid_bad_string_is_com_error():
    # CLSIDFromString then CLSIDFromProgID fail: PyWin_SetBasicCOMError(CO_E_CLASSSTRING).
    for bad in ("not a guid", GUID_TEXT[1:-1], "{00020400-0000-0000-C000-00000000004G}"):
        with pytest.raises(pywintypes.com_error) as e:
            pywintypes.IID(bad)
        assert e.value.hresult == -2147221005


def test_iid_rich_compare():
    # PyIID::richcompare: EQ/NE with IIDs, NotImplemented otherwise (testGUIDRichCmp).
    iid = pywintypes.IID(GUID_TEXT)
    assert not (iid == None) and iid != None  # noqa: E711
    assert not (iid == GUID_TEXT)
    for op in (operator.gt, operator.lt):
        with pytest.raises(TypeError):
            op(None, iid)
        with pytest.raises(TypeError):
            op(iid, iid)


def test_iid_hash_and_dict():
    # PyIID::hash: the sum of the four DWORDs (testGUIDInDict).
    iid = pywintypes.IID(GUID_TEXT)
    assert hash(iid) == (0x00020400 + 0 + 0xC0 + 0x46000000) & 0xFFFFFFFF
    assert {"item": iid}["item"] == iid
    assert {iid: 1}[pywintypes.IID(GUID_TEXT)] == 1


def test_create_guid_is_unique():
    # PyWin_CreateGuid (CoCreateGuid).
    a, b = pywintypes.CreateGuid(), pywintypes.CreateGuid()
    assert a != b and isinstance(a, pywintypes.IIDType)


# -------------------------------------------------- test_pywintypes.py (PyTime)


def test_time_in_dict_and_compare():
    # test_pywintypes testTimeInDict, testPyTimeCompare, testPyTimeCompareOther.
    assert {"t1": pywintypes.Time(1)}["t1"] == pywintypes.Time(1)
    t1, t1_2, t2 = pywintypes.Time(100), pywintypes.Time(100), pywintypes.Time(101)
    assert t1 == t1_2 and t1 <= t1_2 and t1_2 >= t1 and t1 != t2 and t1 < t2 and t2 > t1
    assert t1 != None  # noqa: E711


def test_time_from_time_is_itself_and_too_large_is_max():
    # testPyTimeFromTime, testPyTimeTooLarge.
    t1 = pywintypes.Time(1_700_000_000)
    assert pywintypes.Time(t1) is t1
    assert pywintypes.TimeStamp(0x7FFFFFFFFFFFFFFF) == datetime.datetime.max


def test_time_format_matches_strftime():
    # testPyTimeFormat.
    import time
    now = time.localtime()
    pt = pywintypes.Time(now)
    for fmt in "%a %A %b %B %c %d %H %I %j %m %M %p %S %U %w %W %x %X %y %Y".split():
        assert pt.Format(fmt) == time.strftime(fmt, now), fmt


def test_time_tuple_with_milliseconds():
    # testTimeTuple, testTimeTuplems.
    now = datetime.datetime.now()
    assert pywintypes.Time(now.timetuple()) <= now
    pt = pywintypes.Time(now.timetuple() + (now.microsecond // 1000,))
    assert abs(now - pt) < datetime.timedelta(milliseconds=1)
