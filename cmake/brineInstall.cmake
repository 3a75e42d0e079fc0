# Install rules: headers, the brine::brine target and a relocatable brineConfig.cmake.
# brine_warnings is deliberately not installed: consumers choose their own flags.
include(CMakePackageConfigHelpers)
set(BRINE_CMAKE_DIR ${CMAKE_INSTALL_DATADIR}/cmake/brine)  # header-only: arch-independent
install(TARGETS brine EXPORT brineTargets)
install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT brineTargets NAMESPACE brine:: DESTINATION ${BRINE_CMAKE_DIR})
configure_package_config_file(cmake/brineConfig.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/brineConfig.cmake
                              INSTALL_DESTINATION ${BRINE_CMAKE_DIR})
# 0.x: a minor release may break the API, so only the same minor version is compatible.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/brineConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/brineConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/brineConfigVersion.cmake
        DESTINATION ${BRINE_CMAKE_DIR})
install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/brine)
