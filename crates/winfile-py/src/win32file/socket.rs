//! win32file's Winsock functions: AcceptEx, GetAcceptExSockaddrs,
//! CalculateSocketEndPointSize, ConnectEx, WSASend, WSARecv, TransmitFile,
//! WSAEventSelect, WSAEnumNetworkEvents. Sockets are `socket.socket` objects or their
//! `fileno()`; the work is in `winfile::net`.

use super::overlapped::{rc, rc_and_count, submit_of};
use crate::conv::{HandleArg, SocketArg};
use crate::error::{IntoPy, PyWinError};
use crate::interrupt::blocking;
use crate::pywintypes::PyOverlapped;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple};
use std::net::SocketAddr;
use winfile::net::{self, Endpoint, Sock};
use winfile::overlapped::{Issued, Lent, Submit};
use winfile::Win32Error;

/// pywin32's TypeError for a receive buffer that cannot be written (a str, bytes).
const NOT_WRITABLE: &str = "The buffer must be a writable buffer object (use win32file.AllocateReadBuffer)";

/// Runs a socket call that never blocks (a non-blocking attempt, then the reactor)
/// with the GIL held: releasing it would cost more than the call.
fn nonblocking<T>(py: Python<'_>, api: &'static str, call: impl FnOnce() -> winfile::Result<T>) -> PyResult<T> {
    let r = call().py_api(api);
    crate::lent::release_pending(py);
    Ok(r?)
}

/// Begins an overlapped socket call on `ol` (see [`nonblocking`]); its return code:
/// 0 or ERROR_IO_PENDING.
fn begin(
    py: Python<'_>,
    api: &'static str,
    ol: &Bound<'_, PyOverlapped>,
    call: impl FnOnce(Submit) -> winfile::Result<Issued>,
) -> PyResult<u32> {
    let s = submit_of(ol);
    Ok(rc(nonblocking(py, api, || call(s))?))
}

/// An optional send buffer (ConnectEx's payload, TransmitFile's head and tail): None
/// or Python None for none.
fn optional_readable(b: Option<Bound<'_, PyAny>>) -> PyResult<Option<Lent>> {
    match b {
        Some(b) if !b.is_none() => Ok(Some(crate::lent::readable(&b)?)),
        _ => Ok(None),
    }
}

/// AcceptEx(sListening, sAccepting, buffer, ol, /) -> 0 or ERROR_IO_PENDING
#[pyfunction]
#[pyo3(name = "AcceptEx", signature = (sListening, sAccepting, buffer, ol, /))]
#[allow(non_snake_case)]
fn accept_ex(
    py: Python<'_>,
    sListening: SocketArg,
    sAccepting: SocketArg,
    buffer: Bound<'_, PyAny>,
    ol: Bound<'_, PyOverlapped>,
) -> PyResult<u32> {
    const API: &str = "AcceptEx";
    let mem = crate::lent::writable(&buffer, NOT_WRITABLE)?;
    let need = net::calculate_socket_end_point_size(sListening.0).py_api(API)?;
    if mem.len() < need {
        return Err(PyValueError::new_err(format!("Second param must be at least {need} bytes long")));
    }
    begin(py, API, &ol, |s| net::accept_ex(sListening.0, sAccepting.0, mem, s))
}

fn endpoint<'py>(py: Python<'py>, e: &Endpoint) -> PyResult<Bound<'py, PyAny>> {
    Ok(match e {
        Endpoint::None => py.None().into_bound(py),
        // pywin32 gives IPv4 hosts as bytes (its MyMakeIPAddr).
        Endpoint::Ip(SocketAddr::V4(a)) => {
            (PyBytes::new(py, a.ip().to_string().as_bytes()), a.port()).into_pyobject(py)?.into_any()
        }
        // IPv6 in the socket module's shape: pywin32 would give 14 raw bytes of sa_data,
        // which cannot hold the address.
        Endpoint::Ip(SocketAddr::V6(a)) => {
            (a.ip().to_string(), a.port(), a.flowinfo(), a.scope_id()).into_pyobject(py)?.into_any()
        }
    })
}

