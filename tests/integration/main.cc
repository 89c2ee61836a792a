#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "tests/support/kept_dirs.h"  // a failed test's folders are kept and named
