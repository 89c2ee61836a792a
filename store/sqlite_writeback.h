// A SQLite VFS over the system's own ("unix") that asks the kernel to start writing a store's
// database and WAL files to disk as they are written, a few megabytes at a time
// (core/writeback_hint.h), instead of leaving every page to the fsync at the end of a commit or
// checkpoint.
//
// Why: a first load writes ~115 MB into the WAL and the same again into the database at its
// checkpoint; the kernel keeps all of it dirty (its background writeback starts at 10% of RAM),
// so each of the commit's two syncs waited ~0.08 s for 115 MB to reach the disk. Started early,
// the writing overlaps the inserting and the checkpoint's copying, and the syncs find little
// left. Durability is unchanged: SQLite's own syncs still decide when a commit is on disk; the
// hint only moves when the kernel starts writing. Where the hint fails (a file system without
// it), writing goes on as without it.
#pragma once

namespace rosterd {

// The VFS's name, registered (not as the default) on the first call; for sqlite3_open_v2.
// Thread-safe. Returns nullptr when SQLite has no "unix" VFS of version 3 or more, or the
// registration failed: then sqlite3_open_v2 uses SQLite's default VFS, without the hint.
const char* sqlite_writeback_vfs();

}  // namespace rosterd
