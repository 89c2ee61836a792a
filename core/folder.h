// A folder held open by its descriptor. What rosterd creates, renames or removes through it lands
// in that folder and nowhere else, whatever is renamed or linked around it meanwhile: a drop's
// move_to, the staging and archive folders under state_dir, the feed locks.
//
// Folders below a held one are opened one name at a time with O_NOFOLLOW | O_DIRECTORY, so a
// link where a folder should be is refused (FolderError::Kind::link), never followed: a district
// that can write into its drop cannot make rosterd rename a file into /etc by turning `processed`
// into a link. Only a root rosterd itself owns or is given (state_dir, a drop folder) is opened as
// the path says, since a link there (/var/lib/rosterd on a bigger disk) is the administrator's
// own choice. An absolute move_to is walked from "/": it may sit where a district can write (the
// home folder of its SFTP account), so it must be named by its real path.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace rosterd {

class FolderError : public Error {
 public:
  enum class Kind {
    link,     // a name on the way is a symbolic link (or not a folder at all)
    missing,  // a name on the way does not exist and was not to be created
    other,    // permissions, a read-only or full disk, too many open files: see the message
  };
  FolderError(const std::string& what, Kind kind) : Error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// A regular file in a folder, as lstat sees it.
struct FolderFile {
  std::string name;
  std::uint64_t size = 0;
  std::int64_t mtime = 0;  // seconds since the epoch
};

class Folder {
 public:
  // The folder `path` names, links in it followed (a configured root). Throws FolderError.
  static Folder open(const std::filesystem::path& path);
  // The absolute `path` opened from "/" one name at a time, following no link; names that do not
  // exist are created (0777 less the umask) when `create`. For a configured folder that sits where
  // others can write (an absolute move_to inside a drop). Throws FolderError.
  static Folder open_without_links(const std::filesystem::path& path, bool create);

  // The folder `relative` below this one ("staging/gen", "processed", "../done"), one name at a
  // time, following no link; missing names created (0777 less the umask) when `create`. An absolute
  // `relative` is opened as open_without_links does. Throws FolderError naming the path up to the
  // name.
  Folder below(const std::filesystem::path& relative, bool create) const;

  Folder(Folder&& other) noexcept;
  Folder& operator=(Folder&& other) noexcept;
  Folder(const Folder&) = delete;
  Folder& operator=(const Folder&) = delete;
  ~Folder();

  int fd() const { return fd_; }
  // The path it was opened by, for messages only: it is never used to reach the folder again.
  const std::filesystem::path& path() const { return path_; }

  // Renames `name` in this folder to `to_name` in `to` without replacing anything
  // (RENAME_NOREPLACE). Returns false when `to_name` exists there; throws FolderError otherwise.
  bool move_no_replace(const std::string& name, const Folder& to, const std::string& to_name) const;
  // Renames `name` to `to_name` in `to`, replacing a file of that name (a leftover of a crash).
  void move_replacing(const std::string& name, const Folder& to, const std::string& to_name) const;
  // Creates the new file `name` (O_EXCL, O_NOFOLLOW, mode `mode`) and returns its open, writable
  // descriptor, which the caller closes. Throws FolderError.
  int create_file(const std::string& name, unsigned mode = 0600) const;
  // Removes the file `name` (never a folder). False when it was already gone.
  bool remove_file(const std::string& name) const;
  // Creates the new folder `name` (mode 0700), never one that exists already, and returns it
  // held. Throws FolderError (Kind::other when the name is taken).
  Folder create_folder(const std::string& name) const;
  // Every regular file in the folder; links, folders and devices are left out. Throws FolderError.
  std::vector<FolderFile> files() const;
  // Every folder directly in this one (not "." or ".."; a link to a folder is not one), with its
  // mtime and a size of 0. Throws FolderError.
  std::vector<FolderFile> folders() const;
  // Removes the folder `name` and the files in it, without following a link: a link in it is
  // removed, never what it points to. A folder that holds a folder is refused (FolderError):
  // what rosterd removes this way (a staged set) never does. False when it was already gone.
  bool remove_folder(const std::string& name) const;
  // fsyncs the folder, so a rename or unlink in it survives a power cut. Errors are ignored: the
  // file's own fsync has happened and there is nothing more to try.
  void sync() const;

 private:
  Folder(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  // Every entry but "." and "..", with its type as lstat sees it (S_IFREG, S_IFDIR, S_IFLNK...).
  std::vector<std::pair<FolderFile, unsigned>> listing() const;
  // The entries of one type.
  std::vector<FolderFile> entries(unsigned type) const;

  int fd_ = -1;
  std::filesystem::path path_;
};

}  // namespace rosterd
