# Every dependency comes from Debian's packages (scripts/install-deps.sh installs them).
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)        # libssl-dev: SHA-256 of every roster file
find_package(yaml-cpp REQUIRED)      # libyaml-cpp-dev: the configuration file
find_package(SQLite3 3.35 REQUIRED)  # libsqlite3-dev: the embedded roster store (RETURNING)
find_package(CURL REQUIRED)          # libcurl4-openssl-dev: QA reports by SMTP
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBSSH REQUIRED IMPORTED_TARGET libssh)  # libssh-dev: SFTP drops
pkg_check_modules(LIBSYSTEMD REQUIRED IMPORTED_TARGET libsystemd)  # libsystemd-dev: sd_notify
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)  # libpq-dev: the shared PostgreSQL store
pkg_check_modules(LIBSODIUM REQUIRED IMPORTED_TARGET libsodium)  # libsodium-dev: console passwords
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)  # libzip-dev: sets delivered as a zip
find_package(Boost 1.74 REQUIRED)    # libboost-dev: Asio, the service's event loop

# libcctz-dev: time zones for schedules (tzdata's files, their POSIX rule past the last
# transition included). Debian ships no CMake or pkg-config file for it.
find_path(CCTZ_INCLUDE_DIR cctz/time_zone.h REQUIRED)
find_library(CCTZ_LIBRARY cctz REQUIRED)
add_library(cctz INTERFACE)
target_include_directories(cctz SYSTEM INTERFACE ${CCTZ_INCLUDE_DIR})
target_link_libraries(cctz INTERFACE ${CCTZ_LIBRARY})

# libfccp-dev: fast-cpp-csv-parser is a single header, libfccp/csv.h.
find_path(FCCP_INCLUDE_DIR libfccp/csv.h REQUIRED)
add_library(fccp INTERFACE)
target_include_directories(fccp SYSTEM INTERFACE ${FCCP_INCLUDE_DIR})
target_link_libraries(fccp INTERFACE Threads::Threads)

# nlohmann-json3-dev: the operations read the service's status answer with it (the tests parse
# our JSON with it too). Header-only.
find_path(NLOHMANN_JSON_INCLUDE_DIR nlohmann/json.hpp REQUIRED)
add_library(nlohmann_json_headers INTERFACE)
target_include_directories(nlohmann_json_headers SYSTEM INTERFACE ${NLOHMANN_JSON_INCLUDE_DIR})

if(ROSTERD_BUILD_TESTS)
  find_package(doctest REQUIRED)     # doctest-dev
endif()
