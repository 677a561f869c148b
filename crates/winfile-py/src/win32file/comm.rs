//! Serial ports: the DCB and COMSTAT objects, COMMTIMEOUTS as pywin32's 5-tuple, and
//! the comm functions (conversion only; the semantics are `winfile::comm`'s).

use crate::conv::{CInt, Dword, HandleArg};
use crate::error::{IntoPy, PyWinError};
use crate::interrupt::blocking;
use crate::pywintypes::PyOverlapped;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString, PyTuple};
use winfile::comm::{self, CommTimeouts, Dcb};
use winfile::Win32Error;

/// pywin32's PyDCB: every DCB member as an attribute, bit fields as ints.
#[pyclass(module = "win32file", name = "PyDCB")]
#[derive(Clone)]
pub struct PyDcb {
    pub dcb: Dcb,
}

fn char_of(c: u8) -> String {
    char::from(c).to_string()
}

/// A T_CHAR member: a str of one character (code < 256).
fn char_arg(v: &Bound<'_, PyAny>) -> PyResult<u8> {
    let s = v.cast::<PyString>().map_err(|_| PyTypeError::new_err("attribute must be a string of length 1"))?;
    let s = s.to_str()?;
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(c), None) if (c as u32) < 256 => Ok(c as u32 as u8),
        _ => Err(PyTypeError::new_err("attribute must be a string of length 1")),
    }
}

