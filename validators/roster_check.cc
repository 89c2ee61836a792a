#include "validators/roster_check.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <future>
#include <memory>
#include <system_error>

#include "core/block_list.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/sha256.h"
#include "core/utf8.h"
#include "parsers/zip_archive.h"
#include "validators/whole_roster_check.h"

namespace rosterd {
namespace {

// Whether `s` is printable ASCII (a tab allowed): such an ID, campus or local ID is kept as
// written; any other is stored in its display-safe form, or not at all. One pass over the bytes:
// it runs for three fields of every row.
bool plain_ascii(std::string_view s) {
  static constexpr auto kPlain = [] {
    std::array<bool, 256> plain{};
    for (int b = 0x20; b < 0x7F; ++b)
      plain[static_cast<std::size_t>(b)] = true;
    plain['\t'] = true;
    return plain;
  }();
  bool all = true;
  for (const char c : s)
    all &= kPlain[static_cast<unsigned char>(c)];
  return all;
}

// A row's key hash, for finding repeated state IDs without a live hash table. Packed to 12
// bytes: a 3M-row check keeps three lists of them.
struct __attribute__((packed, aligned(4))) KeyHash {
  std::uint64_t hash;
  StudentTable::Index row;
};
static_assert(sizeof(KeyHash) == 12);

// Collects one part's checked rows.
class CheckSink : public RowSink {
 public:
  CheckSink(const RowChecker& checker, bool keep_rows, const MatchFields& same_person,
            const FeedScope* scope)
      : checker_(checker), keep_rows_(keep_rows), same_person_(same_person), scope_(scope) {}

  void on_row(const RawRow& row) override {
    const std::size_t found_before = discrepancies.size();
    bool accepted = checker_.check(row, normalized_, discrepancies);
    const bool opted_out_row =
        scope_ != nullptr && scope_->opted_out(row.values[field_index(Field::state_id)]);
    if (opted_out_row) {
      // An opted-out student's row is not reported on at all: its discrepancies would keep
      // what the opt-out removes (in the store, in the QA mail).
      discrepancies.resize(found_before);
      accepted = false;
    }
    const std::string_view id = row.values[field_index(Field::state_id)];
    if (id.empty()) return;
    StudentTable::Index at;
    if (accepted && keep_rows_) {
      at = students.append(normalized_.values, row.line);
    } else {
      // A rejected row is kept by its IDs and campus alone: the plan must not deactivate that
      // student. Without keep_rows, accepted rows are kept so too (duplicate IDs are all a check
      // needs).
      StudentValues only_id{};
      const std::string_view capped = id.substr(0, RowChecker::kMaxFieldBytes);
      if (plain_ascii(capped)) {
        only_id[field_index(Field::state_id)] = capped;
      } else {
        safe_id_ = display_safe(capped);
        only_id[field_index(Field::state_id)] = safe_id_;
      }
      // The campus too, for the report's per-campus counts: as translated (also for a row
      // rejected for another field), else as written (display-safe ASCII only; else blank).
      const std::string_view checked = normalized_.values[field_index(Field::campus)];
      const std::string_view campus =
          accepted || !checked.empty() ? checked : row.values[field_index(Field::campus)];
      if (campus.size() <= 64 && plain_ascii(campus)) {
        only_id[field_index(Field::campus)] = campus;
      }
      // And the local ID as written (the same rules), so that a QA report can name the row in
      // the district's own numbers.
      const std::string_view local = row.values[field_index(Field::local_id)];
      if (local.size() <= 64 && plain_ascii(local)) {
        only_id[field_index(Field::local_id)] = local;
      }
      at = students.append(only_id, row.line);
      if (!accepted) students.set_rejected(at);
    }
    // An opted-out student's rows are not looked at again: not even as a duplicate ID.
    if (!opted_out_row) keys.push_back(KeyHash{hash_bytes(students.get(at, Field::state_id)), at});
    if (accepted && checker_.format().student_repeats_per_contact) {
      // Every value the row is checked to, so that a repeat for another contact can be told
      // from a second student under the same ID, whether or not the values are kept.
      std::uint64_t h = 0;
      for (std::string_view v : normalized_.values)
        h = hash_combine(h, v);
      digests.push_back(KeyHash{h | 1, at});  // never 0: 0 marks a row without one
    }
    // Hashed here, on the reader's threads, so that a row's values need not be kept for it.
    if (accepted && !same_person_.empty())
      persons.push_back(KeyHash{person_hash(normalized_.values, same_person_), at});
    if (opted_out_row) {
      ++opted_out;
    } else if (scope_ != nullptr && accepted &&
               !scope_->takes(normalized_.values[field_index(Field::campus)],
                              normalized_.values[field_index(Field::grade)])) {
      ++out_of_scope;
      // A repeat of this row, found later, must not count twice.
      if (checker_.format().student_repeats_per_contact) out_of_scope_rows.push_back(at);
    }
  }

