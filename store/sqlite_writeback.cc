#include "store/sqlite_writeback.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <mutex>
#include <new>
#include <utility>

#include "core/writeback_hint.h"

namespace rosterd {
namespace {

// What SQLite holds for an open file of this VFS. The system VFS's own file follows it in the
// same allocation (szOsFile is the sum of the two).
struct WritebackFile {
  sqlite3_file base;   // first: SQLite's view of the file
  sqlite3_file* real;  // the system VFS's file, just after this struct
  int fd;              // a descriptor of our own for the hint; -1: no hint for this file
  WritebackHint hint;
};

sqlite3_vfs* system_vfs = nullptr;
sqlite3_vfs writeback_vfs;
// Files whose system methods are of version 3 with shared memory (a database, on the unix
// VFS's locking styles that have it), and the rest: SQLite decides from a file's methods
// whether WAL is possible (xShmMap) and whether to map it (version 3), so a file of ours must
// claim no more than the system's file under it.
sqlite3_io_methods writeback_methods;
sqlite3_io_methods writeback_methods_plain;

// The descriptors the hints go through, one a file (device, inode) for the whole process, kept
// open while any connection of this VFS has the file open. Why not one a connection: SQLite
// locks the database file with POSIX record locks, which belong to the process, and closing any
// descriptor of a file drops every lock the process holds on it, including other connections'.
// Once no connection of ours has the file open, the process holds no lock on it to drop.
struct SharedFd {
  int fd;
  int users;
};
struct SharedFds {
  std::mutex mutex;
  std::map<std::pair<dev_t, ino_t>, SharedFd> by_file;
};
// Never destroyed: a connection closed while the process exits still finds it.
SharedFds& shared_fds() {
  static SharedFds* const fds = new SharedFds;
  return *fds;
}

// A descriptor of the file `name` for hints, or -1. Never closes a descriptor of a file that
// may be locked: one opened for a file already known is kept for good (a race of a file replaced
// between the two looks, which SQLite's own open would lose too).
int acquire_fd(const char* name) {
  SharedFds& shared = shared_fds();
  const std::lock_guard<std::mutex> lock(shared.mutex);
  struct stat st {};
  if (::stat(name, &st) == 0) {
    if (const auto it = shared.by_file.find({st.st_dev, st.st_ino}); it != shared.by_file.end()) {
      ++it->second.users;
      return it->second.fd;
    }
  }
  const int fd = ::open(name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  if (::fstat(fd, &st) != 0) return -1;  // kept open: see above
  const auto [it, added] = shared.by_file.try_emplace({st.st_dev, st.st_ino}, SharedFd{fd, 0});
  ++it->second.users;
  return it->second.fd;  // when not added, `fd` stays open unused: see above
}

void release_fd(int fd) {
  SharedFds& shared = shared_fds();
  const std::lock_guard<std::mutex> lock(shared.mutex);
  for (auto it = shared.by_file.begin(); it != shared.by_file.end(); ++it) {
    if (it->second.fd != fd) continue;
    if (--it->second.users == 0) {
      ::close(fd);
      shared.by_file.erase(it);
    }
    return;
  }
}

sqlite3_file* real(sqlite3_file* f) {
  return reinterpret_cast<WritebackFile*>(f)->real;
}

int wb_close(sqlite3_file* file) {
  auto* f = reinterpret_cast<WritebackFile*>(file);
  const int rc = f->real->pMethods->xClose(f->real);
  if (f->fd >= 0) release_fd(f->fd);
  f->fd = -1;
  return rc;
}

int wb_read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) {
  return real(f)->pMethods->xRead(real(f), buf, amount, offset);
}

int wb_write(sqlite3_file* file, const void* buf, int amount, sqlite3_int64 offset) {
  auto* f = reinterpret_cast<WritebackFile*>(file);
  const int rc = f->real->pMethods->xWrite(f->real, buf, amount, offset);
  if (rc == SQLITE_OK) f->hint.wrote(f->fd, offset, amount);
  return rc;
}

int wb_truncate(sqlite3_file* f, sqlite3_int64 size) {
  return real(f)->pMethods->xTruncate(real(f), size);
}

int wb_sync(sqlite3_file* file, int flags) {
  auto* f = reinterpret_cast<WritebackFile*>(file);
  f->hint.synced();
  return f->real->pMethods->xSync(f->real, flags);
}

int wb_file_size(sqlite3_file* f, sqlite3_int64* size) {
  return real(f)->pMethods->xFileSize(real(f), size);
}

int wb_lock(sqlite3_file* f, int level) {
  return real(f)->pMethods->xLock(real(f), level);
}

int wb_unlock(sqlite3_file* f, int level) {
  return real(f)->pMethods->xUnlock(real(f), level);
}

int wb_check_reserved_lock(sqlite3_file* f, int* out) {
  return real(f)->pMethods->xCheckReservedLock(real(f), out);
}

int wb_file_control(sqlite3_file* f, int op, void* arg) {
  return real(f)->pMethods->xFileControl(real(f), op, arg);
}

int wb_sector_size(sqlite3_file* f) {
  return real(f)->pMethods->xSectorSize(real(f));
}

int wb_device_characteristics(sqlite3_file* f) {
  return real(f)->pMethods->xDeviceCharacteristics(real(f));
}

int wb_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return real(f)->pMethods->xShmMap(real(f), region, size, extend, out);
}

int wb_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}

