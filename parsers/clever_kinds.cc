// Clever's other kinds (parsers/layout_kind_readers.h, read_clever).
#include <unordered_map>

#include "core/text.h"
#include "parsers/layout_kind_readers.h"

namespace rosterd::layout_kinds {
namespace {

using namespace set_reading;
using enum EntityKind;

// Clever allows ten teachers a section: Teacher_id, then Teacher_2_id .. Teacher_10_id.
constexpr std::size_t kTeacherColumns = 10;

class Reader {
 public:
  Reader(const RosterSet& set, const Reading& reading, std::span<const EntityKind> kinds,
         std::vector<LayoutKindRows>& out)
      : set_(set),
        encoding_(reading.encoding),
        student_key_(reading.student_key.empty() ? "State_id" : reading.student_key),
        kinds_(kinds),
        out_(out) {}

  void read() {
    if (wants(kinds_, staff)) read_teachers();
    if (wants(kinds_, courses) || wants(kinds_, terms) || wants(kinds_, sections)) read_sections();
    if (wants(kinds_, enrollments) || wants(kinds_, guardians) || wants(kinds_, guardian_links))
      read_students();
    if (wants(kinds_, enrollments)) read_enrollments();
  }

 private:
  template <typename OnRow>
  bool read(std::string_view file, std::vector<ExtraColumn> columns,
            std::initializer_list<EntityKind> asked, OnRow on_row) {
    const SetMember* m = set_.find(file);
    if (m == nullptr) {
      for (EntityKind k : asked)
        if (wants(kinds_, k)) refuse_missing(entry(out_, k), file);
      return false;
    }
    return read_for(*m, encoding_, std::move(columns), asked, kinds_, out_, on_row);
  }

  void read_teachers() {
    read("teachers.csv",
         {{"Teacher_id", false},
          {"Teacher_number", true},
          {"First_name", true},
          {"Last_name", true},
          {"Teacher_email", true},
          {"School_id", true}},
         {staff}, [&](const RawRow& r) {
           LayoutRow row = begin_row(staff, r);
           set(row, staff, "staff_id", r.extras[0]);
           set(row, staff, "local_id", r.extras[1]);
           set(row, staff, "first_name", r.extras[2]);
           set(row, staff, "last_name", r.extras[3]);
           set(row, staff, "email", r.extras[4]);
           set(row, staff, "campus_ids", r.extras[5]);
           set(row, staff, "role", "teacher");
           set(row, staff, "status", "active");
           entry(out_, staff).rows.push_back(std::move(row));
         });
  }

  void read_sections() {
    enum Col {
      kId,
      kSchool,
      kName,
      kCourseNumber,
      kCourseName,
      kPeriod,
      kSubject,
      kTerm,
      kStart,
      kEnd,
      kTeacher
    };
    std::vector<ExtraColumn> columns = {
        {"Section_id", false}, {"School_id", true},
        {"Name", true},        {"Course_number", !wants(kinds_, courses)},
        {"Course_name", true}, {"Period", true},
        {"Subject", true},     {"Term_name", !wants(kinds_, terms)},
        {"Term_start", true},  {"Term_end", true},
        {"Teacher_id", true}};
    for (std::size_t t = 2; t <= kTeacherColumns; ++t)
      columns.push_back({"Teacher_" + std::to_string(t) + "_id", true});
    DerivedRows course_rows;
    DerivedRows term_rows;
    read("sections.csv", std::move(columns), {courses, terms, sections}, [&](const RawRow& r) {
      const std::string_view course = trim(r.extras[kCourseNumber]);
      if (wants(kinds_, courses) && !course.empty()) {
        LayoutRow row = begin_row(courses, r);
        set(row, courses, "course_code", course);
        set(row, courses, "name", r.extras[kCourseName]);
        set(row, courses, "subject", r.extras[kSubject]);
        course_rows.add(std::string(course), std::move(row), entry(out_, courses).rows);
      }
      const std::string_view term = trim(r.extras[kTerm]);
      if (wants(kinds_, terms) && !term.empty()) {
        LayoutRow row = begin_row(terms, r);
        set(row, terms, "term_id", term);
        set(row, terms, "name", term);
        set(row, terms, "start_date", r.extras[kStart]);
        set(row, terms, "end_date", r.extras[kEnd]);
        term_rows.add(std::string(term), std::move(row), entry(out_, terms).rows);
      }
      if (!wants(kinds_, sections)) return;
      LayoutRow row = begin_row(sections, r);
      set(row, sections, "section_id", r.extras[kId]);
      set(row, sections, "campus_id", r.extras[kSchool]);
      const std::string_view name = trim(r.extras[kName]);
      set(row, sections, "name", name.empty() ? r.extras[kCourseName] : name);
      set(row, sections, "course_code", course);
      set(row, sections, "term_id", term);
      set(row, sections, "period", r.extras[kPeriod]);
      std::string teachers;
      for (std::size_t t = kTeacher; t < r.extras.size(); ++t) {
        const std::string_view id = trim(r.extras[t]);
        if (!id.empty()) teachers += (teachers.empty() ? "" : ",") + std::string(id);
      }
      set(row, sections, "teacher_ids", teachers);
      set(row, sections, "status", "active");
      entry(out_, sections).rows.push_back(std::move(row));
    });
  }

