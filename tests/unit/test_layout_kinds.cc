// parsers/layout_kinds.h: how each standard layout's files become rosterd's kinds, row by row,
// each row on the line of the file it comes from.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "parsers/format_preset.h"
#include "parsers/layout_kinds.h"
#include "validators/kind_check.h"

using namespace rosterd;

namespace {

RosterSet set_of(std::vector<std::pair<std::string, std::string>> files) {
  RosterSet s;
  s.name = "set";
  for (auto& [name, bytes] : files)
    s.members.push_back({name, {}, bytes});
  return s;
}

// Each row of `rows` as "line: v1|v2|...".
std::vector<std::string> shown(const LayoutKindRows& rows) {
  std::vector<std::string> out;
  for (const LayoutRow& r : rows.rows) {
    std::string s = std::to_string(r.line) + ":";
    for (std::size_t i = 0; i < r.values.size(); ++i)
      if (!kind_info(rows.kind).fields[i].derived) s += (i == 0 ? " " : "|") + r.values[i];
    out.push_back(s);
  }
  return out;
}

const std::string kManifest =
    "propertyName,value\noneroster.version,1.1\nfile.users,bulk\nfile.orgs,bulk\n"
    "file.demographics,bulk\nfile.enrollments,bulk\nfile.courses,bulk\nfile.classes,delta\n";

const std::string kOrgs =
    "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
    "D1,,,District,district,,\nS1,,,High,school,,D1\nS2,,,Middle,school,,D1\n";

const std::string kUsers =
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,"
    "familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n"
    "U1,,,true,S1,student,,,Ann,Lee,,,,,,P1,09,\n"
    "U2,,,true,S1,student,,,Bo,Kim,,,,,,\"P1,P2\",09,\n"
    "T1,,,true,\"D1,S2,S1\",administrator,,,Cy,Park,,E77,cy@example.org,,555 0100,,,\n"
    "P1,,,true,D1,parent,,,Di,Lee,,,di@example.org,,,\"U1,U2\",,\n"
    "P2,tobedeleted,,true,D1,guardian,,,Ed,Kim,,,,,,U2,,\n";

}  // namespace

TEST_CASE("layout kinds: OneRoster staff, guardians and links from users.csv, each on its line") {
  const RosterSet set = set_of({{"manifest.csv", kManifest},
                                {"orgs.csv", kOrgs},
                                {"users.csv", kUsers},
                                {"classes.csv", "sourcedId\nC1\n"}});
  const std::vector<EntityKind> kinds = {EntityKind::staff, EntityKind::guardians,
                                         EntityKind::guardian_links, EntityKind::sections};
  const auto read =
      read_layout_kinds(*find_format_preset("oneroster-1.1"), set, Encoding::utf8, kinds);
  REQUIRE(read.size() == 4);
  // The administrator's schools are the orgs orgs.csv calls schools, in their order.
  CHECK(shown(read[0]) ==
        std::vector<std::string>{
            "4: T1|E77|Cy|Park|cy@example.org|555 0100|administrator|S2,S1|active"});
  CHECK(read[0].file.name == "users.csv");
  CHECK(shown(read[1]) == std::vector<std::string>{"5: P1|Di|Lee|di@example.org||active",
                                                   "6: P2|Ed|Kim|||tobedeleted"});
  // Each pair once, on the first line naming it, whichever side names it; the relationship is
  // the guardian's role; a guardian being deleted gives no link of their own.
  CHECK(shown(read[2]) ==
        std::vector<std::string>{"2: P1|U1|parent||", "3: P1|U2|parent||", "3: P2|U2|guardian||"});
  // The manifest calls classes.csv a delta: sections are refused, never read as if the classes
  // it leaves out were gone.
  REQUIRE(read[3].file.refusal.has_value());
  CHECK(read[3].file.refusal->code == DiscrepancyCode::unreadable);
  CHECK(read[3].file.refusal->detail.find("says file.classes is delta: the feed takes sections "
                                          "from classes.csv, which must be bulk") !=
        std::string::npos);
}