#[pymethods]
#[allow(non_snake_case)]
impl PyDcb {
    #[getter(DCBlength)]
    fn g_len(&self) -> u32 {
        self.dcb.DCBlength
    }
    #[setter(DCBlength)]
    fn s_len(&mut self, v: u32) {
        self.dcb.DCBlength = v;
    }
    #[getter(BaudRate)]
    fn g_baud(&self) -> u32 {
        self.dcb.BaudRate
    }
    #[setter(BaudRate)]
    fn s_baud(&mut self, v: u32) {
        self.dcb.BaudRate = v;
    }
    #[getter(wReserved)]
    fn g_wres(&self) -> u16 {
        self.dcb.wReserved
    }
    #[setter(wReserved)]
    fn s_wres(&mut self, v: u16) {
        self.dcb.wReserved = v;
    }
    #[getter(XonLim)]
    fn g_xonlim(&self) -> u16 {
        self.dcb.XonLim
    }
    #[setter(XonLim)]
    fn s_xonlim(&mut self, v: u16) {
        self.dcb.XonLim = v;
    }
    #[getter(XoffLim)]
    fn g_xofflim(&self) -> u16 {
        self.dcb.XoffLim
    }
    #[setter(XoffLim)]
    fn s_xofflim(&mut self, v: u16) {
        self.dcb.XoffLim = v;
    }
    #[getter(ByteSize)]
    fn g_bytesize(&self) -> u8 {
        self.dcb.ByteSize
    }
    #[setter(ByteSize)]
    fn s_bytesize(&mut self, v: u8) {
        self.dcb.ByteSize = v;
    }
    #[getter(Parity)]
    fn g_parity(&self) -> u8 {
        self.dcb.Parity
    }
    #[setter(Parity)]
    fn s_parity(&mut self, v: u8) {
        self.dcb.Parity = v;
    }
    #[getter(StopBits)]
    fn g_stop(&self) -> u8 {
        self.dcb.StopBits
    }
    #[setter(StopBits)]
    fn s_stop(&mut self, v: u8) {
        self.dcb.StopBits = v;
    }
    #[getter(wReserved1)]
    fn g_wres1(&self) -> u16 {
        self.dcb.wReserved1
    }
    #[setter(wReserved1)]
    fn s_wres1(&mut self, v: u16) {
        self.dcb.wReserved1 = v;
    }
    #[getter(XonChar)]
    fn g_xon(&self) -> String {
        char_of(self.dcb.XonChar)
    }
    #[setter(XonChar)]
    fn s_xon(&mut self, v: &Bound<'_, PyAny>) -> PyResult<()> {
        self.dcb.XonChar = char_arg(v)?;
        Ok(())
    }
    #[getter(XoffChar)]
    fn g_xoff(&self) -> String {
        char_of(self.dcb.XoffChar)
    }
    #[setter(XoffChar)]
    fn s_xoff(&mut self, v: &Bound<'_, PyAny>) -> PyResult<()> {
        self.dcb.XoffChar = char_arg(v)?;
        Ok(())
    }
    #[getter(ErrorChar)]
    fn g_err(&self) -> String {
        char_of(self.dcb.ErrorChar)
    }
    #[setter(ErrorChar)]
    fn s_err(&mut self, v: &Bound<'_, PyAny>) -> PyResult<()> {
        self.dcb.ErrorChar = char_arg(v)?;
        Ok(())
    }
    #[getter(EofChar)]
    fn g_eof(&self) -> String {
        char_of(self.dcb.EofChar)
    }
    #[setter(EofChar)]
    fn s_eof(&mut self, v: &Bound<'_, PyAny>) -> PyResult<()> {
        self.dcb.EofChar = char_arg(v)?;
        Ok(())
    }
    #[getter(EvtChar)]
    fn g_evt(&self) -> String {
        char_of(self.dcb.EvtChar)
    }
    #[setter(EvtChar)]
    fn s_evt(&mut self, v: &Bound<'_, PyAny>) -> PyResult<()> {
        self.dcb.EvtChar = char_arg(v)?;
        Ok(())
    }
    #[getter(fBinary)]
    fn g_fbinary(&self) -> u32 {
        self.dcb.fBinary
    }
    #[setter(fBinary)]
    fn s_fbinary(&mut self, v: CInt) {
        self.dcb.fBinary = (v.0 as u32) & ((1u32 << 1) - 1);
    }
    #[getter(fParity)]
    fn g_fparity(&self) -> u32 {
        self.dcb.fParity
    }
    #[setter(fParity)]
    fn s_fparity(&mut self, v: CInt) {
        self.dcb.fParity = (v.0 as u32) & ((1u32 << 1) - 1);
    }
    #[getter(fOutxCtsFlow)]
    fn g_fcts(&self) -> u32 {
        self.dcb.fOutxCtsFlow
    }
    #[setter(fOutxCtsFlow)]
    fn s_fcts(&mut self, v: CInt) {
        self.dcb.fOutxCtsFlow = (v.0 as u32) & ((1u32 << 1) - 1);
    }
    #[getter(fOutxDsrFlow)]
    fn g_fdsr(&self) -> u32 {
        self.dcb.fOutxDsrFlow
    }
    #[setter(fOutxDsrFlow)]
    fn s_fdsr(&mut self, v: CInt) {
        self.dcb.fOutxDsrFlow = (v.0 as u32) & ((1u32 << 1) - 1);
    }
    #[getter(fDtrControl)]
    fn g_fdtr(&self) -> u32 {
        self.dcb.fDtrControl
    }
    #[setter(fDtrControl)]
    fn s_fdtr(&mut self, v: CInt) {
        self.dcb.fDtrControl = (v.0 as u32) & ((1u32 << 2) - 1);
    }
    #[getter(fDsrSensitivity)]
    fn g_fdsrs(&self) -> u32 {
        self.dcb.fDsrSensitivity
    }
    #[setter(fDsrSensitivity)]
    fn s_fdsrs(&mut self, v: CInt) {
        self.dcb.fDsrSensitivity = (v.0 as u32) & ((1u32 << 1) - 1);
    }
    #[getter(fTXContinueOnXoff)]
    fn g_ftxc(&self) -> u32 {
        self.dcb.fTXContinueOnXoff
    }
    #[setter(fTXContinueOnXoff)]
    fn s_ftxc(&mut self, v: CInt) {
        self.dcb.fTXContinueOnXoff = (v.0 as u32) & ((1u32 << 1) - 1);
    }
    #[getter(fOutX)]
    fn g_foutx(&self) -> u32 {
        self.dcb.fOutX
    }
    #[setter(fOutX)]
    fn s_foutx(&mut self, v: CInt) {
        self.dcb.fOutX = (v.0 as u32) & ((1u32 << 1) - 1);
    }
    #[getter(fInX)]
    fn g_finx(&self) -> u32 {
        self.dcb.fInX
    }
    #[setter(fInX)]
    fn s_finx(&mut self, v: CInt) {
        self.dcb.fInX = (v.0 as u32) & ((1u32 << 1) - 1);
    }
    #[getter(fErrorChar)]
    fn g_ferr(&self) -> u32 {
        self.dcb.fErrorChar
    }
    #[setter(fErrorChar)]
    fn s_ferr(&mut self, v: CInt) {
        self.dcb.fErrorChar = (v.0 as u32) & ((1u32 << 1) - 1);
    }
    #[getter(fNull)]
    fn g_fnull(&self) -> u32 {
        self.dcb.fNull
    }
    #[setter(fNull)]
    fn s_fnull(&mut self, v: CInt) {
        self.dcb.fNull = (v.0 as u32) & ((1u32 << 1) - 1);
    }
    #[getter(fRtsControl)]
    fn g_frts(&self) -> u32 {
        self.dcb.fRtsControl
    }
    #[setter(fRtsControl)]
    fn s_frts(&mut self, v: CInt) {
        self.dcb.fRtsControl = (v.0 as u32) & ((1u32 << 2) - 1);
    }
    #[getter(fAbortOnError)]
    fn g_fabort(&self) -> u32 {
        self.dcb.fAbortOnError
    }
    #[setter(fAbortOnError)]
    fn s_fabort(&mut self, v: CInt) {
        self.dcb.fAbortOnError = (v.0 as u32) & ((1u32 << 1) - 1);
    }
    #[getter(fDummy2)]
    fn g_fdummy(&self) -> u32 {
        self.dcb.fDummy2
    }
    #[setter(fDummy2)]
    fn s_fdummy(&mut self, v: CInt) {
        self.dcb.fDummy2 = (v.0 as u32) & ((1u32 << 17) - 1);
    }

