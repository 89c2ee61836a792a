// `feeds.NAME.kinds` (config/kind_section.h): the other kinds a feed takes, their files and
// columns, and every mistake refused with its key and line.
#include <doctest/doctest.h>

#include "config/config.h"
#include "core/error.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;

namespace {

Config parse(const std::string& feed) {
  testing::TempDir dir;
  return parse_config("feeds:\n  a:\n" + feed, "rosterd.yaml", dir.path());
}

std::string error_for(const std::string& feed) {
  try {
    parse(feed);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("kinds: each kind's file and columns, the students' format's delimiter and dates") {
  const Config c = parse(
      "    mode: test\n"
      "    format: {delimiter: \",\", quote: double, date_format: \"%m/%d/%Y\"}\n"
      "    kinds:\n"
      "      students: {file: kids.csv}\n"
      "      sections: {file: classes.csv, columns: {period: \"\", course_code: Course}}\n"
      "      staff: {}\n"
      "      enrollments:\n");
  const RosterKinds& k = c.feed("a").kinds;
  CHECK(k.students_file == "kids.csv");
  REQUIRE(k.members.size() == 3);
  // In EntityKind order, whatever the file's.
  CHECK(k.members[0].kind == EntityKind::staff);
  CHECK(k.members[0].file == "staff.txt");
  CHECK(k.members[0].format.columns == KindFormat::default_layout(EntityKind::staff).columns);
  const KindMember& sections = *k.find(EntityKind::sections);
  CHECK(sections.file == "classes.csv");
  CHECK(sections.format.delimiter == ',');
  CHECK(sections.format.quote == QuoteMode::double_quote);
  CHECK(sections.format.date_format == "%m/%d/%Y");
  CHECK(sections.format.columns[*entity_field(kind_info(EntityKind::sections), "course_code")] ==
        "Course");
  CHECK(sections.format.columns[*entity_field(kind_info(EntityKind::sections), "period")].empty());
  CHECK(k.find(EntityKind::enrollments)->file == "enrollments.txt");
  CHECK(k.find(EntityKind::guardians) == nullptr);
  CHECK(parse("    mode: test\n").feed("a").kinds.empty());
}

TEST_CASE("kinds: a kind's own safeguards and expected count") {
  const Config c = parse(
      "    policy: {max_deactivate_pct: 3, enrollments: {max_deactivate_pct: 10}, staff: "
      "{max_update_pct: 90, max_reject_pct: 1}}\n"
      "    expect: {students: 5200, enrollments: \"41000±5%\"}\n"
      "    kinds: {sections: {}, enrollments: {}}\n");
  const FeedConfig& f = c.feed("a");
  CHECK(f.policy.kinds[static_cast<std::size_t>(EntityKind::enrollments)].max_deactivate_pct == 10);
  CHECK_FALSE(f.policy.kinds[static_cast<std::size_t>(EntityKind::sections)].max_deactivate_pct);
  CHECK(f.policy.kinds[static_cast<std::size_t>(EntityKind::staff)].max_update_pct == 90);
  CHECK(f.policy.kinds[static_cast<std::size_t>(EntityKind::staff)].max_reject_pct == 1);
  CHECK(f.expect_kinds.at(EntityKind::enrollments).count == 41000);
  CHECK(error_for("    policy: {staff: {max_deactivate_pct: .nan}}\n")
            .find("staff.max_deactivate_pct") != std::string::npos);
  CHECK(error_for("    policy: {staff: {max_field_change_pct: 5}}\n").find("unknown key") !=
        std::string::npos);
}

TEST_CASE("kinds: mistakes are refused with the key, its line and what to do") {
  const std::string head = "    mode: test\n    kinds:\n";
  CHECK(error_for(head + "      teachers: {}\n") ==
        "rosterd.yaml:5: feeds.a.kinds.teachers: \"teachers\" is not a kind of the roster. Kinds "
        "are: students, staff, courses, terms, sections, enrollments, guardians, "
        "guardian_links.");
  CHECK(error_for(head + "      staff: {columns: {badge: Badge}}\n")
            .find("\"badge\" is not a field of staff. Its fields are: staff_id, local_id,") !=
        std::string::npos);
  CHECK(error_for(head + "      staff: {columns: {staff_id: \"\"}}\n")
            .find("staff.staff_id is required: its column cannot be left out.") !=
        std::string::npos);
  CHECK(error_for(head + "      staff: {columns: {email: LastName}}\n")
            .find("fields last_name and email both read column \"LastName\"") != std::string::npos);
  CHECK(error_for(head + "      staff: {file: students.txt}\n")
            .find("reads file \"students.txt\", which holds the students") != std::string::npos);
  CHECK(error_for(head + "      staff: {file: s.txt}\n      terms: {file: S.TXT}\n")
            .find("feeds.a.kinds.terms: reads file \"S.TXT\", which staff reads too") !=
        std::string::npos);
  CHECK(error_for(head + "      students: {file: kids.txt}\n")
            .find("names no kind beside students") != std::string::npos);
  CHECK(error_for("    format: {date_format: [\"%Y-%m-%d\", \"%m/%d/%y\"]}\n"
                  "    kinds: {staff: {}}\n")
            .find("cannot read two-digit years yet (format.date_format \"%m/%d/%y\")") !=
        std::string::npos);
  CHECK(error_for(head + "      staff: {file: ../etc/staff.txt}\n").find("without a folder") !=
        std::string::npos);
  CHECK(error_for(head + "      staff: {colour: blue}\n").find("unknown key \"colour\"") !=
        std::string::npos);
  CHECK(error_for(head + "      enrollments: {}\n")
            .find("enrollments name their sections: take sections too.") != std::string::npos);
  CHECK(error_for(head + "      guardian_links: {}\n").find("take guardians too") !=
        std::string::npos);
  const std::string layout = "    mode: test\n    format: {preset: oneroster-1.1}\n";
  CHECK(error_for(layout + "    kinds: {staff: {file: teachers.csv}}\n")
            .find("the oneroster-1.1 layout fixes the file and columns of staff (users.csv): "
                  "write staff: {}") != std::string::npos);
  CHECK(error_for(layout + "    kinds: {students: {file: kids.csv}}\n")
            .find("\"students\" is not a kind the OneRoster 1.1 CSV") != std::string::npos);
  CHECK(error_for("    mode: test\n    format: {preset: sds-classic}\n    kinds: {staff: {}}\n")
            .find("layout carries no other kinds rosterd reads") != std::string::npos);
  CHECK(error_for(layout + "    kinds: {enrollments: {}}\n").find("take sections too") !=
        std::string::npos);
  CHECK(error_for("    mode: test\n    format: {date_format: \"%m/%d/%y\"}\n"
                  "    kinds: {staff: {}}\n")
            .find("cannot read two-digit years yet") != std::string::npos);
}

TEST_CASE("kinds: a standard layout's kinds are read from its own files, in its format") {
  const Config c = parse(
      "    mode: test\n"
      "    format: {preset: sds-v2.1}\n"
      "    kinds: {guardian_links: {}, staff: {}, guardians:}\n");
  const RosterKinds& k = c.feed("a").kinds;
  CHECK(k.layout == "sds-v2.1");
  CHECK(k.students_file == "users.csv");
  REQUIRE(k.members.size() == 3);
  CHECK(k.members[0].kind == EntityKind::staff);
  CHECK(k.members[0].file == "users.csv");
  CHECK(k.members[1].file == "users.csv");
  CHECK(k.members[2].file == "relationships.csv");
  CHECK(k.members[0].format.delimiter == ',');
  CHECK(k.members[0].format.list_separator == ',');
  CHECK(k.members[0].format.date_format == "%Y-%m-%d");
  // Clever's students' format reads two-digit years; its kinds' dates are four-digit.
  const Config clever =
      parse("    mode: test\n    format: {preset: clever}\n    kinds: {sections: {}, terms: {}}\n");
  CHECK(clever.feed("a").kinds.find(EntityKind::terms)->file == "sections.csv");
  CHECK(clever.feed("a").kinds.find(EntityKind::terms)->format.other_date_formats ==
        std::vector<std::string>{"%m/%d/%Y"});
}

TEST_CASE("kinds: scope by section, course or term needs sections, one of include or exclude") {
  const Config c = parse(
      "    mode: test\n    kinds: {sections: {}}\n"
      "    scope: {courses: [ALG1, BIO], exclude_terms: [\"2026-S2\"]}\n");
  const FeedScope& s = c.feed("a").rules.scope;
  CHECK(s.filters_sections());
  CHECK_FALSE(s.filters());  // the students' scope is untouched
  CHECK(s.takes_section("SEC1", "ALG1", "2026-S1"));
  CHECK_FALSE(s.takes_section("SEC1", "ALG1", "2026-S2"));
  CHECK_FALSE(s.takes_section("SEC1", "ART", "2026-S1"));
  CHECK(error_for("    mode: test\n    kinds: {staff: {}}\n    scope: {sections: [SEC1]}\n")
            .find("the feed takes no sections: add sections to kinds:") != std::string::npos);
  CHECK(error_for("    mode: test\n    kinds: {sections: {}}\n"
                  "    scope: {courses: [A], exclude_courses: [B]}\n")
            .find("goes with") != std::string::npos);
}
