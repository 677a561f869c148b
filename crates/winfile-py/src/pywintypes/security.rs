//! PySECURITY_ATTRIBUTES: only bInheritHandle has a meaning on Linux (close-on-exec).

use pyo3::prelude::*;

/// pywin32's PySECURITY_ATTRIBUTES.
#[pyclass(module = "pywintypes", name = "PySECURITY_ATTRIBUTES")]
pub struct PySecurityAttributes {
    /// Whether handles created with it are inherited by child processes.
    #[pyo3(get, set, name = "bInheritHandle")]
    pub inherit: i32,
    /// The security descriptor object (kept as given; Linux permissions are not derived from it).
    #[pyo3(get, set, name = "SECURITY_DESCRIPTOR")]
    pub descriptor: Py<PyAny>,
}

#[pymethods]
impl PySecurityAttributes {
    #[new]
    fn new(py: Python<'_>) -> Self {
        Self { inherit: 1, descriptor: py.None() }
    }

    /// SetSecurityDescriptorDacl(bDaclPresent, pDacl, bDaclDefaulted, /): pywin32
    /// forwards it to the attributes' descriptor. Accepted and not applied: winfile's
    /// objects (pipes included) are per user, with Linux permissions (mode 0700).
    #[pyo3(name = "SetSecurityDescriptorDacl", signature = (bDaclPresent, pDacl, bDaclDefaulted, /))]
    #[allow(non_snake_case)]
    fn set_security_descriptor_dacl(
        &self,
        bDaclPresent: crate::conv::Flag,
        pDacl: &Bound<'_, PyAny>,
        bDaclDefaulted: crate::conv::Flag,
    ) {
        let _ = (bDaclPresent, pDacl, bDaclDefaulted);
    }

    fn __repr__(&self) -> String {
        format!("<PySECURITY_ATTRIBUTES bInheritHandle={}>", self.inherit)
    }
}