    fn __repr__(&self) -> String {
        let d = &self.dcb;
        format!("<PyDCB BaudRate={} ByteSize={} Parity={} StopBits={}>", d.BaudRate, d.ByteSize, d.Parity, d.StopBits)
    }
}

/// pywin32's PyCOMSTAT.
#[pyclass(module = "win32file", name = "PyCOMSTAT", frozen)]
pub struct PyComStat {
    st: comm::ComStat,
}

#[pymethods]
#[allow(non_snake_case)]
impl PyComStat {
    #[getter]
    fn cbInQue(&self) -> u32 {
        self.st.cbInQue
    }
    #[getter]
    fn cbOutQue(&self) -> u32 {
        self.st.cbOutQue
    }
    #[getter]
    fn fCtsHold(&self) -> u32 {
        self.st.fCtsHold
    }
    #[getter]
    fn fDsrHold(&self) -> u32 {
        self.st.fDsrHold
    }
    #[getter]
    fn fRlsdHold(&self) -> u32 {
        self.st.fRlsdHold
    }
    #[getter]
    fn fXoffHold(&self) -> u32 {
        self.st.fXoffHold
    }
    #[getter]
    fn fXoffSent(&self) -> u32 {
        self.st.fXoffSent
    }
    #[getter]
    fn fEof(&self) -> u32 {
        self.st.fEof
    }
    #[getter]
    fn fTxim(&self) -> u32 {
        self.st.fTxim
    }
    #[getter]
    fn fReserved(&self) -> u32 {
        self.st.fReserved
    }
    fn __repr__(&self) -> String {
        format!("<PyCOMSTAT cbInQue={} cbOutQue={}>", self.st.cbInQue, self.st.cbOutQue)
    }
}

