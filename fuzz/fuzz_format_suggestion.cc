// `rosterd suggest-format` reads a file nobody has described yet: any bytes. Its contract
// (parsers/format_suggestion.h, ops/format_suggestions.h) is a suggestion or a refusal, never a
// crash; and a suggestion's YAML, pasted under a feed, must load as a configuration: a block
// that `rosterd check-config` refuses would leave a person with rosterd's own mistake to mend.
// Either is a finding here, as is any exception.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/config.h"
#include "core/error.h"
#include "ops/format_suggestions.h"
#include "parsers/format_suggestion.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rosterd;
  if (size == 0) return 0;
  // The first byte: whether the bytes are the whole file or a sample cut anywhere.
  const bool whole = (data[0] & 1) != 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const FormatSuggestion s = suggest_format("fuzz.csv", bytes, whole, CivilDate{2026, 11, 23});
  if (!s.refusal.empty()) return 0;
  const std::string yaml = suggested_format_yaml(s);
  try {
    parse_config("feeds:\n  x:\n" + yaml, "suggested.yaml", ".");
  } catch (const Error& e) {
    std::fprintf(stderr, "the suggested format does not load:\n%s\n%s\n", yaml.c_str(), e.what());
    std::abort();
  }
  return 0;
}