/// GetAcceptExSockaddrs(sAccepting, buffer, /) -> (family, local, remote)
#[pyfunction]
#[pyo3(name = "GetAcceptExSockaddrs", signature = (sAccepting, buffer, /))]
#[allow(non_snake_case)]
fn get_accept_ex_sockaddrs<'py>(
    py: Python<'py>,
    sAccepting: SocketArg,
    buffer: Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTuple>> {
    const API: &str = "GetAcceptExSockaddrs";
    let data = crate::lent::exported(&buffer)?;
    let need = net::calculate_socket_end_point_size(sAccepting.0).py_api(API)?;
    if data.as_slice().len() < need {
        return Err(PyValueError::new_err(format!("buffer must be at least {need} bytes long")));
    }
    let (family, local, remote) = net::get_accept_ex_sockaddrs(sAccepting.0, data.as_slice()).py_api(API)?;
    PyTuple::new(py, [family.into_pyobject(py)?.into_any(), endpoint(py, &local)?, endpoint(py, &remote)?])
}

/// CalculateSocketEndPointSize(socket, /) -> int
#[pyfunction]
#[pyo3(name = "CalculateSocketEndPointSize", signature = (socket, /))]
fn calculate_socket_end_point_size(socket: SocketArg) -> PyResult<usize> {
    Ok(net::calculate_socket_end_point_size(socket.0).py_api("getsockopt")?)
}

/// The address ConnectEx connects to: `name` resolved as pywin32 does (getaddrinfo of
/// host and port, stream sockets, the socket's family).
fn resolve_name(py: Python<'_>, s: &Bound<'_, PyAny>, name: &Bound<'_, PyAny>) -> PyResult<SocketAddr> {
    let tuple = name.cast::<PyTuple>().map_err(|_| PyTypeError::new_err("ConnectEx requires a (host, port) tuple"))?;
    if tuple.len() < 2 {
        return Err(PyTypeError::new_err("ConnectEx requires a (host, port) tuple"));
    }
    let socket = py.import("socket")?;
    let family = s.getattr("family").ok().and_then(|f| f.extract::<i32>().ok()).unwrap_or(0);
    let stream = socket.getattr("SOCK_STREAM")?;
    let infos = socket
        .call_method1("getaddrinfo", (tuple.get_item(0)?, tuple.get_item(1)?, family, stream))
        .map_err(|_| PyErr::from(PyWinError::new(Win32Error(11001), "getaddrinfo")))?;
    let first = infos.get_item(0)?;
    let sockaddr = first.get_item(4)?;
    let host: String = sockaddr.get_item(0)?.extract()?;
    let port: u16 = sockaddr.get_item(1)?.extract()?;
    let ip: std::net::IpAddr = host
        .split('%')
        .next()
        .unwrap_or_default()
        .parse()
        .map_err(|_| PyWinError::new(Win32Error(11001), "getaddrinfo"))?;
    let mut addr = SocketAddr::new(ip, port);
    if let (SocketAddr::V6(a), Ok(flow), Ok(scope)) = (
        &mut addr,
        sockaddr.get_item(2).and_then(|v| v.extract::<u32>()),
        sockaddr.get_item(3).and_then(|v| v.extract::<u32>()),
    ) {
        a.set_flowinfo(flow);
        a.set_scope_id(scope);
    }
    Ok(addr)
}

/// ConnectEx(s, name, Overlapped, SendBuffer=None) -> (rc, bytesSent)
#[pyfunction]
#[pyo3(name = "ConnectEx", signature = (s, name, Overlapped, SendBuffer=None))]
#[allow(non_snake_case)]
fn connect_ex(
    py: Python<'_>,
    s: Bound<'_, PyAny>,
    name: Bound<'_, PyAny>,
    Overlapped: Bound<'_, PyOverlapped>,
    SendBuffer: Option<Bound<'_, PyAny>>,
) -> PyResult<(u32, usize)> {
    const API: &str = "ConnectEx";
    let sock: SocketArg = s.extract()?;
    let to = resolve_name(py, &s, &name)?;
    let payload = optional_readable(SendBuffer)?;
    Ok((begin(py, API, &Overlapped, |s| net::connect_ex(sock.0, to, payload, s))?, 0))
}

