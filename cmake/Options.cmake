# Project-wide compile options, sanitizers and the helper to declare tests.
add_compile_options(-Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers)
if(VS_SANITIZE)
  add_compile_options(-fsanitize=${VS_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${VS_SANITIZE})
endif()

set(VS_VERSION_STRING "${PROJECT_VERSION}")
configure_file(${CMAKE_SOURCE_DIR}/cmake/version.h.in ${CMAKE_BINARY_DIR}/generated/vs_version.h @ONLY)
include_directories(${CMAKE_SOURCE_DIR}/src ${CMAKE_BINARY_DIR}/generated)

# Sanitizer runs build only what `ctest -L unit` runs: this target depends on every unit test.
add_custom_target(vs_unit_tests)

# vs_test(NAME LABEL SOURCES... LIBS ...): a GoogleTest binary registered with ctest under LABEL
# (unit or integration). Integration tests talk to real servers and are not run under sanitizers.
function(vs_test name label)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main Threads::Threads)
  add_test(NAME ${name} COMMAND ${name})
  if(label STREQUAL "unit")
    add_dependencies(vs_unit_tests ${name})
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS ${label} TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "VS_BUILD_DIR=${CMAKE_BINARY_DIR};VS_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
endfunction()