TEST_CASE("layout kinds: a OneRoster enrollment listed once a term is one enrollment") {
  const std::string enrollments =
      "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
      "primary,beginDate,endDate\n"
      "E1,,,C1,S1,U1,student,,2020-08-17,2020-12-18\n"
      "E2,,,C1,S1,U2,student,,2020-08-17,2020-12-18\n"
      "E3,,,C1,S1,U1,student,,2021-01-04,2021-05-28\n"
      "E4,tobedeleted,,C1,S1,U2,teacher,,2021-01-04,\n"
      "E5,,,C1,S1,U2,student,,,2021-05-28\n";
  const RosterSet set = set_of({{"manifest.csv", kManifest},
                                {"enrollments.csv", enrollments},
                                {"courses.csv",
                                 "sourcedId,title,orgSourcedId,grades\nK1,Algebra,D1,\"09,10\"\n"
                                 "K2,Biology,S2,\nK3,Art,X9,\n"},
                                {"orgs.csv", kOrgs}});
  const std::vector<EntityKind> kinds = {EntityKind::courses, EntityKind::enrollments};
  const auto read =
      read_layout_kinds(*find_format_preset("oneroster-1.1"), set, Encoding::utf8, kinds);
  // A district's course has no school; an org orgs.csv does not list is kept for the check to
  // name.
  CHECK(shown(read[0]) ==
        std::vector<std::string>{"2: K1|Algebra||09,10|", "3: K2|Biology|S2||", "4: K3|Art|X9||"});
  // From the first start to the last end, an open date winning; a row being deleted is no
  // enrollment.
  CHECK(shown(read[1]) == std::vector<std::string>{"2: C1|U1|student|2020-08-17|2021-05-28",
                                                   "3: C1|U2|student||2021-05-28"});
}

TEST_CASE("layout kinds: School Data Sync staff by their roles, guardians by relationships.csv") {
  const std::string users =
      "sourcedId,username,givenName,familyName,password,activeDirectoryMatchId,email,phone,sms\n"
      "S1,,Ann,Lee,,,,,\nT1,,Cy,Park,,,cy@example.org,,\nG1,,Di,Lee,,,di@example.org,+15550100,\n";
  const std::string roles =
      "userSourcedId,orgSourcedId,role,sessionSourcedId,grade,isPrimary\n"
      "S1,O1,student,,10,TRUE\nT1,O2,staff,,,FALSE\nT1,O1,teacher,,,TRUE\n";
  const std::string orgs = "sourcedId,name,type\nO1,High,school\nO2,District,district\n";
  const RosterSet set =
      set_of({{"users.csv", users},
              {"roles.csv", roles},
              {"orgs.csv", orgs},
              {"relationships.csv",
               "userSourcedId,relationshipUserSourcedId,relationshipRole\nS1,G1,parent\n"}});
  const std::vector<EntityKind> kinds = {EntityKind::staff, EntityKind::guardians,
                                         EntityKind::guardian_links};
  const auto read = read_layout_kinds(*find_format_preset("sds-v2.1"), set, Encoding::utf8, kinds);
  CHECK(shown(read[0]) ==
        std::vector<std::string>{"3: T1||Cy|Park|cy@example.org||teacher|O1|active"});
  CHECK(shown(read[1]) == std::vector<std::string>{"4: G1|Di|Lee|di@example.org|+15550100|active"});
  CHECK(shown(read[2]) == std::vector<std::string>{"2: G1|S1|parent||"});
  CHECK(read[2].file.name == "relationships.csv");

  // Without relationships.csv no guardian can be told: both kinds are refused, naming it.
  const RosterSet without = set_of({{"users.csv", users}, {"roles.csv", roles}});
  const auto refused =
      read_layout_kinds(*find_format_preset("sds-v2.1"), without, Encoding::utf8, kinds);
  CHECK_FALSE(refused[0].file.refusal.has_value());
  REQUIRE(refused[1].file.refusal.has_value());
  CHECK(refused[1].file.refusal->code == DiscrepancyCode::missing_member);
  CHECK(refused[1].file.refusal->value == "relationships.csv");
  CHECK(refused[2].file.refusal->value == "relationships.csv");
}

