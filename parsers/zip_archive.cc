#include "parsers/zip_archive.h"

#include <sys/stat.h>
#include <zip.h>

#include <fstream>
#include <memory>
#include <set>
#include <vector>

#include "core/error.h"
#include "core/text.h"
#include "core/utf8.h"

namespace rosterd {
namespace {

struct ZipClose {
  void operator()(zip_t* z) const noexcept { zip_discard(z); }
};
struct ZipFileClose {
  void operator()(zip_file_t* f) const noexcept { zip_fclose(f); }
};
using ZipHandle = std::unique_ptr<zip_t, ZipClose>;

struct Planned {
  zip_uint64_t index = 0;
  ZipMemberInfo info;
};

std::string member_quoted(std::string_view name) {
  return "\"" + display_safe(name) + "\"";
}

// The member's own name, or why its name is refused; `skip` when it is a folder entry or a
// macOS resource copy.
std::string member_name(std::string_view full, bool& skip, std::string& why) {
  skip = false;
  if (full.empty()) {
    why = "a member has no name";
    return {};
  }
  if (full.front() == '/' || full.front() == '\\' ||
      (full.size() >= 2 && full[1] == ':' &&
       ((full[0] >= 'A' && full[0] <= 'Z') || (full[0] >= 'a' && full[0] <= 'z')))) {
    why = "member " + member_quoted(full) + " is named by an absolute path";
    return {};
  }
  std::vector<std::string_view> steps;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= full.size(); ++i) {
    if (i < full.size() && full[i] != '/' && full[i] != '\\') continue;
    steps.push_back(full.substr(start, i - start));
    start = i + 1;
  }
  for (std::string_view step : steps) {
    if (step == "..") {
      why = "member " + member_quoted(full) + " reaches outside its folder (\"..\")";
      return {};
    }
  }
  if (steps.back().empty()) {  // "folder/": a folder entry
    skip = true;
    return {};
  }
  if (steps.front() == "__MACOSX" || steps.back().substr(0, 2) == "._") {
    skip = true;  // Finder's copies of resource forks, not the district's files
    return {};
  }
  const std::string_view name = steps.back();
  if (name == "." || name.size() > 255 || !is_valid_utf8(name) ||
      name.find_first_of(std::string_view("\0\r\n\t", 4)) != std::string_view::npos) {
    why = "member " + member_quoted(full) + " has a name that is no plain file name";
    return {};
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      why = "member " + member_quoted(full) + " has a name that is no plain file name";
      return {};
    }
  }
  return std::string(name);
}

std::string read_open_zip(zip_t* zip, const ZipLimits& limits, const ZipVisitor& visitor) {
  const zip_int64_t entries = zip_get_num_entries(zip, 0);
  if (entries < 0) return "the zip's directory cannot be read";
  // Everything is looked at before anything is handed over.
  std::vector<Planned> planned;
  std::set<std::string> names;
  std::uint64_t total = 0;
  for (zip_uint64_t i = 0; i < static_cast<zip_uint64_t>(entries); ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(zip, i, 0, &st) != 0 || (st.valid & ZIP_STAT_NAME) == 0)
      return "member " + std::to_string(i + 1) + " of the zip cannot be read";
    bool skip = false;
    std::string why;
    std::string name = member_name(st.name, skip, why);
    if (!why.empty()) return why;
    zip_uint8_t opsys = 0;
    zip_uint32_t attributes = 0;
    if (zip_file_get_external_attributes(zip, i, 0, &opsys, &attributes) == 0 &&
        opsys == ZIP_OPSYS_UNIX) {
      const mode_t mode = static_cast<mode_t>(attributes >> 16);
      if (S_ISLNK(mode)) return "member " + member_quoted(st.name) + " is a symbolic link";
      if ((mode & S_IFMT) != 0 && !S_ISREG(mode) && !S_ISDIR(mode))
        return "member " + member_quoted(st.name) + " is not a regular file";
    }
    if (skip) continue;
    if (planned.size() == limits.max_members)
      return "it holds more than " + std::to_string(limits.max_members) + " files";
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 && st.encryption_method != ZIP_EM_NONE)
      return "member " + member_quoted(st.name) + " is encrypted (send the zip without a password)";
    if ((st.valid & ZIP_STAT_COMP_METHOD) == 0 ||
        !zip_compression_method_supported(st.comp_method, 0))
      return "member " + member_quoted(st.name) +
             " is compressed in a way rosterd cannot read (use the zip's usual deflate)";
    if ((st.valid & ZIP_STAT_SIZE) == 0 || (st.valid & ZIP_STAT_COMP_SIZE) == 0)
      return "member " + member_quoted(st.name) + " does not say its size";
    if (!names.insert(ascii_lower(name)).second)
      return "two members are named " + member_quoted(name) +
             " (folders inside the zip aside, and without regard to case)";
    zip_uint64_t ratio_limit = 0;
    if (__builtin_mul_overflow(limits.max_ratio, std::max<zip_uint64_t>(st.comp_size, 1),
                               &ratio_limit))
      ratio_limit = ~zip_uint64_t{0};
    if (st.size > ratio_limit)
      return "member " + member_quoted(st.name) + " expands " +
             std::to_string(st.size / std::max<zip_uint64_t>(st.comp_size, 1)) +
             " times, more than the " + std::to_string(limits.max_ratio) +
             " a roster file does: it looks like a zip bomb";
    if (st.size > limits.max_bytes - total)
      return "its files expand to more than " + std::to_string(limits.max_bytes >> 20) +
             " MiB (the feed's source.max_bytes)";
    total += st.size;
    planned.push_back({i, {std::move(name), st.size}});
  }
  std::vector<char> buffer(1 << 16);
  for (const Planned& p : planned) {
    std::unique_ptr<zip_file_t, ZipFileClose> file(zip_fopen_index(zip, p.index, 0));
    if (!file) return "member " + member_quoted(p.info.name) + " cannot be opened";
    if (visitor.on_member) visitor.on_member(p.info);
    std::uint64_t read = 0;
    for (;;) {
      const zip_int64_t n = zip_fread(file.get(), buffer.data(), buffer.size());
      if (n < 0)
        return "member " + member_quoted(p.info.name) + " is damaged (" +
               display_safe(zip_file_strerror(file.get())) + ")";
      if (n == 0) break;
      read += static_cast<std::uint64_t>(n);
      if (read > p.info.bytes)
        return "member " + member_quoted(p.info.name) + " holds more than the " +
               std::to_string(p.info.bytes) + " bytes it declares";
      if (visitor.on_data) visitor.on_data(buffer.data(), static_cast<std::size_t>(n));
    }
    if (read != p.info.bytes)
      return "member " + member_quoted(p.info.name) + " holds " + std::to_string(read) +
             " bytes where it declares " + std::to_string(p.info.bytes);
  }
  return {};
}

