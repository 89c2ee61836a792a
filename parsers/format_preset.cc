#include "parsers/format_preset.h"

#include <array>

#include "core/text.h"

namespace rosterd {
namespace {

struct ColumnOf {
  Field field;
  std::string_view header;
};

// A comma-separated, double-quoted UTF-8 layout with the given columns; every field not named
// has no column, and the fields named in `optional` may be missing from a file's header.
RosterFormat csv_layout(std::initializer_list<ColumnOf> columns,
                        std::initializer_list<Field> optional) {
  RosterFormat f;
  f.delimiter = ',';
  f.quote = QuoteMode::double_quote;
  f.encoding = Encoding::utf8;
  f.columns.fill(std::string());
  f.optional_columns.set();
  for (const ColumnOf& c : columns) {
    f.columns[field_index(c.field)] = std::string(c.header);
    f.optional_columns.reset(field_index(c.field));
  }
  for (Field o : optional)
    f.optional_columns.set(field_index(o));
  f.required.reset();
  for (Field r : {Field::state_id, Field::first_name, Field::last_name, Field::birth_date,
                  Field::grade, Field::campus}) {
    f.required.set(field_index(r));
  }
  return f;
}

// Grades as numbers, 1 to 13, unpadded or zero-padded, meaning CEDS "01".."13".
void add_numbered_grades(std::vector<GradeWord>& words, bool padded_too) {
  static const std::array<std::string_view, 13> kNumbers = {"1", "2", "3",  "4",  "5",  "6", "7",
                                                            "8", "9", "10", "11", "12", "13"};
  static const std::array<std::string_view, 13> kCeds = {"01", "02", "03", "04", "05", "06", "07",
                                                         "08", "09", "10", "11", "12", "13"};
  for (std::size_t g = 0; g < kCeds.size(); ++g) {
    words.push_back({kNumbers[g], kCeds[g]});
    if (padded_too && g < 9) words.push_back({kCeds[g], kCeds[g]});
  }
}

FormatPreset clever() {
  FormatPreset p;
  p.name = "clever";
  p.title = "Clever SFTP CSV (students.csv)";
  p.roster_file = "students.csv";
  p.specification = "https://dev.clever.com/docs/data-formats (SFTP CSV: students.csv)";
  p.format = csv_layout({{Field::state_id, "State_id"},
                         {Field::local_id, "Student_id"},
                         {Field::first_name, "First_name"},
                         {Field::middle_name, "Middle_name"},
                         {Field::last_name, "Last_name"},
                         {Field::birth_date, "DOB"},
                         {Field::grade, "Grade"},
                         {Field::campus, "School_id"}},
                        {Field::local_id, Field::middle_name});
  // Clever's format is MM/DD/YYYY; districts' exports also write two-digit years (Clever's own
  // demo district does: 11/1/98) and ISO dates.
  p.format.date_format = "%m/%d/%Y";
  p.format.other_date_formats = {"%m/%d/%y", "%Y-%m-%d"};
  p.format.preset = p.name;
  // "For students with multiple contacts, create multiple rows for the student; one for each
  // contact" (Clever's support article on student contacts).
  p.format.student_repeats_per_contact = true;
  p.grades = {{"InfantToddler", "IT"},   {"Preschool", "PR"},
              {"PreKindergarten", "PK"}, {"TransitionalKindergarten", "TK"},
              {"Kindergarten", "KG"},    {"PostGraduate", "PS"},
              {"Ungraded", "UG"},        {"Other", "Other"}};
  add_numbered_grades(p.grades, false);
  // students.csv is a roster alone; Clever's other files may come with it in one delivery,
  // schools.csv naming the schools.
  p.set_files = {"students.csv"};
  p.other_set_files = {"schools.csv",     "teachers.csv", "sections.csv",
                       "enrollments.csv", "staff.csv",    "admins.csv"};
  p.schools = {"schools.csv", "School_id", "School_name"};
  return p;
}

FormatPreset sds_classic() {
  FormatPreset p;
  p.name = "sds-classic";
  p.title = "Microsoft School Data Sync classic CSV (Student.csv)";
  p.roster_file = "Student.csv";
  p.specification = "https://learn.microsoft.com/en-us/schooldatasync/sds-v1-csv-file-format";
  p.format = csv_layout({{Field::state_id, "State ID"},
                         {Field::local_id, "SIS ID"},
                         {Field::first_name, "First Name"},
                         {Field::middle_name, "Middle Name"},
                         {Field::last_name, "Last Name"},
                         {Field::birth_date, "Birthdate"},
                         {Field::grade, "Grade"},
                         {Field::campus, "School SIS ID"},
                         {Field::status, "Status"}},
                        {Field::middle_name, Field::status});
  // Microsoft recommends YYYY-MM-DD or YYYYMMDD; its own samples write 4/2/2000.
  p.format.date_format = "%Y-%m-%d";
  p.format.other_date_formats = {"%Y%m%d", "%m/%d/%Y"};
  p.format.status.active = {"Active", "A"};
  p.format.status.inactive = {"Inactive", "I"};
  p.format.preset = p.name;
  p.grades = {{"PK", "PK"}, {"K", "KG"}, {"KG", "KG"}, {"TK", "TK"}, {"UG", "UG"}};
  add_numbered_grades(p.grades, true);
  // Student.csv is a roster alone; School Data Sync classic's other files may come with it,
  // School.csv naming the schools.
  p.set_files = {"Student.csv"};
  p.other_set_files = {"School.csv", "Teacher.csv", "Section.csv", "StudentEnrollment.csv",
                       "TeacherRoster.csv"};
  p.schools = {"School.csv", "SIS ID", "Name"};
  return p;
}

// CEDS grade levels, as OneRoster and School Data Sync v2 write them, with the unpadded numbers
// many SIS exports use.
std::vector<GradeWord> ceds_grades() {
  std::vector<GradeWord> words = {{"IT", "IT"}, {"PR", "PR"}, {"PK", "PK"}, {"TK", "TK"},
                                  {"KG", "KG"}, {"PS", "PS"}, {"UG", "UG"}, {"Other", "Other"}};
  add_numbered_grades(words, true);
  return words;
}

FormatPreset oneroster_1_1() {
  FormatPreset p;
  p.name = "oneroster-1.1";
  p.title = "OneRoster 1.1 CSV (users.csv, demographics.csv, orgs.csv, manifest.csv)";
  p.roster_file = "users.csv";
  p.specification = "https://www.imsglobal.org/oneroster-v11-final-csv-tables";
  // OneRoster has no state ID column: students are keyed by their sourcedId, the one ID the
  // layout requires; the birth date is demographics.csv's and the school is the first of the
  // user's orgSourcedIds that orgs.csv calls a school.
  p.format = csv_layout({{Field::state_id, "sourcedId"},
                         {Field::local_id, "identifier"},
                         {Field::first_name, "givenName"},
                         {Field::middle_name, "middleName"},
                         {Field::last_name, "familyName"},
                         {Field::birth_date, "birthDate"},
                         {Field::grade, "grades"},
                         {Field::campus, "orgSourcedIds"},
                         {Field::status, "status"}},
                        {Field::local_id, Field::middle_name, Field::status});
  p.format.date_format = "%Y-%m-%d";
  p.format.status.active = {"active"};
  p.format.status.inactive = {"tobedeleted", "inactive"};
  p.format.preset = p.name;
  p.grades = ceds_grades();
  p.set_files = {"manifest.csv", "users.csv", "orgs.csv", "demographics.csv"};
  p.field_sources = {
      {Field::birth_date, "demographics.csv", "the row whose sourcedId is the user's"},
      {Field::campus, "users.csv", "the first of the user's orgs that orgs.csv gives type school"}};
  // OneRoster 1.1's other CSV files (section 4 of the CSV binding).
  p.other_set_files = {"academicSessions.csv", "categories.csv", "classes.csv",
                       "classResources.csv",   "courses.csv",    "courseResources.csv",
                       "enrollments.csv",      "lineItems.csv",  "resources.csv",
                       "results.csv"};
  return p;
}

// OneRoster 1.2 moved a user's orgs and role out of users.csv into roles.csv (a row per user,
// org and role; roleType primary or secondary) and added primaryOrgSourcedId to users.csv; the
// rest of what rosterd reads is as in 1.1.
FormatPreset oneroster_1_2() {
  FormatPreset p = oneroster_1_1();
  p.name = "oneroster-1.2";
  p.title = "OneRoster 1.2 CSV (users.csv, roles.csv, demographics.csv, orgs.csv, manifest.csv)";
  p.specification = "https://www.imsglobal.org/spec/oneroster/v1p2/bind/csv";
  p.format.columns[field_index(Field::campus)] = "orgSourcedId";
  p.format.preset = p.name;
  p.set_files = {"manifest.csv", "users.csv", "roles.csv", "orgs.csv", "demographics.csv"};
  p.field_sources = {
      {Field::birth_date, "demographics.csv", "the row whose sourcedId is the user's"},
      {Field::campus, "roles.csv",
       "the user's student roles, the primary one first: the first org orgs.csv gives type "
       "school (else users.csv's primaryOrgSourcedId)"}};
  // OneRoster 1.2's other CSV files (the CSV binding's list of files).
  p.other_set_files = {"academicSessions.csv", "categories.csv",
                       "classes.csv",          "classResources.csv",
                       "courses.csv",          "courseResources.csv",
                       "enrollments.csv",      "lineItemLearningObjectiveIds.csv",
                       "lineItems.csv",        "lineItemScoreScales.csv",
                       "resources.csv",        "resultLearningObjectiveIds.csv",
                       "results.csv",          "resultScoreScales.csv",
                       "scoreScales.csv",      "userProfiles.csv",
                       "userResources.csv"};
  return p;
}

FormatPreset sds_v2_1() {
  FormatPreset p;
  p.name = "sds-v2.1";
  p.title =
      "School Data Sync v2.1 CSV (users.csv, roles.csv, orgs.csv, demographics.csv, "
      "userFlags.csv)";
  p.roster_file = "users.csv";
  p.specification = "https://learn.microsoft.com/en-us/schooldatasync/sds-v2.1-csv-file-format";
  // Students are the users with a student role in roles.csv, which gives their school
  // (orgSourcedId, named in orgs.csv) and grade; demographics.csv their birth date; userFlags.csv
  // their special-education flags (iep, 504), read as diagnoses.
  p.format = csv_layout({{Field::state_id, "sourcedId"},
                         {Field::first_name, "givenName"},
                         {Field::last_name, "familyName"},
                         {Field::birth_date, "birthDate"},
                         {Field::grade, "grade"},
                         {Field::campus, "orgSourcedId"},
                         {Field::diagnoses, "flag"}},
                        {Field::diagnoses});
  p.format.date_format = "%Y-%m-%d";
  p.format.preset = p.name;
  p.grades = ceds_grades();
  // SDS warns that a file left out of a later upload marks its records inactive: each of these
  // is needed every time (userFlags.csv with its header alone when no student has a flag).
  p.set_files = {"users.csv", "roles.csv", "orgs.csv", "demographics.csv", "userFlags.csv"};
  p.field_sources = {
      {Field::birth_date, "demographics.csv", "the row whose userSourcedId is the user's"},
      {Field::grade, "roles.csv", "the user's student role, the primary one if several"},
      {Field::campus, "roles.csv", "the user's student role; orgs.csv must list the org"},
      {Field::diagnoses, "userFlags.csv", "a row per flag",
       "iep or 504 (other flags are not read)"}};
  p.other_set_files = {"academicSessions.csv", "classes.csv", "courses.csv", "enrollments.csv",
                       "relationships.csv"};
  return p;
}

}  // namespace

const std::vector<FormatPreset>& format_presets() {
  // A set is recognised by the first preset whose files it holds: OneRoster 1.2 (with roles.csv)
  // before 1.1.
  static const std::vector<FormatPreset> presets = {clever(), sds_classic(), sds_v2_1(),
                                                    oneroster_1_2(), oneroster_1_1()};
  return presets;
}

const FormatPreset* find_format_preset(std::string_view name) {
  for (const FormatPreset& p : format_presets()) {
    if (iequals(p.name, name)) return &p;
  }
  return nullptr;
}

std::vector<std::string_view> grade_code_aliases(std::string_view ceds) {
  if (ceds == "KG") return {"KG", "K", "KF", "00", "0"};
  if (ceds == "PK") return {"PK", "PREK", "PK4", "P4"};
  if (ceds == "UG") return {"UG", "UN", "UNG"};
  if (ceds.size() == 2 && ceds[0] == '0' && ceds[1] >= '1' && ceds[1] <= '9')
    return {ceds, ceds.substr(1)};
  return {ceds};
}

}  // namespace rosterd
