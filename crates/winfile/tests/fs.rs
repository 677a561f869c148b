//! Namespace operations through the core API, on real files.

use winfile::consts::*;
use winfile::fs;

fn code<T: std::fmt::Debug>(r: winfile::Result<T>) -> u32 {
    r.expect_err("expected a failure").code().0
}

#[test]
fn directories_and_deletes() {
    let d = tempfile::Builder::new().prefix("wf").tempdir().unwrap();
    let base = d.path().to_str().unwrap();
    let sub = format!("{base}/sub");
    fs::create_directory(&sub, None).unwrap();
    assert_eq!(code(fs::create_directory(&sub, None)), 183);
    assert_eq!(code(fs::create_directory(&format!("{base}/x/y"), None)), 3);
    std::fs::write(format!("{sub}/f"), b"x").unwrap();
    assert_eq!(code(fs::remove_directory(&sub)), 145);
    assert_eq!(code(fs::remove_directory(&format!("{sub}/f"))), 267);
    assert_eq!(code(fs::delete_file(&sub)), 5);
    fs::delete_file(&format!("{sub}/f")).unwrap();
    assert_eq!(code(fs::delete_file(&format!("{sub}/f"))), 2);
    fs::remove_directory(&sub).unwrap();
    assert_eq!(code(fs::remove_directory(&sub)), 2);
}

#[test]
fn move_and_copy() {
    let d = tempfile::Builder::new().prefix("wf").tempdir().unwrap();
    let base = d.path().to_str().unwrap();
    let (a, b, c) = (format!("{base}/a"), format!("{base}/b"), format!("{base}/c"));
    std::fs::write(&a, b"alpha").unwrap();
    std::fs::write(&b, b"beta").unwrap();
    assert_eq!(code(fs::move_file(&a, Some(&b), 0)), 183);
    winfile::copy::copy_file(&a, &c, false).unwrap();
    assert_eq!(std::fs::read(&c).unwrap(), b"alpha");
    assert_eq!(code(winfile::copy::copy_file(&a, &c, true)), 80);
    fs::set_file_attributes(&b, FILE_ATTRIBUTE_READONLY).unwrap();
    assert_eq!(code(fs::move_file(&a, Some(&b), MOVEFILE_REPLACE_EXISTING)), 5);
    assert_eq!(code(winfile::copy::copy_file(&a, &b, false)), 5);
    fs::set_file_attributes(&b, FILE_ATTRIBUTE_NORMAL).unwrap();
    fs::move_file(&a, Some(&b), MOVEFILE_REPLACE_EXISTING).unwrap();
    assert_eq!(std::fs::read(&b).unwrap(), b"alpha");
    assert_eq!(code(fs::move_file(&a, Some(&c), 0)), 2);
    assert_eq!(code(fs::move_file(&b, None, 0)), 87);
}

#[test]
fn attributes_by_name() {
    let d = tempfile::Builder::new().prefix("wf").tempdir().unwrap();
    let f = format!("{}/file.txt", d.path().to_str().unwrap());
    std::fs::write(&f, b"x").unwrap();
    assert_eq!(fs::get_file_attributes(&f).unwrap(), FILE_ATTRIBUTE_ARCHIVE);
    fs::set_file_attributes(&f, FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM).unwrap();
    assert_eq!(fs::get_file_attributes(&f).unwrap(), FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM);
    assert_eq!(fs::get_file_attributes_ex(&f).unwrap().size, 1);
    assert_eq!(code(fs::get_file_attributes(&format!("{f}.missing"))), 2);
}
