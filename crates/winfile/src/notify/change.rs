//! Change-notification handles: `FindFirstChangeNotificationW`,
//! `FindNextChangeNotification`, `FindCloseChangeNotification`.

use super::engine::engine;
use super::filter;
use super::read::NEXT_ID;
use super::watch::Watch;
use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::{self, Handle, Object};
use crate::sync::{Event, Waitable};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// The object behind a change-notification handle: a watch whose changes signal an
/// event instead of queueing records.
struct ChangeNotification {
    watch: Arc<Watch>,
    event: Arc<Event>,
}

impl Object for ChangeNotification {
    fn as_waitable(&self) -> Option<&dyn Waitable> {
        Some(&*self.event)
    }

    fn on_close(&self) {
        if let Ok(eng) = engine() {
            eng.stop(&self.watch);
        }
    }
}

/// `FindFirstChangeNotificationW`—a handle, signaled by the first change under
/// `path` that matches `filter`, for the wait functions.
///
/// Errors: bad filter → 87; missing path → 2 or 3; not a directory → 267.
///
/// # Linux mechanism
/// A watch on the process-wide inotify instance; the handle holds a manual-reset event.
#[doc(alias = "FindFirstChangeNotificationW")]
pub fn find_first_change_notification(path: &str, subtree: bool, filter_bits: u32) -> Result<Handle> {
    const API: &str = "FindFirstChangeNotificationW";
    filter::validate(filter_bits).api(API)?;
    let resolved = crate::path::resolve(path, false).api(API)?;
    let linux = resolved.linux;
    match rustix::fs::stat(&linux) {
        Ok(st) if rustix::fs::FileType::from_raw_mode(st.st_mode).is_dir() => {}
        Ok(_) => return Err(Error::new(Win32Error::DIRECTORY, API)),
        Err(rustix::io::Errno::NOENT | rustix::io::Errno::NOTDIR) => {
            return Err(Error::new(crate::error::not_found_for(&linux), API))
        }
        Err(e) => return Err(Error::new(Win32Error::from(e), API)),
    }
    let event = Arc::new(Event::new(true, false));
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let windows = resolved.style == crate::path::PathStyle::Windows;
    let watch = Arc::new(Watch::new(id, linux, windows, subtree, filter_bits, Some(event.clone())));
    engine().api(API)?.start(watch.clone()).api(API)?;
    Ok(handle::insert(Arc::new(ChangeNotification { watch, event })))
}

/// `FindNextChangeNotification`—re-arms the handle: it stays signaled if changes
/// happened since it was signaled, else it waits for the next one.
///
/// # Linux mechanism
/// Event reset and re-arm under the watch lock.
#[doc(alias = "FindNextChangeNotification")]
pub fn find_next_change_notification(h: Handle) -> Result<()> {
    let cn = handle::get::<ChangeNotification>(h).api("FindNextChangeNotification")?;
    let mut st = cn.watch.lock();
    if let Some(sig) = &mut st.signal {
        if sig.dirty {
            sig.dirty = false;
            sig.event.set();
        } else {
            sig.event.reset();
            sig.armed = true;
        }
    }
    Ok(())
}

/// `FindCloseChangeNotification`—closes a change-notification handle.
///
/// # Linux mechanism
/// Removes the watch's inotify watches.
#[doc(alias = "FindCloseChangeNotification")]
pub fn find_close_change_notification(h: Handle) -> Result<()> {
    handle::get::<ChangeNotification>(h).api("FindCloseChangeNotification")?;
    handle::close(h).map_err(|c| Error::new(c, "FindCloseChangeNotification"))
}