TEST_CASE("layout kinds: Clever's courses and terms from sections.csv, students by State_id") {
  const std::string students =
      "School_id,Student_id,State_id,Last_name,First_name,Contact_name,Contact_sis_id,"
      "Contact_type,Contact_relationship\n"
      "7,100,9000000001,Lee,Ann,Di Anne Lee,G1,Primary,Parent\n"
      "7,101,9000000002,Kim,Bo,,,,\n";
  const std::string sections =
      "School_id,Section_id,Teacher_id,Teacher_2_id,Teacher_10_id,Name,Course_number,Course_name,"
      "Term_name,Term_start,Term_end\n"
      "7,S1,T1,,T3,,M6,Math 6,Fall,08/24/2026,12/18/2026\n"
      "7,S2,T2,T1,,Math 6 B,M6,Math 6,Fall,08/24/2026,12/18/2026\n";
  const std::string enrollments = "School_id,Student_id,Section_id\n7,100,S1\n7,555,S2\n";
  const RosterSet set = set_of(
      {{"students.csv", students}, {"sections.csv", sections}, {"enrollments.csv", enrollments}});
  const std::vector<EntityKind> kinds = {EntityKind::courses,   EntityKind::terms,
                                         EntityKind::sections,  EntityKind::enrollments,
                                         EntityKind::guardians, EntityKind::guardian_links};
  const auto read = read_layout_kinds(*find_format_preset("clever"), set, Encoding::utf8, kinds);
  CHECK(shown(read[0]) == std::vector<std::string>{"2: M6|Math 6|||"});
  CHECK(shown(read[1]) == std::vector<std::string>{"2: Fall|Fall|08/24/2026|12/18/2026|"});
  // A section without a name is called by its course's; every teacher column is read.
  CHECK(shown(read[2]) == std::vector<std::string>{"2: S1|7|M6|Fall|Math 6||T1,T3|active",
                                                   "3: S2|7|M6|Fall|Math 6 B||T2,T1|active"});
  // A Student_id students.csv lacks is shown with its column (no student's key), for the check
  // to name as unknown.
  CHECK(shown(read[3]) ==
        std::vector<std::string>{"2: S1|9000000001|student||", "3: S2|Student_id 555|student||"});
  CHECK(shown(read[4]) == std::vector<std::string>{"2: G1|Di Anne|Lee|||active"});
  CHECK(shown(read[5]) == std::vector<std::string>{"2: G1|9000000001|Parent|Y|"});
}

TEST_CASE("layout kinds: a broken line keeps its key, and a good line of the same key wins") {
  const std::string sections =
      "School_id,Section_id,Teacher_id,Course_number,Course_name,Term_name,Term_start,Term_end\n"
      "7,S1,T1,M6,Math 6,Fall,08/24/2026,12/18/2026,extra\n"
      "7,S2,T1,M6,Math 6,Fall,08/24/2026,12/18/2026\n"
      "7,S3,T1,ART,Art,Fall,08/24/2026,12/18/2026,extra\n";
  const RosterSet set = set_of({{"sections.csv", sections}});
  const std::vector<EntityKind> kinds = {EntityKind::courses, EntityKind::sections};
  const auto read = read_layout_kinds(*find_format_preset("clever"), set, Encoding::utf8, kinds);
  // M6 from line 3, which is whole; ART only from a broken line: kept broken, with its problem.
  REQUIRE(read[0].rows.size() == 2);
  CHECK(read[0].rows[0].line == 3);
  CHECK_FALSE(read[0].rows[0].broken);
  CHECK(read[0].rows[0].problems.empty());
  CHECK(read[0].rows[1].line == 4);
  CHECK(read[0].rows[1].broken);
  CHECK(read[0].rows[1].problems.size() == 1);
  // Checked, the broken rows are rejected but keep their keys: the plan keeps their committed
  // rows as they were (kept_rejected) rather than reading them as gone.
  const KindCheckResult courses =
      check_layout_kind(layout_kind_format(EntityKind::courses, Encoding::utf8), read[0]);
  CHECK(courses.counts.rows_rejected == 1);
  CHECK(courses.rows.get(1, 0) == "ART");
  const KindCheckResult checked =
      check_layout_kind(layout_kind_format(EntityKind::sections, Encoding::utf8), read[1]);
  CHECK(checked.counts.rows_rejected == 2);
  CHECK(checked.rows.get(0, 0) == "S1");
  CHECK(checked.rows.get(2, 0) == "S3");
  CHECK(checked.discrepancies.size() == 2);

  // A column a taken kind is built from is required: without Course_number no course can be
  // told, so the courses are refused rather than read as none.
  const RosterSet without =
      set_of({{"sections.csv", "School_id,Section_id,Term_name\n7,S1,Fall\n"}});
  const auto refused =
      read_layout_kinds(*find_format_preset("clever"), without, Encoding::utf8, kinds);
  REQUIRE(refused[0].file.refusal.has_value());
  CHECK(refused[0].file.refusal->code == DiscrepancyCode::missing_column);
  CHECK(refused[1].file.refusal.has_value());
}

