#include "store/value_codec.h"

#include "core/field.h"
#include "core/text.h"

namespace rosterd {

std::string encode_values(const std::vector<std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) out += '\x1f';
    out += values[i];
  }
  return out;
}

std::vector<std::string> decode_values(std::string_view text) {
  std::vector<std::string> out;
  for (std::string_view part : split(text, '\x1f'))
    out.emplace_back(part);
  out.resize(kFieldCount);
  return out;
}

}  // namespace rosterd
