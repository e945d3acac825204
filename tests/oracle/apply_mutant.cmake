cmake_minimum_required(VERSION 3.25)
# cmake -DMUTANT=file.mutant -DNAME=name -DSOURCE=policy.cpp -DOUT=mutated.cpp -P apply_mutant.cmake
#
# Writes SOURCE with every find/replace of MUTANT applied, plus the mutant's name, the
# invariants it must be caught by, and whether every find text was there (a refactored
# source that no longer holds the text makes the mutant's test fail, never pass silently).
#
# A .mutant file:
#   source = src/core/aggregator.cpp        (relative to the source tree)
#   catches = charge-blocked charge-exact   (oracle invariant names; any of them)
#   <<< find
#   exact text
#   === replace
#   new text
#   >>>
# (several find/replace blocks allowed; lines starting with # outside blocks are comments)
file(READ "${MUTANT}" spec)
file(READ "${SOURCE}" text)
string(REGEX MATCH "catches = [^\n]*" catches_line "${spec}")
string(REGEX REPLACE "^catches = " "" catches "${catches_line}")
set(all_found 1)
set(blocks 0)
while(TRUE)
  string(FIND "${spec}" "<<< find\n" begin)
  if(begin EQUAL -1)
    break()
  endif()
  math(EXPR begin "${begin} + 9")
  string(SUBSTRING "${spec}" ${begin} -1 spec)
  string(FIND "${spec}" "=== replace\n" middle)
  string(FIND "${spec}" ">>>" end)
  if(middle EQUAL -1 OR end EQUAL -1 OR end LESS middle)
    message(FATAL_ERROR "${MUTANT}: a block needs '=== replace' and '>>>'")
  endif()
  string(SUBSTRING "${spec}" 0 ${middle} find)
  math(EXPR after_middle "${middle} + 12")
  math(EXPR replace_length "${end} - ${after_middle}")
  string(SUBSTRING "${spec}" ${after_middle} ${replace_length} replace)
  math(EXPR after_end "${end} + 3")
  string(SUBSTRING "${spec}" ${after_end} -1 spec)
  string(FIND "${text}" "${find}" at)
  if(at EQUAL -1)
    set(all_found 0)
  else()
    string(REPLACE "${find}" "${replace}" text "${text}")
  endif()
  math(EXPR blocks "${blocks} + 1")
endwhile()
if(blocks EQUAL 0)
  set(all_found 0)
endif()
if(all_found)
  set(applied true)
else()
  set(applied false)
endif()
string(APPEND text "
// Planted by tests/oracle/apply_mutant.cmake from ${MUTANT}
namespace bms::oracle::mutant {
extern const char* const kName;
extern const char* const kCatches;
extern const bool kApplied;
const char* const kName = \"${NAME}\";
const char* const kCatches = \"${catches}\";
const bool kApplied = ${applied};
}  // namespace bms::oracle::mutant
")
file(WRITE "${OUT}.tmp" "${text}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
