// The one place rosterd includes fast-cpp-csv-parser. Its header trips gcc 12's
// -Wstringop-truncation (a strncpy of the file name in its error types) once inlined into our
// code; the warning is about the library, so it is silenced for it alone.
#pragma once

#pragma GCC diagnostic push
#if !defined(__clang__)  // a gcc-only warning: clang (the fuzz build) does not know it
#pragma GCC diagnostic ignored "-Wstringop-truncation"
#endif
#include <libfccp/csv.h>
#pragma GCC diagnostic pop
