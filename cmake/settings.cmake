# Compile settings shared by every rosterd target, in one place (linked as rosterd_settings).
add_library(rosterd_settings INTERFACE)
target_compile_features(rosterd_settings INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)
# Sources include each other from the repository root: "core/field.h", "parsers/roster_reader.h".
target_include_directories(rosterd_settings INTERFACE ${PROJECT_SOURCE_DIR})
target_compile_options(rosterd_settings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                       -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wnull-dereference)
if(ROSTERD_WERROR)
  target_compile_options(rosterd_settings INTERFACE -Werror)
endif()
if(ROSTERD_SANITIZE)
  target_compile_options(rosterd_settings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                         -fno-sanitize-recover=undefined)
  target_link_options(rosterd_settings INTERFACE -fsanitize=address,undefined)
endif()
# libFuzzer (fuzz/): every library gets the coverage instrumentation and the sanitizers, so that
# a fuzz target sees into the code it drives; the targets themselves add libFuzzer's main.
if(ROSTERD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "ROSTERD_FUZZ needs clang (libFuzzer): configure with CC=clang-14 CXX=clang++-14")
  endif()
  target_compile_options(rosterd_settings INTERFACE -fsanitize=fuzzer-no-link,address,undefined
                         -fno-omit-frame-pointer)
  target_link_options(rosterd_settings INTERFACE -fsanitize=fuzzer-no-link,address,undefined)
endif()
