# Writes OUT, a header with the commit the sources are at, every build (not
# only at configure time), so a result file never names an older commit
# than the code that made it. "-dirty" marks uncommitted changes, tracked or
# new, in the folders that are compiled (not results/, which a sweep writes
# into: that would change the checkpoint fingerprint mid-sweep); "unknown" a
# tree without git. The file is rewritten only when the text changes, so an
# unchanged commit recompiles nothing.
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY "${SOURCE_DIR}"
                OUTPUT_VARIABLE sha OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR sha STREQUAL "")
  set(sha "unknown")
else()
  execute_process(COMMAND git status --porcelain -- core likelihoods samplers cells harness cmake
                          CMakeLists.txt CMakePresets.json
                  WORKING_DIRECTORY "${SOURCE_DIR}" OUTPUT_VARIABLE changes ERROR_QUIET)
  if(NOT changes STREQUAL "")
    string(APPEND sha "-dirty")
  endif()
endif()
set(text "#pragma once\n// Generated at build time by cmake/git_sha.cmake.\nnamespace nslab::build_info {\ninline constexpr const char* kGitSha = \"${sha}\";\n}  // namespace nslab::build_info\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