/// A PyDCB argument (None is the NULL pointer: ERROR_NOACCESS from the API).
fn dcb_arg<'py>(v: &Bound<'py, PyAny>, func: &'static str) -> PyResult<Option<Bound<'py, PyDcb>>> {
    if v.is_none() {
        return Ok(None);
    }
    let _ = func;
    v.cast::<PyDcb>().map(|d| Some(d.clone())).map_err(|_| PyTypeError::new_err("The object is not a PyDCB object"))
}

/// DCB() -> PyDCB: zeroed, DCBlength set.
#[pyfunction]
#[pyo3(name = "DCB")]
fn dcb_new() -> PyDcb {
    PyDcb { dcb: Dcb::default() }
}

/// BuildCommDCB(def, dcb, /) -> None: fills `dcb` in place (pywin32 passes it as input).
#[pyfunction]
#[pyo3(name = "BuildCommDCB", signature = (_def, dcb, /))]
fn build_comm_dcb(_def: crate::conv::WideArg, dcb: &Bound<'_, PyAny>) -> PyResult<()> {
    let text = _def.0;
    let Some(d) = dcb_arg(dcb, "BuildCommDCB")? else {
        return Err(PyWinError::new(Win32Error::NOACCESS, "BuildCommDCB").into());
    };
    let mut v = d.borrow().dcb;
    comm::build_comm_dcb(&text, &mut v).py_api("BuildCommDCB")?;
    d.borrow_mut().dcb = v;
    Ok(())
}

/// GetCommState(handle, /) -> PyDCB
#[pyfunction]
#[pyo3(name = "GetCommState", signature = (handle, /))]
fn get_comm_state(handle: HandleArg) -> PyResult<PyDcb> {
    Ok(PyDcb { dcb: comm::get_comm_state(handle.0).py_api("GetCommState")? })
}

/// SetCommState(handle, dcb, /)
#[pyfunction]
#[pyo3(name = "SetCommState", signature = (handle, dcb, /))]
fn set_comm_state(handle: HandleArg, dcb: &Bound<'_, PyAny>) -> PyResult<()> {
    let Some(d) = dcb_arg(dcb, "SetCommState")? else {
        return Err(PyWinError::new(Win32Error::NOACCESS, "SetCommState").into());
    };
    let v = d.borrow().dcb;
    Ok(comm::set_comm_state(handle.0, &v).py_api("SetCommState")?)
}

/// GetCommTimeouts(handle, /) -> (ReadIntervalTimeout, ReadTotalTimeoutMultiplier,
/// ReadTotalTimeoutConstant, WriteTotalTimeoutMultiplier, WriteTotalTimeoutConstant)
#[pyfunction]
#[pyo3(name = "GetCommTimeouts", signature = (handle, /))]
fn get_comm_timeouts(handle: HandleArg) -> PyResult<(u32, u32, u32, u32, u32)> {
    let t = comm::get_comm_timeouts(handle.0).py_api("GetCommTimeouts")?;
    Ok((t.read_interval, t.read_multiplier, t.read_constant, t.write_multiplier, t.write_constant))
}

/// SetCommTimeouts(handle, timeouts, /): a 5-tuple parsed "kkkkk".
#[pyfunction]
#[pyo3(name = "SetCommTimeouts", signature = (handle, val, /))]
fn set_comm_timeouts(handle: HandleArg, val: &Bound<'_, PyAny>) -> PyResult<()> {
    let tup = val.cast::<PyTuple>().map_err(|_| PyTypeError::new_err("COMMTIMEOUTS must be a tuple of 5 integers"))?;
    if tup.len() != 5 {
        return Err(PyTypeError::new_err("COMMTIMEOUTS must be a tuple of 5 integers"));
    }
    let v: Vec<u32> = tup.iter().map(|x| x.extract::<Dword>().map(|d| d.0)).collect::<PyResult<_>>()?;
    let t = CommTimeouts {
        read_interval: v[0],
        read_multiplier: v[1],
        read_constant: v[2],
        write_multiplier: v[3],
        write_constant: v[4],
    };
    Ok(comm::set_comm_timeouts(handle.0, &t).py_api("SetCommTimeouts")?)
}

