#include "store/outbox.h"

#include <algorithm>
#include <cstdlib>

#include "core/text.h"
#include "store/store_support.h"

namespace rosterd {
namespace {

std::string join_lines(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v)
    out += (out.empty() ? "" : "\n") + s;
  return out;
}

constexpr const char* kOutboxColumns =
    "id, feed, run_id, list, key, recipients, subject, text_body, html_body, attachment_name, "
    "attachment, message_id, created, status, attempts, last_error, next_attempt, sent_at, "
    "claimed_by FROM outbox";

// The attachments in the two columns the outbox has had since migration 3: `attachment_name`
// holds one line per file, "NAME<TAB>LENGTH", and `attachment` their bytes one after another.
// A row written before messages had several files holds one bare name and its bytes.
void pack_attachments(const std::vector<MailAttachment>& files, std::string& names,
                      std::string& bytes) {
  for (const MailAttachment& a : files) {
    names += (names.empty() ? "" : "\n") + a.name + "\t" + std::to_string(a.bytes.size());
    bytes += a.bytes;
  }
}

std::vector<MailAttachment> unpack_attachments(std::string_view names, const std::string& bytes) {
  std::vector<MailAttachment> out;
  if (names.empty()) return out;
  if (names.find('\t') == std::string_view::npos) return {{std::string(names), bytes}};
  std::size_t at = 0;
  for (const std::string_view line : split(names, '\n')) {
    const std::size_t tab = line.rfind('\t');
    if (tab == std::string_view::npos) continue;
    const std::size_t size = std::min<std::size_t>(
        std::strtoull(std::string(line.substr(tab + 1)).c_str(), nullptr, 10), bytes.size() - at);
    out.push_back({std::string(line.substr(0, tab)), bytes.substr(at, size)});
    at += size;
  }
  return out;
}

// Every "/m/" followed by a link key (64 hex digits) with the key taken out.
std::string without_link_keys(const std::string& body) {
  std::string out;
  out.reserve(body.size());
  std::size_t at = 0;
  for (std::size_t m = body.find("/m/"); m != std::string::npos; m = body.find("/m/", at)) {
    const std::size_t key = m + 3;
    std::size_t end = key;
    while (end < body.size() && end - key < 64 &&
           std::string_view("0123456789abcdef").find(body[end]) != std::string_view::npos)
      ++end;
    out.append(body, at, key - at);
    if (end - key == 64) {
      out += "(sent: the key is kept only in the mail)";
      at = end;
    } else {
      at = key;
    }
  }
  out.append(body, at, std::string::npos);
  return out;
}

OutboxEntry read_mail(const Statement& q) {
  OutboxEntry e;
  e.id = q.integer(0);
  e.feed = q.text(1);
  e.run_id = q.optional_integer(2);
  e.list = q.text(3);
  e.key = q.text(4);
  for (auto& a : split(q.text(5), '\n'))
    if (!a.empty()) e.message.to.emplace_back(a);
  e.message.subject = q.text(6);
  e.message.text = q.text(7);
  e.message.html = q.text(8);
  e.message.attachments = unpack_attachments(q.text(9), q.blob(10));
  e.message.message_id = q.text(11);
  e.created = q.text(12);
  e.status = q.text(13);
  e.attempts = static_cast<int>(q.integer(14));
  e.last_error = q.text(15);
  e.next_attempt = q.integer(16);
  e.sent_at = q.text(17);
  e.claimed_by = q.text(18);
  return e;
}

}  // namespace

QueuedMail Outbox::enqueue(const std::string& feed, std::optional<std::int64_t> run,
                           const std::string& list, const std::string& key, const MailMessage& m) {
  Transaction tx(db_);
  if (auto existing = status_with_key(key)) return {existing->first, false};
  std::string packed_names, packed_bytes;
  pack_attachments(m.attachments, packed_names, packed_bytes);
  Statement ins(db_,
                "INSERT INTO outbox (feed, run_id, list, key, recipients, subject, text_body, "
                "html_body, attachment_name, attachment, message_id, created, status, claimed_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'sending', ?) RETURNING id");
  ins.bind(1, feed)
      .bind(2, run)
      .bind(3, list)
      .bind(4, key)
      .bind(5, join_lines(m.to))
      .bind(6, m.subject)
      .bind(7, m.text)
      .bind(8, m.html)
      .bind(9, packed_names)
      .bind_blob(10, packed_bytes)
      .bind(11, m.message_id)
      .bind(12, now_utc(clock_))
      .bind(13, holds_.connection_instance());
  const std::int64_t id = returned_id(ins);
  tx.commit();
  return {id, true};
}

std::vector<OutboxEntry> Outbox::messages_of_run(std::int64_t run, const std::string& list) {
  std::vector<OutboxEntry> out;
  Statement q(
      db_, std::string("SELECT ") + kOutboxColumns + " WHERE run_id = ? AND list = ? ORDER BY id");
  q.bind(1, run).bind(2, list);
  while (q.step())
    out.push_back(read_mail(q));
  return out;
}

