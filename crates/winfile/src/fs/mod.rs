//! Namespace operations: delete, directories, move, copy.
