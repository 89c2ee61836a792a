// A zip a district delivers a set of files in, read with libzip (its central directory, checked
// for consistency) and distrusted throughout: before one byte is taken, every member is looked
// at, and the whole zip is refused when one is
//   - named absolutely or with a ".." step, or by a name that is no plain file name;
//   - a link, a device or anything else but a regular file (Unix attributes);
//   - encrypted, or compressed in a way libzip cannot read;
//   - named like another member (compared without case, folders left aside: users.csv and
//     export/Users.csv are one name once staged);
//   - declared to expand more than `max_ratio` times, or with the others past `max_bytes`;
// or when it has more than `max_members` members. While a member streams, it is stopped the
// moment it holds more than it declared. Folders inside the zip are flattened (members are
// staged by their own names); macOS's __MACOSX resource copies and folder entries are skipped.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace rosterd {

struct ZipLimits {
  std::uint64_t max_bytes = std::uint64_t{1} << 30;  // all members together, expanded
  std::uint64_t max_ratio = 200;  // a CSV compresses 5 to 20 times; a bomb thousands
  std::size_t max_members = 64;
};

struct ZipMemberInfo {
  std::string name;  // the member's own name, folders left aside
  std::uint64_t bytes = 0;
};

// Called for each member in order: on_member(info) first, then on_data with its bytes, a
// buffer at a time.
struct ZipVisitor {
  std::function<void(const ZipMemberInfo&)> on_member;
  std::function<void(const char* data, std::size_t size)> on_data;
};

// Reads the zip at `path`, handing each member to `visitor`. Returns "" when every member was
// read, or why the zip is refused (a sentence for the district: "member ../x reaches outside
// its folder"); a refusal found while streaming comes after some members were handed over, and
// the caller discards them. Throws Error when the file cannot be opened at all.
std::string read_zip(const std::filesystem::path& path, const ZipLimits& limits,
                     const ZipVisitor& visitor);

// The same for a zip in memory.
std::string read_zip_bytes(std::string_view bytes, const ZipLimits& limits,
                           const ZipVisitor& visitor);

// Whether `bytes` start as a zip does ("PK\3\4"), whatever the file is called.
bool looks_like_zip(std::string_view head);

}  // namespace rosterd
