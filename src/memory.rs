//! When freed memory goes back to the OS. mimalloc (the process allocator,
//! see `main.rs`) keeps freed pages for a while before it returns them, so
//! memory freed and allocated again at once, as every write does with
//! SQLite's statement journal, is not returned and faulted back in each time
//! (at a purge delay of 0 that was six page faults per webhook, about a tenth
//! of the writer's CPU). The large buffers of a password hash are the
//! exception: they are returned as soon as the hash is done, so an idle
//! server does not keep them (see `release_freed`).

// The `mimalloc` crate links the library these come from; it exposes them
// only with its `extended` API.
use mimalloc as _;

unsafe extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    fn mi_collect(force: bool);
}

/// How long freed pages stay with the allocator before they go back to the OS.
const PURGE_DELAY_MS: std::ffi::c_long = 1000;

/// Sets the allocator's purge delay; call once at start.
pub fn configure() {
    const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;
    // SAFETY: sets one allocator option (an integer); mimalloc allows this at any time.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
}

/// Returns every freed page to the OS now. An idle server makes no
/// allocations that would let mimalloc purge later, so after work that freed
/// a lot at once (a password hash: 19 MiB) this keeps the idle RSS small.
pub fn release_freed() {
    // SAFETY: mi_collect is thread-safe; `force` also purges what other threads freed.
    unsafe { mi_collect(true) };
}

/// Lets go of the pages of the server's own machine code that start-up
/// touched: the command line, migrations, the first password hash, building
/// the routes and their API document, TLS roots. The kernel maps code in
/// 64 KiB runs around each first use, so start-up alone leaves about 10 MiB
/// of code resident that an idle server never runs again. Code is read-only
/// and backed by the executable, so a page used later is mapped back from
/// the page cache on its first use (a minor fault, no disk read while the
/// file is cached). Only executable, private, never-written mappings of this
/// program's own file are touched; data pages never are.
pub fn release_startup_code() {
    let (Ok(maps), Ok(exe)) = (std::fs::read_to_string("/proc/self/maps"), std::fs::read_link("/proc/self/exe")) else {
        return;
    };
    for line in maps.lines() {
        let mut fields = line.split_whitespace();
        let (Some(range), Some(perms)) = (fields.next(), fields.next()) else { continue };
        let path = fields.nth(3);
        if perms != "r-xp" || path.map(std::path::Path::new) != Some(exe.as_path()) {
            continue;
        }
        let Some((start, end)) = range.split_once('-') else { continue };
        let (Ok(start), Ok(end)) = (usize::from_str_radix(start, 16), usize::from_str_radix(end, 16)) else {
            continue;
        };
        // SAFETY: the range is a whole mapping of this executable's code,
        // read-only and private, so its pages equal the file's: dropping them
        // only means the next use maps them again from the file.
        unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED) };
    }
}