/// WSASend(s, buffer, ol, dwFlags=0, /) -> (rc, bytesSent)
#[pyfunction]
#[pyo3(name = "WSASend", signature = (s, buffer, ol, dwFlags=0, /))]
#[allow(non_snake_case)]
fn wsa_send(
    py: Python<'_>,
    s: SocketArg,
    buffer: Bound<'_, PyAny>,
    ol: Option<Bound<'_, PyOverlapped>>,
    dwFlags: i32,
) -> PyResult<(u32, usize)> {
    const API: &str = "WSASend";
    match ol {
        None => {
            let data = crate::lent::exported(&buffer)?;
            let n = blocking(py, API, || net::send_sync(s.0, data.as_slice(), dwFlags as u32))?;
            Ok((0, n))
        }
        Some(ol) => Ok(rc_and_count(wsa_send_overlapped(py, Sock::from(s.0), &buffer, &ol, dwFlags)?)),
    }
}

/// WSASend with an OVERLAPPED (the PyO3 function and its fast entry): sent in the call
/// or queued (see [`rc_and_count`]).
pub(super) fn wsa_send_overlapped(
    py: Python<'_>,
    s: Sock<'_>,
    buffer: &Bound<'_, PyAny>,
    ol: &Bound<'_, PyOverlapped>,
    flags: i32,
) -> PyResult<Issued> {
    const API: &str = "WSASend";
    crate::lent::in_place(buffer, false, |mem| match mem {
        Some(mem) => nonblocking(py, API, || net::wsa_send_in_place(s, mem, flags as u32, submit_of(ol))),
        None => {
            let mem = crate::lent::readable(buffer)?;
            nonblocking(py, API, || net::wsa_send(s, mem, flags as u32, submit_of(ol)))
        }
    })
}

/// WSARecv(s, buffer, ol, dwFlags=0, /) -> (rc, bytesRecvd)
#[pyfunction]
#[pyo3(name = "WSARecv", signature = (s, buffer, ol, dwFlags=0, /))]
#[allow(non_snake_case)]
fn wsa_recv(
    py: Python<'_>,
    s: SocketArg,
    buffer: Bound<'_, PyAny>,
    ol: Option<Bound<'_, PyOverlapped>>,
    dwFlags: i32,
) -> PyResult<(u32, usize)> {
    const API: &str = "WSARecv";
    match ol {
        None => {
            let mut data = crate::lent::exported_mut(&buffer, NOT_WRITABLE)?;
            let buf = data.as_mut_slice();
            let n = blocking(py, API, || net::recv_sync(s.0, buf, dwFlags as u32))?;
            Ok((0, n))
        }
        Some(ol) => Ok(rc_and_count(wsa_recv_overlapped(py, Sock::from(s.0), &buffer, &ol, dwFlags)?)),
    }
}

/// WSARecv with an OVERLAPPED (the PyO3 function and its fast entry): received in the
/// call or queued (see [`rc_and_count`]).
pub(super) fn wsa_recv_overlapped(
    py: Python<'_>,
    s: Sock<'_>,
    buffer: &Bound<'_, PyAny>,
    ol: &Bound<'_, PyOverlapped>,
    flags: i32,
) -> PyResult<Issued> {
    const API: &str = "WSARecv";
    crate::lent::in_place(buffer, true, |mem| match mem {
        Some(mem) => nonblocking(py, API, || net::wsa_recv_in_place(s, mem, flags as u32, submit_of(ol))),
        None => {
            let mem = crate::lent::writable(buffer, NOT_WRITABLE)?;
            nonblocking(py, API, || net::wsa_recv(s, mem, flags as u32, submit_of(ol)))
        }
    })
}

