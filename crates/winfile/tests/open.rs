//! CreateFile semantics through the core API, on real files.

use winfile::consts::*;
use winfile::open::{create_file, CreateParams};
use winfile::{handle, io, Win32Error};

fn params(access: u32, disposition: u32, flags: u32) -> CreateParams {
    CreateParams { access, share: 0, disposition, flags_and_attributes: flags, inherit: false }
}

fn code<T: std::fmt::Debug>(r: winfile::Result<T>) -> u32 {
    r.expect_err("expected a failure").code().0
}

fn dir() -> (tempfile::TempDir, String) {
    let d = tempfile::Builder::new().prefix("wf").tempdir().unwrap();
    let p = d.path().to_str().unwrap().to_owned();
    (d, p)
}

#[test]
fn dispositions_give_windows_codes() {
    let (_d, base) = dir();
    let f = format!("{base}/a.txt");
    let h = create_file(&f, &params(GENERIC_WRITE, CREATE_NEW, 0)).unwrap();
    assert_eq!(io::write_file(h, b"data").unwrap(), 4);
    handle::close(h).unwrap();
    assert_eq!(code(create_file(&f, &params(GENERIC_READ, CREATE_NEW, 0))), 80);
    assert_eq!(code(create_file(&format!("{base}/none"), &params(GENERIC_READ, OPEN_EXISTING, 0))), 2);
    assert_eq!(code(create_file(&format!("{base}/no/x"), &params(GENERIC_READ, OPEN_EXISTING, 0))), 3);
    assert_eq!(code(create_file(&f, &params(GENERIC_READ, TRUNCATE_EXISTING, 0))), 87);
    assert_eq!(code(create_file(&f, &params(GENERIC_READ, 9, 0))), 87);
    let h = create_file(&f, &params(GENERIC_READ | GENERIC_WRITE, CREATE_ALWAYS, 0)).unwrap();
    assert_eq!(io::get_file_size(h).unwrap(), 0);
    handle::close(h).unwrap();
}

#[test]
fn access_is_enforced_per_handle() {
    let (_d, base) = dir();
    let f = format!("{base}/b.txt");
    // Both handles share read and write with each other (share mode 0 would refuse).
    let shared = |access, disposition| CreateParams {
        share: FILE_SHARE_READ | FILE_SHARE_WRITE,
        ..params(access, disposition, 0)
    };
    let w = create_file(&f, &shared(GENERIC_WRITE, CREATE_NEW)).unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(io::read_file(w, &mut buf).unwrap_err().code(), Win32Error::ACCESS_DENIED);
    let r = create_file(&f, &shared(GENERIC_READ, OPEN_EXISTING)).unwrap();
    assert_eq!(io::write_file(r, b"x").unwrap_err().code(), Win32Error::ACCESS_DENIED);
    assert_eq!(io::flush_file_buffers(r).unwrap_err().code(), Win32Error::ACCESS_DENIED);
    handle::close(w).unwrap();
    handle::close(r).unwrap();
    assert_eq!(io::read_file(r, &mut buf).unwrap_err().code(), Win32Error::INVALID_HANDLE);
}

#[test]
fn directories_need_backup_semantics_and_readonly_refuses_writes() {
    let (_d, base) = dir();
    assert_eq!(code(create_file(&base, &params(GENERIC_READ, OPEN_EXISTING, 0))), 5);
    let h = create_file(&base, &params(GENERIC_READ, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS)).unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(io::read_file(h, &mut buf).unwrap_err().code(), Win32Error::INVALID_FUNCTION);
    handle::close(h).unwrap();

    let f = format!("{base}/ro.txt");
    let h = create_file(&f, &params(GENERIC_WRITE, CREATE_NEW, FILE_ATTRIBUTE_READONLY)).unwrap();
    handle::close(h).unwrap();
    assert_eq!(code(create_file(&f, &params(GENERIC_WRITE, OPEN_EXISTING, 0))), 5);
    assert_eq!(code(winfile::fs::delete_file(&f)), 5);
    let h = create_file(&f, &params(MAXIMUM_ALLOWED, OPEN_EXISTING, 0)).unwrap();
    assert_eq!(io::write_file(h, b"x").unwrap_err().code(), Win32Error::ACCESS_DENIED);
    handle::close(h).unwrap();
}

#[test]
fn file_pointer_and_overlapped_offsets() {
    let (_d, base) = dir();
    let f = format!("{base}/p.bin");
    let h = create_file(&f, &params(GENERIC_READ | GENERIC_WRITE, CREATE_NEW, 0)).unwrap();
    io::write_file(h, b"0123456789").unwrap();
    assert_eq!(io::set_file_pointer(h, -4, FILE_END).unwrap(), 6);
    let mut buf = [0u8; 8];
    assert_eq!(io::read_file(h, &mut buf).unwrap(), 4);
    assert_eq!(&buf[..4], b"6789");
    assert_eq!(io::set_file_pointer(h, -1, FILE_BEGIN).unwrap_err().code(), Win32Error::NEGATIVE_SEEK);
    assert_eq!(io::set_file_pointer(h, -100, FILE_CURRENT).unwrap_err().code(), Win32Error::NEGATIVE_SEEK);
    // OVERLAPPED offset on a synchronous handle: the file pointer follows.
    assert_eq!(io::read_file_at(h, &mut buf[..3], 2).unwrap(), 3);
    assert_eq!(&buf[..3], b"234");
    assert_eq!(io::set_file_pointer(h, 0, FILE_CURRENT).unwrap(), 5);
    io::set_file_pointer(h, 3, FILE_BEGIN).unwrap();
    io::set_end_of_file(h).unwrap();
    assert_eq!(io::get_file_size(h).unwrap(), 3);
    assert_eq!(io::get_file_type(h), FILE_TYPE_DISK);
    handle::close(h).unwrap();
    assert_eq!(io::get_file_type(h), FILE_TYPE_UNKNOWN);
}

#[test]
fn no_buffering_enforces_sector_alignment() {
    let (_d, base) = dir();
    let f = format!("{base}/nb.bin");
    let h = create_file(&f, &params(GENERIC_READ | GENERIC_WRITE, CREATE_NEW, FILE_FLAG_NO_BUFFERING)).unwrap();
    assert_eq!(io::write_file(h, &[1u8; 100]).unwrap_err().code(), Win32Error::INVALID_PARAMETER);
    // O_DIRECT also wants an aligned buffer: use a 4096-aligned slice inside a Vec.
    let mut v = vec![7u8; 8192];
    let start = v.as_ptr().align_offset(4096);
    assert_eq!(io::write_file(h, &v[start..start + 512]).unwrap(), 512);
    assert_eq!(io::read_file_at(h, &mut v[start..start + 512], 1).unwrap_err().code(), Win32Error::INVALID_PARAMETER);
    handle::close(h).unwrap();
}

#[test]
fn delete_on_close_removes_the_file() {
    let (_d, base) = dir();
    let f = format!("{base}/tmp.txt");
    let h = create_file(&f, &params(GENERIC_WRITE | DELETE, CREATE_NEW, FILE_FLAG_DELETE_ON_CLOSE)).unwrap();
    assert!(std::path::Path::new(&f).exists());
    handle::close(h).unwrap();
    assert!(!std::path::Path::new(&f).exists());
}