/// SetupComm(handle, dwInQueue, dwOutQueue, /)
#[pyfunction]
#[pyo3(name = "SetupComm", signature = (handle, dwInQueue, dwOutQueue, /))]
#[allow(non_snake_case)]
fn setup_comm(handle: HandleArg, dwInQueue: CInt, dwOutQueue: CInt) -> PyResult<()> {
    Ok(comm::setup_comm(handle.0, dwInQueue.0 as u32, dwOutQueue.0 as u32).py_api("SetupComm")?)
}

/// PurgeComm(handle, action, /)
#[pyfunction]
#[pyo3(name = "PurgeComm", signature = (handle, action, /))]
fn purge_comm(handle: HandleArg, action: CInt) -> PyResult<()> {
    Ok(comm::purge_comm(handle.0, action.0 as u32).py_api("PurgeComm")?)
}

/// ClearCommError(handle, /) -> (errors, PyCOMSTAT)
#[pyfunction]
#[pyo3(name = "ClearCommError", signature = (handle, /))]
fn clear_comm_error(handle: HandleArg) -> PyResult<(u32, PyComStat)> {
    let (e, st) = comm::clear_comm_error(handle.0).py_api("ClearCommError")?;
    Ok((e, PyComStat { st }))
}

/// EscapeCommFunction(handle, func, /)
#[pyfunction]
#[pyo3(name = "EscapeCommFunction", signature = (handle, func, /))]
fn escape_comm_function(handle: HandleArg, func: CInt) -> PyResult<()> {
    Ok(comm::escape_comm_function(handle.0, func.0 as u32).py_api("EscapeCommFunction")?)
}

/// SetCommBreak(handle, /)
#[pyfunction]
#[pyo3(name = "SetCommBreak", signature = (handle, /))]
fn set_comm_break(handle: HandleArg) -> PyResult<()> {
    Ok(comm::set_comm_break(handle.0).py_api("SetCommBreak")?)
}

/// ClearCommBreak(handle, /)
#[pyfunction]
#[pyo3(name = "ClearCommBreak", signature = (handle, /))]
fn clear_comm_break(handle: HandleArg) -> PyResult<()> {
    Ok(comm::clear_comm_break(handle.0).py_api("ClearCommBreak")?)
}

/// TransmitCommChar(handle, cChar, /): cChar as PyArg_ParseTuple's "c" (bytes or
/// bytearray of length 1).
#[pyfunction]
#[pyo3(name = "TransmitCommChar", signature = (handle, cChar, /))]
#[allow(non_snake_case)]
fn transmit_comm_char(py: Python<'_>, handle: HandleArg, cChar: &Bound<'_, PyAny>) -> PyResult<()> {
    let byte = if let Ok(b) = cChar.cast::<PyBytes>() {
        (b.as_bytes().len() == 1).then(|| b.as_bytes()[0])
    } else if let Ok(b) = cChar.cast::<PyByteArray>() {
        let v = b.to_vec();
        (v.len() == 1).then(|| v[0])
    } else {
        None
    };
    let Some(c) = byte else {
        return Err(PyTypeError::new_err(format!(
            "argument 2 must be a byte string of length 1, not {}",
            cChar.get_type().name()?
        )));
    };
    let h = handle.0;
    blocking(py, "TransmitCommChar", move || comm::transmit_comm_char(h, c))
}

