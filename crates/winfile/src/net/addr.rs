//! Socket addresses: the endpoint size Windows reserves, and the layout AcceptEx leaves
//! in its buffer for GetAcceptExSockaddrs.

use crate::error::{wsa_from_errno, Error, Result};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::BorrowedFd;

pub(crate) const AF_INET: u16 = 2;
/// AF_INET6 as Winsock numbers it (Linux: 10); what Windows callers compare against.
pub(crate) const AF_INET6_WIN: u16 = 23;

/// `WSAPROTOCOL_INFO.iMaxSockAddr` of a socket family (Windows' values).
fn max_sockaddr(family: u16) -> usize {
    match family {
        AF_INET => 16,
        AF_INET6_WIN => 28,
        _ => 110, // AF_UNIX
    }
}

/// The family of a socket, in Winsock's numbering.
pub(crate) fn family_of(fd: BorrowedFd<'_>, api: &'static str) -> Result<u16> {
    let addr = rustix::net::getsockname(fd).map_err(|e| Error::new(wsa_from_errno(e), api))?;
    Ok(match addr.address_family() {
        rustix::net::AddressFamily::INET => AF_INET,
        rustix::net::AddressFamily::INET6 => AF_INET6_WIN,
        other => other.as_raw(),
    })
}

/// One endpoint's room in an AcceptEx buffer: `iMaxSockAddr + 16`.
pub(crate) fn endpoint_size(family: u16) -> usize {
    max_sockaddr(family) + 16
}

/// An endpoint parsed from an AcceptEx buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// No address recorded.
    None,
    /// An IPv4 or IPv6 address.
    Ip(SocketAddr),
}

/// Writes `addr` into one endpoint area (winfile's own layout: family, port, address,
/// and for IPv6 the flow information and scope).
pub(crate) fn encode(area: &mut [u8], addr: Option<SocketAddr>) {
    area.fill(0);
    let Some(addr) = addr else { return };
    let family = if addr.is_ipv4() { AF_INET } else { AF_INET6_WIN };
    area[0..2].copy_from_slice(&family.to_le_bytes());
    area[2..4].copy_from_slice(&addr.port().to_be_bytes());
    match addr {
        SocketAddr::V4(a) => area[4..8].copy_from_slice(&a.ip().octets()),
        SocketAddr::V6(a) => {
            area[4..20].copy_from_slice(&a.ip().octets());
            area[20..24].copy_from_slice(&a.flowinfo().to_le_bytes());
            area[24..28].copy_from_slice(&a.scope_id().to_le_bytes());
        }
    }
}

/// Reads one endpoint area written by [`encode`].
pub(crate) fn decode(area: &[u8]) -> Endpoint {
    if area.len() < 8 {
        return Endpoint::None;
    }
    let family = u16::from_le_bytes([area[0], area[1]]);
    let port = u16::from_be_bytes([area[2], area[3]]);
    match family {
        AF_INET => Endpoint::Ip(SocketAddr::new(IpAddr::V4(Ipv4Addr::new(area[4], area[5], area[6], area[7])), port)),
        AF_INET6_WIN if area.len() >= 28 => {
            let mut ip = [0u8; 16];
            ip.copy_from_slice(&area[4..20]);
            let flow = u32::from_le_bytes(area[20..24].try_into().unwrap_or_default());
            let scope = u32::from_le_bytes(area[24..28].try_into().unwrap_or_default());
            Endpoint::Ip(SocketAddr::V6(std::net::SocketAddrV6::new(Ipv6Addr::from(ip), port, flow, scope)))
        }
        _ => Endpoint::None,
    }
}

/// A socket's own or peer address as an IP address, if it has one.
pub(crate) fn ip_of(addr: Option<rustix::net::SocketAddrAny>) -> Option<SocketAddr> {
    addr.and_then(|a| SocketAddr::try_from(a).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_areas_round_trip() {
        for text in ["127.0.0.1:4680", "[::1]:65535", "[fe80::1%3]:1"] {
            let addr: SocketAddr = text.parse().unwrap();
            let family = if addr.is_ipv4() { AF_INET } else { AF_INET6_WIN };
            let mut area = vec![0xAAu8; endpoint_size(family)];
            encode(&mut area, Some(addr));
            assert_eq!(decode(&area), Endpoint::Ip(addr));
        }
        let mut area = vec![0xAAu8; endpoint_size(AF_INET)];
        encode(&mut area, None);
        assert_eq!(decode(&area), Endpoint::None);
        assert_eq!(endpoint_size(AF_INET) * 2, 64);
        assert_eq!(endpoint_size(AF_INET6_WIN) * 2, 88);
    }

    #[test]
    fn socket_errors_map_to_winsock_and_completion_codes() {
        use crate::error::{socket_status_from_errno, wsa_from_errno};
        use crate::Win32Error;
        use rustix::io::Errno;
        assert_eq!(wsa_from_errno(Errno::AGAIN), Win32Error::WSAEWOULDBLOCK);
        assert_eq!(wsa_from_errno(Errno::NOTSOCK), Win32Error::WSAENOTSOCK);
        assert_eq!(wsa_from_errno(Errno::CONNRESET), Win32Error::WSAECONNRESET);
        assert_eq!(wsa_from_errno(Errno::CONNREFUSED), Win32Error::WSAECONNREFUSED);
        assert_eq!(socket_status_from_errno(Errno::CONNREFUSED), Win32Error::CONNECTION_REFUSED);
        assert_eq!(socket_status_from_errno(Errno::CONNRESET), Win32Error::NETNAME_DELETED);
        assert_eq!(socket_status_from_errno(Errno::CANCELED), Win32Error::OPERATION_ABORTED);
    }
}
