// A staff member's or a guardian's email and phone come from the district's export as typed.
// Whatever the bytes: an address taken is plain (one '@', printable ASCII, no blank, within the
// lengths), and a phone number taken is digits (a leading '+' at most), 7 to 15 of them, that
// normalize to themselves.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "validators/contact_format.h"

namespace {

void require(bool ok, const char* what, std::string_view input) {
  if (ok) return;
  std::fprintf(stderr, "contact_format: %s (input %zu bytes)\n", what, input.size());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (rosterd::valid_email(text)) {
    require(text.find('@') != std::string_view::npos && text.find('@') == text.rfind('@'),
            "an address without exactly one '@'", text);
    require(text.size() <= 64 + 1 + 253, "an address too long", text);
    for (char c : text)
      require(c > ' ' && c < 127 && c != '"' && c != ',' && c != ';', "an odd byte", text);
  }
  if (const auto phone = rosterd::normalized_phone(text)) {
    const std::string& p = *phone;
    const std::size_t plus = !p.empty() && p[0] == '+' ? 1 : 0;
    require(p.size() - plus >= 7 && p.size() - plus <= 15, "a number of the wrong length", text);
    for (std::size_t i = plus; i < p.size(); ++i)
      require(p[i] >= '0' && p[i] <= '9', "a number with a non-digit", text);
    require(rosterd::normalized_phone(p) == p, "a number that does not normalize to itself", text);
  }
  return 0;
}
