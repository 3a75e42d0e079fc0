# Consumer test fixture: installs the enclosing brine build into a fresh prefix.
# Usage: cmake -DBUILD_DIR=<brine build> -DPREFIX=<prefix> [-DCONFIG=<config>] -P install.cmake
file(REMOVE_RECURSE "${PREFIX}")
set(config_args "")
if(CONFIG)
  set(config_args --config "${CONFIG}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}" ${config_args}
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${result})")
endif()
