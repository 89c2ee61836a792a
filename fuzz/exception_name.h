// The type of an exception as written in C++, for a fuzz target's report of a finding (an
// exception of a type the code under test must never let escape).
#pragma once

#include <cxxabi.h>

#include <cstdlib>
#include <exception>
#include <string>
#include <typeinfo>

namespace rosterd::fuzz {

inline std::string exception_name(const std::exception& e) {
  int status = 0;
  char* name = abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status);
  std::string out = status == 0 ? name : typeid(e).name();
  std::free(name);
  return out;
}

}  // namespace rosterd::fuzz
