# The oracle library's sources, shared with the libFuzzer build (tests/fuzz), which has no
# test layer of its own.
set(BMS_ORACLE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/bank_generator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bank_run.cpp
  ${CMAKE_CURRENT_LIST_DIR}/emitted_frame_set.cpp
  ${CMAKE_CURRENT_LIST_DIR}/policy_oracle.cpp)