  StudentTable students;
  std::vector<Discrepancy> discrepancies;
  // Block lists, not vectors: a part of a large file must not hold a grown copy of each.
  BlockList<KeyHash> keys;
  BlockList<KeyHash> persons;  // accepted rows by person_hash
  BlockList<KeyHash> digests;  // accepted rows' values hashed, when rows may repeat
  std::uint32_t out_of_scope = 0;
  std::vector<StudentTable::Index> out_of_scope_rows;  // when rows may repeat
  std::uint32_t opted_out = 0;

 private:
  const RowChecker& checker_;
  bool keep_rows_;
  const MatchFields& same_person_;
  const FeedScope* scope_;
  NormalizedRow normalized_;
  std::string safe_id_;
};

// LSD radix sort on the hash's top 32 bits: rows with equal IDs end up next to each other
// (equal hashes agree in every bit), and it beats std::sort on 1M entries. Different IDs that
// share those bits (~100 pairs in 1M) are told apart by comparing the IDs. Three passes (of 11,
// 11 and 10 bits), not two of 16: a pass's 2,048 counters and write positions stay in the L1
// cache, where 65,536 miss on most writes (a third faster at 1M entries); one read counts all
// three passes.
// Each pass is stable, so the order is the same as with any other digit width.
void sort_by_hash(std::vector<KeyHash>& keys) {
  constexpr unsigned kBits = 11;
  constexpr std::size_t kBuckets = std::size_t{1} << kBits;
  constexpr std::uint32_t kMask = kBuckets - 1;
  std::array<std::array<std::uint32_t, kBuckets>, 3> next{};  // per pass, a digit's next slot
  for (const KeyHash& k : keys) {
    const auto top = static_cast<std::uint32_t>(k.hash >> 32);
    ++next[0][top & kMask];
    ++next[1][(top >> kBits) & kMask];
    ++next[2][top >> (2 * kBits)];
  }
  for (auto& pass : next) {
    std::uint32_t sum = 0;
    for (std::uint32_t& c : pass) {
      const std::uint32_t n = c;
      c = sum;
      sum += n;
    }
  }
  std::vector<KeyHash> tmp(keys.size());
  for (unsigned p = 0; p < next.size(); ++p) {
    const unsigned shift = 32 + p * kBits;
    for (const KeyHash& k : keys)
      tmp[next[p][(k.hash >> shift) & kMask]++] = k;
    keys.swap(tmp);
  }
}

// Rejects every row of every state ID that appears more than once, unless every one of them is
// accepted with the same values (`digest`, a row's values hashed, 0 for none; empty when rows
// may not repeat): those are one student, listed once a contact. Returns the repeats (every such
// row but the first), in no order.
std::vector<StudentTable::Index> flag_duplicates(CheckResult& result, std::vector<KeyHash>& keys,
                                                 const std::vector<std::uint64_t>& digest) {
  std::vector<StudentTable::Index> repeats;
  sort_by_hash(keys);
  StudentTable& t = result.students;
  std::vector<StudentTable::Index> group;
  for (std::size_t i = 0; i < keys.size();) {
    std::size_t j = i + 1;
    while (j < keys.size() && (keys[j].hash >> 32) == (keys[i].hash >> 32))
      ++j;
    if (j - i > 1) {
      // Rows whose hashes agree in 32 bits; compare the IDs themselves to group them.
      std::vector<bool> done(j - i, false);
      for (std::size_t a = i; a < j; ++a) {
        if (done[a - i]) continue;
        group.assign(1, keys[a].row);
        const std::string_view id = t.get(keys[a].row, Field::state_id);
        for (std::size_t b = a + 1; b < j; ++b) {
          if (!done[b - i] && t.get(keys[b].row, Field::state_id) == id) {
            done[b - i] = true;
            group.push_back(keys[b].row);
          }
        }
        if (group.size() < 2) continue;
        std::sort(group.begin(), group.end());  // file order
        if (!digest.empty() && digest[group[0]] != 0 &&
            std::all_of(group.begin(), group.end(), [&](StudentTable::Index r) {
              return !t.rejected(r) && digest[r] == digest[group[0]];
            })) {
          repeats.insert(repeats.end(), group.begin() + 1, group.end());
          continue;
        }
        std::vector<std::uint32_t> lines;
        for (StudentTable::Index r : group)
          lines.push_back(t.line(r));
        const std::string where = lines_phrase(lines);
        for (StudentTable::Index r : group) {
          t.set_rejected(r);
          Discrepancy d;
          d.line = t.line(r);
          d.code = DiscrepancyCode::duplicate_id;
          d.field = Field::state_id;
          d.student_id = std::string(id);
          d.value = d.student_id;
          d.detail = where;
          result.discrepancies.push_back(std::move(d));
        }
      }
    }
    i = j;
  }
  return repeats;
}

// The check without the rows `repeats` names (sorted): not in the students' table (`persons`
// renumbered to match), nor counted in the file's rows or out of the scope
// (`out_of_scope_rows`), and their lines' discrepancies gone (a repeat's warnings are
// its first row's, told once).
void drop_repeats(CheckResult& result, const std::vector<StudentTable::Index>& repeats,
                  std::vector<KeyHash>& persons,
                  const std::vector<StudentTable::Index>& out_of_scope_rows) {
  const auto repeated = [&](StudentTable::Index r) {
    return std::binary_search(repeats.begin(), repeats.end(), r);
  };
  std::vector<std::uint32_t> lines;
  lines.reserve(repeats.size());
  for (StudentTable::Index r : repeats)
    lines.push_back(result.students.line(r));
  std::sort(lines.begin(), lines.end());
  std::erase_if(result.discrepancies, [&](const Discrepancy& d) {
    return std::binary_search(lines.begin(), lines.end(), d.line);
  });
  std::erase_if(persons, [&](const KeyHash& k) { return repeated(k.row); });
  for (KeyHash& k : persons) {
    const auto before = std::lower_bound(repeats.begin(), repeats.end(), k.row) - repeats.begin();
    k.row -= static_cast<StudentTable::Index>(before);
  }
  for (StudentTable::Index r : out_of_scope_rows)
    if (repeated(r)) --result.rows_out_of_scope;
  result.students.erase(repeats);
  result.rows_repeated = static_cast<std::uint32_t>(repeats.size());
  result.file.rows -= result.rows_repeated;
}

// Warns on every accepted row whose person (equal person_hash) appears under another state ID
// too. Runs after flag_duplicates: a row rejected as a duplicate ID is not a second person.
// REQUIRES: `persons` is in sort_by_hash's order.
void flag_same_person(CheckResult& result, std::vector<KeyHash>& persons) {
  StudentTable& t = result.students;
  std::vector<StudentTable::Index> group;
  for (std::size_t i = 0; i < persons.size();) {
    std::size_t j = i + 1;
    while (j < persons.size() && (persons[j].hash >> 32) == (persons[i].hash >> 32))
      ++j;
    if (j - i > 2) {
      // sort_by_hash orders by the top 32 bits only; order the (small) block by the whole hash.
      std::sort(persons.begin() + static_cast<std::ptrdiff_t>(i),
                persons.begin() + static_cast<std::ptrdiff_t>(j),
                [](const KeyHash& a, const KeyHash& b) { return a.hash < b.hash; });
    }
    if (j - i > 1 && persons[j - 1].hash != persons[i].hash) {
      j = i + 1;
      while (persons[j].hash == persons[i].hash)
        ++j;
    }
    if (j - i == 1) {
      // A person of one row, as nearly all are: not looked up in the table, whose rows are in
      // file order and these in hash order (a cache miss each).
      i = j;
      continue;
    }
    group.clear();
    for (std::size_t k = i; k < j; ++k) {
      if (!t.rejected(persons[k].row)) group.push_back(persons[k].row);
    }
    i = j;
    if (group.size() < 2) continue;
    std::sort(group.begin(), group.end());  // file order
    for (StudentTable::Index r : group) {
      std::string others;
      std::size_t shown = 0;
      for (StudentTable::Index o : group) {
        if (o == r) continue;
        if (shown == 5) {
          others += " and others";
          break;
        }
        others += std::string(shown == 0 ? "" : ", ") + "line " + std::to_string(t.line(o)) +
                  " (ID " + std::string(t.get(o, Field::state_id)) + ")";
        ++shown;
      }
      Discrepancy d;
      d.line = t.line(r);
      d.code = DiscrepancyCode::same_person_two_ids;
      d.field = Field::state_id;
      d.student_id = std::string(t.get(r, Field::state_id));
      d.value = d.student_id;
      d.detail = std::move(others);
      result.discrepancies.push_back(std::move(d));
    }
  }
}

// Sorts the discrepancies by line and derives the counts from them.
void summarize(CheckResult& result) {
  auto& list = result.discrepancies;
  std::stable_sort(list.begin(), list.end(),
                   [](const Discrepancy& a, const Discrepancy& b) { return a.line < b.line; });
  result.counts.rows_read = result.file.rows;
  std::size_t i = 0;
  while (i < list.size()) {
    const std::uint32_t line = list[i].line;
    bool error = false;
    bool warning = false;
    for (; i < list.size() && list[i].line == line; ++i) {
      ++result.by_code[static_cast<std::size_t>(list[i].code)];
      (list[i].severity() == Severity::error ? error : warning) = true;
    }
    if (error) {
      ++result.counts.rows_rejected;
    } else if (warning) {
      ++result.counts.rows_warned;
    }
  }
}

template <typename Read>
CheckResult run_check(const RowChecker& checker, std::size_t parts, bool keep_rows,
                      const MatchFields& same_person, const FeedScope* scope, Read read) {
  std::vector<std::unique_ptr<CheckSink>> sinks;
  std::vector<RowSink*> sink_ptrs;
  for (std::size_t i = 0; i < std::max<std::size_t>(parts, 1); ++i) {
    sinks.push_back(std::make_unique<CheckSink>(checker, keep_rows, same_person, scope));
    sink_ptrs.push_back(sinks.back().get());
  }
  CheckResult result;
  result.file = read(sink_ptrs);
  if (result.refused()) {
    // Nothing of a refused file counts; the refusal is the whole story.
    result.file.rows = 0;
    ++result.by_code[static_cast<std::size_t>(result.file.refusal->code)];
    return result;
  }
  // Parts cover the file in order: concatenating them keeps file order. Each joined list is
  // sized once and each part's blocks freed as soon as they are copied, so that a large file
  // never holds a list twice.
  std::size_t key_count = 0, person_count = 0, digest_count = 0;
  for (const auto& sink : sinks) {
    key_count += sink->keys.size();
    person_count += sink->persons.size();
    digest_count += sink->digests.size();
  }
  std::vector<KeyHash> keys;
  std::vector<KeyHash> persons;
  std::vector<KeyHash> digests;
  keys.reserve(key_count);
  persons.reserve(person_count);
  digests.reserve(digest_count);
  const auto join = [](std::vector<KeyHash>& into, BlockList<KeyHash>& part,
                       StudentTable::Index offset) {
    part.drain([&](const KeyHash& k) { into.push_back(KeyHash{k.hash, k.row + offset}); });
  };
  std::vector<StudentTable::Index> out_of_scope_rows;
  for (auto& sink : sinks) {
    result.rows_out_of_scope += sink->out_of_scope;
    result.rows_opted_out += sink->opted_out;
    const StudentTable::Index offset = result.students.absorb(std::move(sink->students));
    join(keys, sink->keys, offset);
    join(persons, sink->persons, offset);
    join(digests, sink->digests, offset);
    for (StudentTable::Index r : sink->out_of_scope_rows)
      out_of_scope_rows.push_back(r + offset);
    if (result.discrepancies.empty()) {
      result.discrepancies = std::move(sink->discrepancies);
    } else {
      std::move(sink->discrepancies.begin(), sink->discrepancies.end(),
                std::back_inserter(result.discrepancies));
    }
    sink.reset();
  }
  std::vector<std::uint64_t> digest;
  if (!digests.empty()) {
    digest.assign(result.students.size(), 0);
    for (const KeyHash& k : digests)
      digest[k.row] = k.hash;
    digests = {};
  }
  // The persons are sorted while the IDs are: nothing in flag_duplicates reads them, and
  // drop_repeats keeps their order (a stable sort of what is left is the same order).
  std::future<void> persons_sorted;
  if (persons.size() >= 100000) {
    try {
      persons_sorted = std::async(std::launch::async, [&persons] { sort_by_hash(persons); });
    } catch (const std::system_error&) {
      // No thread to be had: sorted below, after the IDs.
    }
  }
  // Should flag_duplicates throw, the future's destructor waits for the sort (std::async's
  // does), before `persons` goes.
  std::vector<StudentTable::Index> repeats = flag_duplicates(result, keys, digest);
  if (persons_sorted.valid()) {
    persons_sorted.get();
  } else {
    sort_by_hash(persons);
  }
  if (!repeats.empty()) {
    std::sort(repeats.begin(), repeats.end());
    drop_repeats(result, repeats, persons, out_of_scope_rows);
  }
  flag_same_person(result, persons);
  summarize(result);
  return result;
}

// Whether the file at `path` starts as a zip does.
bool is_zip_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char head[4] = {};
  in.read(head, sizeof head);
  return in.gcount() == 4 && looks_like_zip(std::string_view(head, 4));
}

}  // namespace