/// TransmitFile(Socket, File, NumberOfBytesToWrite, NumberOfBytesPerSend, Overlapped, Flags, Head=None, Tail=None) -> int
///
/// With an OVERLAPPED: ERROR_IO_PENDING, the result through the OVERLAPPED. With None:
/// blocks (GIL released, Ctrl-C stops it) until everything is sent; 0.
#[pyfunction]
#[pyo3(
    name = "TransmitFile",
    signature = (Socket, File, NumberOfBytesToWrite, NumberOfBytesPerSend, Overlapped, Flags, Head=None, Tail=None)
)]
#[allow(non_snake_case, clippy::too_many_arguments)]
fn transmit_file(
    py: Python<'_>,
    Socket: SocketArg,
    File: HandleArg,
    NumberOfBytesToWrite: i32,
    NumberOfBytesPerSend: i32,
    Overlapped: Option<Bound<'_, PyOverlapped>>,
    Flags: i32,
    Head: Option<Bound<'_, PyAny>>,
    Tail: Option<Bound<'_, PyAny>>,
) -> PyResult<u32> {
    const API: &str = "TransmitFile";
    let (head, tail) = (optional_readable(Head)?, optional_readable(Tail)?);
    let (count, per_send, flags) = (NumberOfBytesToWrite as u32, NumberOfBytesPerSend as u32, Flags as u32);
    let Some(ol) = Overlapped else {
        blocking(py, API, || net::transmit_file_sync(Socket.0, File.0, count, per_send, head, tail, flags))?;
        return Ok(0);
    };
    let submit = submit_of(&ol);
    // The first step may move megabytes: the GIL is released for it.
    let issued =
        blocking(py, API, || net::transmit_file(Socket.0, File.0, count, per_send, head, tail, flags, submit))?;
    Ok(rc(issued))
}

/// WSAEventSelect(socket, hEvent, networkEvents, /) -> None
#[pyfunction]
#[pyo3(name = "WSAEventSelect", signature = (socket, hEvent, networkEvents, /))]
#[allow(non_snake_case)]
fn wsa_event_select(socket: SocketArg, hEvent: HandleArg, networkEvents: i32) -> PyResult<()> {
    Ok(net::wsa_event_select(socket.0, hEvent.0, networkEvents as u32).py_api("WSAEventSelect")?)
}

/// WSAEnumNetworkEvents(s, hEvent=None, /) -> {FD_x: error}
#[pyfunction]
#[pyo3(name = "WSAEnumNetworkEvents", signature = (s, hEvent=None, /))]
#[allow(non_snake_case)]
fn wsa_enum_network_events<'py>(
    py: Python<'py>,
    s: SocketArg,
    hEvent: Option<HandleArg>,
) -> PyResult<Bound<'py, PyDict>> {
    let events = net::wsa_enum_network_events(s.0, hEvent.map(|h| h.0)).py_api("WSAEnumNetworkEvents")?;
    let d = PyDict::new(py);
    for (bit, err) in events {
        d.set_item(bit, err)?;
    }
    Ok(d)
}

/// Test hook: how many full tie checks (SO_COOKIE / kcmp system calls) socket
/// resolution has run (a `socket.socket` that vouches for its number spares them).
#[pyfunction]
#[pyo3(name = "_socket_tie_checks")]
fn socket_tie_checks() -> u64 {
    net::tie_checks()
}

/// Test hook: how many socket descriptors winfile has adopted (nothing may leak).
#[pyfunction]
#[pyo3(name = "_adopted_sockets")]
fn adopted_sockets() -> usize {
    net::adopted_count()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(accept_ex, m)?)?;
    m.add_function(wrap_pyfunction!(get_accept_ex_sockaddrs, m)?)?;
    m.add_function(wrap_pyfunction!(calculate_socket_end_point_size, m)?)?;
    m.add_function(wrap_pyfunction!(connect_ex, m)?)?;
    super::fast_socket::add(m, "WSASend", wrap_pyfunction!(wsa_send, m)?.as_any(), super::fast_socket::wsa_send)?;
    super::fast_socket::add(m, "WSARecv", wrap_pyfunction!(wsa_recv, m)?.as_any(), super::fast_socket::wsa_recv)?;
    m.add_function(wrap_pyfunction!(transmit_file, m)?)?;
    m.add_function(wrap_pyfunction!(wsa_event_select, m)?)?;
    m.add_function(wrap_pyfunction!(wsa_enum_network_events, m)?)?;
    m.add_function(wrap_pyfunction!(adopted_sockets, m)?)?;
    m.add_function(wrap_pyfunction!(socket_tie_checks, m)?)?;
    Ok(())
}
