//! Synchronous reads, writes and the file pointer.