CheckResult check_roster_file(const RosterReader& reader, const RowChecker& checker,
                              const std::filesystem::path& path, const CheckRun& run) {
  return run_check(
      checker, run.threads, run.keep_rows, run.same_person, run.scope,
      [&](const std::vector<RowSink*>& sinks) { return reader.read_file(path, sinks); });
}

CheckResult check_roster_set(const RosterFormat& format, const RowChecker& checker,
                             const RosterSet& set, const CheckRun& run) {
  return run_check(checker, run.threads, run.keep_rows, run.same_person, run.scope,
                   [&](const std::vector<RowSink*>& sinks) {
                     return read_roster_set(format, set, sinks, run.committed);
                   });
}

bool check_may_ask_committed(const RosterFormat& format, const RosterKinds* kinds) {
  // Only a set is read with run.committed (read_roster_set); a one-file layout never asks.
  const FormatPreset* preset = find_format_preset(format.preset);
  return (kinds != nullptr && !kinds->empty()) || (preset != nullptr && is_set_layout(*preset));
}

CheckResult check_roster_path(const RosterFormat& format, const RowChecker& checker,
                              const std::filesystem::path& path, const CheckRun& run) {
  const FormatPreset* preset = find_format_preset(format.preset);
  const bool with_kinds = run.kinds != nullptr && !run.kinds->empty();
  std::error_code ec;
  const bool folder = std::filesystem::is_directory(path, ec);
  const bool zip = !folder && is_zip_file(path);
  // One file that is not a zip, given to a set layout (its first bytes read once).
  const bool lone_file =
      ((preset != nullptr && is_set_layout(*preset)) || with_kinds) && !folder && !zip;
  // A layout whose roster file is a whole delivery alone reads a lone file as a one-file
  // layout does; a folder or a zip as a set.
  const bool set_layout = with_kinds || (preset != nullptr && is_set_layout(*preset) &&
                                         !(reads_alone(*preset) && lone_file));
  if (with_kinds && lone_file) {
    std::string files = run.kinds->students_file;
    for (const KindMember& m : run.kinds->members)
      files += ", " + m.file;
    throw Error(display_safe(path.string()) + " is one file, but the feed takes a set of files (" +
                files + "): name the folder that holds them, or their zip.");
  }
  if (set_layout && lone_file) {
    throw Error(display_safe(path.string()) + " is one file, but the feed's layout (" +
                std::string(preset->title) + ") is a set of files: name the folder that holds " +
                "them, or their zip.");
  }
  const auto check_set = [&](const RosterSet& set) {
    return with_kinds ? check_whole_roster(format, checker, set, run)
                      : check_roster_set(format, checker, set, run);
  };
  if (set_layout && folder) return check_set(roster_set_of_folder(path));
  if (set_layout) {
    // A zip of the set: its members are read into memory (check writes nothing), under the
    // zip's limits, and a refused zip is the run's refusal.
    RosterSet set;
    set.name = path.filename().string();
    const std::string why = read_zip(path, run.zip,
                                     ZipVisitor{[&](const ZipMemberInfo& m) {
                                                  set.members.push_back({m.name, {}, {}});
                                                  set.members.back().bytes.reserve(m.bytes);
                                                },
                                                [&](const char* data, std::size_t size) {
                                                  set.members.back().bytes.append(data, size);
                                                }});
    if (why.empty()) return check_set(set);
    return run_check(checker, 1, run.keep_rows, run.same_person, run.scope,
                     [&](const std::vector<RowSink*>&) {
                       FileSummary s;
                       s.name = set.name;
                       s.sha256 = sha256_of_file(path, s.bytes);
                       Discrepancy d;
                       d.code = DiscrepancyCode::refused_zip;
                       d.detail = why;
                       s.refusal = std::move(d);
                       return s;
                     });
  }
  if (folder) {
    throw Error(display_safe(path.string()) +
                " is a folder, but the feed's layout is one file: name the roster file.");
  }
  return check_roster_file(RosterReader(format), checker, path, run);
}

CheckResult check_roster_bytes(const RosterReader& reader, const RowChecker& checker,
                               std::string_view name, std::string_view bytes) {
  return check_roster_bytes(reader, checker, name, bytes, CheckRun{});
}

CheckResult check_roster_bytes(const RosterReader& reader, const RowChecker& checker,
                               std::string_view name, std::string_view bytes, const CheckRun& run) {
  return run_check(checker, 1, run.keep_rows, run.same_person, run.scope,
                   [&](const std::vector<RowSink*>& sinks) {
                     return reader.read_bytes(name, bytes, *sinks[0]);
                   });
}

bool CheckResult::has_discrepancies() const {
  if (counts.rows_rejected != 0 || counts.rows_warned != 0) return true;
  return std::any_of(kinds.begin(), kinds.end(), [](const KindCheckResult& k) {
    return k.counts.rows_rejected != 0 || k.counts.rows_warned != 0;
  });
}

}  // namespace rosterd