TEST_CASE("layout kinds: a feed keying students by another column names them by it") {
  // OneRoster keyed by `identifier`: a student's enrollments and links name the student by it,
  // a teacher's enrollment by their sourcedId still; 1.2's withdrawn role is no role.
  const std::string manifest =
      "propertyName,value\noneroster.version,1.2\nfile.users,bulk\nfile.roles,bulk\n"
      "file.enrollments,bulk\n";
  const std::string users =
      "sourcedId,status,givenName,familyName,identifier,agentSourcedIds\n"
      "U1,,Ann,Lee,ST-1,P1\nT1,,Cy,Park,,\nP1,,Di,Lee,,U1\n";
  const std::string roles =
      "sourcedId,status,userSourcedId,roleType,role,orgSourcedId\n"
      "r1,,U1,primary,student,S1\nr2,,T1,primary,teacher,S1\nr3,tobedeleted,T1,secondary,"
      "teacher,S2\nr4,,P1,primary,parent,S1\n";
  const std::string enrollments =
      "sourcedId,classSourcedId,userSourcedId,role,beginDate,endDate\n"
      "E1,C1,U1,student,9/1/2026,12/18/2026\nE2,C1,T1,teacher,,\n"
      "E3,C1,U1,student,10/1/2026,1/15/2027\nE4,C1,U9,student,,\n";
  const RosterSet set = set_of({{"manifest.csv", manifest},
                                {"users.csv", users},
                                {"roles.csv", roles},
                                {"enrollments.csv", enrollments}});
  const std::vector<EntityKind> kinds = {EntityKind::staff, EntityKind::enrollments,
                                         EntityKind::guardian_links};
  const auto read = read_layout_kinds(*find_format_preset("oneroster-1.2"), set, Encoding::utf8,
                                      kinds, "identifier");
  CHECK(shown(read[0]) == std::vector<std::string>{"3: T1||Cy|Park|||teacher|S1|active"});
  // The dates compared as days: 9/1 is before 10/1, 1/15/2027 after 12/18/2026.
  // A student the students' file does not key is shown by their sourcedId, which no key is.
  CHECK(shown(read[1]) == std::vector<std::string>{"2: C1|ST-1|student|9/1/2026|1/15/2027",
                                                   "3: C1|T1|teacher||",
                                                   "5: C1|sourcedId U9|student||"});
  CHECK(shown(read[2]) == std::vector<std::string>{"2: P1|ST-1|parent||"});
}

TEST_CASE("layout kinds: School Data Sync guardians without their links") {
  const RosterSet set =
      set_of({{"users.csv", "sourcedId,givenName,familyName\nS1,Ann,Lee\nG1,Di,Lee\n"},
              {"relationships.csv",
               "userSourcedId,relationshipUserSourcedId,relationshipRole\nS1,G1,parent\n"}});
  const std::vector<EntityKind> kinds = {EntityKind::guardians};
  const auto read = read_layout_kinds(*find_format_preset("sds-v2.1"), set, Encoding::utf8, kinds);
  CHECK(shown(read[0]) == std::vector<std::string>{"3: G1|Di|Lee|||active"});
}

TEST_CASE("layout kinds: a broken line never makes a duplicate, bad bytes are told") {
  const std::string manifest = "propertyName,value\nfile.enrollments,bulk\n";
  const std::string enrollments =
      "sourcedId,classSourcedId,userSourcedId,role,beginDate,endDate\n"
      "E1,C1,U1,student,2026-09-01,\nE3,C1,U1,student,2027-01-04,,extra\n";
  const std::vector<EntityKind> kinds = {EntityKind::enrollments};
  const auto read =
      read_layout_kinds(*find_format_preset("oneroster-1.1"),
                        set_of({{"manifest.csv", manifest}, {"enrollments.csv", enrollments}}),
                        Encoding::utf8, kinds);
  // One enrollment, rejected (its committed row kept) with the broken line's problem; no
  // duplicate.
  REQUIRE(read[0].rows.size() == 1);
  CHECK(read[0].rows[0].broken);
  const KindCheckResult k =
      check_layout_kind(layout_kind_format(EntityKind::enrollments, Encoding::utf8), read[0]);
  CHECK(k.counts.rows_rejected == 1);
  REQUIRE(k.discrepancies.size() == 1);
  CHECK(k.discrepancies[0].code == DiscrepancyCode::column_count);

  // A contact's name with bytes that are not UTF-8, taken from students.csv into a guardian.
  const std::string students =
      "Student_id,State_id,Contact_sis_id,Contact_name\n100,9000000001,G1,Di \xff Lee\n";
  const std::vector<EntityKind> guardians = {EntityKind::guardians};
  const auto g = read_layout_kinds(*find_format_preset("clever"),
                                   set_of({{"students.csv", students}}), Encoding::utf8, guardians);
  const KindCheckResult gk =
      check_layout_kind(layout_kind_format(EntityKind::guardians, Encoding::utf8), g[0]);
  CHECK(gk.counts.rows_rejected == 1);
  REQUIRE_FALSE(gk.discrepancies.empty());
  CHECK(gk.discrepancies[0].code == DiscrepancyCode::encoding);
}
