//! The process's namespace of named synchronization objects (`CreateEvent(.., name)`).
//!
//! Names are private to the process: Linux offers no kernel object a second process
//! could open by a Windows name, so cross-process named objects are not provided.

use crate::error::Win32Error;
use crate::handle::Object;
use crate::poison::MutexExt;
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, Weak};

static NAMES: LazyLock<Mutex<HashMap<String, Weak<dyn Object>>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// Windows' `Global\` and `Local\` prefixes name the same namespace here.
fn key(name: &str) -> String {
    let stripped = name.strip_prefix("Global\\").or_else(|| name.strip_prefix("Local\\")).unwrap_or(name);
    stripped.to_owned()
}

/// Finds the live object named `name`; `ERROR_INVALID_HANDLE` if it is of another type.
pub(super) fn find<T: Object>(name: &str) -> Result<Option<Arc<T>>, Win32Error> {
    let map = NAMES.locked();
    match map.get(&key(name)).and_then(Weak::upgrade) {
        None => Ok(None),
        Some(obj) => {
            let any: Arc<dyn Any + Send + Sync> = obj;
            any.downcast::<T>().map(Some).map_err(|_| Win32Error::INVALID_HANDLE)
        }
    }
}

/// Creates the object named `name`, or returns the existing one (`true` = it existed).
pub(super) fn create_or_open<T: Object>(
    name: Option<&str>,
    make: impl FnOnce() -> T,
) -> Result<(Arc<T>, bool), Win32Error> {
    let Some(name) = name else {
        return Ok((Arc::new(make()), false));
    };
    let mut map = NAMES.locked();
    if let Some(obj) = map.get(&key(name)).and_then(Weak::upgrade) {
        let any: Arc<dyn Any + Send + Sync> = obj;
        return any.downcast::<T>().map(|t| (t, true)).map_err(|_| Win32Error::INVALID_HANDLE);
    }
    let obj = Arc::new(make());
    let as_object: Arc<dyn Object> = obj.clone();
    map.retain(|_, w| w.strong_count() > 0);
    map.insert(key(name), Arc::downgrade(&as_object));
    Ok((obj, false))
}
