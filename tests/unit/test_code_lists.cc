#include <doctest/doctest.h>

#include <fstream>
#include <functional>

#include "core/error.h"
#include "core/log.h"
#include "tests/support/temp_dir.h"
#include "validators/code_translator.h"

using namespace rosterd;

namespace {
std::filesystem::path write(const testing::TempDir& dir, const std::string& name,
                            const std::string& text) {
  std::ofstream(dir / name, std::ios::binary) << text;
  return dir / name;
}
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("reference tables and maps load with trimming, blank lines and a header") {
  testing::TempDir dir;
  const auto table = ReferenceTable::load(
      write(dir, "t.txt", "Code|Name\r\n 01 | Grade 1 \r\n\r\nK|Kindergarten\n"));
  CHECK(table.size() == 2);
  CHECK(table.contains("01"));
  CHECK(table.name("01") == "Grade 1");
  const auto map = CodeMap::load(write(dir, "m.txt", "DistrictCode|PlatformCode\n1|01\nKG|K\n"));
  const CodeTranslator t("grade", table, map);
  CHECK(t.translate("1") == "01");
  CHECK(t.translate("01") == "01");
  CHECK(t.translate("KG") == "K");
  CHECK_FALSE(t.translate("13"));
}

TEST_CASE("the map is consulted before the table") {
  ReferenceTable table;
  table.add("1", "one");
  table.add("01", "grade one");
  CodeMap map;
  map.add("1", "01");
  CHECK(CodeTranslator("grade", table, map).translate("1") == "01");
}

TEST_CASE("configuration errors name the file and line") {
  testing::TempDir dir;
  const auto table = ReferenceTable::load(write(dir, "t.txt", "Code|Name\n01|Grade 1\n"));
  const auto map = CodeMap::load(write(dir, "m.txt", "DistrictCode|PlatformCode\n1|01\n13|13\n"));
  const std::string e = error_of([&] { CodeTranslator("grade", table, map); });
  CHECK(e.find("m.txt:3") != std::string::npos);
  CHECK(e.find("\"13\"") != std::string::npos);

  CHECK(error_of([&] {
          ReferenceTable::load(write(dir, "d.txt", "Code|Name\nA|x\nA|y\n"));
        }).find("d.txt:3") != std::string::npos);
  CHECK(error_of([&] {
          CodeMap::load(write(dir, "d2.txt", "A|B\nx|1\nx|2\n"));
        }).find("already mapped on line 2") != std::string::npos);
  CHECK(error_of([&] {
          ReferenceTable::load(write(dir, "one.txt", "Code|Name\nonlyone\n"));
        }).find("one.txt:2") != std::string::npos);
  CHECK(error_of([&] {
          ReferenceTable::load(write(dir, "empty.txt", "Code|Name\n"));
        }).find("no codes") != std::string::npos);
  CHECK(error_of([&] { ReferenceTable::load(dir / "absent.txt"); }).find("cannot open") !=
        std::string::npos);
  // The longest code a row can keep 32 of: 256 bytes is taken, 257 is not.
  const std::string longest(ReferenceTable::kMaxCodeBytes, 'C');
  CHECK(ReferenceTable::load(write(dir, "long.txt", "Code|Name\nA|x\n" + longest + "|y\n"))
            .contains(longest));
  const std::string e2 = error_of([&] {
    ReferenceTable::load(write(dir, "long2.txt", "Code|Name\nA|x\n" + longest + "C|y\n"));
  });
  CHECK(e2.find("long2.txt:3") != std::string::npos);
  CHECK(e2.find("257 bytes long; a platform code is at most 256") != std::string::npos);
}

TEST_CASE("a code list whose first line looks like data is warned about at start-up") {
  testing::TempDir dir;
  const auto warned = [&](const std::string& text) {
    const log::Capture log;
    ReferenceTable::load(write(dir, "t.txt", text));
    return log.text().find("event=config.header_looks_like_data") != std::string::npos;
  };
  // No header: the first campus would be lost without a word.
  CHECK(warned("101|Lincoln Elementary\n102|Washington Middle\n103|Roosevelt High\n"));
  CHECK(warned("PK|Pre-K\nK|Kindergarten\n01|1\n"));
  {
    const log::Capture log;
    CodeMap::load(write(dir, "m.txt", "KG|K\n1|01\n2|02\n"));
    const std::string text = log.text();
    CHECK(text.find("event=config.header_looks_like_data") != std::string::npos);
    CHECK(text.find("file=" + (dir / "m.txt").string()) != std::string::npos);
    CHECK(text.find("line=1") != std::string::npos);
    CHECK(text.find("header=KG|K") != std::string::npos);
  }
  // Real headers, however they are written.
  CHECK_FALSE(warned("Code|Name\n101|Lincoln Elementary\n"));
  CHECK_FALSE(warned("CODE|NAME\n01|1\nK|Kindergarten\n"));
  CHECK_FALSE(warned("code|name\nPK|Pre-K\n"));
  CHECK_FALSE(warned("DistrictCode|PlatformCode\nKG|K\n"));
  CHECK_FALSE(warned("ID|Description\n10|Ten\n"));
}