  // students.csv: each Student_id's key (enrollments name students by the former), and the
  // contacts (a row a student and contact).
  void read_students() {
    const bool contacts = wants(kinds_, guardians) || wants(kinds_, guardian_links);
    // The key is Student_id itself when the feed keys students by it.
    const bool own_key = iequals(student_key_, "Student_id");
    enum Col { kSis, kContactId, kName, kEmail, kPhone, kRelationship, kType, kKey };
    std::vector<ExtraColumn> columns = {{"Student_id", !wants(kinds_, enrollments)},
                                        {"Contact_sis_id", !contacts},
                                        {"Contact_name", !contacts},
                                        {"Contact_email", true},
                                        {"Contact_phone", true},
                                        {"Contact_relationship", true},
                                        {"Contact_type", true}};
    if (!own_key) columns.push_back({student_key_, false});
    DerivedRows guardian_rows;
    DerivedRows link_rows;
    students_read_ =
        read("students.csv", std::move(columns), {guardians, guardian_links}, [&](const RawRow& r) {
          const std::string_view sis = trim(r.extras[kSis]);
          const std::string_view key = trim(r.extras[own_key ? kSis : kKey]);
          if (!sis.empty() && !r.broken) key_of_.emplace(std::string(sis), std::string(key));
          const std::string_view id = trim(r.extras[kContactId]);
          const std::string_view name = trim(r.extras[kName]);
          if (id.empty() && name.empty()) return;  // no contact on this row
          if (wants(kinds_, guardians)) {
            LayoutRow row = begin_row(guardians, r);
            const std::size_t space = name.rfind(' ');
            set(row, guardians, "guardian_id", id);
            set(row, guardians, "first_name",
                space == std::string_view::npos ? name : name.substr(0, space));
            set(row, guardians, "last_name",
                space == std::string_view::npos ? std::string_view() : name.substr(space + 1));
            set(row, guardians, "email", r.extras[kEmail]);
            set(row, guardians, "phone", r.extras[kPhone]);
            set(row, guardians, "status", "active");
            // A contact without an ID is reported on each of its lines.
            if (id.empty()) {
              entry(out_, guardians).rows.push_back(std::move(row));
            } else {
              guardian_rows.add(std::string(id), std::move(row), entry(out_, guardians).rows);
            }
          }
          if (wants(kinds_, guardian_links)) {
            LayoutRow row = begin_row(guardian_links, r);
            set(row, guardian_links, "guardian_id", id);
            set(row, guardian_links, "student_state_id", key);
            set(row, guardian_links, "relationship", r.extras[kRelationship]);
            set(row, guardian_links, "primary",
                iequals(trim(r.extras[kType]), "primary") ? "Y" : "N");
            link_rows.add(std::string(id) + '\x1f' + std::string(key), std::move(row),
                          entry(out_, guardian_links).rows);
          }
        });
  }

  void read_enrollments() {
    if (!students_read_) {
      // Without students.csv's Student_id no enrollment names a student it can be told by.
      Discrepancy d;
      d.code = DiscrepancyCode::missing_column;
      d.value = "Student_id";
      d.detail = " in students.csv (enrollments name students by it)";
      entry(out_, enrollments).file.refusal = std::move(d);
      return;
    }
    read("enrollments.csv", {{"Section_id", false}, {"Student_id", false}}, {enrollments},
         [&](const RawRow& r) {
           LayoutRow row = begin_row(enrollments, r);
           const std::string_view student = trim(r.extras[1]);
           const auto it = key_of_.find(std::string(student));
           set(row, enrollments, "section_id", r.extras[0]);
           // A Student_id students.csv does not key is shown with its column, which no key is:
           // the check names it unknown, never another student.
           set(row, enrollments, "person_id",
               it == key_of_.end() || it->second.empty() ? "Student_id " + std::string(student)
                                                         : it->second);
           set(row, enrollments, "role", "student");
           entry(out_, enrollments).rows.push_back(std::move(row));
         });
  }

  const RosterSet& set_;
  Encoding encoding_;
  std::string student_key_;  // the students' key column (State_id, or the feed's)
  std::span<const EntityKind> kinds_;
  std::vector<LayoutKindRows>& out_;
  bool students_read_ = false;
  std::unordered_map<std::string, std::string> key_of_;  // Student_id -> the students' key
};

}  // namespace

void read_clever(const RosterSet& set, const Reading& reading, std::span<const EntityKind> kinds,
                 std::vector<LayoutKindRows>& out) {
  Reader(set, reading, kinds, out).read();
}

}  // namespace rosterd::layout_kinds