bool Outbox::rewrite(std::int64_t id, const MailMessage& m) {
  std::string packed_names, packed_bytes;
  pack_attachments(m.attachments, packed_names, packed_bytes);
  Statement q(db_,
              "UPDATE outbox SET subject = ?, text_body = ?, html_body = ?, attachment_name = ?, "
              "attachment = ?, message_id = ? WHERE id = ? AND status <> 'sent'");
  q.bind(1, m.subject)
      .bind(2, m.text)
      .bind(3, m.html)
      .bind(4, packed_names)
      .bind_blob(5, packed_bytes)
      .bind(6, m.message_id)
      .bind(7, id)
      .run();
  return db_.changes() == 1;
}

std::vector<OutboxEntry> Outbox::due(std::int64_t now) {
  std::vector<OutboxEntry> out;
  Statement q(db_, std::string("SELECT ") + kOutboxColumns +
                       " WHERE status = 'pending' AND next_attempt <= ? ORDER BY id");
  q.bind(1, now);
  while (q.step())
    out.push_back(read_mail(q));
  return out;
}

std::optional<OutboxEntry> Outbox::message(std::int64_t id) {
  Statement q(db_, std::string("SELECT ") + kOutboxColumns + " WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_mail(q);
}

std::optional<OutboxEntry> Outbox::message_with_key(const std::string& key) {
  Statement q(db_, std::string("SELECT ") + kOutboxColumns + " WHERE key = ?");
  q.bind(1, key);
  if (!q.step()) return std::nullopt;
  return read_mail(q);
}

std::optional<std::pair<std::int64_t, std::string>> Outbox::status_with_key(
    const std::string& key) {
  Statement q(db_, "SELECT id, status FROM outbox WHERE key = ?");
  q.bind(1, key);
  if (!q.step()) return std::nullopt;
  return std::make_pair(q.integer(0), std::string(q.text(1)));
}

bool Outbox::claim(std::int64_t id) {
  Statement up(db_,
               "UPDATE outbox SET status = 'sending', claimed_by = ? WHERE id = ? AND status = "
               "'pending'");
  up.bind(1, holds_.connection_instance()).bind(2, id).run();
  return db_.changes() == 1;
}

void Outbox::sent(std::int64_t id) {
  Transaction tx(db_);
  Statement up(db_,
               "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, "
               "last_error = '' WHERE id = ?");
  up.bind(1, now_utc(clock_)).bind(2, id).run();
  // A sent message's link keys are its recipient's alone: the copy the store keeps has them
  // no longer (the mail_links table keeps only their digests).
  Statement read(db_, "SELECT text_body, html_body FROM outbox WHERE id = ?");
  read.bind(1, id);
  if (read.step()) {
    const std::string text(read.text(0)), html(read.text(1));
    std::string clean_text = without_link_keys(text), clean_html = without_link_keys(html);
    if (clean_text != text || clean_html != html) {
      Statement scrub(db_, "UPDATE outbox SET text_body = ?, html_body = ? WHERE id = ?");
      scrub.bind(1, clean_text).bind(2, clean_html).bind(3, id).run();
    }
  }
  tx.commit();
}

void Outbox::failed(std::int64_t id, const std::string& error, std::int64_t next_attempt) {
  Statement up(db_,
               "UPDATE outbox SET status = 'pending', attempts = attempts + 1, last_error = ?, "
               "next_attempt = ?, claimed_by = '' WHERE id = ? AND status = 'sending'");
  up.bind(1, error).bind(2, next_attempt).bind(3, id).run();
}

std::vector<OutboxEntry> Outbox::in_doubt() {
  std::vector<OutboxEntry> out;
  Statement q(db_,
              std::string("SELECT ") + kOutboxColumns + " WHERE status = 'sending' ORDER BY id");
  while (q.step())
    out.push_back(read_mail(q));
  std::erase_if(out, [&](const OutboxEntry& e) { return holds_.alive(e.claimed_by); });
  return out;
}

void Outbox::disown(std::int64_t id) {
  Statement up(db_, "UPDATE outbox SET claimed_by = '' WHERE id = ? AND status = 'sending'");
  up.bind(1, id).run();
}

bool Outbox::requeue(std::int64_t id) {
  const auto e = message(id);
  if (!e || e->status != "sending" || holds_.alive(e->claimed_by)) return false;
  Statement up(db_,
               "UPDATE outbox SET status = 'pending', next_attempt = 0, claimed_by = '' WHERE id "
               "= ? AND status = 'sending' AND claimed_by = ?");
  up.bind(1, id).bind(2, e->claimed_by).run();
  return db_.changes() == 1;
}

std::size_t Outbox::backlog(const std::string& feed) {
  Statement q(db_,
              "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending') AND (? = '' "
              "OR feed = ?)");
  q.bind(1, feed).bind(2, feed);
  q.step();
  return static_cast<std::size_t>(q.integer(0));
}

}  // namespace rosterd
