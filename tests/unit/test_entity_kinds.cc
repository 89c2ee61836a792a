// The kinds of a roster beside students (core/entity_kind.h), their compact table
// (core/entity_table.h), and the contact values staff and guardians carry
// (validators/contact_format.h).
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "core/entity_kind.h"
#include "core/entity_table.h"
#include "validators/contact_format.h"

using namespace rosterd;

TEST_CASE("entity kinds: each is named once, keyed by required fields, and refers backwards") {
  std::set<std::string_view> names, files;
  std::size_t i = 0;
  for (const EntityKindInfo& k : all_entity_kinds()) {
    CAPTURE(k.name);
    CHECK(static_cast<std::size_t>(k.kind) == i++);  // in EntityKind order
    CHECK(&kind_info(k.kind) == &k);
    CHECK(entity_kind_from_name(k.name) == k.kind);
    CHECK(names.insert(k.name).second);
    CHECK(files.insert(k.default_file).second);
    REQUIRE_FALSE(k.key.empty());
    for (std::size_t f : k.key) {
      REQUIRE(f < k.fields.size());
      CHECK(k.fields[f].required);
    }
    std::set<std::string_view> fields, headers;
    for (const EntityField& f : k.fields) {
      CAPTURE(f.name);
      CHECK(fields.insert(f.name).second);
      CHECK(headers.insert(f.default_header).second);
      CHECK(entity_field(k, f.name).has_value());
      // A reference to another kind of the set names one read before it (its keys are known
      // when the row is checked), or its own kind (a term's parent term).
      const auto before = [&](EntityKind other) { return other <= k.kind; };
      switch (f.refers_to) {
        case Referent::staff:
          CHECK(before(EntityKind::staff));
          break;
        case Referent::courses:
          CHECK(before(EntityKind::courses));
          break;
        case Referent::terms:
          CHECK(before(EntityKind::terms));
          break;
        case Referent::sections:
          CHECK(before(EntityKind::sections));
          break;
        case Referent::guardians:
          CHECK(before(EntityKind::guardians));
          break;
        default:
          break;
      }
    }
  }
  CHECK(names.size() == kEntityKindCount);
  CHECK_FALSE(entity_kind_from_name("students").has_value());  // students have their own path
  CHECK_FALSE(entity_kind_from_name("Staff").has_value());
  const EntityKindInfo& enrollments = kind_info(EntityKind::enrollments);
  CHECK(enrollments.key.size() == 3);  // a person may be in a section as student and as aide
  CHECK(enrollments.fields[*entity_field(enrollments, "person_id")].refers_to == Referent::people);
  CHECK_FALSE(entity_field(enrollments, "state_id").has_value());
}

TEST_CASE("entity table: rows of any width keep their values, lines and rejection") {
  EntityTable t(3);
  CHECK(t.empty());
  const std::vector<std::string_view> a = {"S1", "", "Algebra I"};
  CHECK(t.append(a, 2) == 0);
  // Enough rows to fill several of the arena's 4 MiB chunks: earlier values stay where they are.
  const std::string long_name(4000, 'x');
  std::vector<std::string> ids;
  for (int i = 0; i < 3000; ++i)
    ids.push_back("SEC" + std::to_string(i));
  for (int i = 0; i < 3000; ++i) {
    const std::vector<std::string_view> row = {ids[i], long_name, i % 2 == 0 ? "even" : ""};
    t.append(row, static_cast<std::uint32_t>(i + 3));
  }
  const std::string_view first = t.get(0, 2);  // taken before the arena grew: still valid
  CHECK(t.size() == 3001);
  CHECK(t.get(0, 0) == "S1");
  CHECK(t.get(0, 1).empty());
  CHECK(first == "Algebra I");
  CHECK(t.get(2999, 0) == "SEC2998");
  CHECK(t.get(2999, 1) == long_name);
  CHECK(t.get(2999, 2) == "even");
  CHECK(t.get(3000, 2).empty());
  CHECK(t.line(3000) == 3002);
  CHECK_FALSE(t.rejected(7));
  t.set_rejected(7);
  CHECK(t.rejected(7));
  EntityTable moved = std::move(t);
  CHECK(moved.get(1, 0) == "SEC0");
  CHECK(moved.fields() == 3);

  const std::vector<std::string_view> two = {"a", "b"};
  CHECK_THROWS_AS(moved.append(two, 1), std::invalid_argument);
  const std::string huge(40000, 'y');
  const std::vector<std::string_view> too_long = {huge, huge, ""};
  CHECK_THROWS_AS(moved.append(too_long, 1), std::length_error);
  CHECK_THROWS_AS(EntityTable(0), std::invalid_argument);
  CHECK_THROWS_AS(EntityTable(65), std::invalid_argument);
}

