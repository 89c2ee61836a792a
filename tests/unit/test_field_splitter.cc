#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/text.h"
#include "parsers/field_splitter.h"

using namespace rosterd;

namespace {
struct Split {
  std::vector<std::string> fields;
  std::optional<std::size_t> broken;
  bool high = false;
  bool control = false;
};
Split run(std::string line, char delimiter, QuoteMode quote) {
  std::vector<std::string_view> views;
  Split s;
  const SplitResult r = FieldSplitter(delimiter, quote).split(line.data(), views);
  CHECK(r.length == std::strlen(line.c_str()));
  s.broken = r.broken_field;
  s.high = r.high;
  s.control = r.control;
  for (auto v : views)
    s.fields.emplace_back(v);
  return s;
}
}  // namespace

TEST_CASE("unquoted fields are split and trimmed") {
  const Split s = run(" a | b|c |", '|', QuoteMode::none);
  CHECK(s.fields == std::vector<std::string>{"a", "b", "c", ""});
  CHECK_FALSE(s.broken);
  CHECK(run("\"a|b\"|c", '|', QuoteMode::none).fields.size() == 3);  // quotes are text
  CHECK(run("", '|', QuoteMode::none).fields == std::vector<std::string>{""});
  CHECK(run("a\tb", '\t', QuoteMode::none).fields == std::vector<std::string>{"a", "b"});
}

TEST_CASE("double quotes hold delimiters and escaped quotes") {
  const Split s = run("1,\"Smith, Jr.\", \"say \"\"hi\"\"\" ,x", ',', QuoteMode::double_quote);
  CHECK(s.fields == std::vector<std::string>{"1", "Smith, Jr.", "say \"hi\"", "x"});
  CHECK_FALSE(s.broken);
  CHECK(run("a,b\"c,d", ',', QuoteMode::double_quote).fields ==
        std::vector<std::string>{"a", "b\"c", "d"});  // a quote inside an unquoted field is text
  CHECK(run("\"\",x", ',', QuoteMode::double_quote).fields == std::vector<std::string>{"", "x"});
}

TEST_CASE("broken quoting is reported with the field index") {
  const Split unclosed = run("a,\"bc,d", ',', QuoteMode::double_quote);
  CHECK(unclosed.broken == 1u);
  const Split trailing = run("a,\"b\"x,c", ',', QuoteMode::double_quote);
  CHECK(trailing.broken == 1u);
  CHECK(trailing.fields.size() == 3);  // resynchronised at the next delimiter
  CHECK(trailing.fields[2] == "c");
}

TEST_CASE("the split notes bytes that need decoding") {
  CHECK_FALSE(run("a|b", '|', QuoteMode::none).high);
  CHECK(run("Andr\xC3\xA9s|b", '|', QuoteMode::none).high);
  CHECK(run("a\x1b|b", '|', QuoteMode::none).control);
  CHECK_FALSE(run("a\tb|c", '|', QuoteMode::none).control);
  CHECK(run("\"Andr\xC3\xA9s\"|\x01", '|', QuoteMode::double_quote).high);
  CHECK(run("\"Andr\xC3\xA9s\"|\x01", '|', QuoteMode::double_quote).control);
}

namespace {

// The obvious splitter, byte by byte: the reference the fast one must agree with.
Split reference_split(const std::string& line, char delimiter) {
  Split s;
  std::string field;
  for (char c : line) {
    const auto b = static_cast<unsigned char>(c);
    s.high |= b >= 0x80;
    s.control |= (b < 0x20 && b != '\t') || b == 0x7F;
    if (c == delimiter) {
      s.fields.emplace_back(rosterd::trim(field));
      field.clear();
    } else {
      field += c;
    }
  }
  s.fields.emplace_back(rosterd::trim(field));
  return s;
}

}  // namespace

TEST_CASE(
    "the fast splitter agrees with a byte-by-byte reference on random lines at every alignment") {
  const char alphabet[] = {'a',    'Z',    '0',    ' ',    '\t',   '|', ',',
                           '\x01', '\x7f', '\xc3', '\xa9', '\xff', '-', '\x1b'};
  std::uint64_t state = 12345;
  const auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>(state >> 33);
  };
  std::vector<char> buffer(256);
  for (int round = 0; round < 20000; ++round) {
    const std::size_t length = next() % 90;
    std::string text;
    for (std::size_t i = 0; i < length; ++i)
      text += alphabet[next() % sizeof alphabet];
    const char delimiter = next() % 2 ? '|' : ',';
    // Place the line at every offset within a 16-byte block.
    const std::size_t offset = next() % 16;
    std::memcpy(buffer.data() + offset, text.c_str(), text.size() + 1);
    std::vector<std::string_view> views;
    const SplitResult r =
        FieldSplitter(delimiter, QuoteMode::none).split(buffer.data() + offset, views);
    const Split expected = reference_split(text, delimiter);
    CAPTURE(text);
    REQUIRE(views.size() == expected.fields.size());
    for (std::size_t i = 0; i < views.size(); ++i)
      REQUIRE(std::string(views[i]) == expected.fields[i]);
    REQUIRE(r.length == text.size());
    REQUIRE(r.high == expected.high);
    REQUIRE(r.control == expected.control);
  }
}
