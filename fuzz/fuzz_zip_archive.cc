// A zip a district (or anyone who can write into its drop) delivers: any bytes. The reader's
// contract (parsers/zip_archive.h): every member is looked at before one is handed over, so a
// refused zip hands over nothing unless the refusal came while streaming; a member's bytes never
// exceed what it declared nor the limits; names handed over are plain file names. A breach of
// any of these, a crash or an exception other than none is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "core/text.h"
#include "parsers/zip_archive.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rosterd;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ZipLimits limits;
  limits.max_bytes = 1 << 20;  // small enough that a bomb is cheap to find
  limits.max_members = 16;
  std::uint64_t total = 0, member_bytes = 0, declared = 0;
  std::size_t members = 0;
  bool streaming = false;
  std::set<std::string> names;
  const std::string why =
      read_zip_bytes(bytes, limits,
                     ZipVisitor{[&](const ZipMemberInfo& m) {
                                  streaming = true;
                                  ++members;
                                  if (m.name.empty() || m.name == "." || m.name == ".." ||
                                      m.name.find('/') != std::string::npos ||
                                      m.name.find('\\') != std::string::npos ||
                                      !names.insert(ascii_lower(m.name)).second)
                                    std::abort();
                                  member_bytes = 0;
                                  declared = m.bytes;
                                },
                                [&](const char*, std::size_t n) {
                                  member_bytes += n;
                                  total += n;
                                  if (member_bytes > declared || total > limits.max_bytes)
                                    std::abort();
                                }});
  if (members > limits.max_members) std::abort();
  (void)why;
  (void)streaming;
  return 0;
}
