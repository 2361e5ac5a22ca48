//! How the worker's process uses the C allocator (glibc's malloc, which Rust's global
//! allocator calls on Linux), set once at start before any thread runs.
//!
//! Measured with `make bench` (section `sync`, the worker's peak resident memory) and
//! valgrind's massif: the live heap of a worker pushing 10,000 activities is about
//! 10 MB (SQLite's page caches and statements most of it), yet its resident memory grew
//! to 58 MB. The rest was the allocator keeping freed memory:
//! - one arena per thread that ever allocated (glibc allows eight per core), each holding
//!   its own free pages: the async threads, the blocking pool's and SQLite's connection
//!   threads;
//! - the password hash's block (argon2, megabytes), which glibc hands out by `mmap` the
//!   first time and, having raised its threshold on that free, from an arena ever after,
//!   where it stays resident.
//!
//! So the worker asks for [`ARENAS`] arena and a fixed `mmap` threshold (which also turns
//! off glibc's raising of it): a block above it goes back to the system when freed.
//! Calling `malloc_trim` every half second was tried as well and took back almost nothing:
//! what stays is in use (SQLite's caches, [`crate::store`]) or pinned by live blocks.
//! Elsewhere than glibc this does nothing.

/// Arenas: one, which every thread shares. Measured on a 10,000-activity push in batches
/// of 1,000: one per core (two) left 17-24 MB of the process's anonymous memory in use
/// after it, one 12-17 MB, in the same time (0.75-1.0 s for both).
pub const ARENAS: i32 = 1;
/// Allocations of at least this many bytes are mapped on their own and unmapped when
/// freed (glibc's initial default, held fixed).
pub const MMAP_THRESHOLD: i32 = 128 * 1024;

/// Sets the allocator's limits. Call it first thing in `main`, before a thread starts
/// (an arena made before it is not taken back). Whether glibc took each setting.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn tune() -> bool {
    #[allow(unsafe_code)]
    // SAFETY: mallopt only sets the allocator's parameters; it is called before the
    // process starts a thread, with parameters and values glibc documents.
    let taken = unsafe {
        [
            libc::mallopt(libc::M_ARENA_MAX, ARENAS),
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD),
        ]
    };
    taken.iter().all(|&ok| ok == 1)
}

/// Elsewhere than glibc: nothing to set.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn tune() -> bool {
    true
}

/// The async runtime of the worker's binaries, started after [`tune`]: the runtime and
/// whether glibc took the settings (to be logged once logging is set up).
pub fn runtime() -> std::io::Result<(tokio::runtime::Runtime, bool)> {
    let tuned = tune();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    Ok((runtime, tuned))
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn glibc_takes_the_settings() {
        assert!(super::tune());
    }
}
