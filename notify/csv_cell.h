// CSV for people who open it in a spreadsheet: RFC 4180 quoting, and cells that a spreadsheet
// would run as a formula (starting with =, +, -, @, tab or carriage return) neutralised with a
// leading apostrophe, since a roster value is chosen by whoever can edit the SIS.
#pragma once

#include <string>
#include <string_view>

namespace rosterd {

// The cell, neutralised and quoted when it holds a comma, a quote or a line break.
std::string csv_cell(std::string_view value);

}  // namespace rosterd
