//! Anonymous pipes: CreatePipe.

use super::end::{Conn, PipeEnd};
use super::namespace::Meta;
use super::server::insert_end;
use crate::consts::{FILE_READ_ATTRIBUTES, FILE_READ_DATA, FILE_WRITE_ATTRIBUTES, FILE_WRITE_DATA};
use crate::error::{Context, Result};
use crate::handle::Handle;
use rustix::net::{AddressFamily, Shutdown, SocketFlags, SocketType};
use std::sync::Arc;

/// `CreatePipe`—an anonymous pipe: `(read_handle, write_handle)`, byte type. `size`
/// is a hint (0: the default), as on Windows. Reading after the write end closed gives
/// ERROR_BROKEN_PIPE (109); writing after the read end closed, ERROR_NO_DATA (232).
///
/// # Linux mechanism
/// socketpair(2) (AF_UNIX, SOCK_STREAM), each socket shut down in the direction its
/// end does not use, so PeekNamedPipe can peek (MSG_PEEK) as on Windows.
pub fn create_pipe(size: u32) -> Result<(Handle, Handle)> {
    const API: &str = "CreatePipe";
    let (r, w) = rustix::net::socketpair(
        AddressFamily::UNIX,
        SocketType::STREAM,
        SocketFlags::CLOEXEC | SocketFlags::NONBLOCK,
        None,
    )
    .api(API)?;
    let _ = rustix::net::shutdown(&r, Shutdown::Write);
    let _ = rustix::net::shutdown(&w, Shutdown::Read);
    if size > 0 {
        let _ = rustix::net::sockopt::set_socket_send_buffer_size(&w, size as usize);
    }
    super::end::blocking_reads(&r);
    let meta = Meta { message: false, max_instances: 1, out_size: size, in_size: size, timeout: 0 };
    let rfd = rustix::io::fcntl_dupfd_cloexec(&r, 0).api(API)?;
    let wfd = rustix::io::fcntl_dupfd_cloexec(&w, 0).api(API)?;
    let rend = PipeEnd::new(false, meta, 0, Conn::Connected(Arc::new(r)), None, None);
    let wend = PipeEnd::new(false, meta, 0, Conn::Connected(Arc::new(w)), None, None);
    let rh = insert_end(rfd, FILE_READ_DATA | FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES, 0, rend);
    let wh = insert_end(wfd, FILE_WRITE_DATA | FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES, 0, wend);
    Ok((rh, wh))
}
