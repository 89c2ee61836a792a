// The QA report's sections about the roster's other kinds (docs/whole-roster.md): a table of
// each kind's file and counts, then each kind's discrepancies by code, a few lines each, with
// the advice in that kind's words.
#pragma once

#include "core/discrepancy.h"
#include "notify/mail_document.h"
#include "report/run_report.h"

namespace rosterd {

// Adds the sections for r.kinds to `doc` (nothing when the report has no other kinds). Values
// are shown as `terms` allows (report.pii).
void add_kind_sections(MailDocument& doc, const RunReport& r, const MessageTerms& terms);

}  // namespace rosterd
