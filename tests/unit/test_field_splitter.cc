#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "parsers/field_splitter.h"

using namespace rosterd;

namespace {
struct Split {
  std::vector<std::string> fields;
  std::optional<std::size_t> broken;
};
Split run(std::string line, char delimiter, QuoteMode quote) {
  std::vector<std::string_view> views;
  Split s;
  s.broken = FieldSplitter(delimiter, quote).split(line.data(), line.size(), views);
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