// The zip's end, looked at before libzip opens it: libzip tries every end-of-directory record in
// the last 64 KiB and reads the whole directory for each, so a zip of thousands of nested records
// over a large directory keeps it busy for hours before any limit here applies. A zip written by
// a zip tool has exactly one such record, ending the file (after its comment).
std::string end_problem(std::string_view tail, const ZipLimits& limits) {
  static constexpr std::string_view kEnd("PK\5\6", 4);
  const std::size_t at = tail.rfind(kEnd);
  if (at == std::string_view::npos) return {};  // libzip says what it is not
  if (tail.find(kEnd) != at)
    return "it has more than one end-of-directory record, as no zip tool writes one (a zip "
           "built to make readers slow)";
  if (at + 22 > tail.size()) return "its end-of-directory record is cut short";
  const auto u16 = [&](std::size_t o) {
    return static_cast<unsigned>(static_cast<unsigned char>(tail[at + o])) |
           static_cast<unsigned>(static_cast<unsigned char>(tail[at + o + 1])) << 8;
  };
  if (at + 22 + u16(20) != tail.size()) return "its end-of-directory record does not end the file";
  const unsigned entries = u16(10);
  if (entries != 0xFFFF && entries > 4 * limits.max_members + 64)
    return "its directory lists " + std::to_string(entries) + " entries";
  return {};
}

// The last 64 KiB and 22 bytes of the file or bytes: where the end record must be.
constexpr std::size_t kTailBytes = 65535 + 22;

std::string open_error(zip_error_t& error) {
  const int code = zip_error_code_zip(&error);
  if (code == ZIP_ER_NOZIP) return "it is not a zip file";
  if (code == ZIP_ER_EXISTS) return "two members are named alike in its directory";
  if (code == ZIP_ER_INCONS) return "it is damaged: its directory contradicts its contents";
  return std::string("it cannot be read as a zip (") + zip_error_strerror(&error) + ")";
}

// Opens the zip `source` holds (taking it; `error` is the one it was made with, and is done
// with here) and reads it.
std::string open_and_read(zip_source_t* source, zip_error_t& error, const ZipLimits& limits,
                          const ZipVisitor& visitor) {
  ZipHandle zip(zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error));
  if (!zip) {
    zip_source_free(source);  // libzip keeps the source when the open fails
    const std::string why = open_error(error);
    zip_error_fini(&error);
    return why;
  }
  zip_error_fini(&error);
  return read_open_zip(zip.get(), limits, visitor);
}

}  // namespace

std::string read_zip(const std::filesystem::path& path, const ZipLimits& limits,
                     const ZipVisitor& visitor) {
  {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw Error("cannot open the zip " + display_safe(path.string()) + ".");
    const auto size = static_cast<std::uint64_t>(in.tellg());
    const std::uint64_t start = size > kTailBytes ? size - kTailBytes : 0;
    std::string tail(static_cast<std::size_t>(size - start), '\0');
    in.seekg(static_cast<std::streamoff>(start));
    in.read(tail.data(), static_cast<std::streamsize>(tail.size()));
    tail.resize(static_cast<std::size_t>(in.gcount()));
    if (std::string why = end_problem(tail, limits); !why.empty()) return why;
  }
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_file_create(path.c_str(), 0, -1, &error);
  if (source == nullptr) {
    const std::string what = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw Error("cannot open the zip " + display_safe(path.string()) + ": " + what + ".");
  }
  return open_and_read(source, error, limits, visitor);
}

std::string read_zip_bytes(std::string_view bytes, const ZipLimits& limits,
                           const ZipVisitor& visitor) {
  if (std::string why = end_problem(
          bytes.substr(bytes.size() > kTailBytes ? bytes.size() - kTailBytes : 0), limits);
      !why.empty())
    return why;
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) {
    zip_error_fini(&error);
    return "it cannot be read as a zip";
  }
  return open_and_read(source, error, limits, visitor);
}

bool looks_like_zip(std::string_view head) {
  return head.substr(0, 4) == std::string_view("PK\3\4", 4);
}

}  // namespace rosterd
