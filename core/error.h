// The two exception kinds rosterd throws. Anything that is data (a bad row, a refused file) is a
// plain value instead (see discrepancy.h); exceptions are for what stops the command.
#pragma once

#include <stdexcept>
#include <string>

namespace rosterd {

// A problem the user can fix: a bad configuration, a bad command line, a file that cannot be
// opened. The message says what, where and what to do; it is printed as "rosterd: error: ...".
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The configuration file is wrong. Messages start with "FILE:LINE: key.path: ".
class ConfigError : public Error {
 public:
  using Error::Error;
};

// What a person named is not there: a run, an alert, a student, a mail. The message says what;
// the command line or the console adds where to look, in its own terms.
class NotFoundError : public Error {
 public:
  enum class What { run, alert, student, record, mail, user, token, feed };
  NotFoundError(What kind, const std::string& message) : Error(message), kind_(kind) {}
  What kind() const { return kind_; }

 private:
  What kind_;
};

// What rosterd needs is not there to be used: a folder it cannot write (read-only, full, out of
// file descriptors), a store it cannot open, a database it cannot reach. Not the configuration's
// fault: an operator fixes the machine, not the file (exit status 7, distinct from 2).
class UnavailableError : public Error {
 public:
  using Error::Error;
};

// The command line is wrong (unknown option, missing argument).
class UsageError : public Error {
 public:
  using Error::Error;
};

}  // namespace rosterd
