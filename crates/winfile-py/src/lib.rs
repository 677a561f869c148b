//! pywin32-compatible bindings for winfile. Bindings only convert.
