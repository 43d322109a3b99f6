# Helpers that give every okr target the same warnings and test registration.
include_guard(GLOBAL)

# okr_set_warnings(<target>): the project's warning set; errors when OKR_WARNINGS_AS_ERRORS.
function(okr_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough
    # GCC 12 at -O2 reports false "may be used uninitialized" inside std::variant and
    # std::optional moves (GCC bugs 105562, 107919); clang and -O0 builds still check it.
    $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>
    $<$<BOOL:${OKR_WARNINGS_AS_ERRORS}>:-Werror>)
endfunction()

# okr_add_test(NAME <name> LABEL <unit|integration|e2e|contract> SOURCES ... LIBS ...)
# Builds one GoogleTest executable and registers each of its tests with ctest.
function(okr_add_test)
  cmake_parse_arguments(T "" "NAME;LABEL;TIMEOUT" "SOURCES;LIBS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  okr_set_warnings(${T_NAME})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gmock GTest::gtest_main)
  include(GoogleTest)
  gtest_discover_tests(${T_NAME}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS ${T_LABEL} TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "OKR_BUILD_DIR=${PROJECT_BINARY_DIR};OKR_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()