void wb_shm_barrier(sqlite3_file* f) {
  real(f)->pMethods->xShmBarrier(real(f));
}

int wb_shm_unmap(sqlite3_file* f, int delete_flag) {
  return real(f)->pMethods->xShmUnmap(real(f), delete_flag);
}

int wb_fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
  return real(f)->pMethods->xFetch(real(f), offset, amount, out);
}

int wb_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* page) {
  return real(f)->pMethods->xUnfetch(real(f), offset, page);
}

int wb_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  // SQLite hands over raw memory of szOsFile bytes: the struct begins its life here.
  auto* f = new (file) WritebackFile{};
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->fd = -1;
  const int rc = system_vfs->xOpen(system_vfs, name, f->real, flags, out_flags);
  // SQLite closes a file whose methods are set, even after a failed open.
  if (f->real->pMethods == nullptr) return rc;
  const sqlite3_io_methods* under = f->real->pMethods;
  f->base.pMethods = under->iVersion >= 3 && under->xShmMap != nullptr ? &writeback_methods
                                                                       : &writeback_methods_plain;
  // Only the files a commit syncs in bulk: the database and its WAL.
  if (rc == SQLITE_OK && name != nullptr && (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL)) != 0)
    f->fd = acquire_fd(name);
  return rc;
}

void register_writeback_vfs() {
  system_vfs = sqlite3_vfs_find("unix");
  // A VFS struct of version 3 is copied below; a system VFS of an older one is used as is.
  if (system_vfs == nullptr || system_vfs->iVersion < 3) {
    system_vfs = nullptr;
    return;
  }
  writeback_methods.iVersion = 3;
  writeback_methods.xClose = wb_close;
  writeback_methods.xRead = wb_read;
  writeback_methods.xWrite = wb_write;
  writeback_methods.xTruncate = wb_truncate;
  writeback_methods.xSync = wb_sync;
  writeback_methods.xFileSize = wb_file_size;
  writeback_methods.xLock = wb_lock;
  writeback_methods.xUnlock = wb_unlock;
  writeback_methods.xCheckReservedLock = wb_check_reserved_lock;
  writeback_methods.xFileControl = wb_file_control;
  writeback_methods.xSectorSize = wb_sector_size;
  writeback_methods.xDeviceCharacteristics = wb_device_characteristics;
  writeback_methods.xShmMap = wb_shm_map;
  writeback_methods.xShmLock = wb_shm_lock;
  writeback_methods.xShmBarrier = wb_shm_barrier;
  writeback_methods.xShmUnmap = wb_shm_unmap;
  writeback_methods.xFetch = wb_fetch;
  writeback_methods.xUnfetch = wb_unfetch;
  // Version 1: SQLite reads none of the later members (shared memory, mapping) of such a file.
  writeback_methods_plain = writeback_methods;
  writeback_methods_plain.iVersion = 1;
  // Everything but opening a file is the system VFS's own (with its own app data: the unix VFS
  // keeps its locking style there).
  writeback_vfs = *system_vfs;
  writeback_vfs.iVersion = 3;
  writeback_vfs.szOsFile = static_cast<int>(sizeof(WritebackFile)) + system_vfs->szOsFile;
  writeback_vfs.zName = "rosterd-writeback";
  writeback_vfs.pNext = nullptr;
  writeback_vfs.xOpen = wb_open;
  if (sqlite3_vfs_register(&writeback_vfs, 0) != SQLITE_OK) system_vfs = nullptr;
}

}  // namespace

const char* sqlite_writeback_vfs() {
  static std::once_flag once;
  std::call_once(once, register_writeback_vfs);
  return system_vfs != nullptr ? writeback_vfs.zName : nullptr;
}

}  // namespace rosterd