TEST_CASE("contact format: email addresses as districts send them") {
  for (const char* ok : {"jo.park@district.org", "j+o@k12.tx.us", "o'brien@school.edu", "a@b.co",
                         "first_last-2@mail.example-isd.org", "X@Y.ORG"}) {
    CAPTURE(ok);
    CHECK(valid_email(ok));
  }
  for (const char* bad : {"",
                          "@district.org",
                          "jo@",
                          "jo",
                          "jo@district",
                          "jo@@district.org",
                          "jo park@district.org",
                          "jo@district..org",
                          "jo@-district.org",
                          "jo@district-.org",
                          ".jo@district.org",
                          "jo.@district.org",
                          "j..o@district.org",
                          "jo@[10.0.0.1]",
                          "\"jo\"@district.org",
                          "jo,ann@district.org",
                          "jo;ann@district.org",
                          "jo@district.org;ann@district.org",
                          "jo@10.0.0.1",
                          "jós@district.org",
                          "jo@distríct.org",
                          "jo@district.org "}) {
    CAPTURE(bad);
    CHECK_FALSE(valid_email(bad));
  }
  CHECK(valid_email(std::string(64, 'a') + "@district.org"));
  CHECK_FALSE(valid_email(std::string(65, 'a') + "@district.org"));
  CHECK_FALSE(valid_email("jo@" + std::string(64, 'a') + ".org"));  // a label over 63
}

TEST_CASE("contact format: phone numbers to digits") {
  CHECK(normalized_phone("(512) 555-0199") == "5125550199");
  CHECK(normalized_phone("512.555.0199") == "5125550199");
  CHECK(normalized_phone("+44 20 7946 0958") == "+442079460958");
  CHECK(normalized_phone("512-555-0199 x12") == "5125550199");
  CHECK(normalized_phone("512-555-0199 ext. 7") == "5125550199");
  CHECK(normalized_phone("5550199") == "5550199");
  for (const char* bad :
       {"", "555-019", "call the office", "512-555-0199 or 512-555-0100", "1234567890123456", "+",
        "(512 555-0199", "512) 555-0199", "(512) (555) 0199", "512+5550199", "512/555/0199"}) {
    CAPTURE(bad);
    CHECK_FALSE(normalized_phone(bad).has_value());
  }
}

TEST_CASE("entity kinds: the stored fields are frozen with their migration") {
  // store/committed_entities.cc builds migration 19 (PostgreSQL 14) from these descriptors'
  // step-0 fields, and each later step's migration from its fields (shown "@step"): a field
  // added, renamed or moved needs a migration of its own, not an edit here.
  std::string all;
  for (const EntityKindInfo& k : all_entity_kinds()) {
    all += std::string(k.name) + ":";
    for (const EntityField& f : k.fields) {
      all += " " + std::string(f.name);
      if (f.schema_step != 0) all += "@" + std::to_string(f.schema_step);
    }
    all += "\n";
  }
  CHECK(all ==
        "staff: staff_id local_id first_name last_name email phone role campus_ids status\n"
        "courses: course_code name campus_id grades subject\n"
        "terms: term_id name start_date end_date parent_term_id\n"
        "sections: section_id campus_id course_code term_id name period teacher_ids status "
        "platform_courses@1\n"
        "enrollments: section_id person_id role start_date end_date\n"
        "guardians: guardian_id first_name last_name email phone status\n"
        "guardian_links: guardian_id student_state_id relationship primary receives_mail\n");
}
