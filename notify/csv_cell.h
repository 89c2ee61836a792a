// CSV for people who open it in a spreadsheet (Excel, LibreOffice, Google Sheets).
// - RFC 4180 quoting (a cell with ';' quoted too, for spreadsheets whose separator it is); only
//   valid UTF-8 (other bytes shown as \xHH), and the file starts with a
//   byte-order mark so that Excel on Windows reads accented names as UTF-8.
// - A roster value is chosen by whoever can edit the SIS, so a cell a spreadsheet would run as
//   a formula gets a leading apostrophe: one starting with '=' or '@', with '+' or '-' unless it
//   is a plain number ("-5" stays -5), or with a tab or carriage return. A value no spreadsheet
//   runs is written as it is, so the apostrophe shows only where it stops a formula.
// - IDs are kept as text: an all-digit ID that a spreadsheet would turn into a number (a
//   leading zero lost, or more than 15 digits rounded) is written as ="00123", a formula whose
//   only content is the quoted digits, which every spreadsheet shows as the text 00123.
#pragma once

#include <string>
#include <string_view>

namespace rosterd {

// The UTF-8 byte-order mark a CSV file starts with.
inline constexpr std::string_view kCsvBom = "\xEF\xBB\xBF";

// The cell, neutralised and quoted when it holds a comma, a quote or a line break.
std::string csv_cell(std::string_view value);

// An ID's cell: as csv_cell, but digits a spreadsheet would change are kept as text.
std::string csv_id_cell(std::string_view id);

}  // namespace rosterd
