// Text for HTML: what the QA mail's HTML part and the console's pages put between tags and in
// attribute values.
#pragma once

#include <string>
#include <string_view>

namespace rosterd {

// & < > " ' escaped; bytes that are not UTF-8 shown as U+FFFD; control characters dropped
// (a newline or tab becomes a space).
std::string html_escape(std::string_view text);

}  // namespace rosterd