/// GetCommModemStatus(handle, /) -> MS_* bits
#[pyfunction]
#[pyo3(name = "GetCommModemStatus", signature = (handle, /))]
fn get_comm_modem_status(handle: HandleArg) -> PyResult<u32> {
    Ok(comm::get_comm_modem_status(handle.0).py_api("GetCommModemStatus")?)
}

/// GetCommMask(handle, /) -> EV_* mask
#[pyfunction]
#[pyo3(name = "GetCommMask", signature = (handle, /))]
fn get_comm_mask(handle: HandleArg) -> PyResult<u32> {
    Ok(comm::get_comm_mask(handle.0).py_api("GetCommMask")?)
}

/// SetCommMask(handle, val, /)
#[pyfunction]
#[pyo3(name = "SetCommMask", signature = (handle, val, /))]
fn set_comm_mask(handle: HandleArg, val: CInt) -> PyResult<()> {
    Ok(comm::set_comm_mask(handle.0, val.0 as u32).py_api("SetCommMask")?)
}

/// WaitCommEvent(handle, overlapped=None, /) -> (rc, mask): rc 0 or ERROR_IO_PENDING;
/// with an OVERLAPPED the mask lands in its `dword` at completion.
#[pyfunction]
#[pyo3(name = "WaitCommEvent", signature = (handle, overlapped=None, /))]
fn wait_comm_event(py: Python<'_>, handle: HandleArg, overlapped: Option<&Bound<'_, PyAny>>) -> PyResult<(u32, u32)> {
    let h = handle.0;
    match overlapped.filter(|o| !o.is_none()) {
        None => {
            let mask = blocking(py, "WaitCommEvent", move || comm::wait_comm_event(h))?;
            Ok((0, mask))
        }
        Some(o) => {
            let ol = o
                .cast::<PyOverlapped>()
                .map_err(|_| PyTypeError::new_err("The object is not a PyOVERLAPPED object"))?;
            let submit = super::overlapped::submit_of(ol);
            let inner = ol.borrow().inner.clone();
            let issued = blocking(py, "WaitCommEvent", move || comm::wait_comm_event_overlapped(h, submit))?;
            Ok(match issued {
                winfile::overlapped::Issued::Pending => (Win32Error::IO_PENDING.0, inner.dword()),
                winfile::overlapped::Issued::Completed(_) => (0, inner.dword()),
            })
        }
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyDcb>()?;
    m.add_class::<PyComStat>()?;
    m.add("COMSTAT", m.getattr("PyCOMSTAT")?)?;
    m.add_function(wrap_pyfunction!(dcb_new, m)?)?;
    m.add_function(wrap_pyfunction!(build_comm_dcb, m)?)?;
    m.add_function(wrap_pyfunction!(get_comm_state, m)?)?;
    m.add_function(wrap_pyfunction!(set_comm_state, m)?)?;
    m.add_function(wrap_pyfunction!(get_comm_timeouts, m)?)?;
    m.add_function(wrap_pyfunction!(set_comm_timeouts, m)?)?;
    m.add_function(wrap_pyfunction!(setup_comm, m)?)?;
    m.add_function(wrap_pyfunction!(purge_comm, m)?)?;
    m.add_function(wrap_pyfunction!(clear_comm_error, m)?)?;
    m.add_function(wrap_pyfunction!(escape_comm_function, m)?)?;
    m.add_function(wrap_pyfunction!(set_comm_break, m)?)?;
    m.add_function(wrap_pyfunction!(clear_comm_break, m)?)?;
    m.add_function(wrap_pyfunction!(transmit_comm_char, m)?)?;
    m.add_function(wrap_pyfunction!(get_comm_modem_status, m)?)?;
    m.add_function(wrap_pyfunction!(get_comm_mask, m)?)?;
    m.add_function(wrap_pyfunction!(set_comm_mask, m)?)?;
    m.add_function(wrap_pyfunction!(wait_comm_event, m)?)?;
    Ok(())
}
